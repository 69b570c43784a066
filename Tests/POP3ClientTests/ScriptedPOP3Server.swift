import Dispatch
import Foundation
import POP3
import Synchronization
import TestSupport
import Testing

@testable import POP3Client

/// A fake POP3 server on 127.0.0.1 that plays one script per connection, for the client's fault and
/// behaviour tests.
///
/// Connections are accepted in order. Each script runs on its own thread as soon as its connection
/// arrives, while the scripts of earlier connections may still be running, so a second login can find
/// the first session holding the maildrop lock. Every read a script makes has a timeout and `finish()`
/// waits with one: a misbehaving client fails a test but never hangs it.
///
/// A script records what went wrong with `ScriptedConnection.fail(_:)` (or an `expect` that did not
/// match); `finish()` turns those records into test issues, and `received` shows every line the client sent.
final class ScriptedPOP3Server: Sendable {
    typealias Script = @Sendable (ScriptedConnection) throws -> Void

    static let user = "alice"
    static let password = "secret"
    /// What the scripts advertise unless a test says otherwise: no SASL, so the client logs in with USER/PASS.
    static let capabilities = ["USER", "UIDL", "TOP"]
    /// The client's per-read deadline in these tests: long enough for a loaded machine, short enough that a
    /// read timeout costs a test less than a second.
    static let readTimeout = Duration.milliseconds(800)
    /// How long the server waits for each of its connections.
    static let acceptTimeout = Duration.seconds(10)

    let port: Int

    private struct State {
        var lines: [(connection: Int, line: String)] = []
        var failures: [String] = []
        /// How many connections have been accepted so far.
        var accepted = 0
        var finished = false
    }

    private let listener: LoopbackListener
    /// One per script, signalled when it is over (or can never start because an earlier accept timed out).
    private let done: [DispatchSemaphore]
    private let state = Mutex(State())

    /// A server for one connection.
    convenience init(_ script: @escaping Script) throws {
        try self.init(connections: [script])
    }

    /// A server for several connections in sequence: `scripts[0]` plays the first, and so on.
    init(connections scripts: [Script]) throws {
        precondition(!scripts.isEmpty, "a scripted server needs at least one script")
        self.listener = try LoopbackListener()
        self.port = self.listener.port
        self.done = scripts.map { _ in DispatchSemaphore(value: 0) }
        self.serve(0, of: scripts)
    }

    /// Every line the client sent, on any connection, in the order they were read; line endings removed.
    var received: [String] {
        self.state.withLock { state in state.lines.map(\.line) }
    }

    /// The lines the client sent on connection `number` (counted from 1).
    func received(onConnection number: Int) -> [String] {
        self.state.withLock { state in state.lines.filter { $0.connection == number }.map(\.line) }
    }

    /// Waits until every script is over and reports what they recorded as test issues.
    ///
    /// Call it after the client is closed: a script that ends by waiting for the client to hang up
    /// otherwise waits out its own timeout.
    func finish(timeout: Duration = .seconds(20), sourceLocation: SourceLocation = #_sourceLocation) {
        let milliseconds = Int(timeout / .milliseconds(1))
        let deadline = DispatchTime.now() + .milliseconds(milliseconds)
        for (index, semaphore) in self.done.enumerated() {
            if semaphore.wait(timeout: deadline) == .timedOut {
                Issue.record("the script for connection \(index + 1) did not finish", sourceLocation: sourceLocation)
                break
            }
        }
        let failures = self.state.withLock { state in
            defer { state.finished = true }
            return state.finished ? [] : state.failures
        }
        for failure in failures {
            Issue.record(Comment(rawValue: failure), sourceLocation: sourceLocation)
        }
    }

    func record(line: String, connection: Int) {
        self.state.withLock { state in state.lines.append((connection, line)) }
    }

    func recordFailure(_ message: String) {
        self.state.withLock { state in state.failures.append(message) }
    }

    /// Accepts connection `index` on a thread of its own and plays its script; the accept for the next
    /// connection starts as soon as this one is in, so the scripts can overlap like real sessions.
    private func serve(_ index: Int, of scripts: [Script]) {
        let thread = Thread { [self] in
            let serving = self.listener.serveOne(acceptTimeout: Self.acceptTimeout) { socket in
                self.state.withLock { state in state.accepted = index + 1 }
                if index + 1 < scripts.count {
                    self.serve(index + 1, of: scripts)
                }
                let connection = ScriptedConnection(socket: socket, number: index + 1, server: self)
                defer { connection.close() }
                try scripts[index](connection)
            }
            if let failure = serving.join() {
                self.recordFailure("connection \(index + 1): \(failure)")
            }
            if self.state.withLock({ state in state.accepted }) > index {
                self.done[index].signal()
            } else {
                // This connection never came, so no later one was waited for either.
                for semaphore in self.done[index...] { semaphore.signal() }
            }
        }
        thread.start()
    }
}

// MARK: - The client side

extension ScriptedPOP3Server {
    /// A client configuration for this server with test-sized deadlines.
    ///
    /// TLS endpoints trust the test CA and verify the certificate against 127.0.0.1 (one of its SANs).
    func configuration(security: POP3SessionStateMachine.Security = .plaintext) -> POP3ClientConfiguration {
        var configuration = POP3ClientConfiguration(
            endpoint: POP3Endpoint(host: "127.0.0.1", port: self.port, security: security)
        )
        configuration.connectTimeout = .seconds(2)
        configuration.readTimeout = Self.readTimeout
        configuration.commandTimeout = .seconds(2)
        if security != .plaintext {
            // Touching the shared certificates here generates them before the clock of a connect starts.
            configuration.caFile = TestCertificates.shared.caCertificateFile
        }
        return configuration
    }

    /// Connects and logs in with `configuration(security:)`, changed by `configure`.
    func connect(
        security: POP3SessionStateMachine.Security = .plaintext,
        user: String = ScriptedPOP3Server.user,
        password: String = ScriptedPOP3Server.password,
        configure: (inout POP3ClientConfiguration) -> Void = { _ in }
    ) throws(POP3Error) -> POP3Client {
        var configuration = self.configuration(security: security)
        configure(&configuration)
        let connector = try POP3Connector(configuration: configuration)
        return try connector.connect(credentials: POP3Credentials(user: user, password: password))
    }
}
