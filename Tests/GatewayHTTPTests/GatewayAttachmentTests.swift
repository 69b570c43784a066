import Foundation
import Gateway
import TestSupport
import Testing

/// `GET /v1/messages/{id}/attachments/{attachmentId}` over real loopback HTTP in front of the real Dovecot:
/// decoded bytes checked against the message files on disk, headers, validators, ranges, and the spooled
/// path of a message over the streaming threshold (`big`'s 5 MB message).
@Suite(.serialized) struct GatewayAttachmentTests {
    let gateway: GatewayFixture
    let spool: SpoolDirectory

    init() throws {
        let spool = try SpoolDirectory()
        self.spool = spool
        self.gateway = try GatewayFixture { $0.spoolDirectory = spool.path }
    }

    /// The invoice's PDF and its Japanese note arrive decoded, byte for byte, with their types, RFC 6266
    /// names (ASCII fallback and RFC 8187 `filename*`) and the safety headers.
    @Test func attachmentsArriveDecoded() throws {
        let id = try self.gateway.aliceID(6)
        let parts = MultipartFile.parts(
            of: try self.gateway.aliceFile(6),
            boundary: "----=_Part_6_1407129733.1705300000000"
        )
        let pdf = try self.gateway.request("/v1/messages/\(id)/attachments/2")
        #expect(pdf.status == 200)
        #expect(Array(pdf.body) == (try MultipartFile.base64Decoded(parts[1].body)))
        #expect(pdf.body.starts(with: Array("%PDF-1.4".utf8)))
        #expect(pdf.headers["content-type"] == "application/pdf")
        #expect(pdf.headers["content-length"] == String(pdf.body.count))
        #expect(
            pdf.headers["content-disposition"]
                == "attachment; filename=\"Rechnung M_rz 2024 _ Nr. 42.pdf\"; "
                + "filename*=UTF-8''Rechnung%20M%C3%A4rz%202024%20%E2%80%93%20Nr.%2042.pdf"
        )
        #expect(pdf.headers["x-content-type-options"] == "nosniff")
        #expect(pdf.headers["content-security-policy"] == "sandbox")
        #expect(pdf.headers["accept-ranges"] == "bytes")
        #expect(pdf.headers["cache-control"] == "private")

