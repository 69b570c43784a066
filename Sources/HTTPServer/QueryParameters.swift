import Basics

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
        String(decoding: PercentEncoding.decodeQueryComponent(component), as: UTF8.self)
    }
}
