import COpenSSL
import Glibc
import POP3

/// One configured OpenSSL `SSL_CTX`: the TLS settings and trust store shared by many connections.
///
/// `@unchecked Sendable` is safe because the context is fully configured inside the factory methods and
/// never mutated afterwards; OpenSSL documents an `SSL_CTX` as safe to share between threads for
/// `SSL_new` once set up (its reference counts and session cache take their own locks).
final class TLSContext: @unchecked Sendable {
    /// A TLS protocol version, for pinning the versions a (test) server context accepts.
    enum ProtocolVersion: Comparable, Sendable {
        case tls1_0
        case tls1_1
        case tls1_2
        case tls1_3

        /// The OpenSSL `*_VERSION` constant.
        var openSSLValue: Int32 {
            switch self {
            case .tls1_0: return TLS1_VERSION
            case .tls1_1: return TLS1_1_VERSION
            case .tls1_2: return TLS1_2_VERSION
            case .tls1_3: return TLS1_3_VERSION
            }
        }
    }

    /// The `SSL_CTX *`; owned, freed in deinit.
    let context: OpaquePointer

    private init(context: OpaquePointer) {
        self.context = context
    }

    deinit {
        SSL_CTX_free(self.context)
    }

    /// A client context that requires TLS 1.2 or later and a verified server certificate.
    ///
    /// - Parameter caFile: PEM file with the certificates to trust; nil trusts the system's default store.
    static func client(caFile: String?) throws(POP3Error) -> TLSContext {
        let tls = try Self.make(method: TLS_client_method(), role: "client")
        guard pop3gw_SSL_CTX_set_min_proto_version(tls.context, TLS1_2_VERSION) == 1 else {
            throw POP3Error(.tlsFailed, "cannot require TLS 1.2: \(Self.drainErrorQueue())")
        }
        SSL_CTX_set_verify(tls.context, SSL_VERIFY_PEER, nil)
        if let caFile {
            ERR_clear_error()
            guard SSL_CTX_load_verify_locations(tls.context, caFile, nil) == 1 else {
                throw POP3Error(.tlsFailed, "cannot load CA file \(caFile): \(Self.fileFailureReason(caFile))")
            }
        } else {
            ERR_clear_error()
            guard SSL_CTX_set_default_verify_paths(tls.context) == 1 else {
                throw POP3Error(.tlsFailed, "cannot load the system trust store: \(Self.drainErrorQueue())")
            }
        }
        tls.enablePartialWrites()
        return tls
    }

    /// A client context that requires TLS 1.2 or later but verifies nothing: for `LoopbackProbe` only,
    /// which asks a listener on this machine whether it answers and sends nothing secret.
    static func unverifiedClient() throws(POP3Error) -> TLSContext {
        let tls = try Self.make(method: TLS_client_method(), role: "client")
        guard pop3gw_SSL_CTX_set_min_proto_version(tls.context, TLS1_2_VERSION) == 1 else {
            throw POP3Error(.tlsFailed, "cannot require TLS 1.2: \(Self.drainErrorQueue())")
        }
        SSL_CTX_set_verify(tls.context, SSL_VERIFY_NONE, nil)
        tls.enablePartialWrites()
        return tls
    }

    /// A server context presenting the given certificate chain; for the fake POP3 servers of the tests.
    ///
    /// When `maximumVersion` is below TLS 1.2 the security level drops to 0, because OpenSSL 3 refuses
    /// TLS 1.0 and 1.1 (SHA-1/MD5 handshake signatures) at its default level 1.
    static func server(
        certificateFile: String,
        privateKeyFile: String,
        minimumVersion: ProtocolVersion? = nil,
        maximumVersion: ProtocolVersion? = nil
    ) throws(POP3Error) -> TLSContext {
        let tls = try Self.make(method: TLS_server_method(), role: "server")
        ERR_clear_error()
        guard SSL_CTX_use_certificate_chain_file(tls.context, certificateFile) == 1 else {
            throw POP3Error(
                .tlsFailed,
                "cannot load certificate file \(certificateFile): \(Self.fileFailureReason(certificateFile))"
            )
        }
        guard SSL_CTX_use_PrivateKey_file(tls.context, privateKeyFile, SSL_FILETYPE_PEM) == 1 else {
            throw POP3Error(
                .tlsFailed,
                "cannot load private key file \(privateKeyFile): \(Self.fileFailureReason(privateKeyFile))"
            )
        }
        guard SSL_CTX_check_private_key(tls.context) == 1 else {
            throw POP3Error(.tlsFailed, "private key does not match the certificate: \(Self.drainErrorQueue())")
        }
        // No TLS 1.3 session tickets: a test client that closes right after the handshake would leave the
        // tickets unread, and the kernel would answer the server with a reset instead of a clean FIN.
        _ = SSL_CTX_set_num_tickets(tls.context, 0)
        try tls.setProtocolVersions(minimum: minimumVersion, maximum: maximumVersion)
        tls.enablePartialWrites()
        return tls
    }

    /// Pins the protocol versions; nil leaves OpenSSL's bound in place.
    private func setProtocolVersions(
        minimum: ProtocolVersion?,
        maximum: ProtocolVersion?
    ) throws(POP3Error) {
        if let minimum, pop3gw_SSL_CTX_set_min_proto_version(self.context, minimum.openSSLValue) != 1 {
            throw POP3Error(.tlsFailed, "cannot set the minimum TLS version: \(Self.drainErrorQueue())")
        }
        if let maximum {
            guard pop3gw_SSL_CTX_set_max_proto_version(self.context, maximum.openSSLValue) == 1 else {
                throw POP3Error(.tlsFailed, "cannot set the maximum TLS version: \(Self.drainErrorQueue())")
            }
            if maximum < .tls1_2 {
                SSL_CTX_set_security_level(self.context, 0)
            }
        }
    }

    /// `TLSStream.write` hands OpenSSL a moving window over the caller's buffer and loops on partial writes.
    private func enablePartialWrites() {
        _ = pop3gw_SSL_CTX_set_mode(
            self.context,
            Int(SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER)
        )
    }

    private static func make(method: OpaquePointer?, role: String) throws(POP3Error) -> TLSContext {
        ERR_clear_error()
        guard let context = SSL_CTX_new(method) else {
            throw POP3Error(.tlsFailed, "cannot create a TLS \(role) context: \(Self.drainErrorQueue())")
        }
        return TLSContext(context: context)
    }

    /// Why OpenSSL could not use a file: the errno text when the file cannot even be opened (clearer than
    /// OpenSSL's "system lib"), else what the OpenSSL error queue says (e.g. not PEM).
    private static func fileFailureReason(_ path: String) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            let reason = TCPSocket.errorDescription(errno)
            ERR_clear_error()
            return reason
        }
        _ = Glibc.close(fd)
        return Self.drainErrorQueue()
    }

    /// Empties this thread's OpenSSL error queue and returns its entries joined by "; ".
    ///
    /// The queue is per thread and OpenSSL appends to it, so every operation must clear it first and
    /// every failure must drain it, or a later, unrelated failure would report stale errors.
    static func drainErrorQueue() -> String {
        var messages: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 {
                break
            }
            var text = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &text, text.count)
            messages.append(String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return messages.isEmpty ? "unknown OpenSSL error" : messages.joined(separator: "; ")
    }
}
