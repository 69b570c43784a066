/// A snapshot of a `SessionPool`'s gauges and counters, for `/metrics`.
///
/// Gauges say how things are now; counters only grow over the pool's life.
public struct SessionPoolStatistics: Hashable, Sendable {
    /// Gauge: upstream sessions open now, idle or lent out.
    public var openSessions = 0
    /// Gauge: open sessions parked in the pool, waiting for their mailbox's next request.
    public var idleSessions = 0
    /// Gauge: requests that hold their mailbox's turn (preparing or using its session).
    public var borrowedSessions = 0
    /// Gauge: requests blocked in the pool, for their mailbox's turn or for a session slot.
    public var waitingRequests = 0
    /// Counter: logins that succeeded.
    public var loginsSucceeded = 0
    /// Counter: logins that failed, for any reason (refused credentials, unreachable server, ...).
    public var loginsFailed = 0
    /// Counter: requests served on a session that an earlier request had opened.
    public var sessionsReused = 0
    /// Counter: idle sessions closed to give their slot to another mailbox.
    public var sessionsEvicted = 0
    /// Counter: idle sessions closed after `idleTimeout`.
    public var sessionsExpired = 0
    /// Counter: sessions replaced by a new login because of freshness or other credentials.
    public var sessionsReplaced = 0
    /// Counter: sessions dropped without QUIT (broken, failed NOOP, pending deletions left behind).
    public var sessionsDropped = 0
    /// Counter: bodies run a second time after a reused session broke under them.
    public var retries = 0
    /// Counter: requests refused with `SessionPoolError.poolExhausted`.
    public var requestsRejected = 0
    /// Counter: requests that gave up with `SessionPoolError.queueTimeout`.
    public var requestsTimedOut = 0
}
