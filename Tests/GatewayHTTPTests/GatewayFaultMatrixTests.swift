import Foundation
import Gateway
import GatewayHTTP
import POP3
import TestSupport
import Testing

@testable import POP3Client

/// The fault matrix (docs/fault-matrix.md): every fault of docs/pop3-notes.md's last section ("Faults a test
/// server should produce"), produced by a fake upstream and met through the HTTP API.
///
/// For each row: the answer (status, problem code, Retry-After, WWW-Authenticate), then the gateway still
/// serves the same mailbox from a healthy connection, no mail was lost, and once idle sessions are closed
/// nothing is left: no worker job, no borrowed or open session, no upstream socket, in the pool's
/// statistics and in /metrics. Every wait is bounded; the deadlines are small (2 s reads, 3 s commands).
@Suite struct GatewayFaultMatrixTests {
    /// Each fault gets the answer its row promises, and leaves a gateway that serves, lost no mail and leaks nothing.
    @Test(arguments: FaultMatrix.rows)
    func fault(_ row: FaultMatrixRow) throws {
        let mailbox = FaultMailbox(row.messages)
        let upstream = try FaultUpstream { connection in
            if connection.number <= row.faultyConnections {
                try row.fault(connection, mailbox)
            } else {
                try FaultMatrix.serveHealthy(connection, mailbox, row.transport)
            }
        }
        defer { upstream.stop() }
        let metrics = GatewayMetrics()
        let gateway = try FaultGateway(client: Self.client(row.transport, port: upstream.port), metrics: metrics) {
            $0.pool.idleTimeout = .milliseconds(800)
        }
        // As `pop3-gateway serve` does; quick rounds, so that idle sessions close soon after their timeout.
        gateway.service.pool.startJanitor(interval: .milliseconds(100))

        for step in row.before {
            _ = try Self.run(step, on: gateway, "before")
        }
        let response = try Self.run(row.request, on: gateway, "fault")
        row.check(FaultMatrixOutcome(upstream: upstream, mailbox: mailbox, response: response))
        for step in row.after {
            _ = try Self.run(step, on: gateway, "after")
        }
        #expect(try gateway.request("/healthz", user: nil).status == 200)
        try Self.expectNothingLeft(gateway, upstream, metrics)
    }

    /// Against Dovecot: a DELETE whose connection is cut after DELE +OK, before QUIT reaches the server,
    /// answers 502, and Dovecot still has the message.
    @Test func dovecotDeletesNothingWhenCutBeforeQUIT() throws {
        let environment = try GatewayFixture.testServerEnvironment()
        let plainPort = try #require(environment["POP3GW_TEST_PLAIN_PORT"].flatMap(Int.init))
        let (user, password) = ("scratch7", "scratch-secret")
        let direct = try FaultDovecot.connect(user, password)
        let ids = try direct.uidl().compactMap(\.uid)
        try direct.quit()
        let id = try #require(ids.first)

        // The gateway reaches Dovecot's plain port through a relay that drops both sides at QUIT.
        let relay = try FaultUpstream { connection in
            try connection.relay(toPort: plainPort) { $0.uppercased().hasPrefix("QUIT") }
        }
        defer { relay.stop() }
        let gateway = try FaultGateway(client: FaultGateway.plaintextClient(port: relay.port, timeout: .seconds(5)))
        let response = try gateway.request("/v1/messages/\(id)", method: "DELETE", user: user, password: password)
        #expect(response.status == 502)
        #expect(try response.json()["code"] as? String == "upstream_error")
        #expect(relay.commands.contains { $0.contains(" DELE ") }, "\(relay.commands)")
        #expect(relay.commands.last?.hasSuffix(" QUIT") == true, "\(relay.commands)")

        let after = try FaultDovecot.connect(user, password)
        defer { after.close() }
        #expect(try after.uidl().compactMap(\.uid) == ids)
        try after.quit()
    }

    /// The gateway's client for the fake upstream: small deadlines, the test CA for TLS, no pipelining.
    static func client(_ transport: FaultTransport, port: Int) -> POP3ClientConfiguration {
        var client = POP3ClientConfiguration(
            endpoint: POP3Endpoint(host: "127.0.0.1", port: port, security: transport.security)
        )
        if transport != .plaintext {
            client.caFile = TestCertificates.shared.caCertificateFile
        }
        client.connectTimeout = .seconds(1)
        // Long enough for 50 gateways side by side on 2 cores, short enough to keep the timeouts quick.
        client.readTimeout = .seconds(2)
        client.commandTimeout = .seconds(3)
        client.pipelining = false
        return client
    }

    /// Sends `step`'s request and checks its answer; returns it.
    static func run(
        _ step: FaultMatrixStep,
        on gateway: FaultGateway,
        _ phase: String
    ) throws -> GatewayFixture.Response {
        let started = ContinuousClock.now
        let response = try gateway.request(
            step.path,
            method: step.method,
            user: step.user,
            password: step.password,
            timeout: .seconds(10)
        )
        let what = "\(phase): \(step.method) \(step.path)"
        #expect(response.status == step.status, "\(what): \(String(decoding: response.body, as: UTF8.self))")
        // The slowest fault (a 1 byte/s trickle) is cut off by the 3 s command deadline, twice (one retry).
        #expect(ContinuousClock.now - started < .seconds(9), "\(what): answered late")
        if let code = step.code {
            #expect(response.headers["content-type"] == "application/problem+json", "\(what)")
            #expect(try response.json()["code"] as? String == code, "\(what)")
        }
        if let retryAfter = step.retryAfter {
            #expect(response.headers["retry-after"] == String(retryAfter), "\(what)")
        }
        if step.status == 401 {
            #expect(response.headers["www-authenticate"]?.hasPrefix("Basic") == true, "\(what)")
        }
        if let body = step.body {
            #expect(response.body == Data(body), "\(what): \(response.body.count) bytes, expected \(body.count)")
        }
        if let ids = step.ids {
            let messages = try response.json()["messages"] as? [[String: Any]] ?? []
            let listed = messages.compactMap { $0["id"] as? String }
            #expect(listed.sorted() == ids.sorted(), "\(what)")
        }
        return response
    }

    /// Waits (bounded) until idle sessions are closed, then expects no worker job, no session and no
    /// upstream connection left, in the statistics and in /metrics.
    static func expectNothingLeft(
        _ gateway: FaultGateway,
        _ upstream: FaultUpstream,
        _ metrics: GatewayMetrics
    ) throws {
        let settled = FaultWait.until(timeout: .seconds(8)) {
            let load = gateway.workers.load
            let pool = gateway.service.pool.statistics
            return load.queued == 0 && load.running == 0 && pool.borrowedSessions == 0 && pool.waitingRequests == 0
                && pool.openSessions == 0 && upstream.connectionsOpen == 0
        }
        #expect(
            settled,
            """
            workers \(gateway.workers.load), pool \(gateway.service.pool.statistics), \
            upstream connections open \(upstream.connectionsOpen)
            """
        )
        let scrape = try gateway.request("/metrics", user: nil)
        #expect(scrape.status == 200)
        let text = PrometheusText(String(decoding: scrape.body, as: UTF8.self))
        for gauge in [
            "worker_jobs_queued", "worker_jobs_running", "upstream_sessions_open", "upstream_sessions_borrowed",
            "upstream_requests_queued",
        ] {
            #expect(text.value(gauge) == 0, "\(gauge) is \(String(describing: text.value(gauge)))")
        }
    }
}
