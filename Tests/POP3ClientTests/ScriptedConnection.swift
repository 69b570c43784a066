import Foundation
import Glibc
import POP3
import TestSupport

@testable import POP3Client

/// One accepted connection as a `ScriptedPOP3Server` script sees it.
///
/// Text is sent verbatim (scripts write their own `\r\n`, so bare LF and split lines are possible);
/// every line the client sends is logged on the server. Reads never block past their timeout and
/// return nil at the end of the stream or when the time is up. Used from its script's thread only.
final class ScriptedConnection {
    /// The connection's place in the accept order, from 1.
    let number: Int
    /// How long `readLine()` and the `expect` calls wait for the client by default.
    var readTimeout = Duration.seconds(5)

    private static let writeTimeout = Duration.seconds(5)
    private static let handshakeTimeout = Duration.seconds(5)
    private static let lineFeed = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")

    private let server: ScriptedPOP3Server
    private let socket: TCPSocket
    private var tls: TLSStream?
    /// Received bytes not yet returned as lines.
    private var inbound: [UInt8] = []
    private var readBuffer = [UInt8](repeating: 0, count: 64 * 1024)
    private var isClosed = false
    /// The client closed its side (or the connection broke).
    private(set) var reachedEnd = false

    init(socket: TCPSocket, number: Int, server: ScriptedPOP3Server) {
        self.socket = socket
        self.number = number
        self.server = server
    }

    private var stream: any ByteStream { self.tls ?? self.socket }

    /// Records a problem; `ScriptedPOP3Server.finish()` reports it as a test issue.
    func fail(_ message: String) {
        self.server.recordFailure("connection \(self.number): \(message)")
    }

    // MARK: - Writing

    /// Sends `text` exactly as given. Returns false when the client is gone (which some scripts expect).
    @discardableResult
    func send(_ text: String) -> Bool {
        self.send(bytes: Array(text.utf8))
    }

    /// Sends `bytes` exactly as given. Returns false when the client is gone.
    @discardableResult
    func send(bytes: [UInt8]) -> Bool {
        guard !self.isClosed else {
            return false
        }
        let stream = self.stream
        do {
            try bytes.withUnsafeBytes { buffer in try stream.write(buffer, deadline: .after(Self.writeTimeout)) }
            return true
        } catch {
            return false
        }
    }

    /// Sends `text` one byte at a time with `interval` between bytes; stops early when the client is gone.
    @discardableResult
    func trickle(_ text: String, interval: Duration) -> Bool {
        for byte in text.utf8 {
            guard self.send(bytes: [byte]) else {
                return false
            }
            self.pause(interval)
        }
        return true
    }

    func pause(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        Thread.sleep(forTimeInterval: Double(seconds) + Double(attoseconds) / 1e18)
    }

    // MARK: - Reading

    /// The next line the client sent, without its line ending; nil at the end of the stream or after `timeout`.
    func readLine(timeout: Duration? = nil) -> String? {
        let deadline = Deadline.after(timeout ?? self.readTimeout)
        while true {
            if let line = self.takeBufferedLine() {
                return line
            }
            guard self.fill(until: deadline) else {
                return nil
            }
        }
    }

    /// Reads a line and records a failure unless it starts with `prefix`.
    @discardableResult
    func expect(_ prefix: String) -> String? {
        guard let line = self.readLine() else {
            self.fail(
                "expected a line starting with \"\(prefix)\", got \(self.reachedEnd ? "end of stream" : "nothing")"
            )
            return nil
        }
        if !line.hasPrefix(prefix) {
            self.fail("expected a line starting with \"\(prefix)\", got \"\(line)\"")
        }
        return line
    }

    /// Reads a line and records a failure unless it is exactly `expected`.
    func expectLine(_ expected: String) {
        guard let line = self.readLine() else {
            self.fail("expected \"\(expected)\", got \(self.reachedEnd ? "end of stream" : "nothing")")
            return
        }
        if line != expected {
            self.fail("expected \"\(expected)\", got \"\(line)\"")
        }
    }

    /// Whether a complete line is already buffered, i.e. the client sent more than the line just read in
    /// the same segment (a pipelined command) without this having to wait.
    var hasBufferedLine: Bool { self.inbound.contains(Self.lineFeed) }

