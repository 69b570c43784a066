/// A request blocked in the pool, for its mailbox's turn or for a session slot.
///
/// Whoever serves it sets `outcome` while holding the pool's lock, and hands over with it whatever the
/// waiter now owns; a waiter whose deadline passed looks again under the pool's lock, so it can tell
/// for sure whether it was served in the meantime.
final class SessionPoolWaiter<Session: PooledSession>: Sendable {
    /// What it waits for.
    enum Queue: Sendable {
        /// The turn of this mailbox.
        case turn(MailboxKey)
        /// A slot under `maxSessions`, while already holding its own mailbox's turn.
        case slot
    }

    enum Outcome: Sendable {
        case pending
        /// The mailbox's turn is now the waiter's, with the session parked there, if any.
        case turn(SessionPoolState<Session>.Parked?)
        /// A slot is now the waiter's. With an eviction, the slot is that idle session's: the waiter
        /// also holds the evicted mailbox's turn, must QUIT the session and then give that turn back.
        case slot(SessionPoolState<Session>.Eviction?)
        case refused(SessionPoolError)

        var isPending: Bool {
            if case .pending = self { return true }
            return false
        }
    }

    let queue: Queue
    let outcome = ConditionLock<Outcome>(.pending)

    init(queue: Queue) {
        self.queue = queue
    }

    /// Settles the outcome and wakes the waiter. Called with the pool's lock held.
    func serve(_ outcome: Outcome) {
        self.outcome.update { $0 = outcome }
    }
}
