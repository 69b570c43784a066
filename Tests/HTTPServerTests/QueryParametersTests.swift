import Testing

@testable import HTTPServer

struct QueryParametersTests {
    /// `%XX` and `+` are decoded, order and duplicates are kept, empty pairs are skipped.
    @Test func decodesInOrder() {
        let parameters = QueryParameters.parse("a=1&b=x%20y&c=+&&a=2&flag")
        #expect(parameters.map(\.name) == ["a", "b", "c", "a", "flag"])
        #expect(parameters.map(\.value) == ["1", "x y", " ", "2", ""])
    }

    /// A `%` without two hex digits stays literal; an encoded `=` or `&` does not split.
    @Test func malformedAndEncodedSeparators() {
        let parameters = QueryParameters.parse("p=100%&q=%zz%4&r=a%3Db%26c")
        #expect(parameters.map(\.value) == ["100%", "%zz%4", "a=b&c"])
    }

    /// Bytes that are not UTF-8 become U+FFFD instead of failing the request.
    @Test func invalidUTF8IsReplaced() {
        #expect(QueryParameters.parse("x=%FF").first?.value == "\u{FFFD}")
    }

    /// `HTTPRequest` splits its target at the first `?` only.
    @Test func requestSplitsTarget() {
        let request = HTTPRequest(method: "GET", target: "/a%2Fb?x=1?2")
        #expect(request.path == "/a%2Fb")
        #expect(request.queryValue("x") == "1?2")
    }
}
