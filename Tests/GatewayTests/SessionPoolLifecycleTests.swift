import POP3
import Testing

@testable import Gateway

/// What happens to one mailbox's session over time: credentials, freshness, idle expiry, NOOP, faults,
/// retries, login failures, shutdown and the statistics that report it all.
@Suite struct SessionPoolLifecycleTests {
    static let alice = MailboxKey(upstream: "pop3s://mail.example:995", user: "alice")
    static let bob = MailboxKey(upstream: "pop3s://mail.example:995", user: "bob")
    static let right = POP3Credentials(user: "alice", password: "alice-secret")
    static let other = POP3Credentials(user: "alice", password: "another-secret")

    /// A pool whose idle timeout cannot fire unless a test says so.
    static func makePool(
        _ upstream: FakeUpstream,
        clock: FakePoolClock = FakePoolClock(),
        configure: (inout SessionPoolConfiguration) -> Void = { _ in }
    ) -> SessionPool<FakeSession> {
        upstream.makePool(clock: clock) {
            $0.idleTimeout = .seconds(3_600)
            configure(&$0)
        }
    }

    // MARK: - Credentials

    /// Other credentials never get the pooled session: it is QUIT and a new one logs in with them.
    @Test func otherCredentialsGetANewLogin() throws {
        let upstream = FakeUpstream()
        let pool = Self.makePool(upstream)
        let first = try pool.withSession(for: Self.alice, credentials: Self.right) { $0 }
        let second = try pool.withSession(for: Self.alice, credentials: Self.other) { $0 }
        #expect(second !== first)
        #expect(second.credentials == Self.other)
        #expect(first.quitCount == 1)
        #expect(upstream.loginAttempts == [Self.right, Self.other])
        // And back: the session of the other credentials is not lent to the first ones either.
        let third = try pool.withSession(for: Self.alice, credentials: Self.right) { $0 }
        #expect(third !== second)
        #expect(second.quitCount == 1)
        #expect(upstream.lockViolations == 0)
        #expect(pool.statistics.sessionsReplaced == 2)
    }