        let note = try self.gateway.request("/v1/messages/\(id)/attachments/3")
        #expect(note.status == 200)
        #expect(String(decoding: note.body, as: UTF8.self) == "メモ: 請求書を確認してください。\n")
        #expect(note.headers["content-type"] == "text/plain")
        #expect(
            note.headers["content-disposition"]
                == "attachment; filename=\"______.txt\"; "
                + "filename*=UTF-8''%E6%97%A5%E6%9C%AC%E8%AA%9E%E3%81%AE%E3%83%A1%E3%83%A2.txt"
        )
    }

    /// The inline logo (part 2.2 of alice 7) and the forwarded message (alice 8) come as they were sent:
    /// the PNG decoded from base64, the message/rfc822 part byte for byte.
    @Test func nestedAndForwardedParts() throws {
        let logoParts = MultipartFile.parts(of: try self.gateway.aliceFile(7), boundary: "=_alice07_rel_5b2a")
        let logo = try self.gateway.request("/v1/messages/\(try self.gateway.aliceID(7))/attachments/2.2")
        #expect(logo.status == 200)
        #expect(logo.headers["content-type"] == "image/png")
        #expect(logo.headers["content-disposition"] == "inline; filename=\"logo.png\"; filename*=UTF-8''logo.png")
        #expect(Array(logo.body) == (try MultipartFile.base64Decoded(logoParts[1].body)))

        let forwardParts = MultipartFile.parts(of: try self.gateway.aliceFile(8), boundary: "=_alice08_mixed_c0ffee")
        let forwarded = try self.gateway.request("/v1/messages/\(try self.gateway.aliceID(8))/attachments/2")
        #expect(forwarded.status == 200)
        #expect(forwarded.headers["content-type"] == "message/rfc822")
        #expect(Array(forwarded.body) == forwardParts[1].body)
        #expect(String(decoding: forwarded.body, as: UTF8.self).hasPrefix("Date: Fri, 12 Jan 2024 16:20:00 +0000\r\n"))
    }

    /// A strong ETag per (message, attachment) gives 304; Range gives 206 with exactly those bytes, a
    /// suffix range the tail, and a range past the end 416 with `Content-Range: bytes */size`.
    @Test func validatorsAndRanges() throws {
        let id = try self.gateway.aliceID(6)
        let path = "/v1/messages/\(id)/attachments/2"
        let whole = try self.gateway.request(path)
        let tag = try #require(whole.headers["etag"])
        #expect(!tag.hasPrefix("W/"))
        #expect(try self.gateway.request("/v1/messages/\(id)/attachments/3").headers["etag"] != tag)
        #expect(try self.gateway.request("/v1/messages/\(id)/raw").headers["etag"] != tag)
        let notModified = try self.gateway.request(path, headers: ["If-None-Match": tag])
        #expect(notModified.status == 304)
        #expect(notModified.headers["etag"] == tag)
        #expect(notModified.body.isEmpty)
        #expect(try self.gateway.request(path, headers: ["If-None-Match": "\"other\""]).status == 200)

        let part = try self.gateway.request(path, headers: ["Range": "bytes=100-1099"])
        #expect(part.status == 206)
        #expect(part.body == whole.body[100...1099])
        #expect(part.headers["content-range"] == "bytes 100-1099/\(whole.body.count)")
        #expect(part.headers["content-disposition"] == whole.headers["content-disposition"])
        let tail = try self.gateway.request(path, headers: ["Range": "bytes=-10"])
        #expect(tail.status == 206)
        #expect(tail.body == whole.body.suffix(10))
        let past = try self.gateway.request(path, headers: ["Range": "bytes=\(whole.body.count)-"])
        #expect(past.status == 416)
        #expect(past.headers["content-range"] == "bytes */\(whole.body.count)")
        #expect(past.headers["content-type"] == "application/problem+json")
    }

    /// Ids that are no attachment (the text body, a part that does not exist, however deep) are 404; ids
    /// that could never name a part (over 8,192 characters among them) are 400, before anything is fetched.
    @Test func unknownAndMalformedAttachmentIds() throws {
        let id = try self.gateway.aliceID(6)
        let deep = String(repeating: "1.", count: 32) + "1"
        for attachmentId in ["1", "4", "2.1", "999999999", "1234567890", deep] {
            let response = try self.gateway.request("/v1/messages/\(id)/attachments/\(attachmentId)")
            #expect(response.status == 404, "\(attachmentId)")
            #expect(response.headers["content-type"] == "application/problem+json")
            #expect(try response.json()["code"] as? String == "attachment_not_found", "\(attachmentId)")
        }
        let malformed = [
            "0", "01", "2.01", "1..2", ".1", "1.", ".", "a", "2a", "-1", "%20", "2%2F1",
            String(repeating: "1.", count: 4096) + "1",
        ]
        let misses = self.gateway.service.cache.statistics.misses
        for attachmentId in malformed {
            let response = try self.gateway.request("/v1/messages/\(id)/attachments/\(attachmentId)")
            #expect(response.status == 400, "\(attachmentId)")
            #expect(try response.json()["code"] as? String == "bad_request", "\(attachmentId)")
        }
        #expect(self.gateway.service.cache.statistics.misses == misses, "a malformed id fetched the message")
        #expect(try self.gateway.request("/v1/messages/no-such-id/attachments/2").status == 404)
        #expect(try self.gateway.request("/v1/messages/\(id)/attachments/2", user: nil).status == 401)
        #expect(try self.gateway.request("/v1/messages/\(id)/attachments/2", method: "DELETE").status == 405)
    }

    /// Path, quotes, CR/LF, a right-to-left override and names that are only a directory never reach the
    /// header as sent: the last path component, control and format characters removed, `attachment-<id>`
    /// (`.eml` for a forwarded message) when nothing is left; `filename*` percent-encodes the rest.
    @Test func hostileFileNamesAreDefused() throws {
        let prefix = "1900000001.M1P1.gatewaytest-hostile"
        try MaildirDelivery.deliver(
            HostileMessage.bytes,
            user: "scratch4",
            mailDirectory: self.gateway.mailDirectory,
            prefix: prefix
        )
        defer {
            try? MaildirDelivery.remove(prefix: prefix, user: "scratch4", mailDirectory: self.gateway.mailDirectory)
        }
        let list = try self.gateway.request("/v1/messages", user: "scratch4", password: "scratch-secret").json()
        let entry = try #require(
            (list["messages"] as? [[String: Any]])?.first { $0["messageId"] as? String == "hostile-names@example.com" }
        )
        let id = try #require(entry["id"] as? String)
        let message = try self.gateway.request("/v1/messages/\(id)", user: "scratch4", password: "scratch-secret")
        let attachments = try #require(try message.json()["attachments"] as? [[String: Any]])
        #expect(attachments.map { $0["id"] as? String } == ["2", "3", "4", "5", "6", "7"])
        // The JSON gives the names as sent; only the download header is sanitised.
        #expect(attachments[0]["filename"] as? String == "../../etc/passwd\"\r\nX-Injected: yes")

        let expected = [
            ("2", "attachment; filename=\"passwdX-Injected: yes\"; filename*=UTF-8''passwd%22X-Injected%3A%20yes"),
            ("3", "attachment; filename=\"invoicefdp.exe\"; filename*=UTF-8''invoicefdp.exe"),
            ("4", "attachment; filename=\"quoted name_.html\"; filename*=UTF-8''%22quoted%22%20name%25.html"),
            ("5", "attachment; filename=\"attachment-5\"; filename*=UTF-8''attachment-5"),
            ("6", "inline; filename=\"attachment-6\"; filename*=UTF-8''attachment-6"),
            // A forwarded message without a name opens in a mail program.
            ("7", "inline; filename=\"attachment-7.eml\"; filename*=UTF-8''attachment-7.eml"),
        ]
        for (attachmentId, disposition) in expected {
            let response = try self.gateway.request(
                "/v1/messages/\(id)/attachments/\(attachmentId)",
                user: "scratch4",
                password: "scratch-secret"
            )
            #expect(response.status == 200, "\(attachmentId)")
            #expect(response.headers["content-disposition"] == disposition, "\(attachmentId)")
            #expect(response.headers["x-injected"] == nil)
            #expect(response.headers["x-content-type-options"] == "nosniff")
        }
        let html = try self.gateway.request(
            "/v1/messages/\(id)/attachments/4",
            user: "scratch4",
            password: "scratch-secret"
        )
        #expect(html.headers["content-type"] == "text/html")
        #expect(html.headers["content-security-policy"] == "sandbox")
        #expect(String(decoding: html.body, as: UTF8.self) == "<script>alert(document.cookie)</script>\r\n")
    }

    /// `big`'s 5 MB message is over the streaming threshold: its JSON comes from a spool file, nothing is
    /// cached, and the spool leaves neither a name nor an open descriptor behind.
    @Test func largeMessageIsDecodedFromTheSpool() throws {
        let id = try self.bigMessageID()
        let message = try self.gateway.request("/v1/messages/\(id)", user: "big", password: "big-secret").json()
        #expect((message["text"] as? [String: Any])?["content"] as? String == "A 5 MB attachment follows.")
        let attachment = try #require((message["attachments"] as? [[String: Any]])?.first)
        #expect(attachment["id"] as? String == "2")
        #expect(attachment["filename"] as? String == "blob.bin")
        #expect(attachment["contentType"] as? String == "application/octet-stream")
        #expect(attachment["size"] as? Int == 3_800_000)
        #expect(message["hasAttachments"] as? Bool == true)
        #expect(self.gateway.service.cache.statistics.memoryEntries == 0)
        #expect(self.spool.entries.isEmpty)
        #expect(self.spool.openFiles() == 0)
    }

    /// The 3.8 MB attachment of the spooled message streams with a Content-Length, byte for byte; ranges are
    /// cut from the decoded stream; 304 and 416 work as for small messages.
    @Test func largeAttachmentStreamsFromTheSpool() throws {
        let id = try self.bigMessageID()
        let file = try #require(
            self.gateway.messageFiles(of: "big").map { Array(try Data(contentsOf: $0)) }.max { $0.count < $1.count }
        )
        let expected = try MultipartFile.base64Decoded(MultipartFile.parts(of: file, boundary: "=_big02_5mb")[1].body)
        #expect(expected.count == 3_800_000)
        let path = "/v1/messages/\(id)/attachments/2"
        let whole = try self.gateway.request(path, user: "big", password: "big-secret")
        #expect(whole.status == 200)
        #expect(whole.headers["content-length"] == "3800000")
        #expect(whole.headers["content-disposition"] == "attachment; filename=\"blob.bin\"; filename*=UTF-8''blob.bin")
        #expect(Array(whole.body) == expected)

        let ranges: [(header: String, offsets: Range<Int>)] = [
            ("bytes=0-0", 0..<1), ("bytes=1000000-1999999", 1_000_000..<2_000_000),
            ("bytes=3799990-", 3_799_990..<3_800_000),
            ("bytes=-65537", 3_800_000 - 65537..<3_800_000), ("bytes=3000000-9999999", 3_000_000..<3_800_000),
        ]
        for (header, offsets) in ranges {
            let part = try self.gateway.request(path, user: "big", password: "big-secret", headers: ["Range": header])
            #expect(part.status == 206, "\(header)")
            #expect(Array(part.body) == Array(expected[offsets]), "\(header)")
            #expect(
                part.headers["content-range"] == "bytes \(offsets.lowerBound)-\(offsets.upperBound - 1)/3800000",
                "\(header)"
            )
        }
        let past = try self.gateway.request(
            path,
            user: "big",
            password: "big-secret",
            headers: ["Range": "bytes=3800000-"]
        )
        #expect(past.status == 416)
        #expect(past.headers["content-range"] == "bytes */3800000")
        let tag = try #require(whole.headers["etag"])
        let notModified = try self.gateway.request(
            path,
            user: "big",
            password: "big-secret",
            headers: ["If-None-Match": tag]
        )
        #expect(notModified.status == 304)
        #expect(self.gateway.service.cache.statistics.memoryEntries == 0)
        #expect(self.spool.entries.isEmpty)
        #expect(FaultWait.until(timeout: .seconds(5)) { self.spool.openFiles() == 0 }, "a spool file is still open")
    }

    private func bigMessageID() throws -> String {
        let list = try self.gateway.request("/v1/messages", user: "big", password: "big-secret").json()
        let messages = try #require(list["messages"] as? [[String: Any]])
        let largest = try #require(messages.max { ($0["size"] as? Int ?? 0) < ($1["size"] as? Int ?? 0) })
        return try #require(largest["id"] as? String)
    }
}

