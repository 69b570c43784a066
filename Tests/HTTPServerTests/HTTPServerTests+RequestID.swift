import Synchronization
import Testing

@testable import HTTPServer

extension HTTPServerTests {
    /// The handler sees the caller's X-Request-Id and the answer carries it, also when the server answers
    /// by itself (413); an unusable one is replaced by 32 hex digits.
    @Test func requestIdIsEchoedOnEveryAnswer() throws {
        let seen = Mutex<[String]>([])
        let configuration = HTTPServerConfiguration(port: 0, maxBodyBytes: 16)
        let server = try ServerFixture.started(configuration) { request, responder in
            seen.withLock { $0.append(request.id) }
            responder.respond(HTTPResponse(status: 200))
        }
        defer { server.stop(gracePeriod: .seconds(1)) }

        var client = try LoopbackHTTPClient(port: server.port)
        try client.sendRequest("GET", "/", headers: [("X-Request-Id", "abc-123")])
        #expect(try client.readResponse().headers["X-Request-Id"] == "abc-123")
        #expect(seen.withLock { $0 } == ["abc-123"])

        client = try LoopbackHTTPClient(port: server.port)
        try client.sendRequest(
            "POST",
            "/",
            headers: [("X-Request-Id", "big-1")],
            body: Array(repeating: 0x41, count: 64)
        )
        let tooLarge = try client.readResponse()
        #expect(tooLarge.status == 413)
        #expect(tooLarge.headers["X-Request-Id"] == "big-1")

        for unusable in [String(repeating: "z", count: 129), "a b"] {
            client = try LoopbackHTTPClient(port: server.port)
            try client.sendRequest("GET", "/", headers: [("X-Request-Id", unusable)])
            let id = try #require(try client.readResponse().headers["X-Request-Id"])
            #expect(id.count == 32 && id.allSatisfy(\.isHexDigit) && id == id.lowercased(), "\(unusable)")
        }
        #expect(RequestID.make(from: nil) != RequestID.make(from: nil))
    }
}
