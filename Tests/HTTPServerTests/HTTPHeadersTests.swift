import Basics
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

/// A problem becomes problem+json that no cache stores, with the headers it calls for; a 401's challenge
/// is left to the application (GatewayHTTP adds it, `errorsAreProblems` checks it).
@Test func problemResponseHeaders() {
    let challenge = HTTPResponse(
        problem: Problem(status: 401, code: "authentication_required", title: "t", detail: "d")
    )
    #expect(challenge.status == 401)
    #expect(challenge.headers["Content-Type"] == "application/problem+json")
    #expect(challenge.headers["Cache-Control"] == "no-store")
    #expect(challenge.headers["WWW-Authenticate"] == nil, "the application's realm, not the server's")
    let limited = HTTPResponse(
        problem: Problem(
            status: 405,
            code: "method_not_allowed",
            title: "t",
            detail: "d",
            retryAfter: 3,
            allow: ["GET", "HEAD"]
        )
    )
    #expect(limited.headers["Retry-After"] == "3")
    #expect(limited.headers["Allow"] == "GET, HEAD")
    #expect(limited.headers["WWW-Authenticate"] == nil)
}
