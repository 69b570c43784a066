public import POP3

/// One logged-in POP3 session over a blocking socket with deadlines.
///
/// A session is used by one thread at a time. Any I/O error, timeout or protocol violation
/// closes it for good (`isUsable` turns false): it is never reused after a fault. A `-ERR` answer
/// to a transaction command (`.commandFailed`) leaves it usable. Deletions are committed only by
/// `quit()`; `close()` without QUIT deletes nothing.
public final class POP3Client {
    public let configuration: POP3ClientConfiguration
    /// The greeting's text, printable.
    public private(set) var greeting = ""
    /// The capabilities in force after login.
    public private(set) var capabilities = POP3Capabilities()

    private var machine: POP3SessionStateMachine
    private var decoder: POP3ResponseDecoder
    private let tlsContext: TLSContext?
    private let socket: TCPSocket
    private var stream: any ByteStream
    private var tlsStream: TLSStream?
    /// Set on the first fault; every later call throws it.
    private var fault: POP3Error?
    /// Encoded commands waiting to be written.
    private var outbound: [UInt8] = []

    private init(
        configuration: POP3ClientConfiguration,
        tlsContext: TLSContext?,
        socket: TCPSocket,
        credentials: POP3Credentials
    ) {
        self.configuration = configuration
        self.tlsContext = tlsContext
        self.socket = socket
        self.stream = socket
        self.decoder = POP3ResponseDecoder(limits: configuration.limits)
        self.machine = POP3SessionStateMachine(
            configuration: .init(
                security: configuration.endpoint.security,
                authentication: configuration.authentication,
                credentials: credentials,
                apopDigest: { MD5.hexDigest($0) }
            )
        )
    }

    deinit {
        self.stream.close()
    }

    static func connect(
        configuration: POP3ClientConfiguration,
        tlsContext: TLSContext?,
        credentials: POP3Credentials
    ) throws(POP3Error) -> POP3Client {
        let deadline = Deadline.after(configuration.connectTimeout)
        let endpoint = configuration.endpoint
        let socket = try TCPSocket.connect(host: endpoint.host, port: endpoint.port, deadline: deadline)
        let client = POP3Client(
            configuration: configuration,
            tlsContext: tlsContext,
            socket: socket,
            credentials: credentials
        )
        do {
            if endpoint.security == .implicitTLS {
                try client.startTLS(deadline: deadline)
            }
            // Login has its own deadline: a server may legitimately take seconds to answer PASS
            // (Dovecot waits ~10 s for a held maildrop lock before saying [IN-USE]).
            try client.logIn(deadline: Deadline.after(configuration.commandTimeout))
        } catch {
            client.abort(error)
            throw error
        }
        return client
    }

    /// Reads the greeting and hangs up politely; no credential is involved.
    static func probe(configuration: POP3ClientConfiguration, tlsContext: TLSContext?) throws(POP3Error) -> String {
        let deadline = Deadline.after(configuration.connectTimeout)
        let endpoint = configuration.endpoint
        let socket = try TCPSocket.connect(host: endpoint.host, port: endpoint.port, deadline: deadline)
        let probe = POP3Client(
            configuration: configuration,
            tlsContext: tlsContext,
            socket: socket,
            credentials: POP3Credentials(user: "", password: "")
        )
        defer { probe.close() }
        if endpoint.security == .implicitTLS { try probe.startTLS(deadline: deadline) }
        let greeting = try probe.readStatusLine(deadline: deadline)
        guard greeting.isOK else {
            throw POP3SessionStateMachine.error(from: greeting, default: .temporaryFailure, "greeting")
        }
        try? probe.flushCommand(.quit, deadline: deadline)
        return greeting.printableText
    }

    // MARK: - Session facts

    /// False once the session failed or ended; such a session must be dropped.
    public var isUsable: Bool { self.fault == nil && self.machine.isInTransaction }

    /// Whether DELE commands are waiting for QUIT.
    public var hasPendingDeletions: Bool { self.machine.hasPendingDeletions }

    /// Whether batches go out pipelined on this session.
    public var isPipelining: Bool { self.configuration.pipelining && self.capabilities.supportsPipelining }

