import MIME
import TestSupport
import Testing

/// A single-part message with the given Content-Type, Content-Transfer-Encoding and raw body bytes.
private func singlePart(contentType: String, encoding: String? = nil, body: [UInt8]) -> [UInt8] {
    var headers = ["From: a@example.com", "Subject: body test", "MIME-Version: 1.0", "Content-Type: " + contentType]
    if let encoding {
        headers.append("Content-Transfer-Encoding: " + encoding)
    }
    return MessageLines.message(headers: headers, body: body)
}

private func text(_ message: [UInt8]) -> String? {
    MIMEParser.parseMessage(message).body.text
}

/// A message that is not multipart and is text/plain is its own text, with LF line endings and no attachments.
@Test func plainMessageIsItsOwnText() {
    let message = MessageLines.crlf("From: a@example.com", "Subject: hi", "", "Hello,", "", "second paragraph.")
    let body = MIMEParser.parseMessage(message).body
    #expect(body == MessageBody(text: "Hello,\n\nsecond paragraph.\n"))
}

/// A message that is not multipart and is text/html is its own HTML; it has no text.
@Test func htmlMessageIsItsOwnHTML() {
    let body = MIMEParser.parseMessage(
        singlePart(contentType: "text/html; charset=utf-8", body: Array("<p>Hi</p>\r\n".utf8))
    ).body
    #expect(body == MessageBody(html: "<p>Hi</p>\n"))
}

/// Each Content-Transfer-Encoding is decoded by GMime before the charset conversion.
@Test(arguments: [
    ("7bit", "plain seven bit\r\nsecond line\r\n", "plain seven bit\nsecond line\n"),
    ("8bit", "Grüße aus München\r\nzweite Zeile\r\n", "Grüße aus München\nzweite Zeile\n"),
    ("binary", "Grüße aus München\r\nzweite Zeile\r\n", "Grüße aus München\nzweite Zeile\n"),
    ("BASE64", "R3LDvMOfZSBhdXMgTcO8bmNoZW4NCnp3ZWl0ZSBaZWlsZQ0K\r\n", "Grüße aus München\nzweite Zeile\n"),
    (
        "quoted-printable",
        "Gr=C3=BC=C3=9Fe aus M=C3=BCnchen, ein langer Satz, der wei=\r\nch umgebrochen wird=3D\r\nzweite Zeile\r\n",
        "Grüße aus München, ein langer Satz, der weich umgebrochen wird=\nzweite Zeile\n"
    ),
    (
        "x-uuencode",
        #"begin 644 body.txt"# + "\r\n" + #"82&5L;&\L('5U96YC;V1E9"!W;W)L9"$*"# + "\r\n`\r\nend\r\n",
        "Hello, uuencoded world!\n"
    ),
])
func transferEncodings(encoding: String, body: String, expected: String) {
    let message = singlePart(contentType: "text/plain; charset=UTF-8", encoding: encoding, body: Array(body.utf8))
    #expect(text(message) == expected)
}

/// The declared charset is converted to UTF-8 (GMime's aliases apply: GB2312 is read as its superset GBK).
@Test(arguments: [
    ("ISO-8859-1", "R3L832UgYXVzIE38bmNoZW4sIOAgbCfpdOk=", "Grüße aus München, à l'été"),
    ("ISO-8859-15", "UHJpeCA6IDUgpCAtIL11dnJl", "Prix : 5 € - œuvre"),
    ("windows-1252", "k1NtYXJ0lCBxdW90ZXMgliA1IIAghQ==", "“Smart” quotes – 5 € …"),
    ("KOI8-R", "8NLJ18XUIMnaIO3P08vX2Q==", "Привет из Москвы"),
    ("Shift_JIS", "k4yLnoKpgueCzIKokm2C54K5gUGCsYLxgsmCv4LNgUI=", "東京からのお知らせ、こんにちは。"),
    ("ISO-2022-JP", "GyRCRWw1fiQrJGkkTiQqQ04kaSQ7GyhC", "東京からのお知らせ"),
    ("GB2312", "xOO6w6OsysC95w==", "你好，世界"),
    ("gb2312", "xOO6w6OsysC956O66UY=", "你好，世界：镕"),
    ("GBK", "xOO6w6OsysC956O66UY=", "你好，世界：镕"),
    ("Big5", "u0+lX6q6pNGu8Kvcpm4=", "臺北的天氣很好"),
    ("utf-8", "bmHDr3ZlIGZhw6dhZGUg4pyTIPCfmIA=", "naïve façade ✓ 😀"),
    ("\"UTF-8\"", "bmHDr3ZlIGZhw6dhZGUg4pyTIPCfmIA=", "naïve façade ✓ 😀"),
])
func declaredCharsets(charset: String, base64: String, expected: String) {
    let message = singlePart(
        contentType: "text/plain; charset=" + charset,
        encoding: "base64",
        body: Array((base64 + "\r\n").utf8)
    )
    #expect(text(message) == expected)
}