    /// A wrong password fails its own login and never reaches the session of the right one.
    @Test func aWrongPasswordNeverUsesThePooledSession() throws {
        let upstream = FakeUpstream()
        upstream.refuse(password: "wrong")
        let pool = Self.makePool(upstream)
        let pooled = try pool.withSession(for: Self.alice, credentials: Self.right) { $0 }
        var bodyRan = false
        #expect(throws: POP3Error.self) {
            try pool.withSession(for: Self.alice, credentials: POP3Credentials(user: "alice", password: "wrong")) { _ in
                bodyRan = true
            }
        }
        #expect(!bodyRan)
        #expect(pooled.quitCount == 1)
        #expect(pool.statistics.openSessions == 0)
    }

    // MARK: - After the body

    /// A session left unusable by its body is dropped, and the next request logs in again.
    @Test func anUnusableSessionIsDropped() throws {
        let upstream = FakeUpstream()
        let pool = Self.makePool(upstream)
        let broken = try pool.withSession(for: Self.alice, credentials: Self.right) { session in
            session.breakConnection()
            return session
        }
        #expect(broken.closeCount == 1)
        #expect(pool.statistics.openSessions == 0)
        let next = try pool.withSession(for: Self.alice, credentials: Self.right) { $0 }
        #expect(next !== broken)
        #expect(upstream.sessions.count == 2)
    }

    /// A session left with pending deletions is closed without QUIT, so nothing is deleted.
    @Test func pendingDeletionsAreDroppedNotCommitted() throws {
        let upstream = FakeUpstream()
        let pool = Self.makePool(upstream)
        struct BodyFailed: Error {}
        var session: FakeSession?
        #expect(throws: BodyFailed.self) {
            try pool.withSession(for: Self.alice, credentials: Self.right) { borrowed in
                session = borrowed
                borrowed.markDeletion()
                throw BodyFailed()
            }
        }
        #expect(session?.quitCount == 0)
        #expect(session?.closeCount == 1)
        #expect(session?.committedDeletions == 0)
        #expect(try pool.withSession(for: Self.alice, credentials: Self.right) { $0 } !== session)
    }

    /// A body that deletes and QUITs itself commits its deletions; the ended session is not reused.
    @Test func aBodyThatQuitsCommitsAndIsNotReused() throws {
        let upstream = FakeUpstream()
        let pool = Self.makePool(upstream)
        let deleting = try pool.withSession(for: Self.alice, credentials: Self.right) { session in
            session.markDeletion()
            try session.quit()
            return session
        }
        #expect(deleting.committedDeletions == 1)
        #expect(try pool.withSession(for: Self.alice, credentials: Self.right) { $0 } !== deleting)
        #expect(upstream.lockViolations == 0)
    }

    /// A `-ERR` from the body (the session stays usable) keeps the session for the next request.
    @Test func aCommandErrorKeepsTheSession() throws {
        let upstream = FakeUpstream()
        let pool = Self.makePool(upstream)
        var first: FakeSession?
        #expect(throws: POP3Error.self) {
            try pool.withSession(for: Self.alice, credentials: Self.right, retryIdempotent: true) { session in
                first = session
                throw POP3Error(.commandFailed, "no such message")
            }
        }
        #expect(try pool.withSession(for: Self.alice, credentials: Self.right) { $0 } === first)
        #expect(pool.statistics.retries == 0)
    }

    // MARK: - Freshness, idle, NOOP

    /// `.refreshIfOlderThanInterval` logs in again once the session is older than the refresh interval.
    @Test func refreshAfterTheIntervalLogsInAgain() throws {
        let upstream = FakeUpstream()
        let clock = FakePoolClock()
        let pool = Self.makePool(upstream, clock: clock)
        let first = try pool.withSession(for: Self.alice, credentials: Self.right) { $0 }
        clock.advance(by: .seconds(29))
        let young = try pool.withSession(
            for: Self.alice,
            credentials: Self.right,
            freshness: .refreshIfOlderThanInterval
        ) {
            $0
        }
        #expect(young === first)
        clock.advance(by: .seconds(1))
        #expect(try pool.withSession(for: Self.alice, credentials: Self.right) { $0 } === first)
        let refreshed = try pool.withSession(
            for: Self.alice,
            credentials: Self.right,
            freshness: .refreshIfOlderThanInterval
        ) { $0 }
        #expect(refreshed !== first)
        #expect(first.quitCount == 1)
        #expect(upstream.lockViolations == 0)
    }

    /// `.forceFresh` always logs in again, QUITting the old session first.
    @Test func forceFreshAlwaysLogsInAgain() throws {
        let upstream = FakeUpstream()
        let pool = Self.makePool(upstream)
        let first = try pool.withSession(for: Self.alice, credentials: Self.right) { $0 }
        let second = try pool.withSession(for: Self.alice, credentials: Self.right, freshness: .forceFresh) { $0 }
        #expect(second !== first)
        #expect(first.quitCount == 1)
        #expect(upstream.sessions.count == 2)
    }

    /// `closeIdleSessions` QUITs a session idle for the idle timeout, and not one idle for less.
    @Test func idleSessionsAreQuitAfterTheTimeout() throws {
        let upstream = FakeUpstream()
        let clock = FakePoolClock()
        let pool = upstream.makePool(clock: clock)
        let session = try pool.withSession(for: Self.alice, credentials: Self.right) { $0 }
        clock.advance(by: .seconds(14))
        #expect(pool.closeIdleSessions() == 0)
        clock.advance(by: .seconds(1))
        #expect(pool.closeIdleSessions() == 1)
        #expect(session.quitCount == 1)
        #expect(pool.statistics.openSessions == 0)
        #expect(pool.statistics.idleSessions == 0)
        #expect(pool.statistics.sessionsExpired == 1)
        #expect(try pool.withSession(for: Self.alice, credentials: Self.right) { $0 } !== session)
    }

    /// The janitor thread closes expired sessions by itself and stops at shutdown.
    @Test func theJanitorClosesIdleSessions() throws {
        let upstream = FakeUpstream()
        let clock = FakePoolClock()
        let pool = upstream.makePool(clock: clock)
        pool.startJanitor(interval: .milliseconds(5))
        let session = try pool.withSession(for: Self.alice, credentials: Self.right) { $0 }
        clock.advance(by: .seconds(15))
        #expect(FakeGate.waitUntil { session.quitCount == 1 })
        #expect(pool.shutdown(gracePeriod: .seconds(1)))
    }

    /// A session idle past `noopAfterIdle` is checked with NOOP; one that fails it is replaced unseen.
    @Test func noopBeforeReuseAfterIdle() throws {
        let upstream = FakeUpstream()
        let clock = FakePoolClock()
        let pool = Self.makePool(upstream, clock: clock)
        let first = try pool.withSession(for: Self.alice, credentials: Self.right) { $0 }
        clock.advance(by: .seconds(4))
        #expect(try pool.withSession(for: Self.alice, credentials: Self.right) { $0 } === first)
        #expect(first.noopCount == 0)
        clock.advance(by: .seconds(5))
        #expect(try pool.withSession(for: Self.alice, credentials: Self.right) { $0 } === first)
        #expect(first.noopCount == 1)

        first.failNextNoop()
        clock.advance(by: .seconds(6))
        let replacement = try pool.withSession(for: Self.alice, credentials: Self.right) { $0 }
        #expect(replacement !== first)
        #expect(first.closeCount == 1)
        #expect(upstream.lockViolations == 0)
        #expect(pool.statistics.sessionsDropped == 1)
    }

    // MARK: - Retry

    /// An idempotent body whose reused session breaks runs once more on a fresh session.
    @Test func anIdempotentBodyIsRetriedOnceOnAFreshSession() throws {
        let upstream = FakeUpstream()
        let pool = Self.makePool(upstream)
        let stale = try pool.withSession(for: Self.alice, credentials: Self.right) { $0 }
        var calls = 0
        let served = try pool.withSession(for: Self.alice, credentials: Self.right, retryIdempotent: true) { session in
            calls += 1
            if session === stale {
                session.breakConnection()
                throw POP3Error(.connectionClosed, "server dropped the session")
            }
            return session
        }
        #expect(calls == 2)
        #expect(served !== stale)
        #expect(stale.closeCount == 1)
        #expect(pool.statistics.retries == 1)
        #expect(pool.statistics.openSessions == 1)
    }

    /// A body that is not idempotent is never retried, even when its reused session broke.
    @Test func aNonIdempotentBodyIsNotRetried() throws {
        let upstream = FakeUpstream()
        let pool = Self.makePool(upstream)
        _ = try pool.withSession(for: Self.alice, credentials: Self.right) { $0 }
        var calls = 0
        #expect(throws: POP3Error(.timeout, "read timed out")) {
            try pool.withSession(for: Self.alice, credentials: Self.right, retryIdempotent: false) { session in
                calls += 1
                session.breakConnection()
                throw POP3Error(.timeout, "read timed out")
            }
        }
        #expect(calls == 1)
        #expect(upstream.sessions.count == 1)
        #expect(pool.statistics.openSessions == 0)
    }

    /// A body on a session opened for this very request is not retried: the server is not the stale part.
    @Test func aFreshSessionIsNotRetried() throws {
        let upstream = FakeUpstream()
        let pool = Self.makePool(upstream)
        var calls = 0
        #expect(throws: POP3Error.self) {
            try pool.withSession(for: Self.alice, credentials: Self.right, retryIdempotent: true) { session in
                calls += 1
                session.breakConnection()
                throw POP3Error(.protocolViolation, "garbage")
            }
        }
        #expect(calls == 1)
        #expect(upstream.sessions.count == 1)
        #expect(pool.statistics.retries == 0)
    }

    /// A refused login propagates as is, is not retried, and leaves no session or slot behind.
    @Test func aLoginFailurePropagatesAndLeavesNothing() throws {
        let upstream = FakeUpstream()
        upstream.refuse(password: "wrong")
        let pool = Self.makePool(upstream) { $0.maxSessions = 1 }
        var bodyRan = false
        do {
            try pool.withSession(
                for: Self.alice,
                credentials: POP3Credentials(user: "alice", password: "wrong"),
                retryIdempotent: true
            ) { _ in bodyRan = true }
            Issue.record("the login should have failed")
        } catch let error as POP3Error {
            #expect(error.code == .authenticationFailed)
        }
        #expect(!bodyRan)
        #expect(upstream.loginAttempts.count == 1)
        #expect(pool.statistics.openSessions == 0)
        #expect(pool.statistics.borrowedSessions == 0)
        #expect(pool.statistics.loginsFailed == 1)
        // The one slot is free again, for any mailbox.
        #expect(
            try pool.withSession(for: Self.bob, credentials: POP3Credentials(user: "bob", password: "b")) { $0.id } == 1
        )
    }

    // MARK: - Shutdown and statistics

    /// Shutdown QUITs idle sessions and refuses new work.
    @Test func shutdownQuitsIdleSessionsAndRefusesWork() throws {
        let upstream = FakeUpstream()
        let pool = Self.makePool(upstream)
        let aliceSession = try pool.withSession(for: Self.alice, credentials: Self.right) { $0 }
        let bobSession = try pool.withSession(for: Self.bob, credentials: POP3Credentials(user: "bob", password: "b")) {
            $0
        }
        #expect(pool.shutdown(gracePeriod: .seconds(1)))
        #expect(aliceSession.quitCount == 1)
        #expect(bobSession.quitCount == 1)
        #expect(aliceSession.committedDeletions == 0)
        #expect(pool.statistics.openSessions == 0)
        #expect(throws: SessionPoolError.shuttingDown) {
            try pool.withSession(for: Self.alice, credentials: Self.right) { _ in }
        }
        #expect(upstream.openSessionCount == 0)
    }

    /// Shutdown refuses waiting requests, waits for the one using a session, and that one QUITs it.
    @Test func shutdownWaitsForBorrowedSessions() throws {
        let upstream = FakeUpstream()
        let pool = Self.makePool(upstream)
        let gate = FakeGate()
        let holder = FakeRequest {
            try pool.withSession(for: Self.alice, credentials: Self.right) { session in
                gate.wait()
                return session
            }
        }
        #expect(FakeGate.waitUntil { pool.statistics.borrowedSessions == 1 })
        let waiter = FakeRequest { try pool.withSession(for: Self.alice, credentials: Self.right) { $0.id } }
        #expect(FakeGate.waitUntil { pool.statistics.waitingRequests == 1 })
        let shutdown = FakeRequest { pool.shutdown(gracePeriod: .seconds(10)) }

        #expect(throws: SessionPoolError.shuttingDown) { try waiter.finish().get() }
        #expect(!shutdown.isFinished)
        gate.open()
        let session = try holder.finish().get()
        #expect(try shutdown.finish().get())
        #expect(session.quitCount == 1)
        #expect(pool.statistics.openSessions == 0)
    }

    /// Shutdown gives up waiting after its grace period and says so.
    @Test func shutdownReportsRequestsStillRunning() throws {
        let upstream = FakeUpstream()
        let pool = Self.makePool(upstream)
        let gate = FakeGate()
        let holder = FakeRequest { try pool.withSession(for: Self.alice, credentials: Self.right) { _ in gate.wait() } }
        #expect(FakeGate.waitUntil { pool.statistics.borrowedSessions == 1 })
        #expect(!pool.shutdown(gracePeriod: .milliseconds(20)))
        gate.open()
        _ = try holder.finish().get()
        #expect(upstream.openSessionCount == 0)
    }

    /// The statistics snapshot counts logins, reuse, replacements, drops and the gauges.
    @Test func statisticsCountWhatHappened() throws {
        let upstream = FakeUpstream()
        upstream.refuse(password: "wrong")
        let pool = Self.makePool(upstream)
        _ = try pool.withSession(for: Self.alice, credentials: Self.right) { $0 }
        _ = try pool.withSession(for: Self.alice, credentials: Self.right) { $0 }
        _ = try pool.withSession(for: Self.alice, credentials: Self.other) { $0 }
        _ = try pool.withSession(for: Self.bob, credentials: POP3Credentials(user: "bob", password: "b")) {
            $0.breakConnection()
        }
        _ = try? pool.withSession(for: Self.bob, credentials: POP3Credentials(user: "bob", password: "wrong")) { _ in }

        var expected = SessionPoolStatistics()
        expected.openSessions = 1
        expected.idleSessions = 1
        expected.loginsSucceeded = 3
        expected.loginsFailed = 1
        expected.sessionsReused = 1
        expected.sessionsReplaced = 1
        expected.sessionsDropped = 1
        #expect(pool.statistics == expected)
    }
}
