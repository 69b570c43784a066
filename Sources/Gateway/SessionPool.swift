import Basics
public import POP3
public import POP3Client
import Synchronization

/// Pooled upstream POP3 sessions: at most one per mailbox, lent to one request at a time.
///
/// A POP3 session holds an exclusive lock on its maildrop, so a second login to the same mailbox would
/// be refused with `[IN-USE]`. The pool makes that impossible: each `MailboxKey` has a *turn*, held by
/// one request at a time and passed on first come first served, and only the turn's holder may log in,
/// use, QUIT or close that mailbox's session. The janitor and a request evicting an idle session take
/// the turn too while their QUIT is in flight. Different mailboxes run in parallel, up to
/// `maxSessions` open sessions.
///
/// Locking: all bookkeeping (`SessionPoolState`) sits in one `Mutex`, held only for a few dictionary
/// and array operations and never across I/O. Login, NOOP, QUIT and the body run on the calling thread
/// with no lock held, so one slow server never stalls another mailbox. A request that must wait blocks
/// on its own `ConditionLock`; the thread that frees what it waits for hands it over directly (the turn
/// and the parked session, or a session slot), so there is no thundering herd and FIFO order holds.
///
/// Errors: `withSession` throws a `SessionPoolError` when the pool turns the request away, the
/// `POP3Error` of a failed login unchanged, and anything the body throws unchanged.
///
/// It is generic over the session and the clock, so tests drive it with fake sessions and a hand-set
/// clock: no sockets, no sleeps.
public final class SessionPool<Session: PooledSession>: Sendable {
    /// Opens a logged-in session to a mailbox, blocking; in production `POP3Connector.connect(credentials:)`.
    public typealias Connect = @Sendable (MailboxKey, POP3Credentials) throws(POP3Error) -> Session

    private typealias State = SessionPoolState<Session>
    private typealias Entry = SessionPoolEntry<Session>
    private typealias Waiter = SessionPoolWaiter<Session>

    /// A session lent to a request, and whether an earlier request had used it (only those are retried).
    private struct Lease {
        var entry: Entry
        var isReused: Bool
    }

    public let configuration: SessionPoolConfiguration
    private let connect: Connect
    private let clock: any PoolClock
    private let fingerprintDigest: KeyedDigest
    private let state: Mutex<SessionPoolState<Session>>
    /// Set once shutting down with no request holding a turn.
    private let drained = ConditionLock(false)
    private let janitor = Mutex<SessionPoolJanitor?>(nil)

    /// - Parameters:
    ///   - clock: judges idle time, session age and NOOP; the real monotonic clock unless testing.
    ///   - fingerprintDigest: keys the credential fingerprints that decide who may use a session.
    ///   - connect: logs in to a mailbox; called on the requesting thread with no lock held.
    public init(
        configuration: SessionPoolConfiguration = SessionPoolConfiguration(),
        clock: any PoolClock = MonotonicPoolClock(),
        fingerprintDigest: KeyedDigest = KeyedDigest(),
        connect: @escaping Connect
    ) {
        self.configuration = configuration
        self.clock = clock
        self.fingerprintDigest = fingerprintDigest
        self.connect = connect
        self.state = Mutex(
            SessionPoolState(maxSessions: configuration.maxSessions, maxWaiting: configuration.maxWaiting)
        )
    }

    /// Gauges and counters as they are now.
    public var statistics: SessionPoolStatistics {
        self.state.withLock { $0.statistics }
    }

    // MARK: - Lending

