/// RFC 3986 percent-encoding, for path segments and query components alike.
package enum PercentEncoding {
    /// A path segment's bytes; nil when a `%` is not followed by two hex digits, since a path must be exact.
    package static func decode(_ text: some Collection<UInt8>) -> [UInt8]? {
        let decoded = self.decode(text, plusIsSpace: false)
        return decoded.wellFormed ? decoded.bytes : nil
    }

    /// A query name or value, as HTML forms and curl encode it: `+` is a space, and a `%` not followed by two
    /// hex digits stays as it is, since refusing the request would be harsher than anything needs.
    package static func decodeQueryComponent(_ text: some Collection<UInt8>) -> [UInt8] {
        self.decode(text, plusIsSpace: true).bytes
    }

    /// The bytes, a malformed `%` kept as it is, and whether there was none.
    private static func decode(
        _ text: some Collection<UInt8>,
        plusIsSpace: Bool
    ) -> (bytes: [UInt8], wellFormed: Bool) {
        var output: [UInt8] = []
        output.reserveCapacity(text.count)
        var wellFormed = true
        var index = text.startIndex
        while index != text.endIndex {
            let byte = text[index]
            index = text.index(after: index)
            if byte == UInt8(ascii: "+"), plusIsSpace {
                output.append(UInt8(ascii: " "))
            } else if byte != UInt8(ascii: "%") {
                output.append(byte)
            } else if index != text.endIndex, text.index(after: index) != text.endIndex,
                let high = Hex.value(of: text[index]), let low = Hex.value(of: text[text.index(after: index)])
            {
                output.append(high << 4 | low)
                index = text.index(index, offsetBy: 2)
            } else {
                output.append(byte)
                wellFormed = false
            }
        }
        return (output, wellFormed)
    }

    /// Encodes everything but RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`), as `%XX` in upper
    /// case, so that an id is always one path segment.
    package static func encode(_ text: String) -> String {
        var output: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                output.append(byte)
            default:
                output.append(UInt8(ascii: "%"))
                Hex.append(byte, to: &output, uppercase: true)
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
