import Foundation
import Glibc
import MIME
import Testing

@testable import Gateway

/// Spool files: nameless from the start (O_TMPFILE, or mkstemp and unlink), closed with their object, and
/// an attachment decoded from them whole or as a byte range.
@Suite struct SpooledMessageTests {
    /// A multipart message with a 100,000-byte base64 attachment (bytes 0, 1, ... 255, 0, 1, ...).
    static let content = (0..<100_000).map { UInt8(truncatingIfNeeded: $0) }
    static let message: [UInt8] = {
        let head = [
            "From: a@example.com", "Subject: spool", "MIME-Version: 1.0",
            "Content-Type: multipart/mixed; boundary=b", "", "--b", "Content-Type: text/plain", "", "Hello.", "--b",
            "Content-Type: application/octet-stream", "Content-Transfer-Encoding: base64",
            "Content-Disposition: attachment; filename=data.bin", "", "",
        ].joined(separator: "\r\n")
        let encoded = Data(content).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn])
        return Array((head + encoded.replacingOccurrences(of: "\r", with: "\r\n") + "\r\n--b--\r\n").utf8)
    }()

    /// Both ways of making the file leave no name in the directory, and the descriptor closes with the object.
    @Test(arguments: [true, false])
    func leavesNothingBehind(tryingTmpfile: Bool) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("spool-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var spool: SpooledMessage? = try SpooledMessage(directory: directory, tryingTmpfile: tryingTmpfile)
        try Self.message.withUnsafeBytes { try spool?.append($0) }
        #expect(spool?.size == Self.message.count)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
        #expect(Self.openFiles(in: directory) == 1)
        spool = nil
        #expect(Self.openFiles(in: directory) == 0)
    }

    /// The spool parses like the bytes, and finds an attachment with its decoded size.
    @Test func parsesAndFindsAttachments() throws {
        let spool = try Self.spooled()
        let parsed = spool.parse()
        #expect(parsed.summary.subject == "spool")
        #expect(parsed.body.text == "Hello.")
        #expect(parsed.body.attachments.map(\.size) == [Self.content.count])
        #expect(spool.attachment("2")?.filename == "data.bin")
        #expect(spool.attachment("2")?.size == Self.content.count)
        #expect(spool.attachment("1") == nil)
        #expect(spool.attachment("3") == nil)
    }

    /// Any byte range comes out exactly, across GMime's chunk boundaries; decoding stops after it.
    @Test(arguments: [0..<100_000, 0..<1, 4095..<4097, 50_000..<50_001, 12_345..<87_654, 99_999..<100_000, 7..<7])
    func writesRanges(_ range: Range<Int>) throws {
        let spool = try Self.spooled()
        var written: [UInt8] = []
        try spool.writeAttachment("2", range: range) { written += $0 }
        #expect(written == Array(Self.content[range]))
    }

    /// A missing attachment throws; an error of the writer (a client gone) comes out as it was thrown.
    @Test func errors() throws {
        let spool = try Self.spooled()
        #expect(throws: MailboxServiceError.attachmentNotFound) {
            try spool.writeAttachment("9", range: 0..<10) { _ in }
        }
        struct Gone: Error {}
        #expect(throws: Gone.self) { try spool.writeAttachment("2", range: 0..<100_000) { _ in throw Gone() } }
        #expect(throws: MailboxServiceError.spoolFailed(errno: ENOENT)) {
            try SpooledMessage(directory: "/nonexistent-\(UUID().uuidString)")
        }
    }

    private static func spooled() throws -> SpooledMessage {
        let spool = try SpooledMessage(directory: FileManager.default.temporaryDirectory.path)
        try Self.message.withUnsafeBytes { try spool.append($0) }
        return spool
    }

    private static func openFiles(in directory: String) -> Int {
        let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return descriptors.count { descriptor in
            var target = [CChar](repeating: 0, count: 4096)
            let length = readlink("/proc/self/fd/\(descriptor)", &target, target.count - 1)
            guard length > 0 else { return false }
            let path = String(decoding: target.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return path.hasPrefix(directory + "/")
        }
    }
}
