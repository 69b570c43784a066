import Foundation
import Synchronization
import Testing

@testable import HTTPServer

extension HTTPServerTests {
    /// A declared body over the limit gets a 413 problem at once; the handler never runs.
    @Test func declaredBodyOverLimitGets413() throws {
        let handlerRuns = Atomic<Int>(0)
        let configuration = HTTPServerConfiguration(port: 0, maxBodyBytes: 1024)
        let server = try ServerFixture.started(configuration) { _, responder in
            handlerRuns.add(1, ordering: .relaxed)
            responder.respond(HTTPResponse(status: 200))
        }
        defer { server.stop(gracePeriod: .seconds(1)) }
        let client = try LoopbackHTTPClient(port: server.port)
        try client.sendRequest("POST", "/upload", body: [UInt8](repeating: 0x41, count: 2000))
        let response = try client.readResponse()
        #expect(response.status == 413)
        #expect(response.headers["Content-Type"] == "application/problem+json")
        let problem = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        #expect(problem?["type"] as? String == "about:blank")
        #expect(problem?["status"] as? Int == 413)
        #expect(problem?["title"] as? String == "Content Too Large")
        #expect((problem?["detail"] as? String)?.contains("1024") == true)
        #expect(problem?["code"] as? String == "body_too_large")
        #expect(handlerRuns.load(ordering: .relaxed) == 0)
        #expect(ServerFixture.eventually { server.requestsInFlight == 0 })
    }

    /// A chunked body that grows over the limit is dropped as it arrives and answered with 413.
    @Test func chunkedBodyOverLimitGets413() throws {
        let configuration = HTTPServerConfiguration(port: 0, maxBodyBytes: 1024)
        let server = try ServerFixture.started(configuration) { _, responder in
            responder.respond(HTTPResponse(status: 200))
        }
        defer { server.stop(gracePeriod: .seconds(1)) }
        let client = try LoopbackHTTPClient(port: server.port)
        var request = "POST /upload HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
        for _ in 0..<4 {
            request += "200\r\n" + String(repeating: "B", count: 512) + "\r\n"
        }
        request += "0\r\n\r\n"
        try client.send(request)
        let response = try client.readResponse()
        #expect(response.status == 413)
        #expect(response.headers["Content-Type"] == "application/problem+json")
    }

    /// A request head over the header limit gets a 4xx from MHD, and the server keeps serving.
    @Test func headerOverLimitGets4xx() throws {
        let server = try ServerFixture.answeringOK()
        defer { server.stop(gracePeriod: .seconds(1)) }
        let client = try LoopbackHTTPClient(port: server.port)
        try client.sendRequest("GET", "/", headers: [("X-Big", String(repeating: "x", count: 20 * 1024))])
        let response = try client.readResponse()
        #expect((400..<500).contains(response.status))

        let next = try LoopbackHTTPClient(port: server.port)
        try next.sendRequest("GET", "/")
        #expect(try next.readResponse().text == "ok")
        #expect(ServerFixture.eventually { server.requestsInFlight == 0 })
    }

    /// Clients that vanish halfway through a request head or body leave no request state behind (MHD
    /// reports the end of every request whose target it has seen, even before the handler runs).
    @Test func abandonedRequestsLeakNothing() throws {
        let server = try ServerFixture.started { _, responder in
            responder.respond(HTTPResponse(status: 200))
        }
        defer { server.stop(gracePeriod: .seconds(1)) }
        let midHead = try LoopbackHTTPClient(port: server.port)
        try midHead.send("GET /half HTTP/1.1\r\nHost: localhost\r\nX-Partial: ")
        let midBody = try LoopbackHTTPClient(port: server.port)
        try midBody.send("POST /half HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n0123456789")
        #expect(ServerFixture.eventually { server.requestsInFlight == 2 })
        midHead.close()
        midBody.close()
        #expect(ServerFixture.eventually { server.requestsInFlight == 0 })
    }

    /// With a per-IP limit of 3, a fourth connection from the same address is closed unanswered
    /// while the first three keep working.
    @Test func perIPConnectionLimit() throws {
        let configuration = HTTPServerConfiguration(port: 0, perIPConnectionLimit: 3)
        let server = try ServerFixture.answeringOK(configuration)
        defer { server.stop(gracePeriod: .seconds(1)) }
        // A request on each proves MHD has accepted (and counted) all three.
        let clients = try (0..<3).map { _ in
            let client = try LoopbackHTTPClient(port: server.port)
            try client.sendRequest("GET", "/")
            #expect(try client.readResponse().status == 200)
            return client
        }
        let extra = try LoopbackHTTPClient(port: server.port, timeout: .seconds(2))
        // The server may close before or after this request is written; either way no answer comes.
        try? extra.sendRequest("GET", "/")
        #expect(extra.waitForServerClose())

        try clients[0].sendRequest("GET", "/")
        #expect(try clients[0].readResponse().status == 200)
    }

    /// With a 1 s connection timeout MHD closes an idle keep-alive connection after about a second.
    @Test func connectionTimeoutClosesIdleConnection() throws {
        let configuration = HTTPServerConfiguration(port: 0, connectionTimeout: .seconds(1))
        let server = try ServerFixture.started(configuration) { _, responder in
            responder.respond(HTTPResponse(status: 200))
        }
        defer { server.stop(gracePeriod: .seconds(1)) }
        let client = try LoopbackHTTPClient(port: server.port, timeout: .seconds(5))
        try client.sendRequest("GET", "/")
        #expect(try client.readResponse().status == 200)
        let clock = ContinuousClock()
        let idleSince = clock.now
        #expect(client.waitForServerClose())
        let idle = clock.now - idleSince
        #expect(idle >= .milliseconds(500))
        #expect(idle < .seconds(3))
    }

