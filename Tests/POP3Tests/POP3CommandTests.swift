import Testing

@testable import POP3

/// The bytes every valid buffer starts with, to prove a failed encode leaves the buffer alone.
private let previousBytes = Array("NOOP\r\n".utf8)

/// Encodes `command` after `previousBytes` and returns the error, checking the buffer was left unchanged.
private func encodingError(_ command: POP3Command) -> POP3Error? {
    var buffer = previousBytes
    let error = #expect(throws: POP3Error.self) { try command.encode(into: &buffer) }
    #expect(buffer == previousBytes, "a failed encode must leave the buffer unchanged")
    return error
}

/// Every command is written with its exact wire bytes, CRLF included.
@Test(arguments: [
    (POP3Command.capa, "CAPA\r\n"),
    (.stls, "STLS\r\n"),
    (.user("alice"), "USER alice\r\n"),
    (.pass("s3cret pass phrase"), "PASS s3cret pass phrase\r\n"),
    (
        .apop(user: "mrose", digest: "c4c9334bac560ecc979e58001b3e22fb"),
        "APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n"
    ),
    (.auth(mechanism: "PLAIN", initialResponse: "AGEAYg=="), "AUTH PLAIN AGEAYg==\r\n"),
    (.auth(mechanism: "PLAIN", initialResponse: nil), "AUTH PLAIN\r\n"),
    (.auth(mechanism: "PLAIN", initialResponse: "="), "AUTH PLAIN =\r\n"),
    (.saslResponse("AGEAYg=="), "AGEAYg==\r\n"),
    (.saslResponse("*"), "*\r\n"),
    (.stat, "STAT\r\n"),
    (.list(nil), "LIST\r\n"),
    (.list(7), "LIST 7\r\n"),
    (.uidl(nil), "UIDL\r\n"),
    (.uidl(12), "UIDL 12\r\n"),
    (.top(3, lines: 0), "TOP 3 0\r\n"),
    (.top(1, lines: 25), "TOP 1 25\r\n"),
    (.retr(1), "RETR 1\r\n"),
    (.retr(Int.max), "RETR 9223372036854775807\r\n"),
    (.dele(42), "DELE 42\r\n"),
    (.rset, "RSET\r\n"),
    (.noop, "NOOP\r\n"),
    (.quit, "QUIT\r\n"),
])
func wireBytes(command: POP3Command, expected: String) throws {
    #expect(try command.encoded() == Array(expected.utf8))
    var buffer = previousBytes
    try command.encode(into: &buffer)
    #expect(buffer == previousBytes + Array(expected.utf8), "encode(into:) appends")
}

/// A non-ASCII argument is written as its UTF-8 bytes.
@Test func nonASCIIArgumentIsEncodedAsUTF8() throws {
    #expect(try POP3Command.user("jürgen").encoded() == Array("USER j".utf8) + [0xC3, 0xBC] + Array("rgen\r\n".utf8))
    #expect(try POP3Command.pass("пароль").encoded() == Array("PASS ".utf8) + Array("пароль".utf8) + [0x0D, 0x0A])
}

/// CR, LF or NUL in any USER, PASS, APOP, AUTH or SASL argument is `.invalidArgument`, buffer untouched.
@Test(arguments: [
    POP3Command.user("a\rb"),
    .user("a\nb"),
    .user("a\0b"),
    .user("alice\r\nDELE 1"),
    .pass("pw\r"),
    .pass("pw\nDELE 1"),
    .pass("\0"),
    .apop(user: "mrose\n", digest: "c4c9334bac560ecc979e58001b3e22fb"),
    .apop(user: "mrose", digest: "c4c9\r334bac560ecc979e58001b3e22fb"),
    .apop(user: "mr\0se", digest: "c4c9334bac560ecc979e58001b3e22fb"),
    .auth(mechanism: "PLAIN\r\n", initialResponse: nil),
    .auth(mechanism: "PLAIN", initialResponse: "AGEA\nYg=="),
    .auth(mechanism: "PLAIN", initialResponse: "AGEAYg==\0"),
    .saslResponse("AGEAYg==\r\nQUIT"),
    .saslResponse("\0"),
])
func controlCharactersInArgumentsAreRejected(command: POP3Command) {
    #expect(encodingError(command)?.code == .invalidArgument)
}

/// A USER line of exactly 255 octets (CRLF included) is accepted; 256 octets is `.invalidArgument`.
@Test func commandLengthLimitIsTwoHundredFiftyFiveOctets() throws {
    let fits = POP3Command.user(String(repeating: "u", count: 248))
    #expect(try fits.encoded().count == 255)
    #expect(encodingError(.user(String(repeating: "u", count: 249)))?.code == .invalidArgument)
    #expect(POP3Command.maximumLength == 255)
}