    /// Runs `body` on the mailbox's session, logging in first when there is none, and keeps the session
    /// for the mailbox's next request when `body` leaves it healthy.
    ///
    /// Blocks while another request uses the mailbox (first come first served) or while `maxSessions`
    /// sessions are busy, at most `maxQueueWait`; refuses at once with `.poolExhausted` when `maxWaiting`
    /// requests already wait. The session is used only if it was opened with the same credentials
    /// (compared as fingerprints in constant time); otherwise it is logged out and a new one opened.
    ///
    /// After `body`, a session that is no longer usable is dropped, and so is one with `DELE`s left
    /// pending (closed without QUIT, so nothing is deleted): a request that deletes must QUIT itself.
    /// `body` must not call `withSession` on the same pool: it would wait for its own mailbox's turn.
    ///
    /// - Parameters:
    ///   - freshness: whether an older session's snapshot of the maildrop will do.
    ///   - retryIdempotent: when `body` only reads, a reused session that breaks under it (connection
    ///     closed, timeout, protocol violation: a server that dropped an idle session) is replaced and
    ///     `body` runs once more. Never for a fresh session, never for a failed login.
    /// - Throws: `SessionPoolError`, the login's `POP3Error`, or what `body` threw.
    public func withSession<Output>(
        for key: MailboxKey,
        credentials: POP3Credentials,
        freshness: SessionFreshness = .any,
        retryIdempotent: Bool = false,
        _ body: (Session) throws -> Output
    ) throws -> Output {
        let fingerprint = CredentialFingerprint(credentials, using: self.fingerprintDigest)
        let queueDeadline = MonotonicClock.now() + self.configuration.maxQueueWait
        let parked = try self.acquireTurn(for: key, deadline: queueDeadline)
        // This thread now holds the mailbox's turn; every path below gives it back exactly once.
        let lease: Lease
        do {
            lease = try self.prepareSession(
                for: key,
                parked: parked,
                credentials: credentials,
                fingerprint: fingerprint,
                freshness: freshness,
                queueDeadline: queueDeadline
            )
        } catch {
            self.state.withLock { self.releaseTurn(of: key, parking: nil, in: &$0) }
            throw error
        }
        do {
            let output = try body(lease.entry.session)
            self.giveBack(lease.entry, of: key)
            return output
        } catch {
            guard retryIdempotent, lease.isReused, Self.isBrokenConnection(error) else {
                self.giveBack(lease.entry, of: key)
                throw error
            }
        }
        // The reused session broke under an idempotent body: most likely the server dropped it while
        // idle. Replace it on the same slot and run the body once more; its error, if any, is final.
        lease.entry.session.close()
        self.state.withLock {
            $0.counters.openSessions -= 1
            $0.counters.sessionsDropped += 1
            $0.counters.retries += 1
        }
        let entry: Entry
        do {
            entry = try self.logIn(to: key, credentials: credentials, fingerprint: fingerprint)
        } catch {
            self.state.withLock { self.releaseTurn(of: key, parking: nil, in: &$0) }
            throw error
        }
        do {
            let output = try body(entry.session)
            self.giveBack(entry, of: key)
            return output
        } catch {
            self.giveBack(entry, of: key)
            throw error
        }
    }

    /// Runs `body` on the mailbox's parked session if it is idle right now, was opened with these
    /// credentials and is not due for a refresh; nil, without running `body`, otherwise. Never waits for
    /// the turn and never logs in: for optional background work (read-ahead) that must not queue
    /// ahead of a request or open a session nobody asked for. It holds the turn while `body` runs, so a
    /// request that arrives meanwhile waits for it.
    public func withIdleSession<Output>(
        for key: MailboxKey,
        credentials: POP3Credentials,
        _ body: (Session) throws -> Output
    ) throws -> Output? {
        let fingerprint = CredentialFingerprint(credentials, using: self.fingerprintDigest)
        guard let parked = self.state.withLock({ $0.takeIdleSession(for: key) }) else { return nil }
        let entry = parked.entry
        guard entry.fingerprint == fingerprint, entry.session.isUsable,
            !self.isTooOld(entry, for: .refreshIfOlderThanInterval, now: self.clock.now())
        else {
            // Left as it was found, for the next request to judge.
            self.state.withLock { self.releaseTurn(of: key, parking: parked, in: &$0) }
            return nil
        }
        defer { self.giveBack(entry, of: key) }
        return try body(entry.session)
    }

    /// Waits for the mailbox's turn; returns the session parked there, if any.
    private func acquireTurn(for key: MailboxKey, deadline: Duration) throws(SessionPoolError) -> State.Parked? {
        switch self.state.withLock({ $0.requestTurn(for: key) }) {
        case .granted(let parked):
            return parked
        case .refused(let error):
            throw error
        case .wait(let waiter):
            switch self.wait(for: waiter, until: deadline) {
            case .turn(let parked):
                return parked
            case .refused(let error):
                throw error
            case .pending, .slot:
                preconditionFailure("a mailbox waiter was served something else than the turn")
            }
        }
    }

