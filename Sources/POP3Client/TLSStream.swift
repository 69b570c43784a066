import COpenSSL
import Glibc
import POP3

/// TLS over a `TCPSocket`, with OpenSSL driving the non-blocking descriptor and `poll(2)` doing the waiting.
///
/// The stream owns the socket: closing the stream closes it, and a failed handshake closes it too.
/// Not thread-safe: one owner uses it from one thread at a time (OpenSSL's `SSL` object is not shareable).
final class TLSStream: ByteStream {
    /// The socket underneath; OpenSSL reads and writes its descriptor directly.
    private let socket: TCPSocket
    /// The `SSL *`, or nil once closed.
    private var ssl: OpaquePointer?
    /// Set after SSL_ERROR_SYSCALL or SSL_ERROR_SSL: OpenSSL forbids SSL_shutdown after those.
    private var isBroken = false
    /// Set once the end of the stream was seen, so further reads return 0 instead of asking OpenSSL again.
    private var reachedEnd = false

    /// The negotiated protocol, e.g. "TLSv1.3".
    let protocolVersion: String
    /// The negotiated cipher suite, e.g. "TLS_AES_256_GCM_SHA384".
    let cipher: String
    /// The subject of the peer's certificate in RFC 2253 form, e.g. "CN=pop3.test"; nil when the peer sent none.
    let peerCertificateSubject: String?
    /// True when the peer ended the TCP connection without a TLS close_notify. Reads then return 0 like a
    /// clean end of stream, and the caller decides whether that cut off an answer (a truncation attack)
    /// or came after the last expected byte (common, harmless server behaviour).
    private(set) var closedWithoutCloseNotify = false

    /// Called after a successful handshake only, so the session properties can be read once and kept.
    private init(socket: TCPSocket, ssl: OpaquePointer) {
        self.socket = socket
        self.ssl = ssl
        self.protocolVersion = String(cString: SSL_get_version(ssl))
        if let cipher = SSL_get_current_cipher(ssl), let name = SSL_CIPHER_get_name(cipher) {
            self.cipher = String(cString: name)
        } else {
            self.cipher = ""
        }
        self.peerCertificateSubject = Self.peerSubject(of: ssl)
    }

    deinit {
        self.close()
    }

    /// Runs the client side of a TLS handshake over `socket` and verifies the server's certificate for
    /// `serverName` (a DNS name, or an IP literal checked against the certificate's IP addresses).
    ///
    /// Throws `.tlsFailed` with a readable reason (e.g. "certificate verification failed: hostname mismatch"),
    /// or `.timeout` ("TLS handshake timed out") when the deadline passes. The socket is closed on failure.
    static func connect(
        over socket: TCPSocket,
        context: TLSContext,
        serverName: String,
        deadline: Deadline
    ) throws(POP3Error) -> TLSStream {
        guard !serverName.isEmpty else {
            socket.close()
            throw POP3Error(.tlsFailed, "no server name to verify the certificate against")
        }
        let ssl = try Self.makeSSL(over: socket, context: context)
        do {
            try Self.setExpectedPeer(serverName, on: ssl)
            try Self.handshake(ssl, over: socket, deadline: deadline) { SSL_connect($0) }
        } catch {
            SSL_free(ssl)
            socket.close()
            throw error
        }
        return TLSStream(socket: socket, ssl: ssl)
    }