    /// The negotiated TLS version (`TLSv1.3`), or nil on a plaintext session.
    public var tlsVersion: String? { self.tlsStream?.protocolVersion }

    /// The server certificate's subject, or nil on a plaintext session.
    public var peerCertificateSubject: String? { self.tlsStream?.peerCertificateSubject }

    // MARK: - Commands

    public func stat() throws(POP3Error) -> POP3MaildropStatus {
        let status = try self.simpleCommand(.stat)
        return try self.guarded { () throws(POP3Error) in try POP3Listing.parseStat(status.text) }
    }

    public func list() throws(POP3Error) -> [(number: Int, size: Int)] {
        let body = try self.multiLineCommand(.list(nil))
        return try self.guarded { () throws(POP3Error) in try POP3Listing.parseList(body) }
    }

    public func uidl() throws(POP3Error) -> [(number: Int, uid: String?)] {
        let body = try self.multiLineCommand(.uidl(nil))
        return try self.guarded { () throws(POP3Error) in try POP3Listing.parseUIDL(body) }
    }

    /// UIDL and LIST together (one write when pipelining), merged by message number.
    ///
    /// A server without UIDL gives a listing whose messages all have `uid == nil`.
    public func listing() throws(POP3Error) -> [POP3MessageInfo] {
        var uidlBody: [UInt8]?
        var listBody: [UInt8] = []
        try self.batch([.uidl(nil), .list(nil)]) { index, status, body throws(POP3Error) in
            switch (index, status.isOK) {
            case (0, true): uidlBody = body
            case (0, false): uidlBody = nil
            case (_, true): listBody = body
            case (_, false): throw Self.commandError(.list(nil), status)
            }
        }
        return try self.guarded { () throws(POP3Error) in
            let uidl = try uidlBody.map { (body) throws(POP3Error) in try POP3Listing.parseUIDL(body) } ?? []
            return try POP3Listing.merge(list: POP3Listing.parseList(listBody), uidl: uidl)
        }
    }

    /// `TOP number lines`: the header and the first `lines` body lines.
    public func top(_ number: Int, lines: Int = 0) throws(POP3Error) -> [UInt8] {
        try self.multiLineCommand(.top(number, lines: lines))
    }

    /// `TOP n 0` for many messages, pipelined when possible; `handle` gets each message number with
    /// its header bytes, or with nil when the server answered `-ERR` for it.
    public func headers(
        of numbers: [Int],
        _ handle: (_ number: Int, _ header: [UInt8]?) throws(POP3Error) -> Void
    ) throws(POP3Error) {
        try self.batch(numbers.map { .top($0, lines: 0) }) { index, status, body throws(POP3Error) in
            try handle(numbers[index], status.isOK ? body : nil)
        }
    }

    /// `RETR number`, the message handed to `sink` in chunks as it arrives, so a large message is
    /// never held in memory. Throws a `POP3Error`, or whatever `sink` throws (the session is then
    /// closed, since the rest of the answer was not read).
    public func retrieve(_ number: Int, into sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        let command = POP3Command.retr(number)
        let deadline = self.commandDeadline()
        let started = self.observationStart()
        let status = try self.roundTrip(command, deadline: deadline)
        guard status.isOK else {
            self.observe(command, since: started)
            throw Self.commandError(command, status)
        }
        var chunk: [UInt8] = []
        chunk.reserveCapacity(64 * 1024)
        do {
            while try !self.guarded({ () throws(POP3Error) in try self.decoder.decodeBody(into: &chunk) }) {
                if chunk.count >= 32 * 1024 {
                    try chunk.withUnsafeBytes(sink)
                    chunk.removeAll(keepingCapacity: true)
                }
                try self.receive(deadline: deadline)
            }
            try chunk.withUnsafeBytes(sink)
            // The time includes the sink's (the caller taking the bytes), as a streamed RETR is paced by both.
            self.observe(command, since: started)
        } catch {
            // A transport or decoder fault has ended the session already (abort keeps the first fault); a sink
            // error of any type leaves the rest of the answer unread, so the session ends here too.
            self.abort(POP3Error(.connectionClosed, "message transfer abandoned"))
            throw error
        }
    }