    /// Turns what the mailbox has into a session fit for this request, holding the mailbox's turn.
    /// On failure the slot is already given back; the caller gives back the turn.
    private func prepareSession(
        for key: MailboxKey,
        parked: State.Parked?,
        credentials: POP3Credentials,
        fingerprint: CredentialFingerprint,
        freshness: SessionFreshness,
        queueDeadline: Duration
    ) throws -> Lease {
        guard let parked else {
            try self.acquireSlot(until: queueDeadline)
            return Lease(
                entry: try self.logIn(to: key, credentials: credentials, fingerprint: fingerprint),
                isReused: false
            )
        }
        let entry = parked.entry
        let now = self.clock.now()
        if entry.fingerprint != fingerprint {
            // Opened with other credentials: never lend it. QUIT (it is idle, nothing is pending) so that
            // the maildrop lock is free before logging in with this request's credentials.
            self.quit(entry)
            self.state.withLock { $0.counters.sessionsReplaced += 1 }
        } else if self.isTooOld(entry, for: freshness, now: now) {
            self.quit(entry)
            self.state.withLock { $0.counters.sessionsReplaced += 1 }
        } else if !entry.session.isUsable {
            entry.session.close()
            self.state.withLock {
                $0.counters.openSessions -= 1
                $0.counters.sessionsDropped += 1
            }
        } else if now - parked.lastUsedAt >= self.configuration.noopAfterIdle, !self.answersNoop(entry) {
            self.state.withLock {
                $0.counters.openSessions -= 1
                $0.counters.sessionsDropped += 1
            }
        } else {
            self.state.withLock { $0.counters.sessionsReused += 1 }
            return Lease(entry: entry, isReused: true)
        }
        // The old session is gone but its slot is still this request's: log in again on it.
        return Lease(
            entry: try self.logIn(to: key, credentials: credentials, fingerprint: fingerprint),
            isReused: false
        )
    }

    private func isTooOld(_ entry: Entry, for freshness: SessionFreshness, now: Duration) -> Bool {
        switch freshness {
        case .any: false
        case .refreshIfOlderThanInterval: now - entry.openedAt >= self.configuration.refreshInterval
        case .forceFresh: true
        }
    }

    /// Sends NOOP; a session that does not answer is closed (the caller then logs in again).
    private func answersNoop(_ entry: Entry) -> Bool {
        do {
            try entry.session.noop()
            return true
        } catch {
            entry.session.close()
            return false
        }
    }

    /// Takes a session slot for a mailbox that has no session: a free one, the slot of the least
    /// recently used idle session of another mailbox (QUIT here, outside the lock), or the first one
    /// given back while waiting.
    private func acquireSlot(until deadline: Duration) throws(SessionPoolError) {
        let eviction: State.Eviction?
        switch self.state.withLock({ $0.requestSlot() }) {
        case .granted(let granted):
            eviction = granted
        case .refused(let error):
            throw error
        case .wait(let waiter):
            switch self.wait(for: waiter, until: deadline) {
            case .slot(let granted):
                eviction = granted
            case .refused(let error):
                throw error
            case .pending, .turn:
                preconditionFailure("a slot waiter was served something else than a slot")
            }
        }
        if let eviction {
            self.quit(eviction.entry)
            // The slot stays this request's; only the evicted mailbox's turn goes back.
            self.state.withLock { $0.releaseTurn(of: eviction.key, parking: nil, byRequest: false) }
        }
    }

    /// Logs in on a slot this request holds; on failure gives the slot back.
    private func logIn(
        to key: MailboxKey,
        credentials: POP3Credentials,
        fingerprint: CredentialFingerprint
    ) throws(POP3Error) -> Entry {
        let session: Session
        do {
            session = try self.connect(key, credentials)
        } catch {
            self.state.withLock {
                $0.counters.loginsFailed += 1
                $0.freeSlot()
            }
            throw error
        }
        self.state.withLock {
            $0.counters.loginsSucceeded += 1
            $0.counters.openSessions += 1
        }
        return Entry(session: session, fingerprint: fingerprint, openedAt: self.clock.now())
    }

    /// Parks a healthy session for the mailbox's next request, or lets go of it, and gives back the turn.
    private func giveBack(_ entry: Entry, of key: MailboxKey) {
        let session = entry.session
        guard session.isUsable, !session.hasPendingDeletions else {
            // Broken or ended sessions are never reused. DELEs the body left pending (it failed before
            // its QUIT) are dropped with the connection, not committed: a later request's QUIT must never
            // delete what no request saw confirmed (RFC 1939 §6; docs/pop3-notes.md §12).
            session.close()
            self.state.withLock {
                $0.counters.openSessions -= 1
                $0.counters.sessionsDropped += 1
                $0.freeSlot()
                self.releaseTurn(of: key, parking: nil, in: &$0)
            }
            return
        }
        let now = self.clock.now()
        let parked = self.state.withLock { state in
            guard !state.isShuttingDown else { return false }
            self.releaseTurn(of: key, parking: state.parking(entry, at: now), in: &state)
            return true
        }
        if !parked {
            // Shutting down: nothing may stay parked. Nothing is pending, so this QUIT deletes nothing.
            self.quit(entry)
            self.state.withLock {
                $0.freeSlot()
                self.releaseTurn(of: key, parking: nil, in: &$0)
            }
        }
    }

