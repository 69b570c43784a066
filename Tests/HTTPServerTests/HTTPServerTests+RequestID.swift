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

    /// A generated id is the process's random prefix, then the counter, both as 16 hex digits.
    @Test func generatedRequestIdsCountUp() throws {
        let first = RequestID.generate()
        let second = RequestID.generate()
        #expect(first.prefix(16) == second.prefix(16))
        let firstCount = try #require(UInt64(first.suffix(16), radix: 16))
        let secondCount = try #require(UInt64(second.suffix(16), radix: 16))
        #expect(secondCount > firstCount)
    }

    /// Generated ids from many threads at once are all distinct, 32 lower-case hex digits each.
    @Test func generatedRequestIdsAreUnique() async {
        let ids = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<8 {
                group.addTask { (0..<5000).map { _ in RequestID.generate() } }
            }
            return await group.reduce(into: [String]()) { $0 += $1 }
        }
        #expect(Set(ids).count == 40_000)
        #expect(ids.allSatisfy { $0.utf8.count == 32 && $0.allSatisfy(\.isHexDigit) && $0 == $0.lowercased() })
    }
}