    /// `RETR number` into memory.
    public func retrieve(_ number: Int) throws(POP3Error) -> [UInt8] {
        try self.multiLineCommand(.retr(number))
    }

    /// `DELE number`: marks the message; it is deleted only when `quit()` succeeds.
    public func delete(_ number: Int) throws(POP3Error) {
        _ = try self.simpleCommand(.dele(number))
        self.machine.deletionMarked()
    }

    /// `RSET`: unmarks every deletion.
    public func reset() throws(POP3Error) {
        _ = try self.simpleCommand(.rset)
        self.machine.deletionsReset()
    }

    public func noop() throws(POP3Error) {
        _ = try self.simpleCommand(.noop)
    }

    /// `QUIT`: commits deletions and ends the session. Throws if the server did not confirm.
    public func quit() throws(POP3Error) {
        try self.checkUsable()
        let action = self.machine.quitRequested()
        guard case .send(let command) = action else {
            self.close()
            return
        }
        let result: POP3SessionStateMachine.Action
        let started = self.observationStart()
        do {
            result = self.machine.quitResponseReceived(try self.roundTrip(command, deadline: self.commandDeadline()))
            self.observe(command, since: started)
        } catch  where error.code == .connectionClosed {
            // Hanging up instead of answering QUIT is harmless only when nothing was to be deleted.
            result = self.machine.connectionClosed()
        }
        self.stream.close()
        self.fault = POP3Error(.connectionClosed, "session ended")
        if case .fail(let error) = result { throw error }
    }

    /// Drops the connection without QUIT: nothing marked for deletion is deleted.
    public func close() {
        self.abort(POP3Error(.connectionClosed, "session closed"))
    }

    // MARK: - Login

    private func logIn(deadline: Deadline) throws(POP3Error) {
        let greeting = try self.readStatusLine(deadline: deadline)
        self.greeting = greeting.printableText
        var action = self.machine.greetingReceived(greeting)
        while true {
            switch action {
            case .send(let command):
                // Bytes the server sent before being asked mean the stream is out of sync (docs/pop3-notes.md §7).
                try self.expectNothingBuffered(before: command)
                let status: POP3StatusLine
                let started = self.observationStart()
                do {
                    status = try self.roundTrip(command, deadline: deadline)
                } catch  where error.code == .connectionClosed {
                    action = self.machine.connectionClosed()
                    continue
                }
                action = try self.feed(status, answering: command, deadline: deadline)
                self.observe(command, since: started)
            case .startTLS:
                // Anything buffered now arrived in plaintext and could have been injected (CVE-2021-22947).
                guard self.decoder.bufferedByteCount == 0 else {
                    throw POP3Error(.protocolViolation, "server sent data after STLS before the TLS handshake")
                }
                try self.startTLS(deadline: deadline)
                action = self.machine.tlsEstablished()
            case .ready(let capabilities):
                self.capabilities = capabilities
                return
            case .fail(let error):
                throw error
            case .close:
                throw POP3Error(.connectionClosed, "server closed the connection during login")
            }
        }
    }

    private func feed(
        _ status: POP3StatusLine,
        answering command: POP3Command,
        deadline: Deadline
    ) throws(POP3Error) -> POP3SessionStateMachine.Action {
        switch command {
        case .capa:
            guard status.isOK else { return self.machine.capabilitiesReceived(nil) }
            var body: [UInt8] = []
            try self.readBody(into: &body, deadline: deadline)
            return self.machine.capabilitiesReceived(POP3Capabilities(parsing: body))
        case .stls:
            return self.machine.startTLSResponseReceived(status)
        default:
            return self.machine.authenticationResponseReceived(status)
        }
    }

    private func startTLS(deadline: Deadline) throws(POP3Error) {
        guard let tlsContext = self.tlsContext else {
            throw POP3Error(.tlsFailed, "TLS is not configured for this upstream")
        }
        let serverName = self.configuration.tlsServerName ?? self.configuration.endpoint.host
        let tls = try TLSStream.connect(
            over: self.socket,
            context: tlsContext,
            serverName: serverName,
            deadline: deadline
        )
        self.tlsStream = tls
        self.stream = tls
    }

