import Foundation
import Synchronization
import TestSupport
import Testing

@testable import HTTPServer

extension HTTPServerTests {
    /// `stop` while a request waits for an answer that never comes (and a stream waits for its
    /// producer) returns promptly without crashing; the waiting client gets a 503 or a closed
    /// connection, the producer's next write throws, and a late `respond` is harmless.
    @Test func stopWhileRequestsAreSuspended() throws {
        let parked = Mutex<[HTTPResponder]>([])
        let producerError = Mutex<(any Error)?>(nil)
        let producerReleased = Atomic<Bool>(false)
        let server = HTTPServer(configuration: HTTPServerConfiguration(port: 0)) { request, responder in
            if request.path == "/stream" {
                Thread.detachNewThread {
                    responder.respond(
                        HTTPResponse(
                            status: 200,
                            body: .stream(contentLength: nil) { writer in
                                do {
                                    try writer.write(Array("first".utf8))
                                    // The connection suspends (buffer empty) until the server stops.
                                    while !producerReleased.load(ordering: .relaxed) {
                                        ServerFixture.sleep(.milliseconds(5))
                                    }
                                    try writer.write(Array("second".utf8))
                                } catch {
                                    producerError.withLock { $0 = error }
                                    throw error
                                }
                            }
                        )
                    )
                }
            } else {
                parked.withLock { $0.append(responder) }
            }
        }
        try server.start()
        let waiting = try LoopbackHTTPClient(port: server.port)
        try waiting.sendRequest("GET", "/never")
        let streaming = try LoopbackHTTPClient(port: server.port)
        try streaming.sendRequest("GET", "/stream")
        #expect(ServerFixture.eventually { parked.withLock { $0.count } == 1 })
        #expect(try !streaming.receive().isEmpty)

        let clock = ContinuousClock()
        let stopStart = clock.now
        server.stop(gracePeriod: .milliseconds(200))
        #expect(clock.now - stopStart < .seconds(3))

        let response = try? waiting.readResponse()
        if let response {
            #expect(response.status == 503)
            #expect(response.headers["Content-Type"] == "application/problem+json")
            let problem = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
            #expect(problem?["code"] as? String == "shutting_down")
        }
        #expect(streaming.waitForServerClose())

        producerReleased.store(true, ordering: .relaxed)
        #expect(ServerFixture.eventually { producerError.withLock { $0 } != nil })
        #expect(producerError.withLock { $0 } is HTTPBodyWriter.ClientGone)
        for responder in parked.withLock({ $0 }) {
            responder.respond(HTTPResponse(status: 200))
        }
    }

    /// Stopping with no grace period while requests are parked never aborts the process. (MHD
    /// re-asks for a response `stop` already queued; suspending again there made MHD_stop_daemon
    /// abort.)
    @Test func stopWithoutGracePeriodRepeatedly() throws {
        for _ in 0..<10 {
            let parked = Mutex<[HTTPResponder]>([])
            let server = HTTPServer(configuration: HTTPServerConfiguration(port: 0)) { _, responder in
                parked.withLock { $0.append(responder) }
            }
            try server.start()
            let clients = try (0..<3).map { index in
                let client = try LoopbackHTTPClient(port: server.port)
                try client.sendRequest("GET", "/parked/\(index)")
                return client
            }
            #expect(ServerFixture.eventually { parked.withLock { $0.count } == 3 })
            server.stop(gracePeriod: .zero)
            for client in clients {
                if let response = try? client.readResponse() {
                    #expect(response.status == 503)
                }
            }
        }
    }

    /// A request that gets its answer within the grace period is served normally during `stop`.
    @Test func stopWaitsForRequestsInFlight() throws {
        let server = HTTPServer(configuration: HTTPServerConfiguration(port: 0)) { _, responder in
            Thread.detachNewThread {
                ServerFixture.sleep(.milliseconds(150))
                responder.respond(HTTPResponse(status: 200, body: .bytes(Array("made it".utf8))))
            }
        }
        try server.start()
        let client = try LoopbackHTTPClient(port: server.port)
        try client.sendRequest("GET", "/")
        #expect(ServerFixture.eventually { server.requestsInFlight == 1 })
        server.stop(gracePeriod: .seconds(2))
        let response = try client.readResponse()
        #expect(response.status == 200)
        #expect(response.text == "made it")
        #expect(response.headers["Connection"]?.lowercased() == "close")
    }

