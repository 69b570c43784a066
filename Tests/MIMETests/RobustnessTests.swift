import TestSupport
import Testing

@testable import MIME

/// An empty input is no message: an empty summary and no headers.
@Test func emptyInput() {
    let result = MIMEParser.parseHeaders([])
    #expect(result.summary == MessageSummary())
    #expect(result.headers.isEmpty)
}

/// Random bytes, NULs included, never crash the parser, and every header it returns has a name.
@Test func randomGarbageDoesNotCrash() {
    var generator = SeededGenerator(seed: 0x5EED)
    for round in 0..<2_000 {
        let length = Int.random(in: 0...512, using: &generator)
        var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
        if round.isMultiple(of: 2) {
            // Half the rounds look like headers, so the parser gets past the first line.
            bytes = Array("Subject: ".utf8) + bytes + Array("\r\nFrom: x\u{0}y <a@b.c>\r\nDate: \u{0}\r\n".utf8)
        }
        let result = MIMEParser.parseHeaders(bytes)
        for header in result.headers {
            #expect(!header.name.isEmpty)
        }
    }
}

/// Line noise, lone separators and NUL bytes at every place are survived.
@Test(arguments: [
    "\u{0}",
    "\u{0}\u{0}\r\n\r\n",
    "\r\n\r\n",
    "\n",
    ":",
    ": no name\r\n\r\n",
    "Sub\u{0}ject: x\r\n\r\n",
    "Subject",
    "Subject:",
    "From: =?UTF-8?B?",
    "To: a@b.c, (unclosed comment",
    "Date: Tue, 14 Nov 99999999999999999999 22:13:20 +0100",
    "References: <<<<>>>>",
])
func lineNoise(text: String) {
    _ = MIMEParser.parseHeaders(Array(text.utf8))
}

/// 100 kB without a line break, and a 10,000-character subject of `=?`, are survived.
@Test func veryLongLines() {
    let letters = MIMEParser.parseHeaders(Array(repeating: UInt8(ascii: "A"), count: 100_000))
    #expect(letters.headers.isEmpty)
    let subject = String(repeating: "=?", count: 5_000)
    #expect(MIMEParser.parseHeaders(HeaderBlock.lines("Subject: " + subject)).summary.subject == subject)
}

/// A line `: value` (which GMime reads as a field without a name) is left out of the headers.
@Test func fieldWithoutNameIsLeftOut() {
    let headers = MIMEParser.parseHeaders(HeaderBlock.lines("Subject: x", ": v", "X-A: 1")).headers
    #expect(headers == [MessageHeader(name: "Subject", value: "x"), MessageHeader(name: "X-A", value: "1")])
}

/// A NUL inside a value ends that value (GMime works on C strings) but keeps the header and the ones after.
@Test func nulInsideAValue() {
    let result = MIMEParser.parseHeaders(HeaderBlock.lines("Subject: before\u{0}after", "From: a@b.c"))
    #expect(result.summary.subject == "before")
    #expect(result.summary.from == [MailAddress(address: "a@b.c")])
}

/// A header block cut right after its last field (no empty line, even no final line break) still parses.
@Test(arguments: [
    "Subject: cut\r\nFrom: A <a@b.c>\r\n",
    "Subject: cut\r\nFrom: A <a@b.c>",
    "Subject: cut\nFrom: A <a@b.c>\n",
    "Subject: cut\nFrom: A <a@b.c>\n\n",
])
func headerBlockWithoutEmptyLine(text: String) {
    let result = MIMEParser.parseHeaders(Array(text.utf8))
    #expect(result.summary.subject == "cut")
    #expect(result.summary.from == [MailAddress(name: "A", address: "a@b.c")])
    #expect(result.headers.map(\.name) == ["Subject", "From"])
}

/// The empty line is appended only when the input has none; a complete block or message is left alone.
@Test func emptyLineIsAppendedOnlyWhenMissing() {
    let complete = Array("Subject: x\r\n\r\nbody".utf8)
    #expect(GMimeParsedMessage.terminatingHeaderBlock(complete) == complete)
    #expect(GMimeParsedMessage.terminatingHeaderBlock(Array("A: b\n\nbody".utf8)) == Array("A: b\n\nbody".utf8))
    #expect(GMimeParsedMessage.terminatingHeaderBlock(Array("A: b\r\n".utf8)) == Array("A: b\r\n\r\n".utf8))
    #expect(GMimeParsedMessage.terminatingHeaderBlock(Array("A: b".utf8)) == Array("A: b\r\n\r\n".utf8))
    #expect(GMimeParsedMessage.terminatingHeaderBlock(Array("\r\nbody".utf8)) == Array("\r\nbody".utf8))
    #expect(GMimeParsedMessage.terminatingHeaderBlock([]) == Array("\r\n\r\n".utf8))
}