    /// Runs the server side of a TLS handshake; for the tests' fake POP3 servers. The socket is closed on failure.
    static func accept(over socket: TCPSocket, context: TLSContext, deadline: Deadline) throws(POP3Error) -> TLSStream {
        let ssl = try Self.makeSSL(over: socket, context: context)
        do {
            try Self.handshake(ssl, over: socket, deadline: deadline) { SSL_accept($0) }
        } catch {
            SSL_free(ssl)
            socket.close()
            throw error
        }
        return TLSStream(socket: socket, ssl: ssl)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer, deadline: Deadline) throws(POP3Error) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else {
            return 0
        }
        let ssl = try self.openSSL()
        if self.reachedEnd {
            return 0
        }
        while true {
            ERR_clear_error()
            var count = 0
            let (result, code) = Self.suppressingSIGPIPE { SSL_read_ex(ssl, base, buffer.count, &count) }
            if result == 1 {
                return count
            }
            let error = SSL_get_error(ssl, result)
            switch error {
            case SSL_ERROR_ZERO_RETURN:
                self.reachedEnd = true
                return 0
            case SSL_ERROR_WANT_READ:
                try self.socket.wait(for: .readable, deadline: deadline, timeoutDetail: "read timed out")
            case SSL_ERROR_WANT_WRITE:
                try self.socket.wait(for: .writable, deadline: deadline, timeoutDetail: "read timed out")
            default:
                self.isBroken = true
                if Self.isUnexpectedEOF(error, errno: code) {
                    ERR_clear_error()
                    self.reachedEnd = true
                    self.closedWithoutCloseNotify = true
                    return 0
                }
                throw Self.transferError(error, errno: code, operation: "read")
            }
        }
    }

    func write(_ bytes: UnsafeRawBufferPointer, deadline: Deadline) throws(POP3Error) {
        guard let base = bytes.baseAddress else {
            return
        }
        let ssl = try self.openSSL()
        var offset = 0
        while offset < bytes.count {
            ERR_clear_error()
            var written = 0
            let (result, code) = Self.suppressingSIGPIPE {
                SSL_write_ex(ssl, base + offset, bytes.count - offset, &written)
            }
            if result == 1 {
                // Partial writes are enabled, so this may be less than asked; the loop sends the rest.
                offset += written
                continue
            }
            let error = SSL_get_error(ssl, result)
            switch error {
            case SSL_ERROR_WANT_WRITE:
                try self.socket.wait(for: .writable, deadline: deadline, timeoutDetail: "write timed out")
            case SSL_ERROR_WANT_READ:
                try self.socket.wait(for: .readable, deadline: deadline, timeoutDetail: "write timed out")
            case SSL_ERROR_ZERO_RETURN:
                throw POP3Error(.connectionClosed, "connection closed by peer (TLS close_notify)")
            default:
                self.isBroken = true
                throw Self.transferError(error, errno: code, operation: "write")
            }
        }
    }

    /// Sends close_notify (without waiting for the peer's: RFC 8446 allows that, and a POP3 client has
    /// nothing more to read after QUIT), then frees the TLS state and closes the socket.
    func close() {
        guard let ssl = self.ssl else {
            return
        }
        self.ssl = nil
        if !self.isBroken {
            // Short and fixed: a peer that does not drain its socket must not hold up closing.
            let deadline = Deadline.after(.seconds(1))
            while true {
                ERR_clear_error()
                let (result, _) = Self.suppressingSIGPIPE { SSL_shutdown(ssl) }
                // 0: our close_notify is sent; 1: the peer's had already arrived. Either way we are done.
                guard result < 0, SSL_get_error(ssl, result) == SSL_ERROR_WANT_WRITE else {
                    break
                }
                do {
                    try self.socket.wait(for: .writable, deadline: deadline, timeoutDetail: "TLS shutdown timed out")
                } catch {
                    break
                }
            }
        }
        ERR_clear_error()
        SSL_free(ssl)
        self.socket.close()
    }

    private func openSSL() throws(POP3Error) -> OpaquePointer {
        guard let ssl = self.ssl else {
            throw POP3Error(.connectionClosed, "TLS stream is closed")
        }
        return ssl
    }

    private static func makeSSL(over socket: TCPSocket, context: TLSContext) throws(POP3Error) -> OpaquePointer {
        guard socket.fileDescriptor >= 0 else {
            throw POP3Error(.connectionClosed, "socket is closed")
        }
        ERR_clear_error()
        guard let ssl = SSL_new(context.context) else {
            socket.close()
            throw POP3Error(.tlsFailed, "cannot create a TLS session: \(TLSContext.drainErrorQueue())")
        }
        guard SSL_set_fd(ssl, socket.fileDescriptor) == 1 else {
            let reason = TLSContext.drainErrorQueue()
            SSL_free(ssl)
            socket.close()
            throw POP3Error(.tlsFailed, "cannot attach the TLS session to the socket: \(reason)")
        }
        return ssl
    }

    /// Tells OpenSSL whom the certificate must name. A DNS name is also sent as SNI; an IP literal is not
    /// (RFC 6066 forbids IP addresses in SNI) and is matched against the certificate's IP SANs instead.
    private static func setExpectedPeer(_ serverName: String, on ssl: OpaquePointer) throws(POP3Error) {
        ERR_clear_error()
        if Self.isIPAddressLiteral(serverName) {
            guard X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), serverName) == 1 else {
                throw POP3Error(.tlsFailed, "cannot verify against IP address \(serverName)")
            }
            return
        }
        guard pop3gw_SSL_set_tlsext_host_name(ssl, serverName) == 1 else {
            throw POP3Error(.tlsFailed, "invalid TLS server name \(serverName): \(TLSContext.drainErrorQueue())")
        }
        // "*" must stand for a whole label: "f*.example.com" patterns are a known source of mis-issuance.
        SSL_set_hostflags(ssl, UInt32(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS))
        guard SSL_set1_host(ssl, serverName) == 1 else {
            throw POP3Error(
                .tlsFailed,
                "cannot verify against host name \(serverName): \(TLSContext.drainErrorQueue())"
            )
        }
    }

    /// Drives SSL_connect or SSL_accept to completion, waiting on the socket whenever OpenSSL asks to.
    private static func handshake(
        _ ssl: OpaquePointer,
        over socket: TCPSocket,
        deadline: Deadline,
        step: (OpaquePointer) -> Int32
    ) throws(POP3Error) {
        while true {
            ERR_clear_error()
            let (result, code) = Self.suppressingSIGPIPE { step(ssl) }
            if result == 1 {
                return
            }
            let error = SSL_get_error(ssl, result)
            switch error {
            case SSL_ERROR_WANT_READ:
                try socket.wait(for: .readable, deadline: deadline, timeoutDetail: "TLS handshake timed out")
            case SSL_ERROR_WANT_WRITE:
                try socket.wait(for: .writable, deadline: deadline, timeoutDetail: "TLS handshake timed out")
            default:
                throw POP3Error(.tlsFailed, Self.handshakeFailureDetail(ssl, error: error, errno: code))
            }
        }
    }

    /// Why a handshake failed, said for a person: the certificate problem when verification failed
    /// (OpenSSL's own queue then only says "certificate verify failed"), else the OpenSSL error queue.
    private static func handshakeFailureDetail(_ ssl: OpaquePointer, error: Int32, errno code: Int32) -> String {
        let verifyResult = SSL_get_verify_result(ssl)
        if verifyResult != X509_V_OK {
            ERR_clear_error()
            return "certificate verification failed: \(String(cString: X509_verify_cert_error_string(verifyResult)))"
        }
        if error == SSL_ERROR_SYSCALL && ERR_peek_error() == 0 {
            if code == 0 {
                return "TLS handshake failed: connection closed by peer"
            }
            return "TLS handshake failed: \(TCPSocket.errorDescription(code))"
        }
        return "TLS handshake failed: \(TLSContext.drainErrorQueue())"
    }

    /// The peer closed TCP without close_notify: OpenSSL 3 queues SSL_R_UNEXPECTED_EOF_WHILE_READING,
    /// older releases returned SSL_ERROR_SYSCALL with an empty queue and errno 0.
    private static func isUnexpectedEOF(_ error: Int32, errno code: Int32) -> Bool {
        let first = ERR_peek_error()
        if error == SSL_ERROR_SSL {
            return ERR_GET_LIB(first) == ERR_LIB_SSL && ERR_GET_REASON(first) == SSL_R_UNEXPECTED_EOF_WHILE_READING
        }
        return error == SSL_ERROR_SYSCALL && first == 0 && code == 0
    }

    /// The error for a failed SSL_read_ex / SSL_write_ex: a dead connection is `.connectionClosed`,
    /// a TLS protocol failure (bad record MAC, alert) is `.tlsFailed`.
    private static func transferError(_ error: Int32, errno code: Int32, operation: String) -> POP3Error {
        if error == SSL_ERROR_SYSCALL {
            if code == EPIPE || code == ECONNRESET {
                ERR_clear_error()
                return POP3Error(.connectionClosed, "connection closed by peer: \(TCPSocket.errorDescription(code))")
            }
            if ERR_peek_error() == 0 {
                let reason = code == 0 ? "connection closed by peer" : TCPSocket.errorDescription(code)
                return POP3Error(.connectionClosed, "TLS \(operation) failed: \(reason)")
            }
        }
        return POP3Error(.tlsFailed, "TLS \(operation) failed: \(TLSContext.drainErrorQueue())")
    }

    /// Runs an OpenSSL call with SIGPIPE blocked on this thread, and returns its result and errno.
    ///
    /// OpenSSL writes to the descriptor with write(2), not send(2) with MSG_NOSIGNAL, so a write to a
    /// connection the peer has reset would raise SIGPIPE and kill the process. Blocking the signal turns it
    /// into a plain EPIPE; a SIGPIPE that this call left pending is consumed before unblocking, so it is never
    /// delivered later. (The same technique as libpq.) Any OpenSSL call on the connection may write: the
    /// handshake, writes, shutdown, and reads (TLS 1.3 KeyUpdate answers, alerts).
    private static func suppressingSIGPIPE(_ body: () -> Int32) -> (result: Int32, errno: Int32) {
        var pipeOnly = sigset_t()
        sigemptyset(&pipeOnly)
        sigaddset(&pipeOnly, SIGPIPE)
        var previousMask = sigset_t()
        pthread_sigmask(SIG_BLOCK, &pipeOnly, &previousMask)
        var pending = sigset_t()
        sigpending(&pending)
        // A SIGPIPE that was pending already belongs to someone else: leave it alone.
        let wasPending = sigismember(&pending, SIGPIPE) == 1

        let result = body()
        let code = errno

        if !wasPending {
            sigpending(&pending)
            if sigismember(&pending, SIGPIPE) == 1 {
                var noWait = timespec(tv_sec: 0, tv_nsec: 0)
                while sigtimedwait(&pipeOnly, nil, &noWait) < 0 && errno == EINTR {}
            }
        }
        pthread_sigmask(SIG_SETMASK, &previousMask, nil)
        return (result, code)
    }

    private static func isIPAddressLiteral(_ name: String) -> Bool {
        // in6_addr is large enough for either family.
        var address = in6_addr()
        return inet_pton(AF_INET, name, &address) == 1 || inet_pton(AF_INET6, name, &address) == 1
    }

    /// The peer certificate's subject in RFC 2253 form, or nil when there is no peer certificate.
    private static func peerSubject(of ssl: OpaquePointer) -> String? {
        guard let certificate = SSL_get1_peer_certificate(ssl) else {
            return nil
        }
        defer { X509_free(certificate) }
        guard let name = X509_get_subject_name(certificate), let bio = BIO_new(BIO_s_mem()) else {
            return nil
        }
        defer { BIO_free(bio) }
        guard X509_NAME_print_ex(bio, name, 0, pop3gw_XN_FLAG_RFC2253()) >= 0 else {
            ERR_clear_error()
            return nil
        }
        let length = Int(BIO_ctrl_pending(bio))
        var bytes = [UInt8](repeating: 0, count: length)
        let count = BIO_read(bio, &bytes, Int32(clamping: length))
        return String(decoding: bytes.prefix(max(0, Int(count))), as: UTF8.self)
    }
}
