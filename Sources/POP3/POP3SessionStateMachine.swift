/// The life of one POP3 session, from greeting to QUIT, as a value that decides and does no I/O.
///
/// The client feeds it what the server said (`greetingReceived`, `capabilitiesReceived`, ...) and
/// performs the `Action` it returns. The machine owns the security decisions: STLS is mandatory
/// when configured and no credential is sent before it; PIPELINING is never used before login;
/// a session with pending deletions is flagged so it is never silently reused.
public struct POP3SessionStateMachine: Sendable {
    /// How the connection is protected.
    public enum Security: Hashable, Sendable {
        /// TLS from the first byte (`pop3s://`, port 995).
        case implicitTLS
        /// Plain TCP upgraded with STLS; the session fails before any credential if STLS is missing.
        case startTLS
        /// No encryption at all. Only for a user who explicitly allowed insecure upstreams.
        case plaintext
    }

    /// How to log in.
    public enum Authentication: Hashable, Sendable {
        /// SASL PLAIN when advertised, otherwise USER/PASS.
        case automatic
        /// APOP only (RFC 1939 §7); needs a timestamp in the greeting. Off unless asked (CVE-2007-1558).
        case apop
    }

    public struct Configuration: Sendable {
        public var security: Security
        public var authentication: Authentication
        public var credentials: POP3Credentials
        /// Computes the APOP digest (lower-case hex MD5) of timestamp + password.
        public var apopDigest: (@Sendable ([UInt8]) -> String)?

        public init(
            security: Security,
            authentication: Authentication = .automatic,
            credentials: POP3Credentials,
            apopDigest: (@Sendable ([UInt8]) -> String)? = nil
        ) {
            self.security = security
            self.authentication = authentication
            self.credentials = credentials
            self.apopDigest = apopDigest
        }
    }

    public enum Action: Hashable, Sendable {
        /// Write this command and feed the answer back.
        case send(POP3Command)
        /// Run the TLS handshake on the connection now, then call `tlsEstablished()`.
        case startTLS
        /// Logged in: the session is in the transaction state.
        case ready(POP3Capabilities)
        /// Drop the connection; the session is over.
        case close
        /// Drop the connection and report this error.
        case fail(POP3Error)
    }

    enum State: Hashable, Sendable {
        case awaitingGreeting
        case awaitingCapabilities(afterTLS: Bool)
        case awaitingStartTLS
        case tlsHandshake
        case authenticating(AuthenticationStep)
        case awaitingCapabilitiesAfterLogin
        case transaction(pendingDeletions: Int)
        case quitting(pendingDeletions: Int)
        case closed
        case failed(POP3Error)
    }

    enum AuthenticationStep: Hashable, Sendable {
        case userSent
        case passwordSent
        case apopSent
        /// `AUTH PLAIN` sent; `withInitialResponse` false means the credentials wait for a `+`.
        case plainSent(withInitialResponse: Bool)
        case plainResponseSent
    }

    private(set) var state: State = .awaitingGreeting
    private let configuration: Configuration
    /// The APOP timestamp from the greeting (`<...>`), if any.
    private var greetingTimestamp: [UInt8]?
    /// The latest capabilities; forgotten after STLS (RFC 2595 §4).
    public private(set) var capabilities: POP3Capabilities?
    /// Whether the connection is encrypted by now.
    private var encrypted: Bool

    public init(configuration: Configuration) {
        self.configuration = configuration
        self.encrypted = configuration.security == .implicitTLS
    }

    /// Whether DELE commands are waiting for QUIT: such a session must not be reused by another request.
    public var hasPendingDeletions: Bool {
        switch self.state {
        case .transaction(let pending), .quitting(let pending): return pending > 0
        default: return false
        }
    }

    /// Whether the session is logged in and idle-able.
    public var isInTransaction: Bool {
        if case .transaction = self.state { return true }
        return false
    }

    // MARK: - Events

    public mutating func greetingReceived(_ status: POP3StatusLine) -> Action {
        guard case .awaitingGreeting = self.state else { return self.unexpected("greeting") }
        guard status.isOK else { return self.fail(Self.error(from: status, default: .temporaryFailure, "greeting")) }
        self.greetingTimestamp = Self.apopTimestamp(in: status.text)
        self.state = .awaitingCapabilities(afterTLS: false)
        return .send(.capa)
    }

    /// The answer to CAPA: the parsed list, or nil when the server answered `-ERR`.
    public mutating func capabilitiesReceived(_ capabilities: POP3Capabilities?) -> Action {
        switch self.state {
        case .awaitingCapabilities:
            self.capabilities = capabilities
            if self.configuration.security == .startTLS && !self.encrypted {
                // Without CAPA there is nothing to go by: try STLS anyway (docs/pop3-notes.md §23).
                if let capabilities, !capabilities.supportsSTLS {
                    return self.fail(POP3Error(.startTLSUnavailable, "server does not offer STLS"))
                }
                self.state = .awaitingStartTLS
                return .send(.stls)
            }
            return self.startAuthentication()
        case .awaitingCapabilitiesAfterLogin:
            self.capabilities = capabilities ?? self.capabilities
            self.state = .transaction(pendingDeletions: 0)
            return .ready(self.capabilities ?? POP3Capabilities())
        default:
            return self.unexpected("CAPA answer")
        }
    }

