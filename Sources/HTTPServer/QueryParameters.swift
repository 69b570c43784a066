/// Splits and decodes the query part of a request target (`a=1&b=x%20y`), the way HTML forms and
/// curl encode it: `+` is a space and `%XX` is a byte.
enum QueryParameters {
    static func parse(_ query: Substring) -> [(name: String, value: String)] {
        var parameters: [(name: String, value: String)] = []
        for pair in query.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            if let equals = pair.firstIndex(of: UInt8(ascii: "=")) {
                parameters.append(
                    (
                        name: self.decode(pair[pair.startIndex..<equals]),
                        value: self.decode(pair[pair.index(after: equals)...])
                    )
                )
            } else {
                parameters.append((name: self.decode(pair), value: ""))
            }
        }
        return parameters
    }

    /// Decodes one name or value. A `%` not followed by two hex digits stays as it is, since
    /// rejecting the request would be harsher than the router needs; bytes that are not UTF-8 become
    /// U+FFFD.
    static func decode(_ component: Substring.UTF8View.SubSequence) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(component.count)
        var index = component.startIndex
        while index < component.endIndex {
            let byte = component[index]
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"),
                let high = component.index(index, offsetBy: 1, limitedBy: component.endIndex),
                high < component.endIndex,
                let low = component.index(high, offsetBy: 1, limitedBy: component.endIndex),
                low < component.endIndex,
                let highValue = self.hexValue(component[high]),
                let lowValue = self.hexValue(component[low])
            {
                bytes.append(highValue << 4 | lowValue)
                index = low
            } else {
                bytes.append(byte)
            }
            index = component.index(after: index)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