/// A missing, unknown or wrong charset falls back: UTF-8 when the bytes are valid UTF-8, else
/// windows-1252, else ISO-8859-1; a national charset with a few invalid bytes keeps its text with U+FFFD.
@Test(
    arguments: [
        // No charset at all: UTF-8 bytes, then Latin-1 bytes.
        ("text/plain", [0x63, 0x61, 0x66, 0xC3, 0xA9], "café"),
        ("text/plain", [0x63, 0x61, 0x66, 0xE9, 0x20, 0x93, 0x71, 0x94], "café “q”"),
        // A charset iconv does not know.
        ("text/plain; charset=x-made-up", [0x63, 0x61, 0x66, 0xC3, 0xA9], "café"),
        ("text/plain; charset=x-made-up", [0x63, 0x61, 0x66, 0xE9], "café"),
        // UTF-8 declared, Latin-1 sent; US-ASCII declared, UTF-8 sent; US-ASCII declared, windows-1252 sent.
        ("text/plain; charset=utf-8", [0x63, 0x61, 0x66, 0xE9, 0x20, 0x80, 0x35], "café €5"),
        ("text/plain; charset=us-ascii", [0x63, 0x61, 0x66, 0xC3, 0xA9], "café"),
        ("text/plain; charset=us-ascii", [0x93, 0x68, 0x69, 0x94], "“hi”"),
        // 0x81 is in neither UTF-8 nor windows-1252: ISO-8859-1 maps it to U+0081.
        ("text/plain", [0x61, 0x81, 0xE9], "a\u{81}é"),
        // Shift_JIS with one byte pair outside the table: the rest stays Japanese.
        (
            "text/plain; charset=Shift_JIS", [0x93, 0x8C, 0x8B, 0x9E, 0x85, 0x40, 0x82, 0xC5, 0x82, 0xB7],
            "東京\u{FFFD}@です"
        ),
        // A stateful charset cut off in the middle of a character.
        ("text/plain; charset=ISO-2022-JP", [0x1B, 0x24, 0x42, 0x45, 0x6C, 0x35], "東\u{FFFD}"),
    ] as [(String, [UInt8], String)]
)
func charsetFallback(contentType: String, body: [UInt8], expected: String) {
    #expect(text(singlePart(contentType: contentType, encoding: "8bit", body: body)) == expected)
}

/// CRLF and a lone CR both become LF; a NUL character is kept, not taken for the end of the text.
@Test func lineEndingsAndNUL() {
    let body: [UInt8] = Array("a\r\nb\rc\nd\r\r\ne".utf8) + [0] + Array("f".utf8)
    #expect(text(singlePart(contentType: "text/plain", body: body)) == "a\nb\nc\nd\n\ne\u{0}f")
    // CR and LF in UTF-16 are two bytes each: the endings are normalised after the conversion.
    let utf16: [UInt8] = [0xFF, 0xFE, 0x68, 0x00, 0x0D, 0x00, 0x0A, 0x00, 0x69, 0x00]
    #expect(text(singlePart(contentType: "text/plain; charset=UTF-16", encoding: "binary", body: utf16)) == "h\ni")
}

/// multipart/alternative gives both bodies; of two text/plain alternatives the last (preferred) one wins.
@Test func alternativeChoosesTheLastMatchingPart() {
    let message = MessageLines.crlf(
        "From: a@example.com",
        "Content-Type: multipart/alternative; boundary=\"alt\"",
        "",
        "--alt",
        "Content-Type: text/plain",
        "",
        "first plain",
        "--alt",
        "Content-Type: text/html",
        "",
        "<p>html</p>",
        "--alt",
        "Content-Type: text/plain; format=flowed",
        "",
        "last plain",
        "--alt--"
    )
    let body = MIMEParser.parseMessage(message).body
    #expect(body.text == "last plain")
    #expect(body.html == "<p>html</p>")
    // The alternative that lost is still part of the message.
    #expect(body.attachments.map(\.id) == ["1"])
    #expect(body.attachments.first?.contentType == "text/plain")
}

