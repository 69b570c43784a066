import Foundation
import MIME
import TestSupport
import Testing

/// A message whose multiparts nest `depth` levels deep; the innermost holds a text and a small attachment.
private func nestedMessage(depth: Int) -> [UInt8] {
    var lines = ["From: a@example.com", "Subject: deep", "Content-Type: multipart/mixed; boundary=b0", ""]
    for level in 1..<depth {
        lines += ["--b\(level - 1)", "Content-Type: multipart/mixed; boundary=b\(level)", ""]
    }
    lines += [
        "--b\(depth - 1)", "Content-Type: text/plain", "", "deep text",
        "--b\(depth - 1)", "Content-Type: application/octet-stream", "Content-Transfer-Encoding: base64", "", "AAEC",
    ]
    for level in (0..<depth).reversed() {
        lines.append("--b\(level)--")
    }
    return MessageLines.crlf(lines)
}

/// Multiparts nested 100 deep give their text and attachment, with 100-component ids, on a small stack.
@Test func hundredLevelsDeep() {
    onSmallStack(stackSize: 512 << 10) {
        let message = nestedMessage(depth: 100)
        let body = MIMEParser.parseMessage(message).body
        let path = Array(repeating: "1", count: 99).joined(separator: ".")
        #expect(body.text == "deep text\n" || body.text == "deep text")
        #expect(body.attachments.map(\.id) == [path + ".2"])
        #expect(StreamedAttachment(path + ".2", in: message).bytes == [0, 1, 2])
    }
}

/// Nesting far beyond GMime's own limit (it stops building the tree at 1,024 levels, so what lies deeper
/// is not seen) neither crashes nor exhausts a small stack; the headers are still read.
@Test func twoThousandLevelsDeep() {
    onSmallStack(stackSize: 512 << 10) {
        let parsed = MIMEParser.parseMessage(nestedMessage(depth: 2_000))
        #expect(parsed.summary.subject == "deep")
        #expect(parsed.body.text == nil)
        #expect(parsed.body.attachments.isEmpty)
    }
}