    public mutating func startTLSResponseReceived(_ status: POP3StatusLine) -> Action {
        guard case .awaitingStartTLS = self.state else { return self.unexpected("STLS answer") }
        guard status.isOK else {
            return self.fail(POP3Error(.startTLSUnavailable, "server refused STLS: \(status.printableText)"))
        }
        self.state = .tlsHandshake
        return .startTLS
    }

    /// The handshake after STLS succeeded: ask for capabilities again, the old ones may have been forged.
    public mutating func tlsEstablished() -> Action {
        guard case .tlsHandshake = self.state else { return self.unexpected("TLS handshake") }
        self.encrypted = true
        self.capabilities = nil
        self.state = .awaitingCapabilities(afterTLS: true)
        return .send(.capa)
    }

    /// The answer to USER, PASS, APOP, AUTH or a SASL response.
    public mutating func authenticationResponseReceived(_ status: POP3StatusLine) -> Action {
        guard case .authenticating(let step) = self.state else { return self.unexpected("login answer") }
        switch (step, status.indicator) {
        case (.userSent, .ok):
            self.state = .authenticating(.passwordSent)
            return .send(.pass(self.configuration.credentials.password))
        case (.plainSent(withInitialResponse: false), .continuation):
            self.state = .authenticating(.plainResponseSent)
            return .send(.saslResponse(self.plainResponse))
        case (.passwordSent, .ok), (.apopSent, .ok), (.plainSent, .ok), (.plainResponseSent, .ok):
            if self.needsCapabilitiesAfterLogin {
                self.state = .awaitingCapabilitiesAfterLogin
                return .send(.capa)
            }
            self.state = .transaction(pendingDeletions: 0)
            return .ready(self.capabilities ?? POP3Capabilities())
        case (_, .continuation):
            // A challenge nobody asked for: cancel the exchange rather than guess (RFC 5034 §4).
            return self.fail(POP3Error(.protocolViolation, "unexpected SASL challenge"))
        case (_, .ok), (_, .error):
            var error = Self.error(from: status, default: .authenticationFailed, "login")
            if error.code == .loginDelay, let delay = self.capabilities?.loginDelay {
                // The delay the server advertised is how long it wants between logins (docs/pop3-notes.md §26).
                error.serverRetryAfter = min(max(delay, 1), Self.longestLoginDelay)
            }
            return self.fail(error)
        }
    }

    /// The server closed the connection (or it broke) while an answer was due.
    public mutating func connectionClosed() -> Action {
        switch self.state {
        case .authenticating:
            // A server that hangs up right after the password is refusing it (docs/pop3-notes.md §27).
            return self.fail(POP3Error(.authenticationFailed, "server closed the connection during login"))
        case .quitting(0):
            self.state = .closed
            return .close
        case .quitting(let pending):
            // RFC 1939 §6: without the +OK nobody knows whether the update happened.
            let detail = "server closed the connection before confirming QUIT; \(pending) deletion(s) may not be done"
            return self.fail(POP3Error(.connectionClosed, detail))
        case .closed, .failed:
            return .close
        default:
            return self.fail(POP3Error(.connectionClosed, "server closed the connection"))
        }
    }

    /// A DELE was answered `+OK`: the message is marked, and deleted only at QUIT.
    public mutating func deletionMarked() {
        guard case .transaction(let pending) = self.state else { return }
        self.state = .transaction(pendingDeletions: pending + 1)
    }

    /// RSET was answered `+OK`: nothing is marked any more.
    public mutating func deletionsReset() {
        guard case .transaction = self.state else { return }
        self.state = .transaction(pendingDeletions: 0)
    }

    /// Ends the session; in the transaction state this commits the deletions.
    public mutating func quitRequested() -> Action {
        switch self.state {
        case .transaction(let pending):
            self.state = .quitting(pendingDeletions: pending)
            return .send(.quit)
        case .closed, .failed:
            return .close
        default:
            // Before login QUIT would commit nothing; just hang up.
            self.state = .closed
            return .close
        }
    }

    public mutating func quitResponseReceived(_ status: POP3StatusLine) -> Action {
        guard case .quitting(let pending) = self.state else { return self.unexpected("QUIT answer") }
        guard status.isOK else {
            // RFC 1939 §6: the update may have been partly done.
            let detail = "QUIT failed with \(pending) deletion(s) pending: \(status.printableText)"
            return self.fail(POP3Error(.commandFailed, detail, responseCode: status.responseCode))
        }
        self.state = .closed
        return .close
    }

    /// An I/O error or a timeout: the session is unusable from now on.
    public mutating func errorCaught(_ error: POP3Error) -> Action {
        self.fail(error)
    }

    // MARK: - Decisions

