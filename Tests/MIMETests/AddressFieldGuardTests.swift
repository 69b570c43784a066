import Glibc
import TestSupport
import Testing

@testable import MIME

/// The byte ranges the guard reports for `text`, fed `chunk` bytes at a time.
private func overLimit(_ text: String, chunk: Int = .max) -> [Range<Int>] {
    let bytes = Array(text.utf8)
    var guardian = AddressFieldGuard()
    var start = 0
    while start < bytes.count {
        let end = min(bytes.count, start + chunk)
        bytes[start..<end].withUnsafeBufferPointer { guardian.feed($0) }
        start = end
    }
    guardian.finish()
    return guardian.overLimit
}

private let limit = AddressFieldGuard.maximumColons

/// `count` colons as nested groups ending in one mailbox: `g:g:...b@example.com;;...`.
private func nestedGroups(_ count: Int) -> String {
    String(repeating: "g:", count: count) + "b@example.com" + String(repeating: ";", count: count)
}

/// `count` adjacent encoded words that each hold two raw colons, then an address: the shape of the
/// 135 KB `To:` that once crashed the gateway.
private func encodedWordsWithColons(_ count: Int) -> String {
    String(repeating: "=?utf-8?Q?date=3E2017-08-20T10:08:28.617=3C/pr?= ", count: count) + "<x@y.example>"
}

/// Up to the limit a field is left as it is; one colon more and its whole value is reported.
@Test func limitIsExact() {
    #expect(overLimit("To: \(nestedGroups(limit))\r\n\r\n").isEmpty)
    let text = "To: \(nestedGroups(limit + 1))\r\n\r\n"
    let value = Array(text.utf8)
    // From the byte after the field's colon to its line end.
    #expect(overLimit(text) == [3..<value.count - 2])
}

/// Fed one byte at a time, or in chunks that split names, colons and line ends anywhere, the guard finds
/// the same fields.
@Test(arguments: [1, 2, 3, 7, 64, 1000])
func chunkingDoesNotMatter(chunk: Int) {
    let text =
        "Subject: \(nestedGroups(600))\r\nFrom: a@b.c\r\nCC : \(nestedGroups(700))\r\n"
        + "\r\nbody\r\nto:\(nestedGroups(513))"
    #expect(overLimit(text, chunk: chunk) == overLimit(text))
    #expect(overLimit(text).count == 2)
}

/// Folded continuation lines belong to the field; the next field ends it.
@Test func continuationLinesCount() {
    let folded = "To: " + Array(repeating: "g:g:g:g:", count: 130).joined(separator: "\r\n ") + "a@b\r\nX: y\r\n"
    let ranges = overLimit(folded)
    #expect(ranges.count == 1)
    let bytes = Array(folded.utf8)
    let end = ranges.first?.upperBound ?? 0
    #expect(String(decoding: bytes[end...], as: UTF8.self) == "X: y\r\n")
}

/// Only address fields are measured, whatever the case of their names; a field at the very end of the
/// input, without a line end, is measured too.
@Test func onlyAddressFields() {
    #expect(overLimit("Subject: \(nestedGroups(1000))\r\nX-To: \(nestedGroups(1000))\r\n").isEmpty)
    for name in ["From", "sender", "REPLY-TO", "To", "Cc", "bcc", "Resent-To", "resent-cc"] {
        #expect(overLimit("\(name): \(nestedGroups(limit + 1))").count == 1, "\(name)")
    }
}

/// The defused copy has spaces for colons in that field only, and the same length.
@Test func defusedFlattensOnlyTheField() throws {
    let text = "Subject: a:b\r\nTo: \(nestedGroups(limit + 1))\r\n\r\nbody: yes\r\n"
    let bytes = Array(text.utf8)
    #expect(AddressFieldGuard.defused(Array("To: a:b@c;\r\n\r\n".utf8)) == nil)
    let defused = try #require(AddressFieldGuard.defused(bytes))
    #expect(defused.count == bytes.count)
    let result = String(decoding: defused, as: UTF8.self)
    #expect(result.hasPrefix("Subject: a:b\r\nTo: g g "))
    #expect(result.hasSuffix("\r\n\r\nbody: yes\r\n"))
    #expect(result.filter { $0 == ":" }.count == 4)
}

