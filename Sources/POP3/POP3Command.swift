/// A command the client sends, and how it is written on the wire.
///
/// Encoding refuses CR, LF and NUL in every argument and any command longer than 255 octets
/// including its CRLF (RFC 2449 §4), so nothing a caller supplies can inject a second command.
public enum POP3Command: Hashable, Sendable {
    case capa
    case stls
    case user(String)
    case pass(String)
    /// `APOP name digest`, the digest being the lower-case hex MD5 of timestamp + secret.
    case apop(user: String, digest: String)
    /// `AUTH mechanism [initial-response]`.
    case auth(mechanism: String, initialResponse: String?)
    /// A bare line answering a SASL continuation (`=` for empty, `*` to cancel).
    case saslResponse(String)
    case stat
    case list(Int?)
    case uidl(Int?)
    case top(Int, lines: Int)
    case retr(Int)
    case dele(Int)
    case rset
    case noop
    case quit

    /// The longest command line allowed, CRLF included (RFC 2449 §4).
    public static let maximumLength = 255

    /// Whether a positive answer to this command is multi-line (RFC 1939, RFC 2449).
    public var hasMultiLineResponse: Bool {
        switch self {
        case .capa, .list(nil), .uidl(nil), .top, .retr: return true
        default: return false
        }
    }

    /// Whether the command carries a secret, so it must never be logged or echoed.
    public var carriesSecret: Bool {
        switch self {
        case .pass, .apop, .auth, .saslResponse: return true
        default: return false
        }
    }

    /// The command's keyword, safe to log.
    public var keyword: String {
        switch self {
        case .capa: return "CAPA"
        case .stls: return "STLS"
        case .user: return "USER"
        case .pass: return "PASS"
        case .apop: return "APOP"
        case .auth: return "AUTH"
        case .saslResponse: return "AUTH-RESPONSE"
        case .stat: return "STAT"
        case .list: return "LIST"
        case .uidl: return "UIDL"
        case .top: return "TOP"
        case .retr: return "RETR"
        case .dele: return "DELE"
        case .rset: return "RSET"
        case .noop: return "NOOP"
        case .quit: return "QUIT"
        }
    }

    /// Appends the command line, CRLF included, to `buffer`; on error `buffer` is unchanged.
    public func encode(into buffer: inout [UInt8]) throws(POP3Error) {
        let arguments: [String]
        switch self {
        case .user(let name): arguments = [name]
        case .pass(let secret): arguments = [secret]
        case .apop(let user, let digest): arguments = [user, digest]
        case .auth(let mechanism, let initial):
            // An empty initial response is sent as "=" (RFC 5034 §4).
            arguments = [mechanism] + (initial.map { [$0.isEmpty ? "=" : $0] } ?? [])
        case .saslResponse(let line):
            // SASL responses are not bound by the 255-octet command limit (RFC 5034 §4).
            try Self.append(words: [line], into: &buffer, keyword: "AUTH-RESPONSE", limit: 64 * 1024)
            return
        case .list(let number?), .uidl(let number?), .retr(let number), .dele(let number):
            arguments = [try Self.messageNumber(number)]
        case .top(let number, let lines):
            guard lines >= 0 else { throw POP3Error(.invalidArgument, "TOP line count must not be negative") }
            arguments = [try Self.messageNumber(number), String(lines)]
        case .capa, .stls, .stat, .list(nil), .uidl(nil), .rset, .noop, .quit:
            arguments = []
        }
        try Self.append(
            words: [self.keyword] + arguments,
            into: &buffer,
            keyword: self.keyword,
            limit: Self.maximumLength
        )
    }

    /// The encoded command as its own array.
    public func encoded() throws(POP3Error) -> [UInt8] {
        var buffer: [UInt8] = []
        try self.encode(into: &buffer)
        return buffer
    }

    private static func messageNumber(_ number: Int) throws(POP3Error) -> String {
        guard number > 0 else { throw POP3Error(.invalidArgument, "message numbers start at 1") }
        return String(number)
    }

    private static func append(
        words: [String],
        into buffer: inout [UInt8],
        keyword: String,
        limit: Int
    ) throws(POP3Error) {
        let start = buffer.count
        for (index, word) in words.enumerated() {
            if index > 0 { buffer.append(ASCII.space) }
            for byte in word.utf8 {
                guard byte != ASCII.cr, byte != ASCII.lf, byte != 0 else {
                    buffer.removeSubrange(start...)
                    throw POP3Error(.invalidArgument, "\(keyword) argument contains CR, LF or NUL")
                }
                buffer.append(byte)
            }
        }
        buffer.append(ASCII.cr)
        buffer.append(ASCII.lf)
        guard buffer.count - start <= limit else {
            buffer.removeSubrange(start...)
            throw POP3Error(.invalidArgument, "\(keyword) command would exceed \(limit) octets")
        }
    }
}