    /// How many complete lines are buffered behind the one just read.
    var bufferedLineCount: Int { self.inbound.count(where: { $0 == Self.lineFeed }) }

    /// Whether the client sends anything (more than what is buffered) within `duration`; what arrives is
    /// kept for the next `readLine()`.
    func hasPendingInput(within duration: Duration) -> Bool {
        !self.inbound.isEmpty || self.fill(until: .after(duration))
    }

    /// Reads (and logs) lines until the client hangs up; records a failure if it does not within `timeout`.
    func expectEnd(within timeout: Duration = .seconds(3)) {
        self.drain(for: timeout)
        if !self.reachedEnd && !self.isClosed {
            self.fail("the client did not hang up within \(timeout)")
        }
    }

    /// Reads and discards raw bytes, TLS or not, until the client hangs up or `timeout` passes; true if it hung up.
    @discardableResult
    func discardUntilEnd(within timeout: Duration) -> Bool {
        let deadline = Deadline.after(timeout)
        let socket = self.socket
        while !self.isClosed {
            let count: Int
            do {
                count = try self.readBuffer.withUnsafeMutableBytes { buffer in
                    try socket.read(into: buffer, deadline: deadline)
                }
            } catch {
                return (error as? POP3Error)?.code != .timeout
            }
            if count == 0 {
                self.reachedEnd = true
                return true
            }
        }
        return true
    }

    // MARK: - TLS and closing

    /// Runs the server side of a TLS handshake with the test certificate (or `context`); from then on all
    /// traffic is encrypted. Throws when the handshake fails, e.g. because the client rejected the certificate.
    func startTLS(context: TLSContext? = nil) throws {
        if !self.inbound.isEmpty {
            self.fail("plaintext bytes were buffered when TLS started")
        }
        do {
            let context = try context ?? TestCertificates.shared.serverContext()
            self.tls = try TLSStream.accept(
                over: self.socket,
                context: context,
                deadline: .after(Self.handshakeTimeout)
            )
        } catch {
            // TLSStream.accept closes the socket when the handshake fails.
            self.isClosed = true
            throw error
        }
    }

    /// Hangs up cleanly: TLS sends close_notify; plain TCP sends FIN, then keeps reading (and logging) until
    /// the client hangs up too, so that nothing unread turns the close into a reset that could destroy data
    /// still on its way to the client.
    func close() {
        guard !self.isClosed else {
            return
        }
        if let tls = self.tls {
            tls.close()
        } else {
            _ = shutdown(self.socket.fileDescriptor, Int32(SHUT_WR))
            self.drain(for: .seconds(2))
            self.socket.close()
        }
        self.isClosed = true
    }

    /// Ends a TLS connection the way a truncation attack or a careless server does: TCP FIN without a TLS
    /// close_notify. Then waits, reading, until the client hangs up.
    func closeWithoutCloseNotify() {
        guard !self.isClosed else {
            return
        }
        _ = shutdown(self.socket.fileDescriptor, Int32(SHUT_WR))
        self.drain(for: .seconds(2))
        // Its close_notify cannot go out any more: the write side is shut already.
        self.tls?.close()
        self.socket.close()
        self.isClosed = true
    }

    // MARK: - Plumbing

    private func takeBufferedLine() -> String? {
        guard let lineFeed = self.inbound.firstIndex(of: Self.lineFeed) else {
            return nil
        }
        var end = lineFeed
        if end > 0 && self.inbound[end - 1] == Self.carriageReturn {
            end -= 1
        }
        let line = String(decoding: self.inbound[..<end], as: UTF8.self)
        self.inbound.removeSubrange(...lineFeed)
        self.server.record(line: line, connection: self.number)
        return line
    }

    /// Reads once into `inbound`; false at the end of the stream, on an error, or when `deadline` passes.
    private func fill(until deadline: Deadline) -> Bool {
        guard !self.isClosed, !self.reachedEnd else {
            return false
        }
        let stream = self.stream
        let count: Int
        do {
            count = try self.readBuffer.withUnsafeMutableBytes { buffer in
                try stream.read(into: buffer, deadline: deadline)
            }
        } catch {
            if (error as? POP3Error)?.code != .timeout {
                self.reachedEnd = true
            }
            return false
        }
        guard count > 0 else {
            self.reachedEnd = true
            return false
        }
        self.inbound.append(contentsOf: self.readBuffer[..<count])
        return true
    }

