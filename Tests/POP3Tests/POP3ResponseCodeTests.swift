import Testing

@testable import POP3

/// Known codes are recognised case-insensitively; unknown sub-levels of a known code are ignored.
@Test(arguments: [
    ("[IN-USE] mailbox locked", POP3ResponseCode.inUse),
    ("[in-use]", .inUse),
    ("[In-Use/Shared] x", .inUse),
    ("[SYS/TEMP] try later", .systemTemporary),
    ("[sys/temp]", .systemTemporary),
    ("[SYS/TEMP/DISK] disk full", .systemTemporary),
    ("[SYS/PERM] gone", .systemPermanent),
    ("[SYS/PERM/QUOTA]", .systemPermanent),
    ("[AUTH] bad password", .authentication),
    ("[auth]", .authentication),
    ("[AUTH/EXPIRED]", .authentication),
    ("[LOGIN-DELAY] wait", .loginDelay),
    ("[login-delay]", .loginDelay),
])
func recognisesKnownCodes(text: String, code: POP3ResponseCode) {
    #expect(POP3ResponseCode(leadingIn: Array(text.utf8)) == code)
}

/// Unknown codes are kept upper-cased, sub-levels included, instead of being rejected.
@Test(arguments: [
    ("[UTF8] text", "UTF8"),
    ("[utf8]", "UTF8"),
    ("[SYS] x", "SYS"),
    ("[SYS/OTHER]", "SYS/OTHER"),
    ("[X-Vendor/a-1]", "X-VENDOR/A-1"),
    ("[123]", "123"),
])
func keepsUnknownCodes(text: String, name: String) {
    #expect(POP3ResponseCode(leadingIn: Array(text.utf8)) == .other(name))
}

/// Text with no well-formed code at its very start has no response code.
@Test(arguments: [
    "",
    "[",
    "[]",
    "[A B]",
    "[AUTH",
    "AUTH]",
    "x [AUTH]",
    " [AUTH]",
    "[/AUTH]",
    "[AUTH/]",
    "[SYS//TEMP]",
    "[AU\tTH]",
    "[AUTH\u{00E9}]",
    "[IN_USE]",
    "plain text",
])
func rejectsMalformedCodes(text: String) {
    #expect(POP3ResponseCode(leadingIn: Array(text.utf8)) == nil)
}

/// The code is found in a slice whose indices do not start at zero.
@Test func readsCodeFromSliceWithNonZeroStart() {
    let text = Array("+OK [IN-USE] x".utf8)
    #expect(POP3ResponseCode(leadingIn: text[4...]) == .inUse)
    #expect(POP3ResponseCode(leadingIn: text[3...]) == nil)
}
