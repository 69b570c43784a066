import Foundation
import Synchronization
import Testing

@testable import HTTPServer

extension HTTPServerTests {
    /// An inline answer arrives with its status, body, custom (repeated) header fields and a correct
    /// Content-Length, and the handler sees the request's method, target, headers and address.
    @Test func inlineResponse() throws {
        let seen = Mutex<HTTPRequest?>(nil)
        let server = try ServerFixture.started { request, responder in
            seen.withLock { $0 = request }
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "text/plain")
            headers.add(name: "X-Custom", value: "one")
            headers.add(name: "X-Custom", value: "two")
            responder.respond(HTTPResponse(status: 200, headers: headers, body: .bytes(Array("hello, world".utf8))))
        }
        defer { server.stop(gracePeriod: .seconds(1)) }
        let client = try LoopbackHTTPClient(port: server.port)
        try client.sendRequest(
            "GET",
            "/hello?x=1",
            headers: [("X-Request-Thing", "abc"), ("x-request-thing", "def")]
        )
        let response = try client.readResponse()
        #expect(response.status == 200)
        #expect(response.text == "hello, world")
        #expect(response.headers["content-length"] == "12")
        #expect(response.headers.values("X-Custom") == ["one", "two"])
        #expect(response.headers["Content-Type"] == "text/plain")

        let request = try #require(seen.withLock { $0 })
        #expect(request.method == "GET")
        #expect(request.target == "/hello?x=1")
        #expect(request.path == "/hello")
        #expect(request.headers.values("X-REQUEST-THING") == ["abc", "def"])
        #expect(request.remoteAddress == "127.0.0.1")
        #expect(ServerFixture.eventually { server.requestsInFlight == 0 })
    }

    /// Fields that could split the response (CR, LF or NUL in a name or value), an empty name and an
    /// application Content-Length are dropped; the fields around them still go out.
    @Test func unsafeResponseFieldsAreDropped() throws {
        let server = try ServerFixture.started { _, responder in
            var headers = HTTPHeaders()
            headers.add(name: "X-Before", value: "one")
            headers.add(name: "X-Split", value: "a\r\nInjected: yes")
            headers.add(name: "X-Line", value: "a\nInjected: yes")
            headers.add(name: "X-Nul", value: "a\u{0}b")
            headers.add(name: "X-Bad\r\nInjected", value: "yes")
            headers.add(name: "", value: "nameless")
            headers.add(name: "content-length", value: "999")
            headers.add(name: "X-After", value: "two")
            responder.respond(HTTPResponse(status: 200, headers: headers, body: .bytes(Array("hello".utf8))))
        }
        defer { server.stop(gracePeriod: .seconds(1)) }
        let client = try LoopbackHTTPClient(port: server.port)
        try client.sendRequest("GET", "/fields")
        let response = try client.readResponse()
        #expect(response.status == 200)
        #expect(response.text == "hello")
        #expect(response.headers.values("Content-Length") == ["5"])
        #expect(response.headers["X-Before"] == "one")
        #expect(response.headers["X-After"] == "two")
        for name in ["Injected", "X-Split", "X-Line", "X-Nul", "X-Bad"] {
            #expect(!response.headers.contains(name), "\(name)")
        }
    }

    /// curl, an independent client, gets the same inline answer.
    @Test func inlineResponseThroughCurl() throws {
        let server = try ServerFixture.started { _, responder in
            responder.respond(
                HTTPResponse(status: 201, headers: ["X-Custom": "curl"], body: .bytes(Array("created".utf8)))
            )
        }
        defer { server.stop(gracePeriod: .seconds(1)) }
        let result = try Curl.run([
            "--include", "http://127.0.0.1:\(server.port)/things",
        ])
        #expect(result.exitCode == 0)
        #expect(result.text.hasPrefix("HTTP/1.1 201"))
        #expect(result.text.lowercased().contains("x-custom: curl"))
        #expect(result.text.lowercased().contains("content-length: 7"))
        #expect(result.text.hasSuffix("\r\n\r\ncreated"))
    }

    /// The raw target keeps its percent-encoding; query parameters are decoded, `+` included.
    @Test func targetAndQueryDecoding() throws {
        let seen = Mutex<HTTPRequest?>(nil)
        let server = try ServerFixture.started { request, responder in
            seen.withLock { $0 = request }
            responder.respond(HTTPResponse(status: 204))
        }
        defer { server.stop(gracePeriod: .seconds(1)) }
        let client = try LoopbackHTTPClient(port: server.port)
        try client.sendRequest("GET", "/v1/messages/abc%2F1?a=1&b=x%20y&c=+&d&e=%E2%82%AC")
        #expect(try client.readResponse().status == 204)
        let request = try #require(seen.withLock { $0 })
        #expect(request.target == "/v1/messages/abc%2F1?a=1&b=x%20y&c=+&d&e=%E2%82%AC")
        #expect(request.path == "/v1/messages/abc%2F1")
        #expect(request.query.map(\.name) == ["a", "b", "c", "d", "e"])
        #expect(request.query.map(\.value) == ["1", "x y", " ", "", "€"])
    }

    /// HEAD gets the head of the GET answer, Content-Length included, and no body.
    @Test func headOmitsBody() throws {
        let server = try ServerFixture.started { _, responder in
            responder.respond(HTTPResponse(status: 200, body: .bytes(Array("hello world".utf8))))
        }
        defer { server.stop(gracePeriod: .seconds(1)) }
        let client = try LoopbackHTTPClient(port: server.port)
        try client.sendRequest("HEAD", "/x", headers: [("Connection", "close")])
        let response = try client.readResponse(isHead: true)
        #expect(response.status == 200)
        #expect(response.headers["Content-Length"] == "11")
        #expect(try client.readToEnd().isEmpty)
    }

    /// A request body under the limit reaches the handler byte for byte.
    @Test func requestBodyReachesHandler() throws {
        let body = (0..<50_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let server = try ServerFixture.started { request, responder in
            responder.respond(HTTPResponse(status: 200, body: .bytes(request.body)))
        }
        defer { server.stop(gracePeriod: .seconds(1)) }
        let client = try LoopbackHTTPClient(port: server.port)
        try client.sendRequest("POST", "/echo", body: body)
        let response = try client.readResponse()
        #expect(response.status == 200)
        #expect(response.body == body)
    }

    /// A handler that drops its responder without answering produces a 500 problem (`no_answer`) instead of a
    /// hung request.
    @Test func droppedResponderAnswers500() throws {
        let server = try ServerFixture.started { _, _ in }
        defer { server.stop(gracePeriod: .seconds(1)) }
        let client = try LoopbackHTTPClient(port: server.port)
        try client.sendRequest("GET", "/forgotten")
        let response = try client.readResponse()
        #expect(response.status == 500)
        #expect(response.headers["Content-Type"] == "application/problem+json")
        let problem = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        #expect(problem?["code"] as? String == "no_answer")
        #expect(problem?["status"] as? Int == 500)
    }
}
