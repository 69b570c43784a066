public import POP3

/// Where the upstream POP3 server is and how the connection is protected, from a URL:
/// `pop3s://host[:port]` (implicit TLS, default port 995) or `pop3://host[:port]` (STLS, default 110).
///
/// `pop3://` means mandatory STLS unless `allowInsecure` is set, in which case the session is
/// plaintext from start to end (never "STLS if offered": that would give a false sense of safety).
public struct POP3Endpoint: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var security: POP3SessionStateMachine.Security

    public init(host: String, port: Int, security: POP3SessionStateMachine.Security) {
        self.host = host
        self.port = port
        self.security = security
    }

    /// Parses an upstream URL. IPv6 literals go in brackets: `pop3s://[::1]:995`.
    public init(url: String, allowInsecure: Bool = false) throws(POP3Error) {
        let implicitTLS: Bool
        let rest: Substring
        if url.lowercased().hasPrefix("pop3s://") {
            implicitTLS = true
            rest = url.dropFirst("pop3s://".count)
        } else if url.lowercased().hasPrefix("pop3://") {
            implicitTLS = false
            rest = url.dropFirst("pop3://".count)
        } else {
            throw POP3Error(.invalidArgument, "upstream URL must start with pop3s:// or pop3://")
        }
        let authority = rest.hasSuffix("/") ? rest.dropLast() : rest
        let host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw POP3Error(.invalidArgument, "unterminated IPv6 address in upstream URL")
            }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw POP3Error(.invalidArgument, "malformed upstream URL") }
                portText = after.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority
        }
        guard !host.isEmpty, !host.contains(where: { "/@?#".contains($0) || $0.isWhitespace }) else {
            throw POP3Error(.invalidArgument, "upstream URL needs a host name (and no user, path or query)")
        }
        var port = implicitTLS ? 995 : 110
        if let portText {
            guard let parsed = Int(portText), (1...65535).contains(parsed) else {
                throw POP3Error(.invalidArgument, "upstream port must be 1-65535")
            }
            port = parsed
        }
        self.init(
            host: String(host),
            port: port,
            security: implicitTLS ? .implicitTLS : (allowInsecure ? .plaintext : .startTLS)
        )
    }

    public var description: String {
        let scheme = self.security == .implicitTLS ? "pop3s" : "pop3"
        let host = self.host.contains(":") ? "[\(self.host)]" : self.host
        return "\(scheme)://\(host):\(self.port)"
    }
}
