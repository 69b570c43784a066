import POP3
import Synchronization
import Testing

@testable import Gateway

/// `withIdleSession`, for background work: it uses a parked session of the same credentials, and
/// otherwise does nothing at all (no login, no waiting, no session replaced).
@Suite struct SessionPoolIdleSessionTests {
    static let alice = MailboxKey(upstream: "pop3s://mail.example:995", user: "alice")
    static let credentials = POP3Credentials(user: "alice", password: "alice-secret")

    /// With no session parked for the mailbox, the body does not run and nobody logs in.
    @Test func withoutAParkedSessionNothingHappens() throws {
        let upstream = FakeUpstream()
        let pool = upstream.makePool()
        let ran = try pool.withIdleSession(for: Self.alice, credentials: Self.credentials) { _ in true }
        #expect(ran == nil)
        #expect(upstream.loginAttempts.isEmpty)
    }

    /// The session a request parked is lent to the body, and parked again afterwards for the next request.
    @Test func runsOnTheParkedSession() throws {
        let upstream = FakeUpstream()
        let pool = upstream.makePool()
        let first = try pool.withSession(for: Self.alice, credentials: Self.credentials) { $0.id }
        let lent = try pool.withIdleSession(for: Self.alice, credentials: Self.credentials) { $0.id }
        let next = try pool.withSession(for: Self.alice, credentials: Self.credentials) { $0.id }
        #expect(lent == first && next == first)
        #expect(upstream.loginAttempts.count == 1)
        #expect(pool.statistics.borrowedSessions == 0 && pool.statistics.idleSessions == 1)
    }

    /// Other credentials never get the session, and it stays parked for its own user.
    @Test func otherCredentialsGetNothing() throws {
        let upstream = FakeUpstream()
        let pool = upstream.makePool()
        let first = try pool.withSession(for: Self.alice, credentials: Self.credentials) { $0.id }
        let wrong = POP3Credentials(user: "alice", password: "guess")
        #expect(try pool.withIdleSession(for: Self.alice, credentials: wrong) { $0.id } == nil)
        #expect(try pool.withSession(for: Self.alice, credentials: Self.credentials) { $0.id } == first)
        #expect(upstream.loginAttempts.count == 1)
    }

    /// While a request holds the mailbox's turn, the body does not run and does not queue behind it.
    @Test func aBusySessionIsNotWaitedFor() throws {
        let upstream = FakeUpstream()
        let pool = upstream.makePool()
        _ = try pool.withSession(for: Self.alice, credentials: Self.credentials) { $0.id }
        let gate = FakeGate()
        let holder = FakeRequest {
            try pool.withSession(for: Self.alice, credentials: Self.credentials) { session in
                session.use { gate.wait() }
            }
        }
        #expect(FakeGate.waitUntil { pool.statistics.borrowedSessions == 1 })
        #expect(try pool.withIdleSession(for: Self.alice, credentials: Self.credentials) { $0.id } == nil)
        gate.open()
        _ = try holder.finish().get()
        #expect(pool.statistics.waitingRequests == 0 && pool.statistics.borrowedSessions == 0)
    }

    /// A session due for a refresh is not used: the next listing logs in again, as it would have.
    @Test func aSessionDueForRefreshIsLeftAlone() throws {
        let upstream = FakeUpstream()
        let clock = FakePoolClock()
        let pool = upstream.makePool(clock: clock) { $0.refreshInterval = .seconds(30) }
        _ = try pool.withSession(for: Self.alice, credentials: Self.credentials) { $0.id }
        clock.advance(by: .seconds(31))
        #expect(try pool.withIdleSession(for: Self.alice, credentials: Self.credentials) { $0.id } == nil)
        #expect(upstream.loginAttempts.count == 1)
        #expect(pool.statistics.idleSessions == 1)
    }
}