    private mutating func startAuthentication() -> Action {
        guard self.encrypted || self.configuration.security == .plaintext else {
            return self.fail(POP3Error(.insecureAuthenticationRefused, "refusing to send credentials unencrypted"))
        }
        let credentials = self.configuration.credentials
        // Whatever the method: a CR or LF could inject a command, a NUL would shift the SASL PLAIN fields.
        guard !(credentials.user + credentials.password).utf8.contains(where: { [ASCII.cr, ASCII.lf, 0].contains($0) })
        else {
            return self.fail(POP3Error(.invalidArgument, "user name or password contains CR, LF or NUL"))
        }
        switch self.configuration.authentication {
        case .apop:
            guard let digest = self.configuration.apopDigest else {
                return self.fail(POP3Error(.noAuthenticationMethod, "APOP requested but no digest function given"))
            }
            guard let timestamp = self.greetingTimestamp else {
                return self.fail(POP3Error(.noAuthenticationMethod, "APOP requested but the greeting has no timestamp"))
            }
            self.state = .authenticating(.apopSent)
            return .send(.apop(user: credentials.user, digest: digest(timestamp + Array(credentials.password.utf8))))
        case .automatic:
            if self.capabilities?.supportsSASLPlain == true {
                let command = POP3Command.auth(mechanism: "PLAIN", initialResponse: self.plainResponse)
                // An initial response that would make the line too long waits for the `+` (RFC 5034 §4).
                let fits = (try? command.encoded()) != nil
                self.state = .authenticating(.plainSent(withInitialResponse: fits))
                return .send(fits ? command : .auth(mechanism: "PLAIN", initialResponse: nil))
            }
            self.state = .authenticating(.userSent)
            return .send(.user(credentials.user))
        }
    }

    /// `base64(authzid NUL authcid NUL password)` with an empty authzid (RFC 4616).
    private var plainResponse: String {
        let credentials = self.configuration.credentials
        return Base64.encode([0] + Array(credentials.user.utf8) + [0] + Array(credentials.password.utf8))
    }

    /// A day: a larger advertised LOGIN-DELAY is still answered with this Retry-After.
    static let longestLoginDelay = 86_400

    /// RFC 2449 §6.5/§6.7: LOGIN-DELAY and EXPIRE may change after login when advertised with USER.
    private var needsCapabilitiesAfterLogin: Bool {
        guard let capabilities = self.capabilities else { return false }
        return capabilities.lines.contains { line in
            let words = line.uppercased().split(separator: " ")
            return ["LOGIN-DELAY", "EXPIRE"].contains(words.first ?? "") && words.last == "USER"
        }
    }

    private mutating func fail(_ error: POP3Error) -> Action {
        self.state = .failed(error)
        return .fail(error)
    }

    private mutating func unexpected(_ event: String) -> Action {
        self.fail(POP3Error(.protocolViolation, "unexpected \(event) in state \(self.state.name)"))
    }

    /// Maps a `-ERR` to an error by its response code, else by its text (docs/pop3-notes.md §25).
    public static func error(from status: POP3StatusLine, default code: POP3Error.Code, _ context: String) -> POP3Error
    {
        let responseCode = status.responseCode
        let mapped: POP3Error.Code
        switch responseCode {
        case .authentication: mapped = .authenticationFailed
        case .inUse: mapped = .mailboxLocked
        case .loginDelay: mapped = .loginDelay
        case .systemTemporary: mapped = .temporaryFailure
        case .systemPermanent: mapped = .permanentFailure
        case .other, nil:
            // Whole words only: "account blocked" is not a locked maildrop.
            let words = status.printableText.lowercased().split { !$0.isLetter && $0 != "-" }
            let locked = words.contains { ["lock", "locked", "in-use"].contains($0) }
            mapped = locked || status.printableText.lowercased().contains("in use") ? .mailboxLocked : code
        }
        let said = status.text.isEmpty ? "" : ": \(status.printableText)"
        return POP3Error(mapped, "\(context) refused\(said)", responseCode: responseCode)
    }

    /// The `<...>` msg-id in a greeting, angle brackets included (RFC 1939 §7).
    static func apopTimestamp(in text: [UInt8]) -> [UInt8]? {
        guard let open = text.firstIndex(of: UInt8(ascii: "<")),
            let close = text[open...].firstIndex(of: UInt8(ascii: ">")),
            close - open > 1
        else { return nil }
        let timestamp = Array(text[open...close])
        return timestamp.allSatisfy { (0x21...0x7E).contains($0) } ? timestamp : nil
    }
}

extension POP3SessionStateMachine.State {
    /// A name for error messages (never shows the error's associated values).
    var name: String {
        switch self {
        case .awaitingGreeting: return "awaiting greeting"
        case .awaitingCapabilities: return "awaiting CAPA"
        case .awaitingStartTLS: return "awaiting STLS"
        case .tlsHandshake: return "TLS handshake"
        case .authenticating: return "authenticating"
        case .awaitingCapabilitiesAfterLogin: return "awaiting CAPA after login"
        case .transaction: return "transaction"
        case .quitting: return "quitting"
        case .closed: return "closed"
        case .failed: return "failed"
        }
    }
}
