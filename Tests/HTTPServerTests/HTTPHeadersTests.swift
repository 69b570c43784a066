import Testing

@testable import HTTPServer

struct HTTPHeadersTests {
    /// Lookup ignores ASCII case and returns the first of several values.
    @Test func caseInsensitiveLookup() {
        var headers = HTTPHeaders()
        headers.add(name: "Accept", value: "text/plain")
        headers.add(name: "ACCEPT", value: "application/json")
        #expect(headers["accept"] == "text/plain")
        #expect(headers.values("aCCePT") == ["text/plain", "application/json"])
        #expect(headers["Accept-Encoding"] == nil)
        #expect(headers.values("missing").isEmpty)
    }

    /// Setting through the subscript replaces every value of the name; nil removes them.
    @Test func subscriptSetterReplaces() {
        var headers: HTTPHeaders = ["X-A": "1", "x-a": "2", "X-B": "3"]
        headers["X-A"] = "9"
        #expect(headers.values("x-a") == ["9"])
        headers["x-b"] = nil
        #expect(!headers.contains("X-B"))
        #expect(headers.map(\.name) == ["X-A"])
    }

    /// Names of different length or with non-letters never match.
    @Test func namesMatchIsExact() {
        #expect(HTTPHeaders.namesMatch("Content-Length", "content-length"))
        #expect(!HTTPHeaders.namesMatch("Content-Length", "Content-Lengt"))
        #expect(!HTTPHeaders.namesMatch("[", "{"))
    }
}
