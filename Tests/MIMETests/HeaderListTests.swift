import MIME
import Testing

/// Every field comes back in input order, Content-* fields included, unfolded and decoded; duplicates stay.
@Test func allHeadersInInputOrder() {
    let headers = MIMEParser.parseHeaders(
        HeaderBlock.lines(
            "Received: from a by b;",
            "\tTue, 14 Nov 2023 22:13:20 +0100",
            "Received: from c by a; Tue, 14 Nov 2023 22:13:19 +0100",
            "Subject: =?UTF-8?Q?caf=C3=A9?=",
            "Content-Type: multipart/mixed;",
            " boundary=\"xyz\"",
            "From: =?UTF-8?B?SsO8cmdlbg==?= <j@example.de>",
            "MIME-Version: 1.0",
            "Content-Transfer-Encoding: 7bit",
            "X-Empty:",
            "X-Last: end"
        )
    ).headers
    #expect(
        headers == [
            MessageHeader(name: "Received", value: "from a by b;\tTue, 14 Nov 2023 22:13:20 +0100"),
            MessageHeader(name: "Received", value: "from c by a; Tue, 14 Nov 2023 22:13:19 +0100"),
            MessageHeader(name: "Subject", value: "café"),
            MessageHeader(name: "Content-Type", value: "multipart/mixed; boundary=\"xyz\""),
            MessageHeader(name: "From", value: "Jürgen <j@example.de>"),
            MessageHeader(name: "MIME-Version", value: "1.0"),
            MessageHeader(name: "Content-Transfer-Encoding", value: "7bit"),
            MessageHeader(name: "X-Empty", value: ""),
            MessageHeader(name: "X-Last", value: "end"),
        ]
    )
}

/// LF-only line endings parse like CRLF.
@Test func bareLineFeeds() {
    let result = MIMEParser.parseHeaders(Array("Subject: lf\nX-A: 1\n\n".utf8))
    #expect(result.summary.subject == "lf")
    #expect(result.headers == [MessageHeader(name: "Subject", value: "lf"), MessageHeader(name: "X-A", value: "1")])
}

/// hasAttachments is guessed from the top-level Content-Type only: mixed is true, text false, others unknown.
@Test(
    arguments: [
        ("Content-Type: multipart/mixed; boundary=x", true),
        ("Content-Type: Multipart/Mixed; boundary=x", true),
        ("Content-Type: text/plain; charset=utf-8", false),
        ("Content-Type: text/html", false),
        ("X-No-Content-Type: means text/plain", false),
        ("Content-Type: multipart/alternative; boundary=x", nil),
        ("Content-Type: multipart/related; boundary=x", nil),
        ("Content-Type: multipart/signed; boundary=x", nil),
        ("Content-Type: application/pdf", nil),
        ("Content-Type: garbage", nil),
    ] as [(String, Bool?)]
)
func hasAttachmentsFromContentType(line: String, expected: Bool?) {
    #expect(MIMEParser.parseHeaders(HeaderBlock.lines("Subject: x", line)).summary.hasAttachments == expected)
}

/// A whole message parses like its header block: the body adds nothing to the summary or the headers.
@Test func wholeMessageGivesTheSameHeaders() {
    let header = HeaderBlock.lines("Subject: with body", "From: a@b.c", "Content-Type: text/plain")
    let message = header + Array("Hello\r\nSubject: not a header\r\n".utf8)
    let fromHeader = MIMEParser.parseHeaders(header)
    let fromMessage = MIMEParser.parseHeaders(message)
    #expect(fromMessage.summary == fromHeader.summary)
    #expect(fromMessage.headers == fromHeader.headers)
}
