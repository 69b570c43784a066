import Foundation
import Testing

@testable import POP3

/// The RFC 4648 §10 test vectors encode exactly.
@Test(arguments: [
    ("", ""),
    ("f", "Zg=="),
    ("fo", "Zm8="),
    ("foo", "Zm9v"),
    ("foob", "Zm9vYg=="),
    ("fooba", "Zm9vYmE="),
    ("foobar", "Zm9vYmFy"),
])
func rfc4648Vectors(input: String, expected: String) {
    #expect(Base64.encode(Array(input.utf8)) == expected)
}

/// SASL PLAIN messages with NUL separators encode as RFC 4616 shows.
@Test(
    arguments: [
        ([0] + Array("user".utf8) + [0] + Array("password".utf8), "AHVzZXIAcGFzc3dvcmQ="),
        ([0] + Array("tim".utf8) + [0] + Array("tanstaaftanstaaf".utf8), "AHRpbQB0YW5zdGFhZnRhbnN0YWFm"),
        ([0, 0], "AAA="),
        ([0xFF, 0xFE, 0xFD], "//79"),
        ([0xFB, 0xEF], "++8="),
    ] as [([UInt8], String)]
)
func binaryVectors(input: [UInt8], expected: String) {
    #expect(Base64.encode(input) == expected)
}

/// Every byte value at every position, for every length 0–300, encodes as Foundation does.
@Test func matchesFoundationForAllLengths() {
    for length in 0...300 {
        let input = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 167 &+ length) }
        #expect(Base64.encode(input) == Data(input).base64EncodedString(), "length \(length)")
    }
}

/// The output length is 4 × ⌈n / 3⌉ and uses only the standard alphabet and padding.
@Test func outputShape() {
    let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
    for length in 0...64 {
        let encoded = Base64.encode([UInt8](repeating: 0xA5, count: length))
        #expect(encoded.count == (length + 2) / 3 * 4)
        #expect(encoded.allSatisfy(alphabet.contains))
    }
}