/// `parseSummary` gives exactly the summary `parseHeaders` gives, for real and for broken input.
@Test func summaryOnlyParseAgrees() {
    let inputs: [[UInt8]] = [
        Array("Subject: =?UTF-8?B?w6k=?=\r\nFrom: A <a@b.c>\r\nContent-Type: multipart/mixed; b=x\r\n\r\n".utf8),
        Array("not a header at all\r\n".utf8),
        [],
        Array(": empty name\r\n\r\n".utf8),
        [0xFF, 0x00, 0x0A, 0x3A],
    ]
    for input in inputs {
        #expect(MIMEParser.parseSummary(input) == MIMEParser.parseHeaders(input).summary)
    }
}

/// Irregular header blocks, which GMime reads its own way, give the same summary from `parseSummary` as from
/// `parseHeaders` (found by fuzzing: the summary's own framing read each of these differently).
@Test(arguments: [
    // An invalid first line: GMime finds no field at all, unless it is an mbox `From ` line.
    "Sub\u{0}ject: x\r\nFrom: a@b.c\r\n\r\nbody",
    "Fr om: a@b.c\r\nTo: c@d.e\r\n\r\n",
    "X\u{1}: y\r\nTo: c@d.e\r\n\r\n",
    "From a@b.c Mon Jan  1 00:00:00 2024\r\nTo: c@d.e\r\n\r\n",
    ">From x\r\nFrom y\r\nTo: c@d.e\r\n\r\n",
    // An invalid line after a field, with its continuation: GMime skips it and reads on.
    "Subject: x\r\nno colon\r\nTo: c@d.e\r\n\r\n",
    "Subject: x\r\nbad line\r\n continued\r\nTo: c@d.e\r\n\r\n",
    "Subject: x\r\n: empty name\r\nTo: c@d.e\r\n\r\n",
    "Subject: x\r\nFr\u{0}om: a@b.c\r\nFrom\u{7F}: a@b.c\r\nTo: c@d.e\r\n\r\n",
    // White space before the colon is allowed.
    "Subject: x\r\nFrom \t : a@b.c\r\n\r\n",
    // Repeated single-valued fields: the first counts in both parses (RepeatedFields).
    "Subject: a\r\nSubject: b\r\n\r\n",
    "Date: Thu, 1 Jan 2015 00:00:00 +0000\r\nDate: Fri, 2 Jan 2015 00:00:00 +0000\r\n\r\n",
    "Message-ID: <a@b>\r\nMessage-ID: <c@d>\r\nIn-Reply-To: <e@f>\r\nIn-Reply-To: <g@h>\r\n\r\n",
    "Content-Type: text/plain\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n",
    // A field name GMime gives the whole message up for (found by fuzzing).
    "Subject: a\r\n" + String(repeating: "X", count: 5000) + ": y\r\n\r\nbody\r\n",
])
func summaryOnlyParseAgreesOnIrregularBlocks(text: String) {
    let input = Array(text.utf8)
    #expect(MIMEParser.parseSummary(input) == MIMEParser.parseHeaders(input).summary)
}

/// What the parses make of irregular blocks, `parseSummary` as GMime: the first of a repeated Subject (as
/// mail clients read it), the fields after a skipped invalid line, nothing after an invalid first line.
@Test func irregularBlocksAsGMimeReadsThem() {
    #expect(MIMEParser.parseSummary(Array("Subject: a\r\nSubject: b\r\n\r\n".utf8)).subject == "a")
    #expect(MIMEParser.parseMessage(Array("Subject: a\r\nSubject: b\r\n\r\n".utf8)).summary.subject == "a")
    let skipped = MIMEParser.parseSummary(Array("Subject: x\r\nbad line\r\n continued\r\nTo: c@d.e\r\n\r\n".utf8))
    #expect(skipped.to == [MailAddress(address: "c@d.e")])
    #expect(MIMEParser.parseSummary(Array("X\u{1}: y\r\nTo: c@d.e\r\n\r\n".utf8)) == MessageSummary())
}

