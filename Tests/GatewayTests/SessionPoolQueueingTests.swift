import Basics
import POP3
import Synchronization
import Testing

@testable import Gateway

/// How the pool orders, parallelises and limits requests: one session per mailbox, FIFO per mailbox,
/// a global cap with least-recently-used eviction, and a bounded waiting room.
@Suite struct SessionPoolQueueingTests {
    static let alice = MailboxKey(upstream: "pop3s://mail.example:995", user: "alice")
    static let bob = MailboxKey(upstream: "pop3s://mail.example:995", user: "bob")
    static let carol = MailboxKey(upstream: "pop3s://mail.example:995", user: "carol")

    static func credentials(_ key: MailboxKey) -> POP3Credentials {
        POP3Credentials(user: key.user, password: "\(key.user)-secret")
    }

    /// Runs a request for `key` on its own thread; its body waits at `gate` (if any) and returns the session id.
    static func request(
        _ pool: SessionPool<FakeSession>,
        _ key: MailboxKey,
        gate: FakeGate? = nil
    ) -> FakeRequest<Int> {
        FakeRequest {
            try pool.withSession(for: key, credentials: Self.credentials(key)) { session in
                session.use {
                    gate?.wait()
                    return session.id
                }
            }
        }
    }

    /// Ten requests for one mailbox run one at a time on one session, in the order they arrived.
    @Test func oneMailboxIsServedInOrderOneAtATime() throws {
        let upstream = FakeUpstream()
        let pool = upstream.makePool()
        let gate = FakeGate()
        let order = Mutex<[Int]>([])
        var requests: [FakeRequest<Void>] = []
        for index in 0..<10 {
            requests.append(
                FakeRequest {
                    try pool.withSession(for: Self.alice, credentials: Self.credentials(Self.alice)) { session in
                        session.use {
                            if index == 0 {
                                gate.wait()
                            }
                            order.withLock { $0.append(index) }
                        }
                    }
                }
            )
            // The next request starts only once this one holds the mailbox or queues for it.
            #expect(
                FakeGate.waitUntil { pool.statistics.borrowedSessions + pool.statistics.waitingRequests == index + 1 }
            )
        }
        #expect(pool.statistics.waitingRequests == 9)
        gate.open()
        for request in requests {
            try request.finish().get()
        }
        #expect(order.withLock { $0 } == Array(0..<10))
        #expect(upstream.sessions.count == 1)
        #expect(upstream.sessions.first?.maxSimultaneousUsers == 1)
        #expect(upstream.lockViolations == 0)
        #expect(pool.statistics.sessionsReused == 9)
    }

    /// Requests for two mailboxes run at the same time, each on its own session.
    @Test func twoMailboxesRunInParallel() throws {
        let upstream = FakeUpstream()
        let pool = upstream.makePool()
        let aliceInside = FakeGate()
        let bobInside = FakeGate()
        let first = FakeRequest {
            try pool.withSession(for: Self.alice, credentials: Self.credentials(Self.alice)) { _ in
                aliceInside.open()
                return bobInside.wait(timeout: .seconds(5))
            }
        }
        let second = FakeRequest {
            try pool.withSession(for: Self.bob, credentials: Self.credentials(Self.bob)) { _ in
                bobInside.open()
                return aliceInside.wait(timeout: .seconds(5))
            }
        }
        #expect(try first.finish().get())
        #expect(try second.finish().get())
        #expect(upstream.sessions.count == 2)
        #expect(pool.statistics.openSessions == 2)
    }

    /// At the cap a third mailbox waits; when a busy session is given back it is QUIT and its slot reused.
    @Test func atTheCapANewMailboxWaitsForASessionToBeGivenBack() throws {
        let upstream = FakeUpstream()
        let pool = upstream.makePool { $0.maxSessions = 2 }
        let aliceGate = FakeGate()
        let bobGate = FakeGate()
        let alice = Self.request(pool, Self.alice, gate: aliceGate)
        let bob = Self.request(pool, Self.bob, gate: bobGate)
        #expect(FakeGate.waitUntil { pool.statistics.openSessions == 2 })
        let carol = Self.request(pool, Self.carol)
        #expect(FakeGate.waitUntil { pool.statistics.waitingRequests == 1 })
        #expect(upstream.sessions.count == 2)
        #expect(!carol.isFinished)

        aliceGate.open()
        let aliceSession = try alice.finish().get()
        let carolSession = try carol.finish().get()
        #expect(upstream.sessions.count == 3)
        #expect(carolSession == 3)
        #expect(upstream.sessions.first { $0.id == aliceSession }?.quitCount == 1)
        bobGate.open()
        _ = try bob.finish().get()
        #expect(upstream.lockViolations == 0)
        #expect(pool.statistics.openSessions == 2)
        #expect(pool.statistics.sessionsEvicted == 1)
    }

    /// At the cap with idle sessions, the least recently used idle one is QUIT at once to make room.
    @Test func atTheCapTheLeastRecentlyUsedIdleSessionIsEvicted() throws {
        let upstream = FakeUpstream()
        let pool = upstream.makePool { $0.maxSessions = 2 }
        let aliceSession = try pool.withSession(for: Self.alice, credentials: Self.credentials(Self.alice)) { $0 }
        let bobSession = try pool.withSession(for: Self.bob, credentials: Self.credentials(Self.bob)) { $0 }
        // Alice is used again, so Bob's session is now the least recently used.
        #expect(
            try pool.withSession(for: Self.alice, credentials: Self.credentials(Self.alice)) { $0 } === aliceSession
        )

        let carolSession = try pool.withSession(for: Self.carol, credentials: Self.credentials(Self.carol)) { $0 }
        #expect(bobSession.quitCount == 1)
        #expect(aliceSession.isUsable)
        #expect(carolSession !== bobSession)
        #expect(pool.statistics.openSessions == 2)
        #expect(pool.statistics.idleSessions == 2)
        #expect(pool.statistics.sessionsEvicted == 1)
        #expect(pool.statistics.waitingRequests == 0)
    }

    /// A session dropped at the cap (broken under its body) hands its slot straight to a waiting mailbox.
    @Test func aDroppedSessionFreesItsSlotForAWaiter() throws {
        let upstream = FakeUpstream()
        let pool = upstream.makePool { $0.maxSessions = 1 }
        let gate = FakeGate()
        let alice = FakeRequest {
            try pool.withSession(for: Self.alice, credentials: Self.credentials(Self.alice)) { session in
                gate.wait()
                session.breakConnection()
            }
        }
        #expect(FakeGate.waitUntil { pool.statistics.borrowedSessions == 1 })
        let bob = Self.request(pool, Self.bob)
        #expect(FakeGate.waitUntil { pool.statistics.waitingRequests == 1 })
        gate.open()
        try alice.finish().get()
        _ = try bob.finish().get()
        #expect(upstream.sessions.count == 2)
        #expect(upstream.sessions[0].closeCount == 1)
        #expect(upstream.sessions[0].quitCount == 0)
        #expect(pool.statistics.openSessions == 1)
    }

    /// With `maxWaiting` requests waiting, one more is refused with `.poolExhausted` at once.
    @Test func aFullWaitingRoomRefusesAtOnce() throws {
        let upstream = FakeUpstream()
        let pool = upstream.makePool {
            $0.maxSessions = 1
            $0.maxWaiting = 1
            $0.maxQueueWait = .seconds(30)
        }
        let gate = FakeGate()
        let holder = Self.request(pool, Self.alice, gate: gate)
        #expect(FakeGate.waitUntil { pool.statistics.borrowedSessions == 1 })
        let waiter = Self.request(pool, Self.alice)
        #expect(FakeGate.waitUntil { pool.statistics.waitingRequests == 1 })

        let start = MonotonicClock.now()
        #expect(throws: SessionPoolError.poolExhausted) {
            try pool.withSession(for: Self.alice, credentials: Self.credentials(Self.alice)) { _ in }
        }
        #expect(throws: SessionPoolError.poolExhausted) {
            try pool.withSession(for: Self.bob, credentials: Self.credentials(Self.bob)) { _ in }
        }
        #expect(MonotonicClock.now() - start < .seconds(1))
        #expect(pool.statistics.requestsRejected == 2)

        gate.open()
        #expect(try holder.finish().get() == waiter.finish().get())
        #expect(upstream.sessions.count == 1)
    }

    /// A request that waits longer than `maxQueueWait` gives up with `.queueTimeout` and leaves the queue.
    @Test func waitingTooLongTimesOut() throws {
        let upstream = FakeUpstream()
        let pool = upstream.makePool { $0.maxQueueWait = .milliseconds(50) }
        let gate = FakeGate()
        let holder = Self.request(pool, Self.alice, gate: gate)
        #expect(FakeGate.waitUntil { pool.statistics.borrowedSessions == 1 })
        #expect(throws: SessionPoolError.queueTimeout) {
            try pool.withSession(for: Self.alice, credentials: Self.credentials(Self.alice)) { _ in }
        }
        #expect(pool.statistics.waitingRequests == 0)
        #expect(pool.statistics.requestsTimedOut == 1)
        gate.open()
        _ = try holder.finish().get()
        // The mailbox still works after the abandoned wait.
        #expect(try pool.withSession(for: Self.alice, credentials: Self.credentials(Self.alice)) { $0.id } == 1)
    }

    /// Many threads on a few mailboxes under a small cap never open two sessions for one mailbox nor
    /// share a session between two bodies.
    @Test func concurrentLoadKeepsOneSessionPerMailbox() throws {
        let upstream = FakeUpstream()
        let pool = upstream.makePool {
            $0.maxSessions = 2
            $0.maxWaiting = 1_000
        }
        let keys = [Self.alice, Self.bob, Self.carol, MailboxKey(upstream: "pop3s://mail.example:995", user: "dave")]
        let requests = (0..<16).map { thread in
            FakeRequest {
                for round in 0..<25 {
                    let key = keys[(thread + round) % keys.count]
                    let freshness: SessionFreshness = round % 7 == 0 ? .forceFresh : .any
                    try pool.withSession(for: key, credentials: Self.credentials(key), freshness: freshness) {
                        session in
                        session.use {
                            #expect(session.key == key)
                        }
                    }
                }
            }
        }
        for request in requests {
            try request.finish().get()
        }
        #expect(upstream.lockViolations == 0)
        #expect(upstream.sessions.allSatisfy { $0.maxSimultaneousUsers <= 1 })
        #expect(upstream.openSessionCount == pool.statistics.openSessions)
        #expect(pool.statistics.openSessions <= 2)
        #expect(pool.statistics.borrowedSessions == 0)
        #expect(pool.statistics.waitingRequests == 0)
    }
}
