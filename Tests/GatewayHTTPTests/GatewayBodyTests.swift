import Foundation
import Gateway
import Testing

/// `GET /v1/messages/{id}` with bodies and attachments, over real loopback HTTP in front of the real
/// Dovecot; the expectations are what scripts/make-test-mail.py put into alice's demo mailbox.
@Suite(.serialized) struct GatewayBodyTests {
    let gateway: GatewayFixture

    init() throws {
        self.gateway = try GatewayFixture()
    }

    /// The multipart/mixed invoice (alice 6): its text body, no HTML, both attachments with their RFC 2231
    /// names and decoded sizes, and every field the document had before.
    @Test func mixedMessageHasTextAndAttachments() throws {
        let id = try self.gateway.aliceID(6)
        let message = try self.gateway.request("/v1/messages/\(id)").json()
        #expect(message["subject"] as? String == "Invoice March 2024 (PDF attached)")
        #expect(message["hasAttachments"] as? Bool == true)
        #expect((message["headers"] as? [[String: Any]])?.isEmpty == false)
        #expect(message["replyTo"] as? [Any] != nil && message["references"] as? [Any] != nil)
        #expect(message.keys.contains("inReplyTo"))
        let text = try #require(message["text"] as? [String: Any])
        #expect(text["content"] as? String == "Dear Alice,\n\nplease find your invoice attached.\n\nRegards,\nBilling")
        #expect(text["hasMore"] as? Bool == false)
        #expect(message["html"] is NSNull)

        let files = try self.gateway.aliceFile(6)
        let parts = MultipartFile.parts(of: files, boundary: "----=_Part_6_1407129733.1705300000000")
        let pdf = try MultipartFile.base64Decoded(parts[1].body)
        let attachments = try #require(message["attachments"] as? [[String: Any]])
        #expect(attachments.count == 2)
        #expect(attachments[0]["id"] as? String == "2")
        #expect(attachments[0]["filename"] as? String == "Rechnung März 2024 – Nr. 42.pdf")
        #expect(attachments[0]["contentType"] as? String == "application/pdf")
        #expect(attachments[0]["size"] as? Int == pdf.count)
        #expect(attachments[0]["contentId"] is NSNull)
        #expect(attachments[0]["disposition"] as? String == "attachment")
        #expect(attachments[0]["message"] is NSNull)
        #expect(attachments[1]["id"] as? String == "3")
        #expect(attachments[1]["filename"] as? String == "日本語のメモ.txt")
        #expect(attachments[1]["contentType"] as? String == "text/plain")
        #expect(attachments[1]["size"] as? Int == "メモ: 請求書を確認してください。\n".utf8.count)
    }

    /// The multipart/alternative report (alice 5) has both bodies and no attachment, so hasAttachments is
    /// false here, where the listing's header-based guess is null.
    @Test func alternativeMessageHasBothBodies() throws {
        let id = try self.gateway.aliceID(5)
        let message = try self.gateway.request("/v1/messages/\(id)").json()
        let text = try #require((message["text"] as? [String: Any])?["content"] as? String)
        #expect(text == "Quarterly numbers\n\n* Revenue: up 12%\n* Costs: down 3%\n\nSee the HTML version for a table.")
        let html = try #require((message["html"] as? [String: Any])?["content"] as? String)
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"))
        #expect(html.contains("<p style=\"color:#666\">Sent with <b>love</b> – and an en dash.</p>"))
        #expect((message["attachments"] as? [Any])?.isEmpty == true)
        #expect(message["hasAttachments"] as? Bool == false)

        let listing = try self.gateway.request("/v1/messages?limit=500").json()
        let entry = try #require((listing["messages"] as? [[String: Any]])?.first { $0["id"] as? String == id })
        #expect(entry["hasAttachments"] is NSNull)
    }

    /// An inline image with a name and a Content-ID (alice 7) counts as an attachment; a nameless inline
    /// calendar part (alice 9) does not.
    @Test func inlinePartsAndTheAttachmentRule() throws {
        let logo = try self.gateway.request("/v1/messages/\(try self.gateway.aliceID(7))").json()
        let image = try #require((logo["attachments"] as? [[String: Any]])?.first)
        #expect(image["id"] as? String == "2.2")
        #expect(image["filename"] as? String == "logo.png")
        #expect(image["contentType"] as? String == "image/png")
        #expect(image["contentId"] as? String == "logo.png@01DA4C1B.7E3F2A10")
        #expect(image["disposition"] as? String == "inline")
        #expect(logo["hasAttachments"] as? Bool == true)
        let html = try #require((logo["html"] as? [String: Any])?["content"] as? String)
        #expect(html.contains("cid:logo.png@01DA4C1B.7E3F2A10"))
        #expect(
            (logo["text"] as? [String: Any])?["content"] as? String == "Our new logo is attached inline. Looks good?"
        )

