import Foundation
import Glibc
import POP3
import Synchronization
import TestSupport

@testable import POP3Client

/// A fake POP3 server on 127.0.0.1 (port chosen by the kernel) for the upstream faults Dovecot cannot be
/// made to show on demand: silence, stalls, and answers held back until the test lets them go.
///
/// Every accepted connection runs `script` on its own plain thread. Every wait is bounded: a script's
/// reads give up after `patience`, and `stop()` (which deinit also runs) ends the accept loop and every
/// script within a few hundred milliseconds, so a gateway that misbehaves fails a test but never hangs it.
final class FaultUpstream: Sendable {
    typealias Script = @Sendable (FaultUpstreamConnection) throws -> Void

    /// The longest a script waits for the client, or a gate for the test.
    static let patience = Duration.seconds(20)

    let port: Int
    private let core: Core

    init(_ script: @escaping Script) throws {
        let core = try Core()
        self.core = core
        self.port = core.port
        core.startAccepting(script)
    }

    deinit {
        self.core.stop()
    }

    /// How many connections were accepted so far.
    var connectionsAccepted: Int { self.core.state.withLock { $0.accepted } }

    /// How many accepted connections are not closed yet (their scripts still run).
    var connectionsOpen: Int { self.core.state.withLock { $0.open } }

    /// Every command line the clients sent, on any connection, in arrival order.
    var commands: [String] { self.core.state.withLock { $0.commands } }

    /// Waits (at most `timeout`) until `condition` holds for the commands received so far.
    func waitForCommands(timeout: Duration = .seconds(5), until condition: ([String]) -> Bool) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(self.commands) { return true }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return condition(self.commands)
    }

    /// Stops accepting, tells every script to end, and waits a bounded time for their threads.
    func stop() {
        self.core.stop()
    }

    /// What the accept loop and the scripts share; they hold it, not the `FaultUpstream`, so that the
    /// latter's deinit can stop them.
    final class Core: Sendable {
        struct State {
            var accepted = 0
            var open = 0
            var commands: [String] = []
            var stopping = false
            /// The accept loop and the scripts still running.
            var threads = 0
        }

        let port: Int
        let state = Mutex(State())
        private let listener: Int32

        init() throws {
            let fd = socket(
                AF_INET,
                Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue),
                0
            )
            guard fd >= 0 else { throw FixtureError(description: "socket() failed: errno \(errno)") }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = 0
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let listening = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                    bind(fd, generic, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, generic, &length) == 0
                }
            }
            guard listening else {
                let code = errno
                _ = close(fd)
                throw FixtureError(description: "cannot listen on 127.0.0.1: errno \(code)")
            }
            self.listener = fd
            self.port = Int(UInt16(bigEndian: address.sin_port))
        }

        deinit {
            _ = close(self.listener)
        }

        var isStopping: Bool { self.state.withLock { $0.stopping } }

        func record(_ command: String) {
            self.state.withLock { $0.commands.append(command) }
        }

        func startAccepting(_ script: @escaping Script) {
            self.state.withLock { $0.threads += 1 }
            let thread = Thread {
                self.acceptLoop(script)
                self.state.withLock { $0.threads -= 1 }
            }
            thread.name = "fault upstream accept"
            thread.start()
        }

        private func acceptLoop(_ script: @escaping Script) {
            var descriptor = pollfd(fd: self.listener, events: Int16(POLLIN), revents: 0)
            while !self.isStopping {
                // Short slices, so that stop() is noticed quickly.
                guard poll(&descriptor, 1, 50) > 0 else { continue }
                let client = accept(self.listener, nil, nil)
                guard client >= 0 else { continue }
                let number = self.state.withLock { state in
                    state.accepted += 1
                    state.open += 1
                    state.threads += 1
                    return state.accepted
                }
                let connection = FaultUpstreamConnection(
                    number: number,
                    socket: TCPSocket(adopting: client),
                    core: self
                )
                let thread = Thread {
                    do {
                        try script(connection)
                    } catch {
                        // A stop, a client that went away, or patience exhausted: the connection just ends.
                    }
                    connection.close()
                    self.state.withLock { state in
                        state.open -= 1
                        state.threads -= 1
                    }
                }
                thread.name = "fault upstream connection \(number)"
                thread.start()
            }
        }

        func stop() {
            self.state.withLock { $0.stopping = true }
            let deadline = ContinuousClock.now + .seconds(5)
            while self.state.withLock({ $0.threads }) > 0 && ContinuousClock.now < deadline {
                Thread.sleep(forTimeInterval: 0.01)
            }
        }
    }
}

/// Why a fake upstream script ended early.
struct FaultUpstreamEnd: Error, CustomStringConvertible {
    var description: String
}

/// One accepted connection of a `FaultUpstream`, used by its script's thread only.
///
/// Plain TCP until `startTLS(certificateFile:)`; from then on every read and write goes through TLS.
final class FaultUpstreamConnection: @unchecked Sendable {
    /// Counted from 1, in accept order.
    let number: Int
    private let socket: TCPSocket
    private let core: FaultUpstream.Core
    private var tls: TLSStream?
    private var isClosed = false
    private var buffer: [UInt8] = []

