import Basics
import Foundation
import Testing

/// The body has exactly the five members of openapi.yaml's `Problem`, escaped as JSON.
@Test func problemBody() throws {
    let problem = Problem(status: 429, code: "login_delay", title: "Wait", detail: "a \"quoted\"\nline", retryAfter: 5)
    let body = try #require(try JSONSerialization.jsonObject(with: Data(JSON.encode(problem))) as? [String: Any])
    #expect(Set(body.keys) == ["type", "title", "status", "detail", "code"])
    #expect(body["type"] as? String == "about:blank")
    #expect(body["status"] as? Int == 429)
    #expect(body["detail"] as? String == "a \"quoted\"\nline")
    #expect(body["code"] as? String == "login_delay")
}

/// One wording for a stopping gateway, whichever layer notices: no `Retry-After`.
@Test func shuttingDown() {
    #expect(Problem.shuttingDown.status == 503)
    #expect(Problem.shuttingDown.code == "shutting_down")
    #expect(Problem.shuttingDown.retryAfter == nil)
}
