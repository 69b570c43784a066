import Testing

@testable import GatewayHTTP

@Suite struct RoutePatternTests {
    /// The byte-wise path splitter gives exactly what the generic `split` gives, dropping the first segment.
    @Test(arguments: [
        "", "/", "//", "abc", "a/b", "/v1/messages", "/v1/messages/", "/v1//messages", "/v1/messages/x%2Fy/raw",
        "/v1/messages/ünïcødé/attachments/2.1", "/healthz?x=/y",
    ])
    func segmentsMatchGenericSplit(_ path: String) {
        let expected = Array(path.split(separator: "/", omittingEmptySubsequences: false).dropFirst())
        #expect(RoutePattern.segments(of: path) == expected)
    }

    /// Paths find their route pattern; near misses find none.
    @Test func patternsOfPaths() {
        #expect(RoutePattern(path: "/v1/messages/abc/raw") == .rawMessage)
        #expect(RoutePattern(path: "/v1/messages/abc/attachments/2") == .attachment)
        #expect(RoutePattern(path: "/healthz") == .health)
        #expect(RoutePattern(path: "/v1/messages/abc/rawx") == nil)
        #expect(RoutePattern(path: "v1/messages") == nil)
    }

    /// `answers` says what `methods` lists, for every pattern, and no more.
    @Test(arguments: RoutePattern.allCases)
    func answersWhatMethodsLists(_ pattern: RoutePattern) {
        for method in ["GET", "HEAD", "DELETE", "OPTIONS", "POST", "PUT", "PATCH", "get", "", "GETX"] {
            #expect(pattern.answers(method) == pattern.methods.contains(method), "\(pattern) \(method)")
        }
    }
}