        let invitation = try self.gateway.request("/v1/messages/\(try self.gateway.aliceID(9))").json()
        let calendar = try #require((invitation["attachments"] as? [[String: Any]])?.first)
        #expect(calendar["contentType"] as? String == "text/calendar")
        #expect(calendar["filename"] is NSNull)
        #expect(calendar["disposition"] as? String == "inline")
        #expect(invitation["hasAttachments"] as? Bool == false)
    }

    /// A forwarded message/rfc822 (alice 8) is one attachment whose `message` is the embedded summary.
    @Test func forwardedMessageCarriesItsSummary() throws {
        let message = try self.gateway.request("/v1/messages/\(try self.gateway.aliceID(8))").json()
        let forwarded = try #require((message["attachments"] as? [[String: Any]])?.first)
        #expect(forwarded["contentType"] as? String == "message/rfc822")
        #expect(forwarded["filename"] as? String == "Original message.eml")
        let embedded = try #require(forwarded["message"] as? [String: Any])
        #expect(embedded["subject"] as? String == "Original message")
        #expect(embedded["date"] as? String == "2024-01-12T16:20:00+00:00")
        #expect(embedded["messageId"] as? String == "original-1@example.net")
        #expect((embedded["from"] as? [[String: Any]])?.first?["address"] as? String == "eve@example.net")
        #expect((embedded["to"] as? [[String: Any]])?.first?["name"] as? String == "Bob Example")
        #expect((embedded["cc"] as? [Any])?.isEmpty == true)
        #expect(embedded["hasAttachments"] as? Bool == false)
        #expect(embedded["id"] == nil && embedded["size"] == nil)
    }

    /// textType=plain leaves html null, textType=html leaves text null, both (the default) sends both.
    @Test func textTypeSelectsTheBodies() throws {
        let id = try self.gateway.aliceID(5)
        for (query, hasText, hasHTML) in [
            ("", true, true), ("?textType=both", true, true), ("?textType=plain", true, false),
            ("?textType=html", false, true),
        ] {
            let message = try self.gateway.request("/v1/messages/\(id)\(query)").json()
            #expect((message["text"] is NSNull) == !hasText, "\(query)")
            #expect((message["html"] is NSNull) == !hasHTML, "\(query)")
            #expect((message["attachments"] as? [Any]) != nil, "\(query)")
        }
    }

    /// maxBytes cuts each body to at most that many UTF-8 bytes, never inside a character, with hasMore.
    @Test func maxBytesCutsAtACharacterBoundary() throws {
        let id = try self.gateway.aliceID(2)
        let whole = try #require(
            (try self.gateway.request("/v1/messages/\(id)").json()["text"] as? [String: Any])?["content"] as? String
        )
        #expect(whole.hasPrefix("Liebe Alice,\n\nviele Grüße"))
        // "Liebe Alice,\n\nviele Gr" is 22 bytes; "ü" takes bytes 23 and 24.
        let cuts: [(maxBytes: Int, content: String)] = [
            (22, "Liebe Alice,\n\nviele Gr"), (23, "Liebe Alice,\n\nviele Gr"), (24, "Liebe Alice,\n\nviele Grü"),
        ]
        for (maxBytes, expected) in cuts {
            let text = try self.text(id, query: "?maxBytes=\(maxBytes)")
            #expect(text.content == expected, "maxBytes=\(maxBytes)")
            #expect(text.hasMore, "maxBytes=\(maxBytes)")
        }
        // Across the whole text (umlauts, €, ✓, CJK, Hangul): every cut is a prefix ending on a scalar boundary.
        let bytes = Array(whole.utf8)
        for maxBytes in stride(from: 1, through: bytes.count + 1, by: 7) {
            let text = try self.text(id, query: "?maxBytes=\(maxBytes)&textType=plain")
            let cut = Array(text.content.utf8)
            #expect(cut.count <= maxBytes && bytes.starts(with: cut), "maxBytes=\(maxBytes)")
            #expect(text.hasMore == (maxBytes < bytes.count), "maxBytes=\(maxBytes)")
            if text.hasMore {
                #expect(cut.count >= maxBytes - 3, "cut more than one character at maxBytes=\(maxBytes)")
            }
        }
        let exact = try self.text(id, query: "?maxBytes=\(bytes.count)")
        #expect(exact.content == whole && !exact.hasMore)
    }

    /// Each textType/maxBytes selection has its own ETag and its own rendered-cache entry: a warm request
    /// never gets another selection's body, and a tag revalidates only its own selection.
    @Test func representationsAreCachedAndTaggedApart() throws {
        let id = try self.gateway.aliceID(5)
        let queries = ["", "?textType=plain", "?textType=plain&maxBytes=10", "?maxBytes=10"]
        var tags: [String: String] = [:]
        for query in queries {
            let first = try self.gateway.request("/v1/messages/\(id)\(query)")
            tags[query] = first.headers["etag"]
        }
        #expect(Set(tags.values).count == queries.count, "\(tags)")
        for query in queries {
            let poolBefore = self.gateway.service.pool.statistics
            let warm = try self.gateway.request("/v1/messages/\(id)\(query)")
            #expect(self.gateway.service.pool.statistics.loginsSucceeded == poolBefore.loginsSucceeded)
            #expect(warm.headers["etag"] == tags[query])
            let json = try warm.json()
            #expect((json["html"] is NSNull) == query.contains("plain"), "\(query)")
            let text = try #require(json["text"] as? [String: Any])
            #expect((text["hasMore"] as? Bool) == query.contains("maxBytes"), "\(query)")
            let tag = try #require(tags[query])
            #expect(
                try self.gateway.request("/v1/messages/\(id)\(query)", headers: ["If-None-Match": tag]).status == 304
            )
            for other in queries where other != query {
                let response = try self.gateway.request("/v1/messages/\(id)\(other)", headers: ["If-None-Match": tag])
                #expect(response.status == 200, "\(query)'s tag on \(other)")
            }
        }
    }

    /// If-None-Match is answered from the listing alone on a cold gateway: 304 without downloading.
    @Test func revalidationDownloadsNothing() throws {
        let id = try self.gateway.aliceID(21)
        let first = try self.gateway.request("/v1/messages/\(id)?textType=html")
        let tag = try #require(first.headers["etag"])
        let cold = try GatewayFixture()
        _ = try cold.request("/v1/mailbox")
        let misses = cold.service.cache.statistics.misses
        let response = try cold.request("/v1/messages/\(id)?textType=html", headers: ["If-None-Match": tag])
        #expect(response.status == 304)
        #expect(response.headers["etag"] == tag)
        #expect(cold.service.cache.statistics.misses == misses)
        #expect(cold.service.cache.statistics.memoryEntries == 0)
    }

    /// Malformed textType or maxBytes values are 400 problems, and so is a parameter the route does not take.
    @Test func badParametersAre400() throws {
        let id = try self.gateway.aliceID(5)
        let bad = [
            "textType=xml", "textType=", "textType=PLAIN", "maxBytes=0", "maxBytes=-1", "maxBytes=67108865",
            "maxBytes=abc", "maxBytes=1.5", "maxBytes=", "maxBytes=99999999999999999999", "unknown=1",
            "textType=html&maxBytes=5&x=y", "maxbytes=5",
        ]
        for query in bad {
            let response = try self.gateway.request("/v1/messages/\(id)?\(query)")
            #expect(response.status == 400, "\(query)")
            #expect(response.headers["content-type"] == "application/problem+json", "\(query)")
            #expect(try response.json()["code"] as? String == "bad_request", "\(query)")
        }
        for query in ["maxBytes=67108864", "maxBytes=1", "textType=html&maxBytes=5"] {
            #expect(try self.gateway.request("/v1/messages/\(id)?\(query)").status == 200, "\(query)")
        }
    }

    private func text(_ id: String, query: String) throws -> (content: String, hasMore: Bool) {
        let json = try self.gateway.request("/v1/messages/\(id)\(query)").json()
        let text = try #require(json["text"] as? [String: Any])
        return (try #require(text["content"] as? String), try #require(text["hasMore"] as? Bool))
    }
}

extension GatewayFixture {
    /// The id of alice's message number `number` (1-based, the generator's order).
    func aliceID(_ number: Int) throws -> String {
        let page = try self.request("/v1/messages?limit=500").json()
        let ids = try #require(page["messages"] as? [[String: Any]]).compactMap { $0["id"] as? String }
        try #require(ids.count >= number)
        return Array(ids.reversed())[number - 1]
    }

    /// The file of alice's message number `number`.
    func aliceFile(_ number: Int) throws -> [UInt8] {
        let files = self.messageFiles(of: "alice")
        try #require(files.count >= number)
        return Array(try Data(contentsOf: files[number - 1]))
    }
}