    fileprivate init(number: Int, socket: TCPSocket, core: FaultUpstream.Core) {
        self.number = number
        self.socket = socket
        self.core = core
    }

    private var stream: any ByteStream { self.tls ?? self.socket }

    /// Hangs up cleanly: TLS sends close_notify first. Closing twice does nothing.
    func close() {
        guard !self.isClosed else { return }
        self.isClosed = true
        if let tls = self.tls {
            tls.close()
        } else {
            self.socket.close()
        }
    }

    /// Ends the TCP connection without a TLS close_notify (a truncation, or a careless server).
    func closeWithoutCloseNotify() {
        guard !self.isClosed else { return }
        self.isClosed = true
        _ = shutdown(self.socket.fileDescriptor, Int32(SHUT_RDWR))
        // The write side is shut, so the close_notify this would send cannot go out any more.
        self.tls?.close()
        self.socket.close()
    }

    /// Runs the server side of a TLS handshake presenting `certificateFile` (with the test key); throws when
    /// the client gives up on it, e.g. because it rejected the certificate.
    func startTLS(certificateFile: String = TestCertificates.shared.serverCertificateFile) throws {
        let context = try TLSContext.server(
            certificateFile: certificateFile,
            privateKeyFile: TestCertificates.shared.serverPrivateKeyFile
        )
        do {
            self.tls = try TLSStream.accept(over: self.socket, context: context, deadline: .after(.seconds(5)))
        } catch {
            // TLSStream.accept closes the socket when the handshake fails.
            self.isClosed = true
            throw error
        }
    }

    /// Sends each line with CRLF.
    func send(_ lines: String...) throws {
        try self.send(lines: lines)
    }

    /// Sends the lines, each with CRLF, in one write.
    func send(lines: [String]) throws {
        try self.send(bytes: Array(lines.map { $0 + "\r\n" }.joined().utf8))
    }

    /// Sends `bytes` exactly as given, in one write.
    func send(bytes: [UInt8]) throws {
        guard !self.isClosed else { throw FaultUpstreamEnd(description: "connection closed") }
        let stream = self.stream
        try bytes.withUnsafeBytes { try stream.write($0, deadline: .after(.seconds(5))) }
    }

    /// Sends `bytes` one write per byte with `interval` between them; throws once the client is gone or the
    /// upstream stops.
    func trickle(_ bytes: [UInt8], interval: Duration) throws {
        for byte in bytes {
            guard !self.core.isStopping else { throw FaultUpstreamEnd(description: "upstream stopping") }
            try self.send(bytes: [byte])
            Thread.sleep(forTimeInterval: Double(interval / .milliseconds(1)) / 1000)
        }
    }

