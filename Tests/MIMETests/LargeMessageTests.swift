import Foundation
import MIME
import TestSupport
import Testing

/// The corpus's large message (`make-corpus.py --large`: a 20 MiB base64 attachment, a 28.7 MB message)
/// parsed and streamed from a file, with the memory that took; run in an exit test's child process, where
/// nothing else runs, so that the growth of its peak resident size belongs to this work alone.
private enum IsolatedLargeMessage {
    /// The most the peak resident size may grow: far below the 28.7 MB message and its 20 MiB attachment.
    static let growthLimit = 8 * 1_048_576

    /// Why the measurement could not be made.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Generates the message, parses it with `parseMessage(fileDescriptor:)`, streams its attachment with
    /// `attachment(_:fileDescriptor:write:)`, and checks both against the generator's expectation and the
    /// memory limit. Prints one `large attachment: ...` line, and a line per failure; returns the exit status.
    static func run() -> Int32 {
        var failures: [String] = []
        let line: String
        do {
            line = try self.measure(failures: &failures)
        } catch {
            line = "large attachment: not measured: \(error)"
            failures.append("\(error)")
        }
        print(line)
        for failure in failures {
            print("FAIL: \(failure)")
            // Forwarded to the parent, which sees no standard output when the exit status is wrong.
            Issue.record(Comment(rawValue: "\(failure)\n\(line)"))
        }
        return failures.isEmpty ? EXIT_SUCCESS : EXIT_FAILURE
    }

    private static func measure(failures: inout [String]) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mime-large-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try Python3.run([Corpus.generator.path, "--large", directory.path])
        let file = directory.appendingPathComponent("large-20mb.eml")
        let expectation = try Corpus.expectation(at: file)
        let fileDescriptor = open(file.path, O_RDONLY)
        guard fileDescriptor >= 0 else { throw Failure(description: "cannot open \(file.path)") }
        defer { close(fileDescriptor) }
        let fileSize = Int(lseek(fileDescriptor, 0, SEEK_END))

        // Only this runs in the child, so the peak after minus the resident size before is this work's: counted
        // from the resident size rather than the peak, it is an upper bound even where the peak cannot be reset.
        let peakWasReset = ProcessMemory.resetPeak()
        guard let residentBefore = ProcessMemory.residentBytes, let peakBefore = ProcessMemory.peakResidentBytes
        else { throw Failure(description: "no VmRSS or VmHWM in /proc/self/status") }
        // Parse, then stream attachment 2 through the SHA-256 of the comparison, as a download would.
        let parsed = MIMEParser.parseMessage(fileDescriptor: fileDescriptor)
        var comparison = CorpusComparison(file: file.lastPathComponent)
        var chunks = 0
        var streamedSize = 0
        comparison.compare(parsed, with: expectation) { id, write in
            MIMEParser.attachment(id, fileDescriptor: fileDescriptor) { chunk in
                chunks += 1
                streamedSize += chunk.count
                write(chunk)
            }
        }
        guard let peakAfter = ProcessMemory.peakResidentBytes, let residentAfter = ProcessMemory.residentBytes
        else { throw Failure(description: "no VmRSS or VmHWM in /proc/self/status") }

        let growth = peakAfter - residentBefore
        failures += comparison.mismatches
        if chunks == 0 {
            failures.append("large-20mb.eml: no attachment was streamed (does the .json give its sha256?)")
        }
        if growth > self.growthLimit {
            failures.append("peak RSS grew by \(mebibytes(growth)), more than \(mebibytes(self.growthLimit))")
        }
        let verdict = comparison.mismatches.isEmpty ? "as expected" : "\(comparison.mismatches.count) mismatches"
        let reset = peakWasReset ? "reset" : "not reset"
        return """
            large attachment: file \(fileSize) bytes, attachment \(streamedSize) bytes in \(chunks) chunks, \
            fields, size and SHA-256 \(verdict); VmRSS \(mebibytes(residentBefore)) before, \
            \(mebibytes(residentAfter)) after; VmHWM \(mebibytes(peakBefore)) before (\(reset)), \
            \(mebibytes(peakAfter)) after; peak RSS growth \(mebibytes(growth)) (limit \(mebibytes(self.growthLimit)))
            """
    }

    private static func mebibytes(_ bytes: Int) -> String {
        String(format: "%.2f MiB", Double(bytes) / 1_048_576)
    }
}

