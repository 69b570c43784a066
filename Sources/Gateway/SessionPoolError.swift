/// Why the session pool turned a request away before it reached the upstream server.
///
/// `SessionPool.withSession` throws these, the `POP3Error` of a failed login unchanged, or whatever the
/// body threw. All three cases mean "try again later": HTTP 503, at once, without touching the upstream.
public enum SessionPoolError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Every session slot is taken and `maxWaiting` requests already wait. Answer 503 at once.
    case poolExhausted
    /// The request waited `maxQueueWait` for its mailbox or a session slot. Answer 503.
    case queueTimeout
    /// The pool is shutting down and takes no new work. Answer 503.
    case shuttingDown

    public var description: String {
        switch self {
        case .poolExhausted: "every upstream session is busy and the waiting queue is full"
        case .queueTimeout: "waited too long for an upstream session"
        case .shuttingDown: "the gateway is shutting down"
        }
    }
}
