import Foundation
import TestSupport
import Testing

@testable import POP3Client

/// A ~20 MB message with a 15 MB base64 attachment, served by the real `pop3-gateway` binary in a child
/// process: the message JSON and the attachment download both go through the spool, so the gateway's
/// peak resident memory grows by a small fraction of the attachment's size.
@Suite(.serialized) struct GatewayMemoryTests {
    static let attachmentSize = 15_000_000
    static let filePrefix = "1900000002.M1P1.gatewaytest-large"

    /// The download's bytes have the attachment's SHA-256 (counted as they arrive, never kept); the peak
    /// RSS growth of the gateway process stays under a quarter of the attachment's size.
    @Test func largeAttachmentStreamsInLittleMemory() throws {
        let environment = try GatewayFixture.testServerEnvironment()
        let mailDirectory = try #require(environment["POP3GW_TEST_MAIL_DIR"])
        let (message, expectedDigest) = Self.largeMessage()
        try MaildirDelivery.deliver(message, user: "scratch8", mailDirectory: mailDirectory, prefix: Self.filePrefix)
        defer { try? MaildirDelivery.remove(prefix: Self.filePrefix, user: "scratch8", mailDirectory: mailDirectory) }

        let spool = try SpoolDirectory()
        let gateway = try GatewayProcess(arguments: ["--spool-dir", spool.path, "--workers", "4"])
        defer { gateway.stop() }
        let client = StreamingClient(port: gateway.port, user: "scratch8", password: "scratch-secret")

        // Warm up: log in, list, decode a small message, so that what follows measures only the large one.
        let listing = try client.json("/v1/messages")
        let messages = try #require(listing["messages"] as? [[String: Any]])
        let large = try #require(messages.first { $0["size"] as? Int == message.count })
        let id = try #require(large["id"] as? String)
        let small = try #require(messages.first { $0["id"] as? String != id }?["id"] as? String)
        _ = try client.json("/v1/messages/\(small)")

        let before = try #require(gateway.residentBytes)
        let peakResets = gateway.resetPeak()
        let document = try client.json("/v1/messages/\(id)")
        let attachment = try #require((document["attachments"] as? [[String: Any]])?.first)
        #expect(attachment["size"] as? Int == Self.attachmentSize)
        #expect(attachment["filename"] as? String == "large.bin")
        let afterJSON = try #require(gateway.peakResidentBytes)

        if peakResets { _ = gateway.resetPeak() }
        let download = try client.download("/v1/messages/\(id)/attachments/2")
        let afterDownload = try #require(gateway.peakResidentBytes)
        #expect(download.status == 200)
        #expect(download.headers["content-length"] == String(Self.attachmentSize))
        #expect(download.byteCount == Self.attachmentSize)
        #expect(download.sha256 == expectedDigest)

        let part = try client.download("/v1/messages/\(id)/attachments/2", range: "bytes=7000000-7999999")
        #expect(part.status == 206)
        #expect(part.byteCount == 1_000_000)
        #expect(part.headers["content-range"] == "bytes 7000000-7999999/\(Self.attachmentSize)")

        #expect(spool.entries.isEmpty)
        #expect(spool.openFiles(of: String(gateway.pid)) == 0, "the gateway still has a spool file open")

        let mebibyte = Double(1 << 20)
        let jsonGrowth = max(0, afterJSON - before)
        let downloadGrowth = max(0, afterDownload - before)
        print(
            String(
                format: "pop3-gateway peak RSS growth (VmHWM - VmRSS before, peak reset: %@): message JSON %.1f MiB, "
                    + "attachment download %.1f MiB; message %.1f MiB, attachment %.1f MiB",
                peakResets ? "yes" : "no",
                Double(jsonGrowth) / mebibyte,
                Double(downloadGrowth) / mebibyte,
                Double(message.count) / mebibyte,
                Double(Self.attachmentSize) / mebibyte
            )
        )
        #expect(jsonGrowth < Self.attachmentSize / 4, "JSON of a spooled message grew RSS by \(jsonGrowth)")
        #expect(downloadGrowth < Self.attachmentSize / 4, "the attachment download grew RSS by \(downloadGrowth)")
    }

