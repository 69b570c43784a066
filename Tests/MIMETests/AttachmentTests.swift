import MIME
import Testing

/// A PNG signature and every byte value, base64 encoded: 264 bytes decoded.
private let pngBase64 =
    "iVBORw0KGgoAAQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSYnKCkqKywtLi8wMTIzNDU2Nzg5Ojs8PT4/QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl9gYWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoOEhYaHiImKi4yNjo+QkZKTlJWWl5iZmpucnZ6foKGio6SlpqeoqaqrrK2ur7CxsrO0tba3uLm6u7y9vr/AwcLDxMXGx8jJysvMzc7P0NHS09TV1tfY2drb3N3e3+Dh4uPk5ebn6Onq6+zt7u/w8fLz9PX29/j5+vv8/f7/"
private let pngBytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + (0...255).map { UInt8($0) }

/// mixed: text, mixed(image, alternative(text, html)), zip.
private let nested = MessageLines.crlf(
    "From: a@example.com",
    "Content-Type: multipart/mixed; boundary=one",
    "",
    "--one",
    "Content-Type: text/plain",
    "",
    "the text",
    "--one",
    "Content-Type: multipart/mixed; boundary=two",
    "",
    "--two",
    "Content-Type: image/png",
    "Content-Disposition: inline; filename=picture.png",
    "Content-Transfer-Encoding: base64",
    "",
    pngBase64,
    "--two",
    "Content-Type: multipart/alternative; boundary=three",
    "",
    "--three",
    "Content-Type: text/plain",
    "",
    "another text",
    "--three",
    "Content-Type: text/html",
    "",
    "<p>the html</p>",
    "--three--",
    "--two--",
    "--one",
    "Content-Type: application/zip",
    "Content-Disposition: attachment; filename=archive.zip",
    "",
    "PK",
    "--one--"
)

/// Ids number the parts as IMAP does: children 1, 2, 3, nested parts joined with dots.
@Test func idsFollowIMAPNumbering() {
    let body = MIMEParser.parseMessage(nested).body
    #expect(body.text == "the text")
    #expect(body.html == "<p>the html</p>")
    #expect(body.attachments.map(\.id) == ["2.1", "2.2.1", "3"])
    #expect(body.attachments.map(\.contentType) == ["image/png", "text/plain", "application/zip"])
    #expect(body.attachments.map(\.size) == [264, 12, 2])
}

/// A message that is only an image is one attachment, id 1, and has no bodies.
@Test func singlePartImageIsAttachmentOne() {
    let message = MessageLines.crlf(
        "From: a@example.com",
        "Content-Type: IMAGE/PNG",
        "Content-Transfer-Encoding: base64",
        "",
        pngBase64
    )
    let body = MIMEParser.parseMessage(message).body
    #expect(body == MessageBody(attachments: [MessageAttachment(id: "1", contentType: "image/png", size: 264)]))
    #expect(StreamedAttachment("1", in: message).bytes == pngBytes)
}

