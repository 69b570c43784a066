import Testing

@testable import POP3

private func bytes(_ string: String) -> [UInt8] { Array(string.utf8) }

/// Valid status lines parse to their indicator and the text after exactly one space.
@Test(arguments: [
    ("+OK", POP3StatusLine.Indicator.ok, ""),
    ("-ERR", .error, ""),
    ("+OK ", .ok, ""),
    ("+ok", .ok, ""),
    ("-err", .error, ""),
    ("+Ok 2 320", .ok, "2 320"),
    ("-eRr [IN-USE] locked", .error, "[IN-USE] locked"),
    ("+OK  two spaces", .ok, " two spaces"),
    ("+", .continuation, ""),
    ("+ ", .continuation, ""),
    ("+ dGVzdA==", .continuation, "dGVzdA=="),
])
func parsesValidStatusLines(line: String, indicator: POP3StatusLine.Indicator, text: String) throws {
    let status = try POP3StatusLine(parsing: bytes(line))
    #expect(status == POP3StatusLine(indicator, text: bytes(text)))
    #expect(status.isOK == (indicator == .ok))
}

/// Anything that is not `+OK`, `-ERR` or `+` followed by a space or nothing is a protocol violation.
@Test(arguments: ["", "HELLO", "OK", "ERR", "+OKAY", "+OK\t1", "-ERROR", "-", "-E", " +OK", "+x", "*", ".", "+-ERR"])
func rejectsMalformedStatusLines(line: String) {
    let error = #expect(throws: POP3Error.self) { try POP3StatusLine(parsing: bytes(line)) }
    #expect(error?.code == .protocolViolation)
}

/// Parsing works on an array slice whose indices do not start at zero.
@Test func parsesSliceWithNonZeroStart() throws {
    let line = bytes("xx-ERR [AUTH] bad")[2...]
    let status = try POP3StatusLine(parsing: line)
    #expect(status == POP3StatusLine(.error, text: bytes("[AUTH] bad")))
    #expect(status.responseCode == .authentication)
}

/// 8-bit bytes in the text are kept exactly, not decoded or replaced.
@Test func keepsEightBitText() throws {
    let status = try POP3StatusLine(parsing: bytes("+OK ") + [0xFF, 0x00, 0xC3, 0xA9])
    #expect(status.text == [0xFF, 0x00, 0xC3, 0xA9])
}

/// `responseCode` reads the code at the start of the text, and only there.
@Test func responseCodeOfAStatusLine() {
    #expect(POP3StatusLine(.error, text: bytes("[SYS/TEMP] later")).responseCode == .systemTemporary)
    #expect(POP3StatusLine(.error, text: bytes("later [SYS/TEMP]")).responseCode == nil)
    #expect(POP3StatusLine(.error).responseCode == nil)
}

/// `printableText` replaces control and non-ASCII bytes with `?`.
@Test func printableTextReplacesUnsafeBytes() {
    let status = POP3StatusLine(.error, text: bytes("a\r\nb\u{1B}[31m") + [0xC3, 0xA9, 0x7F, 0x00] + bytes("~ z"))
    #expect(status.printableText == "a??b?[31m????~ z")
}

/// `printable` cuts at 200 characters and marks the cut with `...`.
@Test func printableIsCutAtTwoHundredCharacters() {
    #expect(
        POP3StatusLine.printable([UInt8](repeating: UInt8(ascii: "x"), count: 200))
            == String(repeating: "x", count: 200)
    )
    #expect(
        POP3StatusLine.printable([UInt8](repeating: UInt8(ascii: "x"), count: 201))
            == String(repeating: "x", count: 200) + "..."
    )
    #expect(POP3StatusLine.printable([UInt8]()) == "")
}
