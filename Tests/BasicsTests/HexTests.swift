import Basics
import Testing

/// Every byte encodes as its two digits, in either case, and decodes back.
@Test func everyByteRoundTrips() {
    let bytes = (0...255).map(UInt8.init)
    let lower = Hex.encode(bytes)
    let upper = Hex.encode(bytes, uppercase: true)
    #expect(lower.hasPrefix("000102") && lower.hasSuffix("fdfeff") && lower.utf8.count == 512)
    #expect(upper == lower.uppercased())
    #expect(Hex.decode(lower.utf8) == bytes)
    #expect(Hex.decode(upper.utf8) == bytes)
}

@Test func appendWritesTwoDigits() {
    var output = Array("=".utf8)
    Hex.append(0xC3, to: &output, uppercase: true)
    Hex.append(0x0A, to: &output)
    #expect(output == Array("=C30a".utf8))
}

@Test func digitValues() {
    #expect(Hex.value(of: UInt8(ascii: "0")) == 0)
    #expect(Hex.value(of: UInt8(ascii: "9")) == 9)
    #expect(Hex.value(of: UInt8(ascii: "a")) == 10)
    #expect(Hex.value(of: UInt8(ascii: "F")) == 15)
    #expect(Hex.value(of: UInt8(ascii: "F"), acceptingUppercase: false) == nil)
    for digit in ["g", "G", "/", ":", "@", "`", " ", "\u{0}"] {
        #expect(Hex.value(of: Array(digit.utf8)[0]) == nil, "\(digit)")
    }
}

/// An odd count, a character that is no digit, or upper case where only lower case is accepted: nil.
@Test(arguments: ["0", "abc", "0g", "zz", "+1", "-1"])
func malformedDigitsAreRefused(text: String) {
    #expect(Hex.decode(text.utf8) == nil)
}

@Test func lowerCaseOnly() {
    #expect(Hex.decode("6a".utf8, acceptingUppercase: false) == [0x6A])
    #expect(Hex.decode("6A".utf8, acceptingUppercase: false) == nil)
    #expect(Hex.decode("".utf8) == [])
}
