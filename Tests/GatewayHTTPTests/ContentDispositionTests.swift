import Testing

@testable import GatewayHTTP

@Suite struct ContentDispositionTests {
    /// A plain ASCII name is sent as it is, in both parameters.
    @Test func plainName() {
        #expect(
            ContentDisposition.value(disposition: "attachment", filename: "report.pdf", attachmentId: "2")
                == "attachment; filename=\"report.pdf\"; filename*=UTF-8''report.pdf"
        )
    }

    /// Non-ASCII becomes `_` in the fallback and UTF-8 percent-escapes in `filename*` (RFC 8187).
    @Test func nonASCIIName() {
        #expect(
            ContentDisposition.value(disposition: "inline", filename: "Grüße 日本.txt", attachmentId: "3")
                == "inline; filename=\"Gr__e __.txt\"; filename*=UTF-8''Gr%C3%BC%C3%9Fe%20%E6%97%A5%E6%9C%AC.txt"
        )
    }

    /// Only the last path component survives, for `/` and `\` alike; a name that is only a path or dots is
    /// replaced by `attachment-<id>`.
    @Test(
        arguments: [
            ("../../etc/passwd", "passwd"), ("C:\\Windows\\system32\\evil.dll", "evil.dll"), ("a/b\\c/d.txt", "d.txt"),
            ("/", nil), ("../..", nil), ("dir/", nil), ("  .  ", nil), ("", nil), ("\r\n", nil),
        ] as [(String, String?)]
    )
    func pathsAreStripped(_ filename: String, _ expected: String?) {
        #expect(ContentDisposition.safeName(filename) == expected)
    }

    /// CR, LF, NUL, DEL, C1 controls and invisible format characters (a right-to-left override) are removed,
    /// so that a header never ends early and an extension cannot be disguised.
    @Test func controlAndFormatCharactersAreRemoved() {
        #expect(ContentDisposition.safeName("a\r\nSet-Cookie: x\u{0}\u{7F}\u{85}.txt") == "aSet-Cookie: x.txt")
        #expect(ContentDisposition.safeName("invoice\u{202E}fdp.exe") == "invoicefdp.exe")
        #expect(ContentDisposition.safeName("zero\u{200B}width\u{2028}.txt") == "zerowidth.txt")
    }

    /// Quotes, backslashes and `%` never appear in the quoted fallback; `filename*` escapes them.
    @Test func quotesAndPercentSigns() {
        let value = ContentDisposition.value(disposition: "attachment", filename: "\"x\" 100%.txt", attachmentId: "2")
        #expect(value == "attachment; filename=\"x 100_.txt\"; filename*=UTF-8''%22x%22%20100%25.txt")
        #expect(ContentDisposition.asciiFallback("a\\b\"c") == "abc")
    }

    /// A long name is cut to 200 scalars, keeping its extension.
    @Test func longNamesAreCapped() throws {
        let name = try #require(ContentDisposition.safeName(String(repeating: "ä", count: 500) + ".pdf"))
        #expect(name.unicodeScalars.count == ContentDisposition.maximumNameLength)
        #expect(name.hasSuffix("ä.pdf"))
        let noExtension = try #require(ContentDisposition.safeName(String(repeating: "x", count: 300)))
        #expect(noExtension.count == ContentDisposition.maximumNameLength)
    }

    /// Without a name the part is called after its id, a forwarded message with `.eml`; an unknown
    /// disposition is inline.
    @Test func missingName() {
        #expect(
            ContentDisposition.value(disposition: "weird", filename: nil, attachmentId: "2.1.3")
                == "inline; filename=\"attachment-2.1.3\"; filename*=UTF-8''attachment-2.1.3"
        )
        #expect(
            ContentDisposition.value(
                disposition: "attachment",
                filename: nil,
                attachmentId: "2",
                contentType: "message/rfc822"
            ) == "attachment; filename=\"attachment-2.eml\"; filename*=UTF-8''attachment-2.eml"
        )
    }

    /// A media type goes into the header only when it is `token/token`.
    @Test func mediaTypes() {
        #expect(AttachmentResponse.mediaType("image/png") == "image/png")
        #expect(AttachmentResponse.mediaType("application/vnd.ms-excel") == "application/vnd.ms-excel")
        for bad in ["", "image", "image/", "/png", "a/b/c", "text/html\r\nX: y", "text/ html", "tëxt/plain"] {
            #expect(AttachmentResponse.mediaType(bad) == "application/octet-stream", "\(bad.debugDescription)")
        }
    }
}
