/// The session pool's bookkeeping: who holds which mailbox's turn, which sessions are parked, who waits,
/// and how many session slots are taken. Only ever touched under the pool's `Mutex`.
///
/// It does no I/O: each method changes the books and says what the caller must do outside the lock
/// (log in, QUIT, wait). Waiters are served from here, which only signals a condition variable.
///
/// Invariants:
/// - A mailbox's session is either parked in its `Mailbox` (turn free) or held by the one thread that
///   holds the turn, so a key never has two sessions and a session never has two users.
/// - `slotsInUse` counts parked sessions, sessions lent out, and logins in progress or about to start;
///   it never exceeds `maxSessions`.
/// - `waitingCount` is the number of waiters in all queues.
struct SessionPoolState<Session: PooledSession> {
    typealias Entry = SessionPoolEntry<Session>
    typealias Waiter = SessionPoolWaiter<Session>

    /// A session waiting in its mailbox for the next request.
    struct Parked: Sendable {
        var entry: Entry
        /// When it was given back, on the pool's clock: for the idle timeout and NOOP.
        var lastUsedAt: Duration
        /// Increases with every parking; orders least-recently-used even when the clock stands still.
        var sequence: Int
    }

    /// An idle session taken out of the pool to be closed. Its taker holds `key`'s turn until the QUIT
    /// is done, so no request can log in to that mailbox while the old session still holds the lock.
    struct Eviction: Sendable {
        var key: MailboxKey
        var entry: Entry
    }

    /// What a request that asked for its mailbox's turn gets.
    enum TurnDecision: Sendable {
        case granted(Parked?)
        case wait(Waiter)
        case refused(SessionPoolError)
    }

    /// What a request that asked for a new session slot gets.
    enum SlotDecision: Sendable {
        case granted(Eviction?)
        case wait(Waiter)
        case refused(SessionPoolError)
    }

    private struct Mailbox {
        var isTurnHeld = false
        /// Requests waiting for the turn, first come first served.
        var waiters: [Waiter] = []
        /// Only while the turn is free.
        var parked: Parked?

        var isUnused: Bool { !self.isTurnHeld && self.waiters.isEmpty && self.parked == nil }
    }

    let maxSessions: Int
    let maxWaiting: Int
    private var mailboxes: [MailboxKey: Mailbox] = [:]
    private var slotWaiters: [Waiter] = []
    private var slotsInUse = 0
    private var waitingCount = 0
    private var parkingSequence = 0
    private(set) var isShuttingDown = false
    /// Requests that hold a turn; shutdown waits for this to reach zero.
    private(set) var requestsHoldingTurns = 0
    /// Counters and the `openSessions` gauge; the other gauges are computed in `statistics`.
    var counters = SessionPoolStatistics()

    init(maxSessions: Int, maxWaiting: Int) {
        self.maxSessions = max(1, maxSessions)
        self.maxWaiting = max(0, maxWaiting)
    }

    var statistics: SessionPoolStatistics {
        var snapshot = self.counters
        snapshot.idleSessions = self.mailboxes.values.reduce(0) { $0 + ($1.parked == nil ? 0 : 1) }
        snapshot.borrowedSessions = self.requestsHoldingTurns
        snapshot.waitingRequests = self.waitingCount
        return snapshot
    }

    // MARK: - Turns

    /// A request asks for `key`'s turn: granted at once if free, else it queues (or is refused).
    mutating func requestTurn(for key: MailboxKey) -> TurnDecision {
        guard !self.isShuttingDown else { return .refused(.shuttingDown) }
        var mailbox = self.mailboxes[key, default: Mailbox()]
        if !mailbox.isTurnHeld {
            mailbox.isTurnHeld = true
            let parked = mailbox.parked
            mailbox.parked = nil
            self.mailboxes[key] = mailbox
            self.requestsHoldingTurns += 1
            return .granted(parked)
        }
        guard self.waitingCount < self.maxWaiting else {
            self.counters.requestsRejected += 1
            return .refused(.poolExhausted)
        }
        let waiter = Waiter(queue: .turn(key))
        mailbox.waiters.append(waiter)
        self.mailboxes[key] = mailbox
        self.waitingCount += 1
        return .wait(waiter)
    }

    /// `key`'s turn and its parked session, only if the turn is free and a session is parked: for work
    /// that should use an idle session but never queue behind requests or log in (read-ahead).
    mutating func takeIdleSession(for key: MailboxKey) -> Parked? {
        guard !self.isShuttingDown, var mailbox = self.mailboxes[key], !mailbox.isTurnHeld,
            let parked = mailbox.parked
        else { return nil }
        mailbox.isTurnHeld = true
        mailbox.parked = nil
        self.mailboxes[key] = mailbox
        self.requestsHoldingTurns += 1
        return parked
    }

