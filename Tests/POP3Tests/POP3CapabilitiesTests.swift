import Testing

@testable import POP3

private func capabilities(_ body: String) -> POP3Capabilities { POP3Capabilities(parsing: Array(body.utf8)) }

/// Dovecot's typical CAPA body is parsed into names, SASL mechanisms and the derived flags.
@Test func parsesDovecotCapabilities() {
    let parsed = capabilities(
        "CAPA\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nPIPELINING\r\nAUTH-RESP-CODE\r\nSTLS\r\nUSER\r\nSASL PLAIN LOGIN\r\n"
    )
    #expect(
        parsed.names == ["CAPA", "TOP", "UIDL", "RESP-CODES", "PIPELINING", "AUTH-RESP-CODE", "STLS", "USER", "SASL"]
    )
    #expect(parsed.saslMechanisms == ["PLAIN", "LOGIN"])
    #expect(
        parsed.lines == [
            "CAPA", "TOP", "UIDL", "RESP-CODES", "PIPELINING", "AUTH-RESP-CODE", "STLS", "USER", "SASL PLAIN LOGIN",
        ]
    )
    #expect(parsed.supportsSTLS)
    #expect(parsed.supportsPipelining)
    #expect(parsed.supportsUIDL)
    #expect(parsed.supportsTOP)
    #expect(parsed.supportsUSER)
    #expect(parsed.supportsSASLPlain)
    #expect(parsed.loginDelay == nil)
    #expect(parsed.implementation == nil)
}

/// Lower-case capability names and mechanisms are upper-cased; the lines keep the server's spelling.
@Test func lowerCaseNamesAreUpperCased() {
    let parsed = capabilities("top\r\nuidl\r\nstls\r\nuser\r\npipelining\r\nsasl plain cram-md5\r\n")
    #expect(parsed.names == ["TOP", "UIDL", "STLS", "USER", "PIPELINING", "SASL"])
    #expect(parsed.saslMechanisms == ["PLAIN", "CRAM-MD5"])
    #expect(parsed.supportsSTLS && parsed.supportsTOP && parsed.supportsUIDL && parsed.supportsUSER)
    #expect(parsed.supportsSASLPlain)
    #expect(parsed.lines.last == "sasl plain cram-md5")
}

/// Without the respective lines every derived flag is false.
@Test func missingCapabilitiesAreFalse() {
    let parsed = capabilities("SASL LOGIN\r\nIMPLEMENTATION PLAIN STLS USER\r\n")
    #expect(!parsed.supportsSTLS)
    #expect(!parsed.supportsPipelining)
    #expect(!parsed.supportsUIDL)
    #expect(!parsed.supportsTOP)
    #expect(!parsed.supportsUSER)
    #expect(!parsed.supportsSASLPlain)
    #expect(POP3Capabilities().names.isEmpty)
}

/// `LOGIN-DELAY 900` (with or without `USER`) gives 900 seconds; a malformed value gives nil.
@Test(arguments: [
    ("LOGIN-DELAY 900\r\n", 900 as Int?),
    ("LOGIN-DELAY 900 USER\r\n", 900),
    ("login-delay 0\r\n", 0),
    ("LOGIN-DELAY 999999999\r\n", 999_999_999),
    ("LOGIN-DELAY 1000000000\r\n", nil),
    ("LOGIN-DELAY\r\n", nil),
    ("LOGIN-DELAY -5\r\n", nil),
    ("LOGIN-DELAY 9e9\r\n", nil),
    ("LOGIN-DELAY USER\r\n", nil),
])
func parsesLoginDelay(body: String, seconds: Int?) {
    let parsed = capabilities(body)
    #expect(parsed.loginDelay == seconds)
    #expect(parsed.names.contains("LOGIN-DELAY"))
}

/// `IMPLEMENTATION` keeps the rest of the line as sent, case and inner spaces included.
@Test func parsesImplementationText() {
    let parsed = capabilities("USER\r\nIMPLEMENTATION Shlemazle-Plotz-v302  (beta)\r\nTOP\r\n")
    #expect(parsed.implementation == "Shlemazle-Plotz-v302  (beta)")
    #expect(parsed.names == ["USER", "IMPLEMENTATION", "TOP"])
}

/// Control and non-ASCII bytes in an IMPLEMENTATION line never reach the stored text.
@Test func implementationTextIsMadePrintable() {
    let parsed = POP3Capabilities(parsing: Array("IMPLEMENTATION evil\u{1B}[2J".utf8) + [0xFF] + Array("\r\n".utf8))
    #expect(parsed.implementation == "evil?[2J?")
    #expect(parsed.lines == ["IMPLEMENTATION evil?[2J?"])
}

/// Bare LF line endings and empty lines are tolerated.
@Test func bareLineFeedsAndEmptyLines() {
    let parsed = capabilities("TOP\n\nUIDL\r\n\r\nSASL  PLAIN\n")
    #expect(parsed.names == ["TOP", "UIDL", "SASL"])
    #expect(parsed.saslMechanisms == ["PLAIN"])
    #expect(parsed.lines == ["TOP", "UIDL", "SASL  PLAIN"])
}

/// `init(lines:)` gives the same result as parsing the lines as a CAPA body.
@Test func initFromLinesMatchesParsing() {
    let lines = ["TOP", "user", "SASL plain", "LOGIN-DELAY 60", "IMPLEMENTATION x y"]
    let fromLines = POP3Capabilities(lines: lines)
    #expect(fromLines == capabilities(lines.joined(separator: "\r\n") + "\r\n"))
    #expect(fromLines.supportsUSER)
    #expect(fromLines.supportsSASLPlain)
    #expect(fromLines.loginDelay == 60)
    #expect(fromLines.implementation == "x y")
}
