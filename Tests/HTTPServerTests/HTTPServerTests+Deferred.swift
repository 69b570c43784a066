import Foundation
import Synchronization
import Testing

@testable import HTTPServer

extension HTTPServerTests {
    /// A slow answer from another thread does not hold up MHD: with a single MHD thread, a second
    /// connection's request is answered while the first waits 200 ms for its worker.
    @Test func deferredResponseLeavesMHDThreadFree() throws {
        let configuration = HTTPServerConfiguration(port: 0, threads: 1)
        let server = try ServerFixture.started(configuration) { request, responder in
            if request.path == "/slow" {
                Thread.detachNewThread {
                    ServerFixture.sleep(.milliseconds(200))
                    responder.respond(HTTPResponse(status: 200, body: .bytes(Array("slow".utf8))))
                }
            } else {
                responder.respond(HTTPResponse(status: 200, body: .bytes(Array("fast".utf8))))
            }
        }
        defer { server.stop(gracePeriod: .seconds(1)) }
        let clock = ContinuousClock()
        let start = clock.now
        let slow = try LoopbackHTTPClient(port: server.port)
        try slow.sendRequest("GET", "/slow")
        ServerFixture.sleep(.milliseconds(20))

        let fast = try LoopbackHTTPClient(port: server.port)
        try fast.sendRequest("GET", "/fast")
        let fastResponse = try fast.readResponse()
        let fastElapsed = clock.now - start
        #expect(fastResponse.text == "fast")
        #expect(fastElapsed < .milliseconds(150))

        let slowResponse = try slow.readResponse()
        let slowElapsed = clock.now - start
        #expect(slowResponse.text == "slow")
        #expect(slowElapsed >= .milliseconds(200))
        #expect(ServerFixture.eventually { server.requestsInFlight == 0 })
    }

    /// 50 requests, each answered by its own worker after 100 ms, all complete, concurrently.
    @Test func fiftyConcurrentDeferredRequests() throws {
        let server = try ServerFixture.started { request, responder in
            Thread.detachNewThread {
                ServerFixture.sleep(.milliseconds(100))
                responder.respond(HTTPResponse(status: 200, body: .bytes(Array(request.path.utf8))))
            }
        }
        defer { server.stop(gracePeriod: .seconds(1)) }
        let clock = ContinuousClock()
        let start = clock.now
        let clients = try (0..<50).map { index in
            let client = try LoopbackHTTPClient(port: server.port)
            try client.sendRequest("GET", "/request/\(index)")
            return client
        }
        for (index, client) in clients.enumerated() {
            let response = try client.readResponse()
            #expect(response.status == 200)
            #expect(response.text == "/request/\(index)")
        }
        // One after the other would take 5 s.
        #expect(clock.now - start < .seconds(2))
        #expect(ServerFixture.eventually { server.requestsInFlight == 0 })
    }

    /// Keep-alive: several deferred requests in a row on one connection each get their answer.
    @Test func deferredResponsesOnOneKeepAliveConnection() throws {
        let server = try ServerFixture.started { request, responder in
            Thread.detachNewThread {
                ServerFixture.sleep(.milliseconds(10))
                responder.respond(HTTPResponse(status: 200, body: .bytes(Array(request.path.utf8))))
            }
        }
        defer { server.stop(gracePeriod: .seconds(1)) }
        let client = try LoopbackHTTPClient(port: server.port)
        for index in 0..<5 {
            try client.sendRequest("GET", "/again/\(index)")
            #expect(try client.readResponse().text == "/again/\(index)")
        }
    }
}