/// File names: RFC 2231 continuations with a charset, RFC 2231 with a language, RFC 2047 in `name` and in a
/// quoted `filename`, a plain name, none. Content-ID loses its brackets; media types are lower-cased.
@Test func attachmentDescriptions() {
    let message = MessageLines.crlf(
        "From: a@example.com",
        "Content-Type: multipart/mixed; boundary=b",
        "",
        "--b",
        "Content-Type: text/plain",
        "",
        "body",
        "--b",
        "Content-Type: Application/Octet-Stream",
        "Content-Disposition: attachment;",
        " filename*0*=UTF-8''%E2%82%AC%20rate;",
        " filename*1=\".txt\"",
        "",
        "x",
        "--b",
        "Content-Type: text/plain; charset=iso-8859-1",
        "Content-Disposition: attachment; filename*=iso-8859-1'de'Gr%FC%DFe.txt",
        "",
        "x",
        "--b",
        "Content-Type: text/plain; name=\"=?ISO-8859-1?Q?r=E9sum=E9.txt?=\"",
        "",
        "x",
        "--b",
        "Content-Type: application/pdf",
        "Content-Disposition: attachment; filename=\"=?UTF-8?B?0J/RgNC40LLQtdGCLnBkZg==?=\"",
        "",
        "x",
        "--b",
        "Content-Type: image/jpeg; name=photo.jpg",
        "Content-ID: <part5.abc@example.com>",
        "",
        "x",
        "--b",
        "Content-Type: application/octet-stream",
        "",
        "x",
        "--b--"
    )
    let attachments = MIMEParser.parseMessage(message).body.attachments
    #expect(attachments.map(\.id) == ["2", "3", "4", "5", "6", "7"])
    #expect(attachments.map(\.filename) == ["€ rate.txt", "Grüße.txt", "résumé.txt", "Привет.pdf", "photo.jpg", nil])
    #expect(
        attachments.map(\.contentType) == [
            "application/octet-stream", "text/plain", "text/plain", "application/pdf", "image/jpeg",
            "application/octet-stream",
        ]
    )
    #expect(attachments.map(\.disposition) == ["attachment", "attachment", "inline", "attachment", "inline", "inline"])
    #expect(attachments.map(\.contentId) == [nil, nil, nil, nil, "part5.abc@example.com", nil])
}

/// An attachment streams its decoded bytes, and its description matches the one parseMessage gave.
@Test func streamingAnAttachment() {
    let streamed = StreamedAttachment("2.1", in: nested)
    #expect(streamed.bytes == pngBytes)
    #expect(streamed.chunks >= 1)
    #expect(streamed.attachment == MIMEParser.parseMessage(nested).body.attachments.first)
    #expect(streamed.attachment?.filename == "picture.png")
}

/// Ids that name no attachment give nil and never call the closure: no such part, a body, a multipart,
/// malformed ids.
@Test(arguments: [
    "9", "2.9", "2.1.1", "1", "2.2.2", "2", "2.2", "", "0", "01", "1.", ".1", "2..1", " 3", "3 ", "+3", "x",
])
func idsWithoutAnAttachment(id: String) {
    let streamed = StreamedAttachment(id, in: nested)
    #expect(streamed.attachment == nil)
    #expect(streamed.chunks == 0)
}

private struct StopWriting: Error {}

/// An error thrown by the closure stops the decoding and comes out of `attachment`.
@Test func writerErrorStopsTheStream() {
    // 99,000 bytes decoded.
    let big = String(repeating: "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODkw\r\n", count: 3_000)
    let message = MessageLines.crlf(
        "From: a@example.com",
        "Content-Type: multipart/mixed; boundary=b",
        "",
        "--b",
        "Content-Type: application/octet-stream",
        "Content-Transfer-Encoding: base64",
        "",
        big + "--b--"
    )
    var calls = 0
    #expect(throws: StopWriting.self) {
        _ = try MIMEParser.attachment("1", in: message) { (_: UnsafeRawBufferPointer) throws(StopWriting) in
            calls += 1
            throw StopWriting()
        }
    }
    #expect(calls == 1)
    // Without the error the same attachment is many chunks long.
    let streamed = StreamedAttachment("1", in: message)
    #expect(streamed.bytes.count == 99_000)
    #expect(streamed.chunks > 1)
}