/// The date, the message ids and the content type are read from the unfolded, decoded value, as GMime reads
/// them for a message: a CR inside the value is dropped and an encoded word decoded (found by fuzzing: a CR
/// before the time zone gave the zone to `parseSummary` only).
@Test(arguments: [
    "Date: Sun, 9 Jun 2024 08:00:00 +0200\rplain; charset=us-ascii\r\n\r\n",
    "Date: Sun, 9 Jun 2024 08:00:00 =?UTF-8?Q?+0200?=\r\n\r\n",
    "Message-ID: =?UTF-8?Q?<a@b>?=\r\nIn-Reply-To: <c@d\re>\r\nReferences: <e\r@f> =?UTF-8?Q?<g@h>?=\r\n\r\n",
    "Content-Type: =?UTF-8?Q?multipart/mixed?=\r\n\r\n",
    "Content-Type: multipart/mi\rxed; boundary=x\r\n\r\n",
])
func summaryOnlyParseReadsDecodedValues(text: String) {
    let input = Array(text.utf8)
    #expect(MIMEParser.parseSummary(input) == MIMEParser.parseHeaders(input).summary)
}

/// A plain value loses its line ending before it is parsed, as GMime's unfolding drops it: an unclosed last
/// reference does not take the line feed into its id (found by fuzzing).
@Test(arguments: ["\n", "\r\n"])
func plainValueLosesItsLineEnding(ending: String) {
    let input = Array("References: <a@b> <c@\(ending)Message-ID: <d@e\(ending)\r\n".utf8)
    let summary = MIMEParser.parseSummary(input)
    #expect(summary == MIMEParser.parseHeaders(input).summary)
    #expect(summary.references == ["a@b", "c@"])
}

/// An encoded word in a Message-ID is decoded before the id is read, and a CR inside an id is dropped.
@Test func messageIDsFromDecodedValues() {
    let summary = MIMEParser.parseSummary(Array("Message-ID: =?UTF-8?Q?<a@b>?=\r\nIn-Reply-To: <c@d\re>\r\n\r\n".utf8))
    #expect(summary.messageId == "a@b")
    #expect(summary.inReplyTo == "c@de")
}

/// A folded value keeps the line ending each line came with, as GMime's raw value does: a quoted display name
/// folded with CRLF shows the CRLF in `parseSummary` as in `parseHeaders` (found by fuzzing).
@Test(arguments: ["\r\n", "\n"])
func foldedDisplayNameKeepsItsLineEnding(ending: String) {
    let input = Array("To: \"John\(ending) Smith\" <a@b.c>\(ending)\(ending)".utf8)
    let summary = MIMEParser.parseSummary(input)
    #expect(summary == MIMEParser.parseHeaders(input).summary)
    #expect(summary.to == [MailAddress(name: "John\(ending) Smith", address: "a@b.c")])
}

/// An address field GMime's list parser refuses (here an unclosed comment after a broken address) gives what
/// GMime's own message keeps of it, the addresses before the error, in `parseSummary` as in `parseHeaders` (found
/// by fuzzing: the summary had no address at all).
@Test func refusedAddressListGivesWhatGMimeKeeps() {
    let input = Array("Subject: x\r\nFrom: Alice Example <alicf, (e@example.test>\r\nTo: b@c.d\r\n\r\n".utf8)
    let summary = MIMEParser.parseSummary(input)
    #expect(summary == MIMEParser.parseHeaders(input).summary)
    #expect(summary.from == [MailAddress(name: "Alice Example", address: "alicf")])
    #expect(summary.to == [MailAddress(address: "b@c.d")])
}

/// A blank address field is no address, without asking GMime to parse the whole block.
@Test(arguments: ["Cc:\r\n", "Cc: \r\n", "Cc:\r\n \r\n"])
func blankAddressFieldIsNoAddress(field: String) {
    let input = Array(("Subject: x\r\n" + field + "\r\n").utf8)
    #expect(MIMEParser.parseSummary(input) == MIMEParser.parseHeaders(input).summary)
    #expect(MIMEParser.parseSummary(input).cc.isEmpty)
}

/// Header-shaped garbage (random names, colons, folds, encoded-word fragments, 8-bit and NUL bytes)
/// never crashes the summary parser.
@Test func summaryParseSurvivesGarbage() {
    var generator = SeededGenerator(seed: 0xF00D)
    let pieces: [[UInt8]] = [
        Array("Subject: ".utf8), Array("From: ".utf8), Array("To: a@b, ".utf8), Array("Date: ".utf8),
        Array("=?UTF-8?B?".utf8), Array("?=".utf8), Array("\r\n ".utf8), Array("\r\n".utf8), Array("<".utf8),
        Array(">".utf8), Array("Content-Type: multipart/".utf8), [0], [0xFF, 0xFE], Array(":".utf8),
    ]
    for _ in 0..<2000 {
        var input: [UInt8] = []
        for _ in 0..<Int.random(in: 0..<12, using: &generator) {
            input += pieces[Int.random(in: 0..<pieces.count, using: &generator)]
        }
        _ = MIMEParser.parseSummary(input)
    }
}
