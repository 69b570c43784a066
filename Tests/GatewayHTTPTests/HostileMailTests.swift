import Foundation
import Gateway
import InMemoryLogging
import Logging
import TestSupport
import Testing

/// Messages made to break a MIME parser: headers that drive GMime into deep recursion, absurd nesting,
/// and sheer numbers. Written here, CRLF throughout, as a sender could write them.
enum HostileMail {
    /// Name and bytes of each message.
    static let all: [(name: String, bytes: [UInt8])] = [
        ("to-30000-encoded-words", message("To: " + encodedWords(30_000) + "<x@y.example>")),
        ("to-20000-nested-groups", message("To: " + nestedGroups(20_000))),
        ("subject-1mb-one-line", message("Subject: " + String(repeating: "x", count: 1 << 20))),
        ("from-50000-nested-comments", message(nestedComments(50_000))),
        ("multipart-5000-deep", nestedMultipart(5_000)),
        ("rfc822-5000-deep", nestedMessages(5_000)),
        ("content-type-100000-parameters", message(parameters(100_000))),
        ("attachments-30000", attachments(30_000)),
        (
            "rfc822-with-encoded-word-bomb",
            multipart(
                "Content-Type: message/rfc822\r\n\r\n"
                    + String(decoding: message("To: " + encodedWords(10_000)), as: UTF8.self)
            )
        ),
    ]

    /// Adjacent encoded words that each hold raw colons, as machine-made display names do.
    private static func encodedWords(_ count: Int) -> String {
        String(repeating: "=?utf-8?Q?date=3E2017-08-20T10:08:28.617=3C/pr?= ", count: count)
    }

    private static func nestedGroups(_ count: Int) -> String {
        String(repeating: "g:", count: count) + "b@example.com" + String(repeating: ";", count: count)
    }

    private static func nestedComments(_ count: Int) -> String {
        "From: " + String(repeating: "(", count: count) + "c" + String(repeating: ")", count: count) + " <a@b.example>"
    }

    private static func parameters(_ count: Int) -> String {
        "Content-Type: text/plain; charset=utf-8" + (0..<count).map { ";\r\n p\($0)=v" }.joined()
    }

    /// A message with `header` among ordinary fields, and a short body.
    private static func message(_ header: String, body: String = "hello\r\n") -> [UInt8] {
        var fields = ["From: Sender <sender@hostile.example>", "Subject: hostile", "Message-ID: <h@hostile.example>"]
        let name = header.prefix { $0 != ":" }.lowercased()
        fields.removeAll { $0.prefix { $0 != ":" }.lowercased() == name }
        return Array((([header] + fields).joined(separator: "\r\n") + "\r\n\r\n" + body).utf8)
    }

    private static func multipart(_ part: String) -> [UInt8] {
        message(
            "Content-Type: multipart/mixed; boundary=outer",
            body: "--outer\r\nContent-Type: text/plain\r\n\r\nfirst\r\n--outer\r\n\(part)\r\n--outer--\r\n"
        )
    }

    private static func nestedMultipart(_ depth: Int) -> [UInt8] {
        var body = ""
        for level in 0..<depth {
            body += "Content-Type: multipart/mixed; boundary=b\(level)\r\n\r\n--b\(level)\r\n"
        }
        body += "Content-Type: text/plain\r\n\r\ninnermost\r\n"
        for level in (0..<depth).reversed() { body += "--b\(level)--\r\n" }
        return message("MIME-Version: 1.0", body: body)
    }

    private static func nestedMessages(_ depth: Int) -> [UInt8] {
        let body =
            String(repeating: "Content-Type: message/rfc822\r\n\r\nSubject: inner\r\n", count: depth)
            + "Content-Type: text/plain\r\n\r\ninnermost\r\n"
        return message("Content-Type: message/rfc822", body: body)
    }

    private static func attachments(_ count: Int) -> [UInt8] {
        var body = ""
        for index in 0..<count {
            body +=
                "--a\r\nContent-Type: application/octet-stream; name=\"f\(index).bin\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\nAAE=\r\n"
        }
        return message("Content-Type: multipart/mixed; boundary=a", body: body + "--a--\r\n")
    }
}

/// No message, however hostile, crashes or hangs the gateway: against the real Dovecot, over HTTP, the
/// listing and every message answer 200, and `/raw` gives back the bytes as they were delivered, both for
/// messages parsed in memory and for messages spooled to a file first. A crash would end this test
/// process, a hang would fail the request's deadline. An address field read as a flat list is logged as
/// a warning with the request's id.
@Suite(.serialized) struct HostileMailTests {
    private static let user = "hostile"
    private static let password = "hostile-secret"
    private static let prefix = "1900000100.M"

    @Test(arguments: [false, true])
    func everyHostileMessageIsServed(spooled: Bool) throws {
        let handler = InMemoryLogHandler()
        let gateway = try GatewayFixture(logger: Logger(label: "test", factory: { _ in handler })) { configuration in
            // Spooled: every message goes through the file path (SpooledMessage) instead of memory.
            if spooled { configuration.streamingThreshold = 4 * 1024 }
        }
        let messages = HostileMail.all
        for (index, message) in messages.enumerated() {
            try MaildirDelivery.deliver(
                message.bytes,
                user: Self.user,
                mailDirectory: gateway.mailDirectory,
                prefix: "\(Self.prefix)\(index)P1.hostile"
            )
        }
        defer {
            for index in messages.indices {
                try? MaildirDelivery.remove(
                    prefix: "\(Self.prefix)\(index)P1.hostile",
                    user: Self.user,
                    mailDirectory: gateway.mailDirectory
                )
            }
        }

        let listing = try gateway.request(
            "/v1/messages?limit=100&refresh=true",
            user: Self.user,
            password: Self.password
        )
        #expect(listing.status == 200)
        let summaries = try #require(try listing.json()["messages"] as? [[String: Any]])
        try #require(summaries.count == messages.count, "every message is listed")
        // Newest first: the last delivered message is listed first.
        for (position, summary) in summaries.enumerated() {
            let message = messages[messages.count - 1 - position]
            let id = try #require(summary["id"] as? String)
            let path = "/v1/messages/\(id.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? id)"
            #expect(summary["size"] as? Int == message.bytes.count, "\(message.name)")
            let document = try gateway.request(path, user: Self.user, password: Self.password)
            #expect(document.status == 200, "\(message.name): \(document.status)")
            let raw = try gateway.request(path + "/raw", user: Self.user, password: Self.password)
            #expect(raw.status == 200, "\(message.name): raw \(raw.status)")
            #expect([UInt8](raw.body) == message.bytes, "\(message.name): raw bytes")
        }
        let health = try gateway.request("/healthz", user: nil)
        #expect(health.status == 200)

        // The two top-level bombs on the listing page, each again for its message document (the embedded
        // one only there), every warning with the request's id.
        let warnings = handler.entries.filter { $0.level == .warning && $0.message.description.contains("flat list") }
        let bombs = ["to-30000-encoded-words", "to-20000-nested-groups", "rfc822-with-encoded-word-bomb"]
        let bombIds = summaries.enumerated().filter { bombs.contains(messages[messages.count - 1 - $0.offset].name) }
            .compactMap { $0.element["id"] as? String }
        #expect(Set(warnings.compactMap { $0.metadata["message_id"].map { "\($0)" } }) == Set(bombIds))
        #expect(warnings.count == 5)
        #expect(warnings.allSatisfy { $0.metadata["request_id"] != nil })
    }
}
