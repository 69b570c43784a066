import Foundation
import Gateway
import Glibc
import HTTPServer
import POP3
import Testing

@testable import POP3Client

/// Upstream faults, locking, limits and hostile callers, end to end over loopback HTTP.
///
/// Serialized: two tests use the `locked` mailbox, where one test's session would lock out the other's.
/// Every wait is bounded (request deadlines, fake upstream patience, `FaultWait`), so none can hang.
@Suite(.serialized) struct GatewayFaultTests {
    /// A mail client holding `locked`'s maildrop gives 423 mailbox_locked with Retry-After; after its QUIT, 200.
    @Test func lockedMailboxIs423ThenServedAfterQuit() throws {
        let gateway = try GatewayFixture()
        let direct = try FaultDovecot.connect("locked", "locked-secret")
        defer { direct.close() }
        #expect(try direct.stat().messageCount == 5)

        // Dovecot answers the gateway's PASS with [IN-USE] only after waiting ~10 s for the lock.
        let locked = try gateway.request("/v1/mailbox", user: "locked", password: "locked-secret")
        #expect(locked.status == 423)
        #expect(locked.headers["content-type"] == "application/problem+json")
        #expect(try locked.json()["code"] as? String == "mailbox_locked")
        let retryAfter = try #require(locked.headers["retry-after"].flatMap(Int.init))
        #expect(retryAfter > 0)

        try direct.quit()
        let served = try gateway.request("/v1/mailbox", user: "locked", password: "locked-secret")
        #expect(served.status == 200)
        #expect(try served.json()["count"] as? Int == 5)
    }

