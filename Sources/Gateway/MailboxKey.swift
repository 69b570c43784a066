/// One upstream mailbox: the server and the user on it.
///
/// The session pool keeps at most one session per key (a POP3 maildrop lock is exclusive) and queues
/// the requests for one key; the message cache keys its entries under it too.
public struct MailboxKey: Hashable, Sendable, CustomStringConvertible {
    /// The upstream server, spelled the same way for every request (e.g. `POP3Endpoint.description`).
    public var upstream: String
    /// The user name exactly as it is sent to the server.
    public var user: String

    public init(upstream: String, user: String) {
        self.upstream = upstream
        self.user = user
    }

    public var description: String { "\(self.user) at \(self.upstream)" }
}
