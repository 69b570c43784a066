import POP3
import Synchronization

@testable import Gateway

/// A stand-in for the POP3 server behind the pool: opens `FakeSession`s, remembers every login, refuses
/// chosen passwords, and refuses a second session for a mailbox that has one open, as a real maildrop
/// lock does (`[IN-USE]`), counting that as a lock violation.
final class FakeUpstream: Sendable {
    private struct State {
        var sessions: [FakeSession] = []
        var loginAttempts: [POP3Credentials] = []
        var openSessions: [MailboxKey: Int] = [:]
        var lockViolations = 0
        var refusedPasswords: Set<String> = []
    }

    private let state = Mutex(State())

    /// Logins with this password fail with `[AUTH]`.
    func refuse(password: String) {
        self.state.withLock { _ = $0.refusedPasswords.insert(password) }
    }

    func connect(_ key: MailboxKey, _ credentials: POP3Credentials) throws(POP3Error) -> FakeSession {
        try self.state.withLock { state throws(POP3Error) in
            state.loginAttempts.append(credentials)
            if state.refusedPasswords.contains(credentials.password) {
                throw POP3Error(.authenticationFailed, "[AUTH] invalid credentials", responseCode: .authentication)
            }
            if state.openSessions[key, default: 0] > 0 {
                state.lockViolations += 1
                throw POP3Error(.mailboxLocked, "[IN-USE] maildrop locked", responseCode: .inUse)
            }
            state.openSessions[key, default: 0] += 1
            let session = FakeSession(id: state.sessions.count + 1, key: key, credentials: credentials, upstream: self)
            state.sessions.append(session)
            return session
        }
    }

    func sessionEnded(_ key: MailboxKey) {
        self.state.withLock { $0.openSessions[key, default: 0] -= 1 }
    }

    /// Every session opened, in order.
    var sessions: [FakeSession] { self.state.withLock { $0.sessions } }
    /// Every login attempt's credentials, successful or not.
    var loginAttempts: [POP3Credentials] { self.state.withLock { $0.loginAttempts } }
    var lockViolations: Int { self.state.withLock { $0.lockViolations } }
    /// Sessions not yet ended by QUIT or close.
    var openSessionCount: Int { self.state.withLock { $0.openSessions.values.reduce(0, +) } }

    /// A pool logging in here, on `clock`, with the defaults changed by `configure`.
    func makePool(
        clock: FakePoolClock = FakePoolClock(),
        configure: (inout SessionPoolConfiguration) -> Void = { _ in }
    ) -> SessionPool<FakeSession> {
        var configuration = SessionPoolConfiguration()
        configure(&configuration)
        return SessionPool(configuration: configuration, clock: clock) { key, credentials throws(POP3Error) in
            try self.connect(key, credentials)
        }
    }
}