/// The line limit counts octets, not characters: 124 two-byte characters fit, 125 do not.
@Test func commandLengthLimitCountsOctets() throws {
    #expect(try POP3Command.user(String(repeating: "ü", count: 124)).encoded().count == 255)
    #expect(encodingError(.user(String(repeating: "ü", count: 125)))?.code == .invalidArgument)
}

/// PASS, APOP and AUTH lines are bound by the same 255-octet limit.
@Test(arguments: [
    (POP3Command.pass(String(repeating: "p", count: 248)), true),
    (.pass(String(repeating: "p", count: 249)), false),
    (.apop(user: String(repeating: "n", count: 215), digest: String(repeating: "d", count: 32)), true),
    (.apop(user: String(repeating: "n", count: 216), digest: String(repeating: "d", count: 32)), false),
    (.auth(mechanism: "PLAIN", initialResponse: String(repeating: "A", count: 242)), true),
    (.auth(mechanism: "PLAIN", initialResponse: String(repeating: "A", count: 243)), false),
])
func otherCommandsShareTheLengthLimit(command: POP3Command, fits: Bool) throws {
    if fits {
        #expect(try command.encoded().count == 255)
    } else {
        #expect(encodingError(command)?.code == .invalidArgument)
    }
}

/// A SASL response line is not bound by 255 octets but by 64 KiB, CRLF included.
@Test func saslResponseHasItsOwnLimit() throws {
    #expect(try POP3Command.saslResponse(String(repeating: "A", count: 1000)).encoded().count == 1002)
    #expect(try POP3Command.saslResponse(String(repeating: "A", count: 65534)).encoded().count == 65536)
    #expect(encodingError(.saslResponse(String(repeating: "A", count: 65535)))?.code == .invalidArgument)
}

/// A message number of 0 or below, or a negative TOP line count, is `.invalidArgument`.
@Test(arguments: [
    POP3Command.list(0),
    .list(-1),
    .uidl(0),
    .uidl(-7),
    .retr(0),
    .retr(-3),
    .retr(Int.min),
    .dele(0),
    .dele(-1),
    .top(0, lines: 1),
    .top(-1, lines: 0),
    .top(1, lines: -1),
])
func invalidMessageNumbersAreRejected(command: POP3Command) {
    #expect(encodingError(command)?.code == .invalidArgument)
}

/// Exactly CAPA, LIST and UIDL without argument, TOP and RETR get a multi-line answer.
@Test(arguments: [
    (POP3Command.capa, true),
    (.list(nil), true),
    (.uidl(nil), true),
    (.top(1, lines: 0), true),
    (.retr(1), true),
    (.list(1), false),
    (.uidl(1), false),
    (.stls, false),
    (.user("u"), false),
    (.pass("p"), false),
    (.apop(user: "u", digest: "d"), false),
    (.auth(mechanism: "PLAIN", initialResponse: nil), false),
    (.saslResponse("x"), false),
    (.stat, false),
    (.dele(1), false),
    (.rset, false),
    (.noop, false),
    (.quit, false),
])
func multiLineResponses(command: POP3Command, multiLine: Bool) {
    #expect(command.hasMultiLineResponse == multiLine)
}

/// PASS, APOP, AUTH and SASL responses carry a secret; no other command does.
@Test(arguments: [
    (POP3Command.pass("p"), true),
    (.apop(user: "u", digest: "d"), true),
    (.auth(mechanism: "PLAIN", initialResponse: "AGEAYg=="), true),
    (.auth(mechanism: "PLAIN", initialResponse: nil), true),
    (.saslResponse("AGEAYg=="), true),
    (.user("u"), false),
    (.capa, false),
    (.stls, false),
    (.stat, false),
    (.list(nil), false),
    (.uidl(1), false),
    (.top(1, lines: 1), false),
    (.retr(1), false),
    (.dele(1), false),
    (.rset, false),
    (.noop, false),
    (.quit, false),
])
func secretCarryingCommands(command: POP3Command, secret: Bool) {
    #expect(command.carriesSecret == secret)
}

/// The loggable keyword never includes an argument.
@Test(arguments: [
    (POP3Command.pass("hunter2"), "PASS"),
    (.apop(user: "u", digest: "d"), "APOP"),
    (.auth(mechanism: "PLAIN", initialResponse: "AGEAYg=="), "AUTH"),
    (.saslResponse("AGEAYg=="), "AUTH-RESPONSE"),
    (.user("alice"), "USER"),
    (.top(1, lines: 2), "TOP"),
    (.list(3), "LIST"),
])
func keywordIsSafeToLog(command: POP3Command, keyword: String) {
    #expect(command.keyword == keyword)
}

/// The error for a rejected secret never repeats the secret.
@Test func invalidArgumentErrorDoesNotEchoTheSecret() {
    let error = encodingError(.pass("hunter2\r\nDELE 1"))
    #expect(error?.code == .invalidArgument)
    #expect(error.map { !$0.description.contains("hunter2") } == true)
}
