/// Limits and timings of a `SessionPool`.
public struct SessionPoolConfiguration: Hashable, Sendable {
    /// The most upstream sessions open at once, over all mailboxes.
    public var maxSessions = 50
    /// The most requests allowed to wait (for their mailbox's turn or for a session slot); one more is
    /// refused at once with `SessionPoolError.poolExhausted`.
    public var maxWaiting = 200
    /// How long a request may wait in the pool before `SessionPoolError.queueTimeout`. Measured on the real
    /// monotonic clock whatever `PoolClock` the pool has, because a blocked thread must wake by itself.
    public var maxQueueWait: Duration = .seconds(60)
    /// An idle session is closed (with QUIT) after this long, to release the maildrop lock for the
    /// user's other mail clients.
    public var idleTimeout: Duration = .seconds(15)
    /// A session older than this is replaced by a new login when a request asks for
    /// `SessionFreshness.refreshIfOlderThanInterval`.
    public var refreshInterval: Duration = .seconds(30)
    /// A session idle at least this long is checked with NOOP before it is lent again; some providers
    /// drop idle sessions after about a minute without saying so (docs/pop3-notes.md §15).
    public var noopAfterIdle: Duration = .seconds(5)

    public init() {}
}