    /// Gives back a turn a request held, and wakes `shutdown()` when it was the last one.
    private func releaseTurn(of key: MailboxKey, parking parked: State.Parked?, in state: inout State) {
        state.releaseTurn(of: key, parking: parked, byRequest: true)
        if state.isShuttingDown && state.requestsHoldingTurns == 0 {
            self.drained.update { $0 = true }
        }
    }

    /// Blocks until the waiter is served or the deadline passes.
    private func wait(for waiter: Waiter, until deadline: Duration) -> Waiter.Outcome {
        let outcome = waiter.outcome.wait(until: { !$0.isPending }, deadline: deadline)
        guard outcome.isPending else { return outcome }
        return self.state.withLock { $0.abandon(waiter) }
    }

    /// Logs out politely; a QUIT that fails still ends the session, and `close()` makes sure of it.
    /// Updates the open-session gauge.
    private func quit(_ entry: Entry) {
        do {
            try entry.session.quit()
        } catch {
            entry.session.close()
        }
        self.state.withLock { $0.counters.openSessions -= 1 }
    }

    /// Whether an error means the connection broke, as opposed to the server answering `-ERR`.
    private static func isBrokenConnection(_ error: any Error) -> Bool {
        guard let error = error as? POP3Error else { return false }
        switch error.code {
        case .connectionClosed, .timeout, .protocolViolation: return true
        default: return false
        }
    }

    // MARK: - Idle sessions and shutdown

    /// Closes, with QUIT, every session idle for `idleTimeout` or longer, releasing their maildrop locks
    /// for the users' other mail clients. QUITs run outside the pool's lock, one mailbox at a time, each
    /// mailbox's turn held until its QUIT is done. Returns how many were closed.
    @discardableResult
    public func closeIdleSessions() -> Int {
        let now = self.clock.now()
        let expired = self.state.withLock { $0.takeExpired(now: now, idleTimeout: self.configuration.idleTimeout) }
        self.retire(expired)
        return expired.count
    }

    /// Starts a dedicated thread that calls `closeIdleSessions()` every `interval` until `shutdown()`.
    /// Does nothing if one already runs.
    public func startJanitor(interval: Duration = .seconds(1)) {
        self.janitor.withLock { janitor in
            guard janitor == nil else { return }
            janitor = SessionPoolJanitor(interval: interval) { [weak self] in
                guard let self, !self.state.withLock({ $0.isShuttingDown }) else { return false }
                self.closeIdleSessions()
                return true
            }
        }
    }

    /// Stops the janitor, refuses new and waiting requests with `.shuttingDown`, QUITs idle sessions, and
    /// waits up to `gracePeriod` for requests still using a session; those QUIT their sessions when done.
    /// Idle sessions never have pending deletions, so these QUITs delete nothing.
    ///
    /// - Returns: whether every request had finished within `gracePeriod`.
    @discardableResult
    public func shutdown(gracePeriod: Duration = .seconds(30)) -> Bool {
        let janitor = self.janitor.withLock { janitor in
            let running = janitor
            janitor = nil
            return running
        }
        janitor?.stop()
        let idle = self.state.withLock { state in
            let idle = state.beginShutdown()
            if state.requestsHoldingTurns == 0 {
                self.drained.update { $0 = true }
            }
            return idle
        }
        self.retire(idle)
        let deadline = MonotonicClock.now() + gracePeriod
        return self.drained.wait(until: { $0 }, deadline: deadline)
    }

    /// QUITs sessions taken out of the pool with their mailboxes' turns, then frees their slots and turns.
    private func retire(_ evictions: [State.Eviction]) {
        for eviction in evictions {
            self.quit(eviction.entry)
            self.state.withLock {
                $0.freeSlot()
                $0.releaseTurn(of: eviction.key, parking: nil, byRequest: false)
            }
        }
    }
}
