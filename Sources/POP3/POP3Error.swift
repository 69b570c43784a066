/// Everything that can go wrong talking to a POP3 server, said so that a caller can decide what to do next.
///
/// The `code` tells what happened; `responseCode` carries the server's RFC 2449 code when it sent one;
/// `isRetryable` and `retryAfter` say whether trying again can help and when.
/// The `detail` never holds a credential: it is written by this package or copied from a server
/// status line, never from a command that carried a secret.
public struct POP3Error: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Hashable, Sendable {
        /// The TCP connection could not be made (refused, unreachable, DNS).
        case connectionFailed
        /// A TLS handshake failed, or the peer certificate or host name did not verify.
        case tlsFailed
        /// A deadline passed: connecting, a read, or a whole command.
        case timeout
        /// The server closed the connection while an answer was still due.
        case connectionClosed
        /// The server broke the protocol: a garbled line, bytes nobody asked for, a bad number.
        case protocolViolation
        /// A status line or a response was longer than the configured cap.
        case responseTooLarge
        /// An argument cannot be sent: CR, LF or NUL in it, or the command would be too long.
        case invalidArgument
        /// The server refused the credentials.
        case authenticationFailed
        /// The maildrop is locked by another session (`[IN-USE]`).
        case mailboxLocked
        /// The server wants a pause between logins (`[LOGIN-DELAY]`).
        case loginDelay
        /// A temporary server-side problem (`[SYS/TEMP]`).
        case temporaryFailure
        /// A permanent server-side problem (`[SYS/PERM]`).
        case permanentFailure
        /// STLS is required but the server does not offer it or refused it.
        case startTLSUnavailable
        /// The only way to log in would send the password in clear text, and that was not allowed.
        case insecureAuthenticationRefused
        /// No authentication method both sides support (APOP asked but no timestamp, no USER, no PLAIN).
        case noAuthenticationMethod
        /// The server answered `-ERR` to a command in the transaction state.
        case commandFailed
    }

    public var code: Code
    /// What the server or the transport said, for a person.
    public var detail: String
    /// The RFC 2449 / RFC 3206 response code the server sent, if any.
    public var responseCode: POP3ResponseCode?
    /// Seconds the server said to wait (`LOGIN-DELAY n` for a `[LOGIN-DELAY]` refusal), when it said so.
    public var serverRetryAfter: Int?

    public init(_ code: Code, _ detail: String, responseCode: POP3ResponseCode? = nil, serverRetryAfter: Int? = nil) {
        self.code = code
        self.detail = detail
        self.responseCode = responseCode
        self.serverRetryAfter = serverRetryAfter
    }

    /// Whether the same operation may succeed if tried again later (on a fresh session).
    public var isRetryable: Bool {
        switch self.code {
        case .timeout, .connectionClosed, .mailboxLocked, .loginDelay, .temporaryFailure, .connectionFailed:
            return true
        case .tlsFailed, .protocolViolation, .responseTooLarge, .invalidArgument, .authenticationFailed,
            .permanentFailure, .startTLSUnavailable, .insecureAuthenticationRefused, .noAuthenticationMethod,
            .commandFailed:
            return false
        }
    }

    /// Seconds to wait before trying again, when the server or the protocol says so: the server's own
    /// figure if it gave one, else a default for the kind of refusal.
    public var retryAfterSeconds: Int? {
        if let serverRetryAfter { return serverRetryAfter }
        switch self.code {
        case .loginDelay: return 60
        case .temporaryFailure: return 30
        case .mailboxLocked: return 5
        default: return nil
        }
    }

    public var description: String { "\(self.code.rawValue): \(self.detail)" }
}