    /// After `stop`, a new server binds the same port and serves; while one runs, a second on the
    /// same port fails with `addressInUse`.
    @Test func restartOnSamePort() throws {
        let handler: @Sendable (HTTPRequest, HTTPResponder) -> Void = { _, responder in
            responder.respond(HTTPResponse(status: 200, body: .bytes(Array("up".utf8))))
        }
        let first = HTTPServer(configuration: HTTPServerConfiguration(port: 0), handler: handler)
        try first.start()
        let port = first.port
        #expect(port > 0)
        let client = try LoopbackHTTPClient(port: port)
        try client.sendRequest("GET", "/")
        #expect(try client.readResponse().text == "up")

        let rival = HTTPServer(configuration: HTTPServerConfiguration(port: port), handler: handler)
        #expect(throws: HTTPServerError.addressInUse(host: "127.0.0.1", port: port)) { try rival.start() }
        #expect(throws: HTTPServerError.alreadyRunning) { try first.start() }

        first.stop()
        let second = HTTPServer(configuration: HTTPServerConfiguration(port: port), handler: handler)
        try second.start()
        defer { second.stop() }
        #expect(second.port == port)
        let again = try LoopbackHTTPClient(port: port)
        try again.sendRequest("GET", "/")
        #expect(try again.readResponse().text == "up")
    }

    /// Host names and malformed addresses are refused with a clear error instead of binding anywhere.
    @Test func invalidHostIsRefused() {
        let server = HTTPServer(configuration: HTTPServerConfiguration(host: "localhost", port: 0)) { _, _ in }
        #expect(throws: HTTPServerError.invalidHost("localhost")) { try server.start() }
    }

    /// The server binds an IPv6 literal and reports the client's IPv6 address.
    @Test(.enabled(if: LoopbackHTTPClient.isIPv6LoopbackAvailable))
    func servesIPv6Loopback() throws {
        let seen = Mutex<String?>(nil)
        let server = try ServerFixture.started(HTTPServerConfiguration(host: "::1", port: 0)) { request, responder in
            seen.withLock { $0 = request.remoteAddress }
            responder.respond(HTTPResponse(status: 200, body: .bytes(Array("v6".utf8))))
        }
        defer { server.stop(gracePeriod: .seconds(1)) }
        let client = try LoopbackHTTPClient(host: "::1", port: server.port)
        try client.sendRequest("GET", "/")
        #expect(try client.readResponse().text == "v6")
        #expect(seen.withLock { $0 } == "::1")
    }
}

extension HTTPServerTests {
    /// Connections opened together are spread over the HTTP threads (the `Acceptor` hands them to MHD,
    /// which picks a thread by socket number), not left on whichever thread woke first: with MHD's own
    /// accepting this test failed six runs of six (all 16 on one thread three times, else 14/2, 13/3
    /// and 15/1). The clients are a separate process, as in real use: clients in this process would take
    /// every other descriptor number.
    @Test func connectionsAreSpreadOverTheThreads() throws {
        try Python3.requireAvailable()
        let threads = Mutex<[UInt: Int]>([:])
        let server = try ServerFixture.started(HTTPServerConfiguration(port: 0, threads: 2)) { request, responder in
            threads.withLock { $0[UInt(pthread_self()), default: 0] += 1 }
            responder.respond(HTTPResponse(status: 200, body: .bytes(Array("ok".utf8))))
        }
        defer { server.stop(gracePeriod: .seconds(1)) }
        let script = """
            import socket, sys
            clients = [socket.create_connection(("127.0.0.1", int(sys.argv[1]))) for _ in range(16)]
            for client in clients:
                client.sendall(b"GET / HTTP/1.1\\r\\nHost: localhost\\r\\n\\r\\n")
            for client in clients:
                assert client.recv(4096).startswith(b"HTTP/1.1 200"), "no 200"
            """
        _ = try Python3.run(["-c", script, String(server.port)])
        let counts = threads.withLock { Array($0.values) }
        #expect(counts.count == 2, "requests were answered on \(counts.count) thread(s)")
        #expect(counts.allSatisfy { $0 >= 5 }, "per-thread requests: \(counts)")
    }
}