    /// The next line without its line ending, or nil once the client has closed the connection.
    /// Throws when the upstream is stopping or the client stayed silent for `FaultUpstream.patience`.
    func readLine() throws -> String? {
        let giveUp = ContinuousClock.now + FaultUpstream.patience
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            if let lf = self.buffer.firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(self.buffer[..<lf])
                self.buffer.removeFirst(lf + 1)
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            guard !self.core.isStopping else { throw FaultUpstreamEnd(description: "upstream stopping") }
            guard ContinuousClock.now < giveUp else { throw FaultUpstreamEnd(description: "client silent") }
            guard !self.isClosed else { return nil }
            let stream = self.stream
            do {
                let count = try chunk.withUnsafeMutableBytes {
                    try stream.read(into: $0, deadline: .after(.milliseconds(100)))
                }
                if count == 0 { return nil }
                self.buffer += chunk[..<count]
            } catch let error as POP3Error where error.code == .timeout {
                continue
            } catch {
                // A reset, or a TLS error: the client is gone.
                return nil
            }
        }
    }

    /// Reads the next command, recording it as `<connection number> <line>`; nil at end of connection.
    func readCommand() throws -> String? {
        guard let line = try self.readLine() else { return nil }
        self.core.record("\(self.number) \(line)")
        return line
    }

    /// Reads (and records) everything the client sends, answering nothing, until it hangs up or the
    /// upstream stops.
    func stayQuiet() throws {
        while try self.readCommand() != nil {}
    }

    /// Relays the connection, plain TCP both ways, to the server on 127.0.0.1:`port`, recording the client's
    /// lines as commands, until either side hangs up or the client sends a line for which `cut` is true:
    /// that line is not forwarded, and both connections are dropped at once.
    func relay(toPort port: Int, cut: (String) -> Bool) throws {
        let server = try TCPSocket.connect(host: "127.0.0.1", port: port, deadline: .after(.seconds(5)))
        defer { server.close() }
        let giveUp = ContinuousClock.now + FaultUpstream.patience
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        /// One read of at most 20 ms: the bytes, empty when none came, nil at the end of the stream.
        func readSome(_ stream: any ByteStream) throws -> [UInt8]? {
            do {
                let count = try chunk.withUnsafeMutableBytes {
                    try stream.read(into: $0, deadline: .after(.milliseconds(20)))
                }
                return count == 0 ? nil : Array(chunk[..<count])
            } catch let error as POP3Error where error.code == .timeout {
                return []
            }
        }
        while ContinuousClock.now < giveUp && !self.core.isStopping {
            guard let fromClient = try readSome(self.socket) else { return }
            self.buffer += fromClient
            while let lf = self.buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(self.buffer[...lf])
                self.buffer.removeFirst(lf + 1)
                let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .newlines)
                self.core.record("\(self.number) \(text)")
                if cut(text) { throw FaultUpstreamEnd(description: "relay cut at \(text)") }
                try line.withUnsafeBytes { try server.write($0, deadline: .after(.seconds(5))) }
            }
            guard let fromServer = try readSome(server) else { return }
            if !fromServer.isEmpty { try self.send(bytes: fromServer) }
        }
    }

    /// Greets and accepts any USER/PASS (CAPA offers no SASL, so the client uses USER/PASS); false if the
    /// client left or quit before logging in, or `passAnswer` refused the login.
    ///
    /// - Parameters:
    ///   - capabilities: the CAPA lines; nil answers CAPA with `-ERR`.
    ///   - startTLSCertificate: when set, CAPA offers STLS too, and STLS starts TLS presenting it.
    ///   - passAnswer: the answer to PASS; anything but `+OK...` refuses the login.
    func logIn(
        greeting: String = "+OK fault upstream ready",
        capabilities: [String]? = ["USER", "UIDL"],
        startTLSCertificate: String? = nil,
        passAnswer: String = "+OK logged in"
    ) throws -> Bool {
        try self.send(greeting)
        while let command = try self.readCommand() {
            switch command.split(separator: " ").first.map({ $0.uppercased() }) {
            case "CAPA":
                guard let capabilities else {
                    try self.send("-ERR unknown command")
                    continue
                }
                let offered = self.tls == nil && startTLSCertificate != nil ? capabilities + ["STLS"] : capabilities
                try self.send(lines: ["+OK capabilities follow"] + offered + ["."])
            case "STLS" where self.tls == nil && startTLSCertificate != nil:
                try self.send("+OK begin TLS")
                try self.startTLS(certificateFile: startTLSCertificate ?? "")
            case "USER":
                try self.send("+OK send PASS")
            case "PASS":
                try self.send(passAnswer)
                if passAnswer.hasPrefix("+OK") { return true }
            case "QUIT":
                try self.send("+OK bye")
                return false
            default:
                try self.send("-ERR not before login")
            }
        }
        return false
    }

    /// Answers commands after login until QUIT or hang-up: STAT with what `stat` returns (it may block
    /// first), NOOP and RSET with +OK, UIDL and LIST with an empty listing, anything else with -ERR.
    func serveTransaction(stat: () throws -> String = { "+OK 0 0" }) throws {
        while let command = try self.readCommand() {
            switch command.split(separator: " ").first.map({ $0.uppercased() }) {
            case "STAT":
                try self.send(try stat())
            case "NOOP", "RSET":
                try self.send("+OK")
            case "UIDL", "LIST":
                try self.send("+OK listing follows", ".")
            case "QUIT":
                try self.send("+OK bye")
                return
            default:
                try self.send("-ERR unknown command")
            }
        }
    }
}

/// A gate that fake upstream scripts wait at until the test opens it (or a bound passes).
final class FaultGate: @unchecked Sendable {
    private let condition = NSCondition()
    private var isOpen = false

    func open() {
        self.condition.lock()
        self.isOpen = true
        self.condition.broadcast()
        self.condition.unlock()
    }

    /// True when opened, false when `timeout` passed first.
    @discardableResult
    func wait(timeout: Duration = FaultUpstream.patience) -> Bool {
        let deadline = Date().addingTimeInterval(Double(timeout / .milliseconds(1)) / 1000)
        self.condition.lock()
        defer { self.condition.unlock() }
        while !self.isOpen {
            guard self.condition.wait(until: deadline) else { return self.isOpen }
        }
        return true
    }
}

/// A meeting point for `parties` threads: each arrives and waits until all have arrived. If one gives
/// up (timeout) the barrier is broken for good and every later arrival returns false at once.
final class FaultBarrier: @unchecked Sendable {
    private let condition = NSCondition()
    private let parties: Int
    private var arrived = 0
    private var broken = false

    init(parties: Int) {
        self.parties = parties
    }

    /// True when all parties met here, false when the barrier is broken.
    func arriveAndWait(timeout: Duration) -> Bool {
        let deadline = Date().addingTimeInterval(Double(timeout / .milliseconds(1)) / 1000)
        self.condition.lock()
        defer { self.condition.unlock() }
        self.arrived += 1
        self.condition.broadcast()
        while self.arrived < self.parties && !self.broken {
            if !self.condition.wait(until: deadline) {
                self.broken = self.arrived < self.parties
                self.condition.broadcast()
            }
        }
        return !self.broken
    }

    /// Whether all parties met.
    var wasMet: Bool {
        self.condition.lock()
        defer { self.condition.unlock() }
        return self.arrived >= self.parties && !self.broken
    }
}