/// A forwarded message is one attachment: its summary is given, its parts are not listed, and it streams
/// as the bytes it had.
@Test func forwardedMessage() {
    let embedded = MessageLines.crlf(
        "From: Inner <inner@example.org>",
        "To: someone@example.net",
        "Subject: =?UTF-8?Q?inn=C3=A9r?=",
        " folded",
        "Date: Tue, 14 Nov 2023 22:13:20 +0100",
        "Message-ID: <inner@example.org>",
        "Content-Type: multipart/alternative; boundary=inner",
        "",
        "--inner",
        "Content-Type: text/plain",
        "",
        "inner text",
        "--inner",
        "Content-Type: text/html",
        "Content-Transfer-Encoding: base64",
        "",
        "PGI+aGk8L2I+",
        "--inner--"
    )
    let message =
        MessageLines.crlf(
            "From: a@example.com",
            "Subject: Fwd: inner",
            "Content-Type: multipart/mixed; boundary=outer",
            "",
            "--outer",
            "Content-Type: text/plain",
            "",
            "See below.",
            "--outer",
            "Content-Type: message/rfc822",
            "Content-Disposition: attachment; filename=\"forwarded.eml\"",
            ""
        ) + embedded + MessageLines.crlf("", "--outer--")
    let body = MIMEParser.parseMessage(message).body
    #expect(body.text == "See below.")
    #expect(body.html == nil)
    #expect(body.attachments.count == 1)
    let attachment = body.attachments.first
    #expect(attachment?.id == "2")
    #expect(attachment?.contentType == "message/rfc822")
    #expect(attachment?.filename == "forwarded.eml")
    #expect(attachment?.disposition == "attachment")
    #expect(attachment?.message?.subject == "innér folded")
    #expect(attachment?.message?.from == [MailAddress(name: "Inner", address: "inner@example.org")])
    #expect(attachment?.message?.date == "2023-11-14T22:13:20+01:00")
    #expect(attachment?.message?.messageId == "inner@example.org")
    #expect(attachment?.size == embedded.count)
    let streamed = StreamedAttachment("2", in: message)
    #expect(streamed.bytes == embedded)
    #expect(streamed.attachment == attachment)
}

/// A message/rfc822 sent base64 encoded (against RFC 2046) still has its summary, from its decoded header.
@Test func encodedForwardedMessage() {
    let message = MessageLines.crlf(
        "From: a@example.com",
        "Content-Type: multipart/mixed; boundary=b",
        "",
        "--b",
        "Content-Type: message/rfc822",
        "Content-Transfer-Encoding: base64",
        "",
        "RnJvbTogeEB5LnoNClN1YmplY3Q6IGI2NCBpbm5lcg0KDQpib2R5DQo=",
        "--b--"
    )
    let attachment = MIMEParser.parseMessage(message).body.attachments.first
    #expect(attachment?.message?.subject == "b64 inner")
    #expect(attachment?.message?.from == [MailAddress(address: "x@y.z")])
    #expect(attachment?.size == 41)
}

/// A calendar invitation (inside the alternative, as Outlook sends it, and as a file) is an attachment.
@Test func calendarInvitation() {
    let message = MessageLines.crlf(
        "From: organizer@example.com",
        "Content-Type: multipart/mixed; boundary=m",
        "",
        "--m",
        "Content-Type: multipart/alternative; boundary=a",
        "",
        "--a",
        "Content-Type: text/plain; charset=utf-8",
        "",
        "You are invited.",
        "--a",
        "Content-Type: text/html; charset=utf-8",
        "",
        "<p>You are invited.</p>",
        "--a",
        "Content-Type: text/calendar; charset=utf-8; method=REQUEST",
        "",
        "BEGIN:VCALENDAR",
        "END:VCALENDAR",
        "--a--",
        "--m",
        "Content-Type: application/ics; name=invite.ics",
        "Content-Disposition: attachment; filename=invite.ics",
        "",
        "BEGIN:VCALENDAR",
        "END:VCALENDAR",
        "--m--"
    )
    let body = MIMEParser.parseMessage(message).body
    #expect(body.text == "You are invited.")
    #expect(body.html == "<p>You are invited.</p>")
    #expect(body.attachments.map(\.id) == ["1.3", "2"])
    #expect(body.attachments.map(\.contentType) == ["text/calendar", "application/ics"])
    #expect(StreamedAttachment("1.3", in: message).bytes == Array("BEGIN:VCALENDAR\r\nEND:VCALENDAR".utf8))
}

/// Parsing the same bytes twice gives the same ids; each id streams exactly `size` bytes.
@Test func idsAreStable() {
    let first = MIMEParser.parseMessage(nested).body.attachments
    #expect(first == MIMEParser.parseMessage(nested).body.attachments)
    for attachment in first {
        #expect(StreamedAttachment(attachment.id, in: nested).bytes.count == attachment.size)
    }
}