/// A message whose attachments are named to attack a download header.
enum HostileMessage {
    static let bytes: [UInt8] = {
        let lines = [
            "Date: Fri, 01 Mar 2024 09:00:00 +0000", "From: Mallory <mallory@example.com>", "To: scratch4@example.test",
            "Subject: Hostile file names", "Message-ID: <hostile-names@example.com>", "MIME-Version: 1.0",
            "Content-Type: multipart/mixed; boundary=\"hostile\"", "",
            "--hostile", "Content-Type: text/plain; charset=us-ascii", "",
            "Every attachment here has a dangerous name.",
            "--hostile", "Content-Type: application/octet-stream",
            "Content-Disposition: attachment; filename*=UTF-8''..%2F..%2Fetc%2Fpasswd%22%0D%0AX-Injected%3A%20yes",
            "Content-Transfer-Encoding: base64", "", "cm9vdDp4OjA6MDo=",
            "--hostile", "Content-Type: application/x-msdownload",
            "Content-Disposition: attachment; filename*=UTF-8''C%3A%5CUsers%5Cevil%5Cinvoice%E2%80%AEfdp.exe",
            "Content-Transfer-Encoding: base64", "", "TVo=",
            "--hostile", "Content-Type: text/html; charset=utf-8",
            "Content-Disposition: attachment; filename*=UTF-8''%22quoted%22%20name%25.html", "",
            "<script>alert(document.cookie)</script>", "",
            "--hostile", "Content-Type: application/octet-stream",
            "Content-Disposition: attachment; filename=\"../../\"",
            "", "only a directory",
            "--hostile", "Content-Type: application/octet-stream", "", "no name at all",
            "--hostile", "Content-Type: message/rfc822", "", "Subject: forwarded without a name", "", "hello",
            "--hostile--", "",
        ]
        return Array(lines.joined(separator: "\r\n").utf8)
    }()
}
