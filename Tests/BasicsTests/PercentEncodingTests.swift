import Basics
import Testing

@Test func decodesEscapesInEitherCase() {
    #expect(PercentEncoding.decode("a%2Fb%2fc".utf8) == Array("a/b/c".utf8))
    #expect(PercentEncoding.decode("%C3%A4".utf8) == [0xC3, 0xA4])
    #expect(PercentEncoding.decode("".utf8) == [])
}

/// `+` is a space in a query component, never in a path segment.
@Test func plusIsSpaceOnlyWhenAsked() {
    #expect(PercentEncoding.decode("a+b".utf8) == Array("a+b".utf8))
    #expect(PercentEncoding.decodeQueryComponent("a+b%2B".utf8) == Array("a b+".utf8))
}

/// A `%` without two hex digits after it: the whole text is refused, or (for a query) the `%` stays.
@Test(arguments: ["%", "%4", "a%", "%zz", "%4g", "100%", "%%41"])
func malformedEscapes(text: String) {
    #expect(PercentEncoding.decode(text.utf8) == nil)
    let kept = PercentEncoding.decodeQueryComponent(text.utf8)
    #expect(kept.contains(UInt8(ascii: "%")), "\(text)")
}

@Test func keptEscapesAroundAGoodOne() {
    #expect(PercentEncoding.decodeQueryComponent("%%41%".utf8) == Array("%A%".utf8))
    #expect(PercentEncoding.decodeQueryComponent("%4".utf8) == Array("%4".utf8))
}

/// Everything but the unreserved characters is escaped in upper case, so an id is one path segment and
/// comes back byte for byte.
@Test func encodeRoundTrips() {
    let text = "a/b c?d#e%f+g~h.i_j-kÄ\u{0}"
    let encoded = PercentEncoding.encode(text)
    #expect(encoded == "a%2Fb%20c%3Fd%23e%25f%2Bg~h.i_j-k%C3%84%00")
    #expect(PercentEncoding.decode(encoded.utf8) == Array(text.utf8))
}