/// The headers that crashed GMime's address parser (thousands of nested levels) parse on a 1 MiB stack
/// in every path: a listing's summary, a header block, a whole message, an embedded message, and a
/// message in a file. The mailbox after 30,000 encoded words is still found; nested groups degrade to
/// no mailbox.
@Test(arguments: [(encodedWordsWithColons(30_000), ["x@y.example"]), (nestedGroups(20_000), [])])
func headersThatOverflowedTheStackParse(value: String, to: [String]) throws {
    let message = Array("From: a@b.example\r\nTo: \(value)\r\nSubject: hi\r\n\r\nbody\r\n".utf8)
    let embedded =
        Array(
            """
            Content-Type: multipart/mixed; boundary=b\r
            \r
            --b\r
            Content-Type: message/rfc822\r
            \r

            """.utf8
        ) + message + Array("\r\n--b--\r\n".utf8)
    onSmallStack {
        let summary = MIMEParser.parseSummary(message)
        #expect(summary.subject == "hi")
        #expect(summary.from.map(\.address) == ["a@b.example"])
        let headers = MIMEParser.parseHeaders(message)
        #expect(headers.summary == summary)
        let parsed = MIMEParser.parseMessage(message)
        #expect(parsed.summary == summary)
        #expect(parsed.body.text?.hasPrefix("body") == true)
        _ = MIMEParser.parseMessage(embedded)
    }
    #expect(MIMEParser.parseSummary(message).to.map(\.address) == to)
    #expect(MIMEParser.parseMessage(message).summary.to.map(\.address) == to)

    // A spooled message: the file is read, and the flattened field laid over it.
    let file = try #require(tmpfile())
    defer { fclose(file) }
    let descriptor = fileno(file)
    try #require(message.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) } == message.count)
    onSmallStack {
        let parsed = MIMEParser.parseMessage(fileDescriptor: descriptor)
        #expect(parsed.summary.subject == "hi")
    }
}

/// A header of 1 MB on one line, and an address field of 1 MB of plain words, parse on a 1 MiB stack.
@Test func megabyteHeaderLines() {
    let words = String(repeating: "word ", count: 200_000)
    let message = Array("Subject: \(words)\r\nTo: \(words)<a@b.example>\r\nX-Long: \(words)\r\n\r\nbody\r\n".utf8)
    onSmallStack {
        let parsed = MIMEParser.parseMessage(message)
        #expect(parsed.summary.to.map(\.address) == ["a@b.example"])
        #expect(MIMEParser.parseSummary(message).to.map(\.address) == ["a@b.example"])
    }
}

/// The deepest recursion GMime is still allowed (an address field with `maximumColons` colons, which the
/// guard lets through as it is; multiparts and messages nested past GMime's own depth limit) fits in a
/// quarter of a worker's 1 MiB stack, in every parse path. This is where the worker stack size comes
/// from: measured, GMime needs about 111 KiB for 512 colons, 119 KiB for its deepest multipart nesting
/// and 63 KiB for its deepest message/rfc822 nesting; 256 KiB holds each with the Swift frames around it,
/// and 1 MiB leaves four times that.
@Test func worstAllowedRecursionFitsInAQuarterOfTheWorkerStack() {
    let groups = "To: \(nestedGroups(limit))\r\nSubject: s\r\n\r\nbody\r\n"
    var multipart = "Subject: s\r\n"
    for level in 0..<5_000 { multipart += "Content-Type: multipart/mixed; boundary=b\(level)\r\n\r\n--b\(level)\r\n" }
    multipart += "Content-Type: application/octet-stream\r\n\r\nAAE=\r\n"
    let messages = String(repeating: "Content-Type: message/rfc822\r\n\r\nSubject: s\r\n", count: 5_000) + "\r\nx\r\n"
    let inputs = [groups, multipart, messages].map { Array($0.utf8) }
    #expect(inputs.allSatisfy { AddressFieldGuard.defused($0) == nil })
    onSmallStack(stackSize: 256 << 10) {
        for input in inputs {
            _ = MIMEParser.parseSummary(input)
            _ = MIMEParser.parseHeaders(input)
            let parsed = MIMEParser.parseMessage(input)
            for attachment in parsed.body.attachments {
                _ = MIMEParser.attachment(attachment.id, in: input) { _ in }
            }
        }
    }
}