    /// Logs lines until the end of the stream or `duration`; a last line without LF is logged too.
    private func drain(for duration: Duration) {
        let deadline = Deadline.after(duration)
        while true {
            if self.takeBufferedLine() != nil {
                continue
            }
            guard self.fill(until: deadline) else {
                break
            }
        }
        if self.reachedEnd && !self.inbound.isEmpty {
            self.server.record(line: String(decoding: self.inbound, as: UTF8.self), connection: self.number)
            self.inbound.removeAll()
        }
    }
}

// MARK: - POP3 steps

extension ScriptedConnection {
    static let greeting = "+OK scripted POP3 server ready\r\n"

    /// Expects CAPA and answers with `capabilities`, or with `-ERR` when nil.
    func answerCapabilities(_ capabilities: [String]?) {
        self.expectLine("CAPA")
        self.checkNotPipelined(during: "CAPA")
        if let capabilities {
            self.send("+OK capability list follows\r\n" + capabilities.map { $0 + "\r\n" }.joined() + ".\r\n")
        } else {
            self.send("-ERR unknown command\r\n")
        }
    }

    /// The common prefix: greeting, CAPA, optionally STLS (then CAPA again), and a login the way the client
    /// should choose it: `AUTH PLAIN` with the exact initial response when `SASL PLAIN` is advertised, else
    /// USER/PASS. Every login command must arrive on its own: no pipelining before login (RFC 2449 §6.6).
    func logIn(
        capabilities: [String] = ScriptedPOP3Server.capabilities,
        user: String = ScriptedPOP3Server.user,
        password: String = ScriptedPOP3Server.password,
        startTLS: Bool = false,
        greeting: String = ScriptedConnection.greeting
    ) throws {
        self.send(greeting)
        if startTLS {
            self.answerCapabilities(capabilities + ["STLS"])
            self.expectLine("STLS")
            self.send("+OK begin TLS negotiation\r\n")
            try self.startTLS()
        }
        self.answerCapabilities(capabilities)
        self.acceptLogin(capabilities: capabilities, user: user, password: password)
    }

    /// Expects the login commands for `capabilities` and accepts them.
    func acceptLogin(
        capabilities: [String] = ScriptedPOP3Server.capabilities,
        user: String = ScriptedPOP3Server.user,
        password: String = ScriptedPOP3Server.password
    ) {
        let offersPlain = capabilities.contains { line in
            let words = line.uppercased().split(separator: " ")
            return words.first == "SASL" && words.contains("PLAIN")
        }
        if offersPlain {
            self.expectLine("AUTH PLAIN " + Self.plainResponse(user: user, password: password))
        } else {
            self.expectLine("USER \(user)")
            self.checkNotPipelined(during: "USER")
            self.send("+OK\r\n")
            self.expectLine("PASS \(password)")
        }
        self.checkNotPipelined(during: "login")
        self.send("+OK maildrop ready\r\n")
    }

    /// Expects QUIT, confirms it, and waits for the client to hang up.
    func expectQuit() {
        self.expectLine("QUIT")
        self.send("+OK bye\r\n")
        self.expectEnd()
    }

    /// Sends `+OK`, then `lines` each with CRLF (the caller dot-stuffs them), then the terminating `.`.
    func sendMultiLine(_ lines: [String]) {
        self.send("+OK\r\n" + lines.map { $0 + "\r\n" }.joined() + ".\r\n")
    }

    /// The SASL PLAIN initial response (RFC 4616) with an empty authorization identity.
    static func plainResponse(user: String, password: String) -> String {
        Data([0] + Array(user.utf8) + [0] + Array(password.utf8)).base64EncodedString()
    }

    private func checkNotPipelined(during step: String) {
        if self.hasBufferedLine {
            self.fail("the client sent another command before the answer to \(step)")
        }
    }
}
