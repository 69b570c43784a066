public import POP3

/// Opens logged-in POP3 sessions to one upstream. Holds the one shared TLS context, so it is
/// made once at start-up and used from any thread.
public final class POP3Connector: Sendable {
    public let configuration: POP3ClientConfiguration
    private let tlsContext: TLSContext?

    public init(configuration: POP3ClientConfiguration) throws(POP3Error) {
        self.configuration = configuration
        switch configuration.endpoint.security {
        case .implicitTLS, .startTLS:
            self.tlsContext = try TLSContext.client(caFile: configuration.caFile)
        case .plaintext:
            self.tlsContext = nil
        }
    }

    /// Connects, secures the connection as configured and logs in. Blocks until done or a deadline passes.
    public func connect(credentials: POP3Credentials) throws(POP3Error) -> POP3Client {
        try POP3Client.connect(configuration: self.configuration, tlsContext: self.tlsContext, credentials: credentials)
    }

    /// Connects without logging in: TCP, TLS for `pop3s://`, the greeting, then QUIT.
    /// Says whether the upstream is there and answering, for a readiness check.
    public func probe() throws(POP3Error) -> String {
        try POP3Client.probe(configuration: self.configuration, tlsContext: self.tlsContext)
    }
}