    // MARK: - Plumbing

    private func simpleCommand(_ command: POP3Command) throws(POP3Error) -> POP3StatusLine {
        let started = self.observationStart()
        let status = try self.roundTrip(command, deadline: self.commandDeadline())
        self.observe(command, since: started)
        guard status.isOK else { throw Self.commandError(command, status) }
        return status
    }

    private func multiLineCommand(_ command: POP3Command) throws(POP3Error) -> [UInt8] {
        let deadline = self.commandDeadline()
        let started = self.observationStart()
        let status = try self.roundTrip(command, deadline: deadline)
        guard status.isOK else {
            self.observe(command, since: started)
            throw Self.commandError(command, status)
        }
        var body: [UInt8] = []
        try self.readBody(into: &body, deadline: deadline)
        self.observe(command, since: started)
        return body
    }

    /// Sends `commands` and hands each answer to `handle` in order. With PIPELINING up to
    /// `pipelineWindow` commands are in flight; more are written as answers come in, in small
    /// writes that never fill the socket buffer while the server waits for us to read.
    private func batch(
        _ commands: [POP3Command],
        _ handle: (_ index: Int, _ status: POP3StatusLine, _ body: [UInt8]) throws(POP3Error) -> Void
    ) throws(POP3Error) {
        try self.checkUsable()
        // Refuse a bad argument before anything is sent: later, earlier commands would be in flight.
        for command in commands { _ = try command.encoded() }
        if let first = commands.first { try self.expectNothingBuffered(before: first) }
        let window = self.isPipelining ? max(1, self.configuration.pipelineWindow) : 1
        var sent = 0
        var body: [UInt8] = []
        var started = self.observationStart()
        for index in commands.indices {
            let deadline = self.commandDeadline()
            if sent == index || (sent - index <= window / 2 && sent < commands.count) {
                let end = min(commands.count, index + window)
                try self.guarded { () throws(POP3Error) in
                    for command in commands[sent..<end] { try command.encode(into: &self.outbound) }
                }
                try self.flush(deadline: deadline)
                sent = end
            }
            let command = commands[index]
            let status = try self.readStatusLine(deadline: deadline)
            body.removeAll(keepingCapacity: true)
            if status.isOK && command.hasMultiLineResponse {
                try self.readBody(into: &body, deadline: deadline)
            }
            if let start = started {
                started = self.observe(command, since: start)
            }
            do {
                try handle(index, status, body)
            } catch {
                // Answers to commands already sent would be read as answers to later ones.
                if sent > index + 1 { self.abort(POP3Error(.connectionClosed, "batch abandoned")) }
                throw error
            }
        }
    }

    private func roundTrip(_ command: POP3Command, deadline: Deadline) throws(POP3Error) -> POP3StatusLine {
        try self.checkUsableOrLoggingIn()
        try self.expectNothingBuffered(before: command)
        try self.guarded { () throws(POP3Error) in try command.encode(into: &self.outbound) }
        try self.flush(deadline: deadline)
        return try self.readStatusLine(deadline: deadline)
    }

    /// Writes one command without waiting for its answer.
    private func flushCommand(_ command: POP3Command, deadline: Deadline) throws(POP3Error) {
        try command.encode(into: &self.outbound)
        try self.flush(deadline: deadline)
    }

    private func flush(deadline: Deadline) throws(POP3Error) {
        defer { self.outbound.removeAll(keepingCapacity: true) }
        let stream = self.stream
        // withUnsafeBytes rethrows untyped errors, so the typed one travels in a Result.
        let written = self.outbound.withUnsafeBytes { bytes in
            Result { () throws(POP3Error) in try stream.write(bytes, deadline: deadline) }
        }
        try self.guarded { () throws(POP3Error) in try written.get() }
    }