    /// The message (multipart/mixed: a short text, `large.bin` in base64 with CRLF lines) and the SHA-256
    /// of the attachment's bytes, drawn from a fixed seed.
    static func largeMessage() -> (message: [UInt8], sha256: String) {
        var generator = SeededGenerator(seed: 0x5EED_1A46_E000)
        var attachment = [UInt8](repeating: 0, count: self.attachmentSize)
        attachment.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let word = generator.next()
                for byte in 0..<min(8, buffer.count - offset) {
                    buffer[offset + byte] = UInt8(truncatingIfNeeded: word >> (8 * UInt64(byte)))
                }
                offset += 8
            }
        }
        let encoded = Data(attachment).base64EncodedData(options: [
            .lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed,
        ])
        let head = [
            "Date: Sat, 02 Mar 2024 10:00:00 +0000", "From: Test Sender <sender@example.com>",
            "To: scratch8@example.test", "Subject: Large attachment (15 MB)",
            "Message-ID: <large-attachment@example.com>",
            "MIME-Version: 1.0", "Content-Type: multipart/mixed; boundary=\"=_large\"", "", "--=_large",
            "Content-Type: text/plain; charset=us-ascii", "", "A 15 MB attachment follows.", "--=_large",
            "Content-Type: application/octet-stream; name=\"large.bin\"", "Content-Transfer-Encoding: base64",
            "Content-Disposition: attachment; filename=\"large.bin\"", "", "",
        ].joined(separator: "\r\n")
        var message = Array(head.utf8)
        message.reserveCapacity(message.count + encoded.count + 32)
        message += encoded
        message += Array("\r\n--=_large--\r\n".utf8)
        return (message, SHA256.hex(attachment))
    }
}

/// HTTP GETs against a gateway on loopback that read the body as it arrives: JSON is parsed, a download
/// is only counted and hashed, so that a large body never sits in the test's memory either.
struct StreamingClient {
    var port: Int
    var user: String
    var password: String

    struct Download {
        var status: Int
        var headers: [String: String]
        var byteCount: Int
        var sha256: String
    }

    func json(_ path: String) throws -> [String: Any] {
        var body: [UInt8] = []
        let download = try self.get(path, range: nil) { body += $0 }
        guard download.status == 200 else { throw FixtureError(description: "\(path): status \(download.status)") }
        guard let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw FixtureError(description: "\(path): not a JSON object")
        }
        return object
    }

    func download(_ path: String, range: String? = nil) throws -> Download {
        try self.get(path, range: range) { _ in }
    }

    /// One GET with `Connection: close`; the body (Content-Length delimited) goes to `body` in pieces.
    private func get(_ path: String, range: String?, body: ([UInt8]) -> Void) throws -> Download {
        var lines = [
            "GET \(path) HTTP/1.1", "Host: 127.0.0.1", "Connection: close",
            "Authorization: Basic " + Data("\(self.user):\(self.password)".utf8).base64EncodedString(),
        ]
        if let range { lines.append("Range: \(range)") }
        let request = Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8)
        let deadline = Deadline.after(.seconds(120))
        let socket = try TCPSocket.connect(host: "127.0.0.1", port: self.port, deadline: deadline)
        defer { socket.close() }
        try request.withUnsafeBytes { try socket.write($0, deadline: deadline) }

        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var head: [UInt8] = []
        var digest = SHA256()
        var byteCount = 0
        var headEnd: Int?
        while true {
            let count = try buffer.withUnsafeMutableBytes { try socket.read(into: $0, deadline: deadline) }
            if count == 0 { break }
            var chunk = buffer[..<count]
            if headEnd == nil {
                head += chunk
                guard let end = head.firstRange(of: Array("\r\n\r\n".utf8)) else { continue }
                headEnd = end.upperBound
                chunk = head[end.upperBound...]
                head = Array(head[..<end.lowerBound])
            }
            byteCount += chunk.count
            let piece = Array(chunk)
            digest.update(piece)
            body(piece)
        }
        let response = try GatewayFixture.Response(parsing: head + Array("\r\n\r\n".utf8), method: "HEAD")
        return Download(
            status: response.status,
            headers: response.headers,
            byteCount: byteCount,
            sha256: digest.finalize()
        )
    }
}