    /// Slow-loris clients that trickle a request head or body a byte at a time are cut off at the
    /// connection timeout however busily they trickle, while other clients are served at once.
    @Test func slowClientsAreCutOffWithoutStallingOthers() throws {
        let configuration = HTTPServerConfiguration(port: 0, connectionTimeout: .seconds(1))
        let server = try ServerFixture.answeringOK(configuration)
        defer { server.stop(gracePeriod: .seconds(1)) }
        let slowClients = try (0..<20).map { index in
            let client = try LoopbackHTTPClient(port: server.port)
            if index.isMultiple(of: 2) {
                try client.send("GET /slow HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
            } else {
                try client.send("POST /slow HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100000\r\n\r\n")
            }
            return client
        }
        let clock = ContinuousClock()
        let start = clock.now
        var cutAfter: [Int: Duration] = [:]
        var slowestOther = Duration.zero
        while cutAfter.count < slowClients.count && clock.now - start < .seconds(5) {
            for (index, client) in slowClients.enumerated() where cutAfter[index] == nil {
                if client.serverHasClosed() {
                    cutAfter[index] = clock.now - start
                } else {
                    try? client.send("x")
                }
            }
            let other = try LoopbackHTTPClient(port: server.port)
            let asked = clock.now
            try other.sendRequest("GET", "/")
            #expect(try other.readResponse().text == "ok")
            slowestOther = max(slowestOther, clock.now - asked)
            usleep(100_000)
        }
        #expect(cutAfter.count == slowClients.count)
        // The timeout, plus at most one sweep interval and some scheduling slack.
        #expect(cutAfter.values.allSatisfy { $0 >= .milliseconds(900) && $0 < .milliseconds(2500) })
        #expect(slowestOther < .milliseconds(500))
        #expect(ServerFixture.eventually { server.requestsInFlight == 0 })
    }

    /// A keep-alive client that sends its requests in good time is never cut off between them.
    @Test func promptKeepAliveClientIsNotCutOff() throws {
        let configuration = HTTPServerConfiguration(port: 0, connectionTimeout: .seconds(1))
        let server = try ServerFixture.answeringOK(configuration)
        defer { server.stop(gracePeriod: .seconds(1)) }
        let client = try LoopbackHTTPClient(port: server.port)
        // 3 s in all, three times the timeout, on one connection.
        for _ in 0..<10 {
            try client.sendRequest("GET", "/")
            #expect(try client.readResponse().text == "ok")
            usleep(300_000)
        }
    }

    /// Clients sending oversized heads and bodies are refused without delaying a normal client.
    @Test func oversizedRequestsDoNotStallOthers() throws {
        let configuration = HTTPServerConfiguration(port: 0, maxBodyBytes: 1024)
        let server = try ServerFixture.answeringOK(configuration)
        defer { server.stop(gracePeriod: .seconds(1)) }
        let clock = ContinuousClock()
        for round in 0..<10 {
            let oversized = try LoopbackHTTPClient(port: server.port)
            if round.isMultiple(of: 2) {
                try oversized.sendRequest("GET", "/", headers: [("X-Big", String(repeating: "x", count: 64 * 1024))])
            } else {
                try oversized.sendRequest("POST", "/", body: [UInt8](repeating: 0x42, count: 256 * 1024))
            }
            let other = try LoopbackHTTPClient(port: server.port)
            let asked = clock.now
            try other.sendRequest("GET", "/")
            #expect(try other.readResponse().text == "ok")
            #expect(clock.now - asked < .milliseconds(500))
            let refused = try oversized.readResponse()
            #expect([413, 431].contains(refused.status))
        }
        #expect(ServerFixture.eventually { server.requestsInFlight == 0 })
    }

    /// Every connection the deadlines track is forgotten once it closes, whoever closes it and when, so
    /// that no deadline outlives its connection and its socket number.
    @Test func closedConnectionsAreNoLongerTracked() throws {
        let configuration = HTTPServerConfiguration(port: 0, connectionTimeout: .seconds(30))
        let server = try ServerFixture.answeringOK(configuration)
        defer { server.stop(gracePeriod: .seconds(1)) }
        var clients: [LoopbackHTTPClient] = []
        for index in 0..<12 {
            let client = try LoopbackHTTPClient(port: server.port)
            switch index % 3 {
            case 0:
                // Idle in keep-alive after an answer.
                try client.sendRequest("GET", "/")
                #expect(try client.readResponse().text == "ok")
            case 1:
                // Half a request head.
                try client.send("GET / HTTP/1.1\r\nHost: x\r\n")
            default:
                // Nothing sent at all.
                break
            }
            clients.append(client)
        }
        #expect(ServerFixture.eventually { server.connectionsTracked == 12 })
        for client in clients { client.close() }
        #expect(ServerFixture.eventually { server.connectionsTracked == 0 })

        let closing = try LoopbackHTTPClient(port: server.port)
        try closing.sendRequest("GET", "/", headers: [("Connection", "close")])
        #expect(try closing.readResponse().text == "ok")
        #expect(ServerFixture.eventually { server.connectionsTracked == 0 })
    }
}