/// An HTML newsletter: alternative of text and related(HTML + inline image); the image is an inline attachment.
@Test func relatedInsideAlternative() {
    let message = MessageLines.crlf(
        "From: news@example.com",
        "MIME-Version: 1.0",
        "Content-Type: multipart/alternative; boundary=outer",
        "",
        "--outer",
        "Content-Type: text/plain; charset=utf-8",
        "",
        "See the picture.",
        "--outer",
        "Content-Type: multipart/related; boundary=inner; type=\"text/html\"",
        "",
        "--inner",
        "Content-Type: text/html; charset=utf-8",
        "",
        "<img src=\"cid:logo@example.com\">",
        "--inner",
        "Content-Type: image/png",
        "Content-ID: <logo@example.com>",
        "Content-Transfer-Encoding: base64",
        "",
        "iVBORw0KGgo=",
        "--inner--",
        "--outer--"
    )
    let body = MIMEParser.parseMessage(message).body
    #expect(body.text == "See the picture.")
    #expect(body.html == "<img src=\"cid:logo@example.com\">")
    #expect(
        body.attachments == [
            MessageAttachment(
                id: "2.2",
                contentType: "image/png",
                size: 8,
                contentId: "logo@example.com",
                disposition: "inline"
            )
        ]
    )
}

/// multipart/related's root is the part its `start` parameter names, not necessarily the first.
@Test func relatedHonoursStart() {
    let message = MessageLines.crlf(
        "From: a@example.com",
        "Content-Type: multipart/related; boundary=r; start=\"<root@x>\"; type=\"text/html\"",
        "",
        "--r",
        "Content-Type: text/html",
        "Content-ID: <not-root@x>",
        "",
        "<p>a resource, not the root</p>",
        "--r",
        "Content-Type: text/html",
        "Content-ID: <root@x>",
        "",
        "<p>root</p>",
        "--r--"
    )
    let body = MIMEParser.parseMessage(message).body
    #expect(body.html == "<p>root</p>")
    #expect(body.attachments.map(\.id) == ["1"])
    #expect(body.attachments.map(\.contentId) == ["not-root@x"])
}

/// In multipart/mixed the first candidate wins; a later text part, and a text part marked as an
/// attachment, are attachments.
@Test func mixedTakesTheFirstCandidate() {
    let message = MessageLines.crlf(
        "From: a@example.com",
        "Content-Type: multipart/mixed; boundary=m",
        "",
        "--m",
        "Content-Type: text/plain; charset=us-ascii",
        "Content-Disposition: attachment; filename=notes.txt",
        "",
        "an attached text file",
        "--m",
        "Content-Type: multipart/alternative; boundary=a",
        "",
        "--a",
        "Content-Type: text/plain",
        "",
        "the text",
        "--a",
        "Content-Type: text/html",
        "",
        "<p>the html</p>",
        "--a--",
        "--m",
        "Content-Type: application/pdf; name=report.pdf",
        "Content-Disposition: ATTACHMENT",
        "Content-Transfer-Encoding: base64",
        "",
        "JVBERi0=",
        "--m",
        "Content-Type: text/plain",
        "",
        "a footer added by a list server",
        "--m--"
    )
    let body = MIMEParser.parseMessage(message).body
    #expect(body.text == "the text")
    #expect(body.html == "<p>the html</p>")
    #expect(body.attachments.map(\.id) == ["1", "3", "4"])
    #expect(body.attachments.map(\.filename) == ["notes.txt", "report.pdf", nil])
    #expect(body.attachments.map(\.disposition) == ["attachment", "attachment", "inline"])
    #expect(body.attachments.map(\.size) == [21, 5, 31])
}

/// A text/plain message marked as an attachment is no body: it is attachment 1.
@Test func singlePartAttachmentIsNoBody() {
    let message = MessageLines.crlf(
        "From: a@example.com",
        "Content-Type: text/plain",
        "Content-Disposition: attachment; filename=\"log.txt\"",
        "",
        "line"
    )
    let body = MIMEParser.parseMessage(message).body
    #expect(body.text == nil)
    #expect(
        body.attachments == [
            MessageAttachment(
                id: "1",
                filename: "log.txt",
                contentType: "text/plain",
                size: 6,
                disposition: "attachment"
            )
        ]
    )
}

/// multipart/signed: the signed content gives the body, the signature is an attachment.
@Test func signedMessage() {
    let message = MessageLines.crlf(
        "From: a@example.com",
        "Content-Type: multipart/signed; boundary=s; protocol=\"application/pgp-signature\"; micalg=pgp-sha256",
        "",
        "--s",
        "Content-Type: text/plain",
        "",
        "signed words",
        "--s",
        "Content-Type: application/pgp-signature; name=signature.asc",
        "",
        "-----BEGIN PGP SIGNATURE-----",
        "-----END PGP SIGNATURE-----",
        "--s--"
    )
    let body = MIMEParser.parseMessage(message).body
    #expect(body.text == "signed words")
    #expect(body.attachments.map(\.contentType) == ["application/pgp-signature"])
    #expect(body.attachments.map(\.filename) == ["signature.asc"])
}

