/// An open upstream session and the facts the pool judges it by.
///
/// `@unchecked Sendable` because `Session` is not thread-safe. That is sound because the pool gives an
/// entry to exactly one thread at a time: the one holding its mailbox's turn (a request, or the
/// janitor or another request closing it). Hand-overs go through the pool's `Mutex` or a waiter's
/// `ConditionLock`, whose lock and unlock order the previous holder's accesses before the next one's.
final class SessionPoolEntry<Session: PooledSession>: @unchecked Sendable {
    let session: Session
    /// The fingerprint of the credentials that logged it in; only an equal one may use it.
    let fingerprint: CredentialFingerprint
    /// When it logged in, on the pool's clock: its snapshot of the maildrop is that old.
    let openedAt: Duration

    init(session: Session, fingerprint: CredentialFingerprint, openedAt: Duration) {
        self.session = session
        self.fingerprint = fingerprint
        self.openedAt = openedAt
    }
}
