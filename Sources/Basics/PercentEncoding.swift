/// RFC 3986 percent-encoding, for path segments and query components alike.
package enum PercentEncoding {
    /// What a `%` that is not followed by two hex digits means.
    package enum Malformed: Sendable {
        /// The whole text is malformed: `decode` gives nil (a path segment, which must be exact).
        case reject
        /// The `%` is taken as it is (a query component, where refusing the request would be harsher than
        /// anything needs).
        case keep
    }

    /// The decoded bytes. `plusIsSpace` decodes `+` as a space, as HTML forms and curl encode a query.
    package static func decode(
        _ text: some Collection<UInt8>,
        plusIsSpace: Bool = false,
        malformed: Malformed = .reject
    ) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(text.count)
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
            } else if malformed == .keep {
                output.append(byte)
            } else {
                return nil
            }
        }
        return output
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
