import POP3

/// The plan of a whole session: the responses answer what `POP3SessionStateMachine` sends, from the
/// greeting through login (CAPA, STLS, USER/PASS, AUTH PLAIN or APOP) to a few transaction commands
/// and QUIT, as `POP3Client` drives it.
///
/// Checks the machine's security promises on every action: no credential leaves before the connection
/// is encrypted (unless plaintext was allowed), STLS is never skipped, and deletions are counted.
struct SessionResponsePlan: POP3ResponsePlan {
    private let security: POP3SessionStateMachine.Security
    private let handshakeFails: Bool
    private var machine: POP3SessionStateMachine
    /// The command whose answer comes next; nil before the greeting.
    private var awaiting: POP3Command?
    /// What to send once logged in, QUIT last.
    private var transaction: [POP3Command]
    private var encrypted: Bool
    private var markedDeletions = 0
    private(set) var isFinished = false

    /// `options`: bits 0–1 the security (implicit TLS, STLS, plaintext, STLS), bit 2 APOP, bit 3 a failing
    /// TLS handshake, bits 4–7 which transaction commands are sent.
    init(options: UInt8) {
        self.security = [.implicitTLS, .startTLS, .plaintext, .startTLS][Int(options & 3)]
        self.handshakeFails = options & 8 != 0
        self.machine = POP3SessionStateMachine(
            configuration: .init(
                security: self.security,
                authentication: options & 4 != 0 ? .apop : .automatic,
                credentials: POP3Credentials(user: "fuzz", password: "secret"),
                apopDigest: { _ in "0123456789abcdef0123456789abcdef" }
            )
        )
        self.encrypted = self.security == .implicitTLS
        let choices: [[POP3Command]] = [
            [.stat], [.list(nil), .uidl(nil)], [.top(1, lines: 0), .retr(1)], [.dele(1), .rset, .dele(2)],
        ]
        self.transaction = choices.indices.filter { options & (16 << $0) != 0 }.flatMap { choices[$0] }
    }

    func expectsBody(after status: POP3StatusLine) -> Bool {
        status.isOK && self.awaiting?.hasMultiLineResponse == true
    }

    mutating func received(_ response: POP3Transcript.Response) throws(InvariantViolation) {
        try POP3ParserChecks.check(response.status)
        let status = response.status
        guard let command = self.awaiting else {
            return try self.perform(self.machine.greetingReceived(status))
        }
        switch command {
        case .capa:
            try self.perform(self.machine.capabilitiesReceived(response.body.map { POP3Capabilities(parsing: $0) }))
        case .stls:
            try self.perform(self.machine.startTLSResponseReceived(status))
        case .user, .pass, .apop, .auth, .saslResponse:
            try self.perform(self.machine.authenticationResponseReceived(status))
        case .quit:
            try self.perform(self.machine.quitResponseReceived(status))
        default:
            try self.transactionResponseReceived(command, response)
        }
    }

    /// The stream ended: the machine hears that the connection closed.
    mutating func connectionClosed() throws(InvariantViolation) {
        guard !self.isFinished else { return }
        let action = self.machine.connectionClosed()
        switch action {
        case .close, .fail: break
        default: throw InvariantViolation("connectionClosed() answered \(action)")
        }
        self.isFinished = true
    }

    private mutating func transactionResponseReceived(
        _ command: POP3Command,
        _ response: POP3Transcript.Response
    ) throws(InvariantViolation) {
        if let body = response.body {
            try POP3ParserChecks.checkListings(body)
        }
        if response.status.isOK {
            switch command {
            case .dele:
                self.machine.deletionMarked()
                self.markedDeletions += 1
            case .rset:
                self.machine.deletionsReset()
                self.markedDeletions = 0
            default:
                break
            }
        }
        try expect(
            self.machine.hasPendingDeletions == (self.markedDeletions > 0),
            "hasPendingDeletions is \(self.machine.hasPendingDeletions) with \(self.markedDeletions) marked"
        )
        try self.sendNextTransactionCommand()
    }

    private mutating func sendNextTransactionCommand() throws(InvariantViolation) {
        try expect(self.machine.isInTransaction, "a transaction command while not in the transaction state")
        if self.transaction.isEmpty {
            return try self.perform(self.machine.quitRequested())
        }
        self.awaiting = self.transaction.removeFirst()
    }

    /// Does what the machine asked, as `POP3Client` would, checking the machine's promises first.
    private mutating func perform(_ first: POP3SessionStateMachine.Action) throws(InvariantViolation) {
        var action = first
        while true {
            switch action {
            case .send(let command):
                let revealsCredential: Bool
                switch command {
                case .user, .pass, .apop, .auth, .saslResponse: revealsCredential = true
                default: revealsCredential = false
                }
                try expect(
                    !revealsCredential || self.encrypted || self.security == .plaintext,
                    "\(command.keyword) would be sent before TLS"
                )
                try expect((try? command.encoded()) != nil, "the machine sent an unencodable \(command.keyword)")
                self.awaiting = command
                return
            case .startTLS:
                try expect(self.security == .startTLS && !self.encrypted, "STLS handshake asked for twice")
                if self.handshakeFails {
                    action = self.machine.errorCaught(POP3Error(.tlsFailed, "handshake failed"))
                } else {
                    self.encrypted = true
                    action = self.machine.tlsEstablished()
                }
            case .ready:
                try expect(self.encrypted || self.security == .plaintext, "logged in without TLS")
                try expect(self.machine.isInTransaction, "ready but not in the transaction state")
                return try self.sendNextTransactionCommand()
            case .close, .fail:
                self.isFinished = true
                return
            }
        }
    }
}