    private func readStatusLine(deadline: Deadline) throws(POP3Error) -> POP3StatusLine {
        while true {
            if let status = try self.guarded({ () throws(POP3Error) in try self.decoder.decodeStatusLine() }) {
                return status
            }
            try self.receive(deadline: deadline)
        }
    }

    private func readBody(into body: inout [UInt8], deadline: Deadline) throws(POP3Error) {
        while try !self.guarded({ () throws(POP3Error) in try self.decoder.decodeBody(into: &body) }) {
            try self.receive(deadline: deadline)
        }
    }

    /// Reads whatever the server has sent into the decoder, waiting until the earlier of
    /// the command's deadline and the per-read deadline.
    private func receive(deadline: Deadline) throws(POP3Error) {
        let readDeadline = Deadline.earliest(deadline, Deadline.after(self.configuration.readTimeout))
        let stream = self.stream
        let count = try self.guarded { () throws(POP3Error) in
            try self.decoder.receive { (buffer) throws(POP3Error) in
                try stream.read(into: buffer, deadline: readDeadline)
            }
        }
        if count == 0 {
            let truncated = self.tlsStream?.closedWithoutCloseNotify == true ? " (TLS without close_notify)" : ""
            let error = POP3Error(.connectionClosed, "server closed the connection mid-response\(truncated)")
            self.abort(error)
            throw error
        }
    }

    private func expectNothingBuffered(before command: POP3Command) throws(POP3Error) {
        try self.receiveWithoutWaiting()
        guard self.decoder.bufferedByteCount == 0 else {
            let error = POP3Error(.protocolViolation, "server sent data nobody asked for before \(command.keyword)")
            self.abort(error)
            throw error
        }
    }

    /// Reads whatever the server sent while no command was outstanding, without waiting (docs/pop3-notes.md §7).
    private func receiveWithoutWaiting() throws(POP3Error) {
        let stream = self.stream
        let count: Int
        do {
            count = try self.decoder.receive(minimumSpace: 4096) { (buffer) throws(POP3Error) in
                try stream.read(into: buffer, deadline: .now)
            }
        } catch  where error.code == .timeout {
            return
        } catch {
            self.abort(error)
            throw error
        }
        if count == 0 {
            let error = POP3Error(.connectionClosed, "server closed the connection")
            self.abort(error)
            throw error
        }
    }

    /// Runs `body`; a `POP3Error` from it ends the session before being rethrown.
    private func guarded<Result>(_ body: () throws(POP3Error) -> Result) throws(POP3Error) -> Result {
        do {
            return try body()
        } catch {
            if error.code != .invalidArgument { self.abort(error) }
            throw error
        }
    }

    private func commandDeadline() -> Deadline { Deadline.after(self.configuration.commandTimeout) }

    /// The clock reading a command's time starts from; nil (and no clock read) without an observer.
    private func observationStart() -> Int64? {
        self.configuration.commandObserver == nil ? nil : Deadline.now.uptimeNanoseconds
    }

    /// Reports the command's time since `start` to the observer; returns the time now, where the next
    /// command of a batch starts from.
    @discardableResult
    private func observe(_ command: POP3Command, since start: Int64?) -> Int64? {
        guard let start, let observer = self.configuration.commandObserver else { return nil }
        let now = Deadline.now.uptimeNanoseconds
        observer(command.keyword, .nanoseconds(now - start))
        return now
    }

    private func checkUsable() throws(POP3Error) {
        if let fault = self.fault { throw fault }
        guard self.machine.isInTransaction else {
            throw POP3Error(.protocolViolation, "session is not logged in")
        }
    }

    private func checkUsableOrLoggingIn() throws(POP3Error) {
        if let fault = self.fault { throw fault }
    }

    /// Ends the session after a fault. The state machine is left where it was, so that it can
    /// still interpret the fault (a hang-up during login is a refused login).
    private func abort(_ error: POP3Error) {
        if self.fault == nil { self.fault = error }
        self.stream.close()
    }

    private static func commandError(_ command: POP3Command, _ status: POP3StatusLine) -> POP3Error {
        POP3SessionStateMachine.error(from: status, default: .commandFailed, command.keyword)
    }
}
