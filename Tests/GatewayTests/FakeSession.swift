import POP3
import Synchronization

@testable import Gateway

/// A stand-in for a logged-in POP3 session: counts QUIT, close and NOOP, can be broken or given pending
/// deletions by a test, and records how many bodies used it at once.
final class FakeSession: PooledSession, Sendable {
    private struct State {
        var isBroken = false
        var hasEnded = false
        var hasPendingDeletions = false
        var quitCount = 0
        var closeCount = 0
        var noopCount = 0
        var committedDeletions = 0
        var failNextNoop = false
        var currentUsers = 0
        var maxSimultaneousUsers = 0
    }

    let id: Int
    let key: MailboxKey
    let credentials: POP3Credentials
    private let upstream: FakeUpstream
    private let state = Mutex(State())

    init(id: Int, key: MailboxKey, credentials: POP3Credentials, upstream: FakeUpstream) {
        self.id = id
        self.key = key
        self.credentials = credentials
        self.upstream = upstream
    }

    // MARK: - PooledSession

    var isUsable: Bool { self.state.withLock { !$0.isBroken && !$0.hasEnded } }

    var hasPendingDeletions: Bool { self.state.withLock { $0.hasPendingDeletions && !$0.hasEnded } }

    /// Like the real client: commits pending deletions and ends the session.
    func quit() throws(POP3Error) {
        let wasOpen = try self.state.withLock { state throws(POP3Error) in
            guard !state.isBroken, !state.hasEnded else { throw POP3Error(.connectionClosed, "session ended") }
            state.quitCount += 1
            if state.hasPendingDeletions {
                state.committedDeletions += 1
            }
            state.hasEnded = true
            return true
        }
        if wasOpen {
            self.upstream.sessionEnded(self.key)
        }
    }

    func close() {
        let wasOpen = self.state.withLock { state in
            state.closeCount += 1
            defer { state.hasEnded = true }
            return !state.hasEnded
        }
        if wasOpen {
            self.upstream.sessionEnded(self.key)
        }
    }

    func noop() throws(POP3Error) {
        try self.state.withLock { state throws(POP3Error) in
            state.noopCount += 1
            if state.failNextNoop {
                state.failNextNoop = false
                state.isBroken = true
                throw POP3Error(.connectionClosed, "the server dropped the idle session")
            }
        }
    }

    // MARK: - Test controls

    /// What a fault does to the real client: the session is no longer usable.
    func breakConnection() {
        self.state.withLock { $0.isBroken = true }
    }

    /// Like a DELE that was not followed by QUIT.
    func markDeletion() {
        self.state.withLock { $0.hasPendingDeletions = true }
    }

    func failNextNoop() {
        self.state.withLock { $0.failNextNoop = true }
    }

    /// Runs `body` as one user of the session, recording how many users overlapped.
    func use<Output>(_ body: () throws -> Output) rethrows -> Output {
        self.state.withLock { state in
            state.currentUsers += 1
            state.maxSimultaneousUsers = max(state.maxSimultaneousUsers, state.currentUsers)
        }
        defer { self.state.withLock { $0.currentUsers -= 1 } }
        return try body()
    }

    var quitCount: Int { self.state.withLock { $0.quitCount } }
    var closeCount: Int { self.state.withLock { $0.closeCount } }
    var noopCount: Int { self.state.withLock { $0.noopCount } }
    var committedDeletions: Int { self.state.withLock { $0.committedDeletions } }
    var hasEnded: Bool { self.state.withLock { $0.hasEnded } }
    var maxSimultaneousUsers: Int { self.state.withLock { $0.maxSimultaneousUsers } }
}