/// The 20 MiB attachment of the large corpus message parses and streams from a file with every byte right
/// (size and SHA-256 as the generator wrote them), while the peak resident memory grows by less than 8 MiB
/// (GMime leaves the content in the file). Measured in a child process of its own (an exit test), since the
/// peak is process-wide and other tests run in parallel in this one.
@Test func largeAttachmentFromAFile() async {
    let result = await #expect(processExitsWith: .success, observing: [\.standardOutputContent]) {
        exit(IsolatedLargeMessage.run())
    }
    if let result {
        print(String(decoding: result.standardOutputContent, as: UTF8.self), terminator: "")
    }
}

/// The file variants give exactly what the in-memory ones give, whatever the descriptor's offset, and
/// leave the descriptor open.
@Test func fileAndBytesAgree() throws {
    let message = MessageLines.crlf(
        "From: a@example.com",
        "Subject: =?UTF-8?Q?f=C3=BCr_dich?=",
        "Content-Type: multipart/mixed; boundary=b",
        "",
        "--b",
        "Content-Type: text/plain; charset=iso-8859-1",
        "Content-Transfer-Encoding: quoted-printable",
        "",
        "Gr=FC=DFe",
        "--b",
        "Content-Type: message/rfc822",
        "",
        "Subject: inner",
        "",
        "inner body",
        "--b",
        "Content-Type: image/gif; name=dot.gif",
        "Content-Transfer-Encoding: base64",
        "",
        "R0lGODlhAQABAAAAACw=",
        "--b--"
    )
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("mime-\(UUID().uuidString).eml").path
    try Data(message).write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let fileDescriptor = open(path, O_RDONLY)
    try #require(fileDescriptor >= 0)
    defer { close(fileDescriptor) }

    // An offset left anywhere does not matter: the whole file is the message.
    lseek(fileDescriptor, 17, SEEK_SET)
    let fromFile = MIMEParser.parseMessage(fileDescriptor: fileDescriptor)
    let fromBytes = MIMEParser.parseMessage(message)
    #expect(fromFile == fromBytes)
    #expect(fromFile.body.text == "Grüße")
    #expect(fromFile.body.attachments.map(\.id) == ["2", "3"])
    for attachment in fromBytes.body.attachments {
        var fileBytes: [UInt8] = []
        let described = MIMEParser.attachment(attachment.id, fileDescriptor: fileDescriptor) {
            fileBytes.append(contentsOf: $0)
        }
        #expect(described == attachment)
        #expect(fileBytes == StreamedAttachment(attachment.id, in: message).bytes)
    }
    #expect(MIMEParser.attachment("1", fileDescriptor: fileDescriptor) { _ in } == nil)
    // Still open: the parser borrowed the descriptor.
    #expect(fcntl(fileDescriptor, F_GETFD) != -1)
}

/// A descriptor that cannot be read by offset (a pipe), and an empty file, read as an empty message.
@Test func unusableDescriptors() throws {
    var ends: [Int32] = [0, 0]
    try #require(pipe(&ends) == 0)
    _ = "Subject: x\r\n\r\nbody\r\n".withCString { write(ends[1], $0, strlen($0)) }
    close(ends[1])
    defer { close(ends[0]) }
    #expect(MIMEParser.parseMessage(fileDescriptor: ends[0]) == (MessageSummary(), [], MessageBody()))

    let path = FileManager.default.temporaryDirectory.appendingPathComponent("mime-empty-\(UUID().uuidString)").path
    try #require(FileManager.default.createFile(atPath: path, contents: nil))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let empty = open(path, O_RDONLY)
    try #require(empty >= 0)
    defer { close(empty) }
    #expect(MIMEParser.parseMessage(fileDescriptor: empty) == (MessageSummary(), [], MessageBody()))
}