/// Without MIME-Version the Content-Type is still honoured, as mail clients and GMime do; a message with
/// no MIME header at all is plain text.
@Test func noMIMEVersion() {
    let multipart = MessageLines.crlf(
        "From: a@example.com",
        "Content-Type: multipart/mixed; boundary=b",
        "",
        "--b",
        "Content-Type: text/plain",
        "",
        "text",
        "--b",
        "Content-Type: image/gif",
        "Content-Transfer-Encoding: base64",
        "",
        "R0lGODlh",
        "--b--"
    )
    let body = MIMEParser.parseMessage(multipart).body
    #expect(body.text == "text")
    #expect(body.attachments.map(\.contentType) == ["image/gif"])
    let plain = Array("Subject: old\n\nJust text.\n".utf8)
    #expect(MIMEParser.parseMessage(plain).body == MessageBody(text: "Just text.\n"))
}

/// A multipart whose closing boundary never comes still gives every part, the last one to the end.
@Test func missingClosingBoundary() {
    let message = MessageLines.crlf(
        "From: a@example.com",
        "Content-Type: multipart/mixed; boundary=b",
        "",
        "--b",
        "Content-Type: text/plain",
        "",
        "the text",
        "--b",
        "Content-Type: application/octet-stream",
        "Content-Disposition: attachment; filename=data.bin",
        "Content-Transfer-Encoding: base64",
        "",
        "AAECAwQF"
    )
    let body = MIMEParser.parseMessage(message).body
    #expect(body.text == "the text")
    #expect(body.attachments.map(\.filename) == ["data.bin"])
    #expect(StreamedAttachment("2", in: message).bytes == [0, 1, 2, 3, 4, 5])
}

/// parseMessage gives the same summary and headers as parseHeaders; the body adds to them.
@Test func summaryAndHeadersMatchParseHeaders() {
    let message = MessageLines.crlf(
        "Subject: =?UTF-8?Q?caf=C3=A9?=",
        "From: A <a@example.com>",
        "Content-Type: multipart/mixed; boundary=b",
        "",
        "--b",
        "Content-Type: text/plain",
        "",
        "x",
        "--b--"
    )
    let full = MIMEParser.parseMessage(message)
    let headersOnly = MIMEParser.parseHeaders(message)
    #expect(full.summary == headersOnly.summary)
    #expect(full.headers == headersOnly.headers)
    #expect(full.body.text == "x")
}

/// Empty input and noise give an empty result; random MIME-shaped garbage never crashes the parse.
@Test func garbageDoesNotCrash() {
    #expect(MIMEParser.parseMessage([]) == (MessageSummary(), [], MessageBody()))
    var generator = SeededGenerator(seed: 0xB0D1)
    let pieces: [[UInt8]] = [
        Array("Content-Type: multipart/mixed; boundary=b\r\n".utf8),
        Array("Content-Type: multipart/alternative; boundary=b\r\n".utf8),
        Array("Content-Type: text/plain; charset=".utf8), Array("Shift_JIS\r\n".utf8),
        Array("Content-Transfer-Encoding: base64\r\n".utf8),
        Array("Content-Transfer-Encoding: quoted-printable\r\n".utf8),
        Array("Content-Transfer-Encoding: x-uuencode\r\nbegin 644 x\r\n".utf8),
        Array("Content-Type: message/rfc822\r\n".utf8),
        Array("Content-Disposition: attachment; filename*0*=utf-8''%E2%82".utf8),
        Array("\r\n".utf8), Array("--b\r\n".utf8), Array("--b--\r\n".utf8), Array("=?=\r\n".utf8),
        Array("iVBORw0KGgo=\r\n".utf8), [0], [0xFF, 0xFE, 0x81, 0x0D], Array("=C3=\r\n".utf8),
    ]
    for _ in 0..<1_000 {
        var input = Array("From: a@b.c\r\n".utf8)
        for _ in 0..<Int.random(in: 0..<30, using: &generator) {
            input += pieces[Int.random(in: 0..<pieces.count, using: &generator)]
        }
        let body = MIMEParser.parseMessage(input).body
        for attachment in body.attachments {
            let streamed = StreamedAttachment(attachment.id, in: input)
            #expect(streamed.attachment == attachment)
            #expect(streamed.bytes.count == attachment.size)
        }
    }
}
