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
