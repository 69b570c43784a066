public import POP3
public import POP3Client

/// What the session pool needs from an upstream session, so that it can be tested with fakes.
///
/// A session is not thread-safe and need not be `Sendable`: the pool lends it to one request at a time
/// (the one holding its mailbox's turn) and moves it between threads only through its locks, which order
/// every access by one borrower before every access by the next. Only the metatype must be `Sendable`,
/// so that the pool's janitor thread can refer to the pool.
public protocol PooledSession: AnyObject, SendableMetatype {
    /// False once the session failed or ended; such a session is dropped, never reused.
    var isUsable: Bool { get }
    /// Whether `DELE`s are waiting for a `QUIT` to commit them.
    var hasPendingDeletions: Bool { get }
    /// Logs out politely: commits pending deletions and releases the maildrop lock at once.
    func quit() throws(POP3Error)
    /// Drops the connection without `QUIT`: nothing marked for deletion is deleted.
    func close()
    /// Checks that the server still answers, before reusing a session that sat idle.
    func noop() throws(POP3Error)
}

// POP3Client already has exactly these members with these meanings.
extension POP3Client: PooledSession {}
