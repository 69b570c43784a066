/// HTTPS for the server: libmicrohttpd's TLS (GnuTLS underneath), TLS 1.2 and 1.3 only.
public struct HTTPServerTLS: Sendable, Equatable {
    /// The server certificate, then any intermediates, PEM.
    public var certificateChainPEM: String
    /// Its private key, PEM (unencrypted).
    public var privateKeyPEM: String

    public init(certificateChainPEM: String, privateKeyPEM: String) {
        self.certificateChainPEM = certificateChainPEM
        self.privateKeyPEM = privateKeyPEM
    }

    /// GnuTLS priorities: its secure defaults, with every protocol version below TLS 1.2 removed.
    static let priorities = "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"
}