    /// Gives `key`'s turn back, parking `parked` (a healthy session) or nothing (it was closed).
    ///
    /// The next request for the same key gets the turn and the session directly. Without one, a parked
    /// session goes to the first request waiting for a slot, which closes it and takes its slot.
    mutating func releaseTurn(of key: MailboxKey, parking parked: Parked?, byRequest: Bool) {
        if byRequest {
            self.requestsHoldingTurns -= 1
        }
        guard var mailbox = self.mailboxes[key], mailbox.isTurnHeld else {
            preconditionFailure("released the turn of a mailbox whose turn was not held")
        }
        if !mailbox.waiters.isEmpty {
            let next = mailbox.waiters.removeFirst()
            self.mailboxes[key] = mailbox
            self.waitingCount -= 1
            self.requestsHoldingTurns += 1
            next.serve(.turn(parked))
            return
        }
        if let parked, !self.slotWaiters.isEmpty {
            let next = self.slotWaiters.removeFirst()
            self.waitingCount -= 1
            self.counters.sessionsEvicted += 1
            // The turn stays held, now on behalf of `next`, until its QUIT of this session is done.
            next.serve(.slot(Eviction(key: key, entry: parked.entry)))
            return
        }
        mailbox.isTurnHeld = false
        mailbox.parked = parked
        self.mailboxes[key] = mailbox.isUnused ? nil : mailbox
    }

    /// Stamps a session being given back, for idle and least-recently-used decisions.
    mutating func parking(_ entry: Entry, at now: Duration) -> Parked {
        self.parkingSequence += 1
        return Parked(entry: entry, lastUsedAt: now, sequence: self.parkingSequence)
    }

    // MARK: - Slots

    /// A request that holds its mailbox's turn but has no session asks for a slot to log in on.
    ///
    /// Under the cap it gets a free slot; at the cap it takes the slot of the least recently used idle
    /// session of another mailbox (to QUIT it first); failing both it waits, or is refused.
    mutating func requestSlot() -> SlotDecision {
        guard !self.isShuttingDown else { return .refused(.shuttingDown) }
        if self.slotsInUse < self.maxSessions {
            self.slotsInUse += 1
            return .granted(nil)
        }
        if let eviction = self.takeLeastRecentlyUsedIdle() {
            self.counters.sessionsEvicted += 1
            return .granted(eviction)
        }
        guard self.waitingCount < self.maxWaiting else {
            self.counters.requestsRejected += 1
            return .refused(.poolExhausted)
        }
        let waiter = Waiter(queue: .slot)
        self.slotWaiters.append(waiter)
        self.waitingCount += 1
        return .wait(waiter)
    }

    /// A slot's session is gone (closed, or its login failed): the first slot waiter gets the slot.
    mutating func freeSlot() {
        if self.slotWaiters.isEmpty {
            self.slotsInUse -= 1
        } else {
            let next = self.slotWaiters.removeFirst()
            self.waitingCount -= 1
            next.serve(.slot(nil))
        }
    }

    private mutating func takeLeastRecentlyUsedIdle() -> Eviction? {
        var oldest: (key: MailboxKey, parked: Parked)?
        for (key, mailbox) in self.mailboxes where !mailbox.isTurnHeld {
            if let parked = mailbox.parked, parked.sequence < oldest?.parked.sequence ?? Int.max {
                oldest = (key, parked)
            }
        }
        guard let oldest else { return nil }
        self.mailboxes[oldest.key]?.parked = nil
        self.mailboxes[oldest.key]?.isTurnHeld = true
        return Eviction(key: oldest.key, entry: oldest.parked.entry)
    }

    // MARK: - Waiting, expiry, shutdown

    /// A waiter's deadline passed. If it was served in the meantime it keeps what it got; otherwise it
    /// leaves its queue and gets `.queueTimeout`.
    mutating func abandon(_ waiter: Waiter) -> Waiter.Outcome {
        let outcome = waiter.outcome.withLock { $0 }
        guard outcome.isPending else { return outcome }
        switch waiter.queue {
        case .turn(let key):
            self.mailboxes[key]?.waiters.removeAll { $0 === waiter }
        case .slot:
            self.slotWaiters.removeAll { $0 === waiter }
        }
        self.waitingCount -= 1
        self.counters.requestsTimedOut += 1
        waiter.serve(.refused(.queueTimeout))
        return .refused(.queueTimeout)
    }

    /// Takes out every session idle for `idleTimeout` or longer, holding their mailboxes' turns.
    mutating func takeExpired(now: Duration, idleTimeout: Duration) -> [Eviction] {
        var expired: [Eviction] = []
        for (key, mailbox) in self.mailboxes where !mailbox.isTurnHeld {
            if let parked = mailbox.parked, now - parked.lastUsedAt >= idleTimeout {
                expired.append(Eviction(key: key, entry: parked.entry))
            }
        }
        for eviction in expired {
            self.mailboxes[eviction.key]?.parked = nil
            self.mailboxes[eviction.key]?.isTurnHeld = true
        }
        self.counters.sessionsExpired += expired.count
        return expired
    }

    /// Refuses every waiter and all new work, and takes out every idle session (holding their turns).
    mutating func beginShutdown() -> [Eviction] {
        self.isShuttingDown = true
        var idle: [Eviction] = []
        for (key, mailbox) in self.mailboxes {
            for waiter in mailbox.waiters {
                waiter.serve(.refused(.shuttingDown))
            }
            if !mailbox.isTurnHeld, let parked = mailbox.parked {
                idle.append(Eviction(key: key, entry: parked.entry))
            }
        }
        for waiter in self.slotWaiters {
            waiter.serve(.refused(.shuttingDown))
        }
        self.slotWaiters.removeAll()
        self.waitingCount = 0
        for key in Array(self.mailboxes.keys) {
            self.mailboxes[key]?.waiters.removeAll()
        }
        for eviction in idle {
            self.mailboxes[eviction.key]?.parked = nil
            self.mailboxes[eviction.key]?.isTurnHeld = true
        }
        return idle
    }
}