    /// An upstream that cannot be reached (closed port) or not trusted (unknown CA) gives 502 problem+json.
    @Test(arguments: [FaultUnreachable.closedPort, .untrustedCertificate])
    func unreachableUpstreamIs502(_ upstream: FaultUnreachable) throws {
        let client: POP3ClientConfiguration
        var refusing: Int32 = -1
        defer { if refusing >= 0 { _ = close(refusing) } }
        switch upstream {
        case .closedPort:
            let (port, descriptor) = try FaultHTTP.refusingPort()
            refusing = descriptor
            client = FaultGateway.plaintextClient(port: port, timeout: .seconds(5))
        case .untrustedCertificate:
            client = try FaultDovecot.client(untrusted: true)
        }
        let gateway = try FaultGateway(client: client)
        let started = ContinuousClock.now
        let response = try gateway.request("/v1/mailbox")
        #expect(response.status == 502)
        #expect(response.headers["content-type"] == "application/problem+json")
        #expect(try response.json()["code"] as? String == "upstream_error")
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    /// An upstream that goes silent (no greeting, or no answer to STAT) gives 504 within the ~1 s deadline.
    @Test(arguments: [FaultStall.beforeGreeting, .afterLogin])
    func stalledUpstreamIs504(_ stall: FaultStall) throws {
        let upstream = try FaultUpstream { connection in
            switch stall {
            case .beforeGreeting:
                try connection.stayQuiet()
            case .afterLogin:
                guard try connection.logIn() else { return }
                // Reads STAT and everything after it, and never answers.
                try connection.stayQuiet()
            }
        }
        defer { upstream.stop() }
        let gateway = try FaultGateway(client: FaultGateway.plaintextClient(port: upstream.port, timeout: .seconds(1)))
        let started = ContinuousClock.now
        let response = try gateway.request("/v1/mailbox", timeout: .seconds(10))
        let elapsed = ContinuousClock.now - started
        #expect(response.status == 504)
        #expect(response.headers["content-type"] == "application/problem+json")
        #expect(try response.json()["code"] as? String == "upstream_timeout")
        #expect(elapsed < .seconds(3), "answered after \(elapsed)")
        #expect(upstream.connectionsAccepted == 1, "a fresh session that timed out is not retried")
        if stall == .afterLogin {
            #expect(upstream.commands.contains("1 STAT"))
        }
    }

    /// Ten concurrent requests to `locked` (which refuses a second session) all get 200 on one login.
    @Test func concurrentRequestsShareOneSession() throws {
        // The ids, from a session of our own that is over before the gateway starts.
        let direct = try FaultDovecot.connect("locked", "locked-secret")
        let ids = try direct.uidl().compactMap(\.uid)
        try direct.quit()
        #expect(ids.count == 5)

        let gateway = try GatewayFixture()
        let paths = (0..<10).map { index in
            switch index % 3 {
            case 0: "/v1/mailbox"
            case 1: "/v1/messages?limit=5"
            default: "/v1/messages/\(ids[index % ids.count])/raw"
            }
        }
        let pending = paths.map { path in
            FaultPending { () -> Int in
                (try? gateway.request(path, user: "locked", password: "locked-secret"))?.status ?? -1
            }
        }
        let deadline = Date().addingTimeInterval(60)
        let statuses = pending.map { $0.wait(until: deadline) ?? -2 }
        #expect(statuses == Array(repeating: 200, count: 10), "paths \(paths)")
        let statistics = gateway.service.pool.statistics
        #expect(statistics.loginsSucceeded == 1)
        #expect(statistics.loginsFailed == 0)
    }

    /// Two mailboxes are served at the same time: the fake upstream answers STAT only once both sessions sent it.
    @Test func differentMailboxesRunInParallel() throws {
        let barrier = FaultBarrier(parties: 2)
        let upstream = try FaultUpstream { connection in
            guard try connection.logIn() else { return }
            try connection.serveTransaction {
                barrier.arriveAndWait(timeout: .seconds(5)) ? "+OK 2 200" : "-ERR [SYS/TEMP] barrier broken"
            }
        }
        defer { upstream.stop() }
        let gateway = try FaultGateway(client: FaultGateway.plaintextClient(port: upstream.port, timeout: .seconds(10)))
        let pending = ["one", "two"].map { user in
            FaultPending { () -> Int in
                (try? gateway.request("/v1/mailbox", user: user, password: "secret"))?.status ?? -1
            }
        }
        let deadline = Date().addingTimeInterval(20)
        let statuses = pending.map { $0.wait(until: deadline) ?? -2 }
        #expect(barrier.wasMet, "the two STATs were never in flight at the same time")
        #expect(statuses == [200, 200])
        #expect(gateway.service.pool.statistics.loginsSucceeded == 2)
        #expect(upstream.connectionsAccepted == 2)
    }

    /// Concurrent requests for scratch6 and scratch9 against Dovecot leave two sessions open side by side.
    @Test func twoMailboxesHoldTwoSessions() throws {
        let gateway = try GatewayFixture()
        let pending = ["scratch6", "scratch9"].map { user in
            FaultPending { () -> Int in
                (try? gateway.request("/v1/mailbox", user: user, password: "scratch-secret"))?.status ?? -1
            }
        }
        let deadline = Date().addingTimeInterval(30)
        #expect(pending.map { $0.wait(until: deadline) ?? -2 } == [200, 200])
        // Both sessions stay parked until the idle timeout (15 s): the gauge shows them both.
        let statistics = gateway.service.pool.statistics
        #expect(statistics.openSessions == 2)
        #expect(statistics.idleSessions == 2)
        #expect(statistics.loginsSucceeded == 2)
    }

    /// A client that hangs up in the middle of a ~5 MB raw download leaks no worker and no session.
    @Test func abandonedDownloadLeaksNothing() throws {
        let gateway = try GatewayFixture()
        let list = try gateway.request("/v1/messages", user: "big", password: "big-secret").json()
        let messages = try #require(list["messages"] as? [[String: Any]])
        let largest = try #require(messages.max { ($0["size"] as? Int ?? 0) < ($1["size"] as? Int ?? 0) })
        let id = try #require(largest["id"] as? String)
        let onDisk = try #require(
            gateway.messageFiles(of: "big").map { try Data(contentsOf: $0) }.max { $0.count < $1.count }
        )
        #expect(onDisk.count > 4 * 1024 * 1024)

        // Read about 64 KiB of the response, then hang up with the rest unread (the kernel answers with RST).
        let socket = try FaultHTTP.connectWithSmallReceiveBuffer(port: gateway.server.port)
        let deadline = Deadline.after(.seconds(15))
        try FaultHTTP.write(
            FaultHTTP.head("/v1/messages/\(id)/raw", user: "big", password: "big-secret"),
            to: socket,
            deadline: deadline
        )
        var received = 0
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while received < 64 * 1024 {
            let count = try chunk.withUnsafeMutableBytes { try socket.read(into: $0, deadline: deadline) }
            if count == 0 { break }
            if received == 0 { #expect(String(decoding: chunk[..<min(count, 12)], as: UTF8.self) == "HTTP/1.1 200") }
            received += count
        }
        socket.close()
        #expect(received >= 64 * 1024)

        let settled = FaultWait.until(timeout: .seconds(10)) {
            let load = gateway.workers.load
            let statistics = gateway.service.pool.statistics
            return load.queued == 0 && load.running == 0 && statistics.borrowedSessions == 0
                && statistics.waitingRequests == 0
        }
        #expect(settled, "workers \(gateway.workers.load), pool \(gateway.service.pool.statistics)")

        let again = try gateway.request("/v1/messages/\(id)/raw", user: "big", password: "big-secret")
        #expect(again.status == 200)
        #expect(again.body == onDisk)
    }

    /// A client that hangs up in the middle of an attachment streamed from a spooled message (big's 3.8 MB
    /// blob) leaks no worker, no session and no spool file.
    @Test func abandonedAttachmentDownloadLeaksNothing() throws {
        let spool = try SpoolDirectory()
        let gateway = try GatewayFixture { $0.spoolDirectory = spool.path }
        let list = try gateway.request("/v1/messages", user: "big", password: "big-secret").json()
        let messages = try #require(list["messages"] as? [[String: Any]])
        let largest = try #require(messages.max { ($0["size"] as? Int ?? 0) < ($1["size"] as? Int ?? 0) })
        let id = try #require(largest["id"] as? String)
        #expect(try #require(largest["size"] as? Int) > 4 * 1024 * 1024)

        // Read about 64 KiB of the response, then hang up with the rest unread (the kernel answers with RST).
        let socket = try FaultHTTP.connectWithSmallReceiveBuffer(port: gateway.server.port)
        let deadline = Deadline.after(.seconds(15))
        try FaultHTTP.write(
            FaultHTTP.head("/v1/messages/\(id)/attachments/2", user: "big", password: "big-secret"),
            to: socket,
            deadline: deadline
        )
        var received = 0
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while received < 64 * 1024 {
            let count = try chunk.withUnsafeMutableBytes { try socket.read(into: $0, deadline: deadline) }
            if count == 0 { break }
            if received == 0 { #expect(String(decoding: chunk[..<min(count, 12)], as: UTF8.self) == "HTTP/1.1 200") }
            received += count
        }
        // Mid-download: a worker streams from one spool file, while the session is already back in the pool.
        #expect(spool.openFiles() == 1, "the download streams from one spool file")
        #expect(gateway.workers.load.running == 1)
        #expect(gateway.service.pool.statistics.borrowedSessions == 0, "the session is held while streaming")
        socket.close()
        #expect(received >= 64 * 1024)

        let settled = FaultWait.until(timeout: .seconds(10)) {
            let load = gateway.workers.load
            let statistics = gateway.service.pool.statistics
            return load.queued == 0 && load.running == 0 && statistics.borrowedSessions == 0
                && statistics.waitingRequests == 0 && spool.openFiles() == 0
        }
        #expect(
            settled,
            "workers \(gateway.workers.load), pool \(gateway.service.pool.statistics), spool \(spool.openFiles())"
        )
        #expect(spool.entries.isEmpty)

        let again = try gateway.request("/v1/messages/\(id)/attachments/2", user: "big", password: "big-secret")
        #expect(again.status == 200)
        #expect(again.body.count == 3_800_000)
    }

    /// With maxSessions 1 and maxWaiting 0, a request while the one session is busy gets 503 gateway_busy at once.
    @Test func fullPoolAnswers503AtOnce() throws {
        let gate = FaultGate()
        let upstream = try FaultUpstream { connection in
            guard try connection.logIn() else { return }
            try connection.serveTransaction {
                gate.wait()
                return "+OK 0 0"
            }
        }
        defer {
            gate.open()
            upstream.stop()
        }
        let client = FaultGateway.plaintextClient(port: upstream.port, timeout: .seconds(10))
        let gateway = try FaultGateway(client: client) { configuration in
            configuration.pool.maxSessions = 1
            configuration.pool.maxWaiting = 0
        }
        let busy = FaultPending { () -> Int in
            (try? gateway.request("/v1/mailbox", user: "busy", password: "secret"))?.status ?? -1
        }
        #expect(upstream.waitForCommands { $0.contains("1 STAT") }, "the first request never reached STAT")

        for user in ["other", "busy"] {
            let started = ContinuousClock.now
            let refused = try gateway.request("/v1/mailbox", user: user, password: "secret", timeout: .seconds(5))
            let elapsed = ContinuousClock.now - started
            #expect(refused.status == 503, "\(user)")
            #expect(refused.headers["content-type"] == "application/problem+json")
            #expect(try refused.json()["code"] as? String == "gateway_busy")
            #expect(refused.headers["retry-after"].flatMap(Int.init) != nil, "\(user): no Retry-After")
            #expect(elapsed < .seconds(1), "\(user): answered after \(elapsed)")
        }
        #expect(gateway.service.pool.statistics.requestsRejected == 2)
        #expect(upstream.connectionsAccepted == 1, "a refused request never reaches the upstream")

        gate.open()
        #expect(busy.wait(timeout: 10) == 200)
    }

    /// After alice's message is cached, the same requests with a wrong password get 401, never the cached bytes.
    @Test func wrongPasswordIsNeverServedFromCache() throws {
        let gateway = try GatewayFixture()
        let page = try gateway.request("/v1/messages?limit=2").json()
        let id = try #require((page["messages"] as? [[String: Any]])?.last?["id"] as? String)
        let message = try gateway.request("/v1/messages/\(id)")
        #expect(message.status == 200)
        let raw = try gateway.request("/v1/messages/\(id)/raw")
        #expect(raw.status == 200)
        let cached = gateway.service.cache.statistics
        #expect(cached.memoryEntries > 0)

        for path in ["/v1/messages/\(id)", "/v1/messages/\(id)/raw", "/v1/messages?limit=2", "/v1/mailbox"] {
            let wrong = try gateway.request(path, password: "not-alice-secret")
            #expect(wrong.status == 401, "\(path)")
            #expect(wrong.headers["content-type"] == "application/problem+json", "\(path)")
            #expect(try wrong.json()["code"] as? String == "authentication_failed", "\(path)")
            #expect(wrong.body != message.body && wrong.body != raw.body, "\(path)")
        }
        #expect(gateway.service.cache.statistics.memoryHits == cached.memoryHits, "no cache hit for a wrong password")

        let again = try gateway.request("/v1/messages/\(id)")
        #expect(again.status == 200)
        #expect(again.body == message.body)
    }

    /// Credentials with CR/LF (Basic "alice\r\nDELE 1:x") get 401, and nothing reaches the upstream.
    @Test func credentialsWithLineBreaksNeverReachUpstream() throws {
        let injections: [(user: String, password: String)] = [
            ("alice\r\nDELE 1", "x"),
            ("alice", "alice-secret\r\nDELE 1\r\nQUIT"),
            ("alice\nDELE 1", "alice-secret"),
            ("alice\rDELE 1", "alice-secret"),
        ]

        // Against Dovecot: no login attempt, and alice keeps all 21 messages.
        let gateway = try GatewayFixture()
        let filesBefore = gateway.messageFiles(of: "alice").count
        let before = try gateway.request("/v1/mailbox")
        #expect(try before.json()["count"] as? Int == 21)
        let logins = gateway.service.pool.statistics
        for (user, password) in injections {
            for method in ["GET", "DELETE"] {
                let path = method == "GET" ? "/v1/mailbox" : "/v1/messages/anything"
                let response = try gateway.request(path, method: method, user: user, password: password)
                #expect(response.status == 401, "\(method) \(user.debugDescription)")
                #expect(try response.json()["code"] as? String == "authentication_required")
            }
        }
        let after = gateway.service.pool.statistics
        #expect(after.loginsSucceeded == logins.loginsSucceeded)
        #expect(after.loginsFailed == logins.loginsFailed)
        #expect(try gateway.request("/v1/mailbox").json()["count"] as? Int == 21)
        #expect(gateway.messageFiles(of: "alice").count == filesBefore)

        // Against a fake upstream that records everything: not even a connection.
        let upstream = try FaultUpstream { connection in
            guard try connection.logIn() else { return }
            try connection.serveTransaction()
        }
        defer { upstream.stop() }
        let fake = try FaultGateway(client: FaultGateway.plaintextClient(port: upstream.port, timeout: .seconds(5)))
        for (user, password) in injections {
            #expect(try fake.request("/v1/mailbox", user: user, password: password).status == 401)
        }
        #expect(upstream.connectionsAccepted == 0)
        #expect(upstream.commands.isEmpty)
    }
}

/// How `unreachableUpstreamIs502` makes the upstream unreachable.
enum FaultUnreachable: String, Sendable, CustomTestStringConvertible {
    case closedPort
    case untrustedCertificate

    var testDescription: String { self.rawValue }
}

/// Where the fake upstream of `stalledUpstreamIs504` goes silent.
enum FaultStall: String, Sendable, CustomTestStringConvertible {
    case beforeGreeting
    case afterLogin

    var testDescription: String { self.rawValue }
}
