/// Hexadecimal digits: the one table behind every hex encoding and decoding in the project (digests,
/// cursors, percent and quoted-printable escapes, `\u00XX` in JSON).
package enum Hex {
    private static let lowerDigits: StaticString = "0123456789abcdef"
    private static let upperDigits: StaticString = "0123456789ABCDEF"

    /// Appends `byte` as two digits, lower case unless `uppercase`.
    @inline(__always)
    package static func append(_ byte: UInt8, to output: inout [UInt8], uppercase: Bool = false) {
        let digits = uppercase ? self.upperDigits : self.lowerDigits
        output.append(digits.utf8Start[Int(byte >> 4)])
        output.append(digits.utf8Start[Int(byte & 0x0F)])
    }

    /// `bytes` as digits, two per byte, lower case unless `uppercase`.
    package static func encode(_ bytes: some Sequence<UInt8>, uppercase: Bool = false) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes { self.append(byte, to: &output, uppercase: uppercase) }
        return String(decoding: output, as: UTF8.self)
    }

    /// The value of one digit; nil for anything else, and for `A`-`F` when only lower case is accepted.
    @inline(__always)
    package static func value(of digit: UInt8, acceptingUppercase: Bool = true) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F") where acceptingUppercase: digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// The bytes that pairs of digits spell; nil for an odd count or a character that is no digit.
    package static func decode(_ digits: some Collection<UInt8>, acceptingUppercase: Bool = true) -> [UInt8]? {
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var iterator = digits.makeIterator()
        while let first = iterator.next(), let second = iterator.next() {
            guard let high = self.value(of: first, acceptingUppercase: acceptingUppercase),
                let low = self.value(of: second, acceptingUppercase: acceptingUppercase)
            else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }
}
