public import POP3
public import POP3Client

/// A pooled POP3 session together with what this session has learned: its listing, which maps
/// UIDLs (stable) to message numbers (valid only inside this session, RFC 1939 §4).
public final class UpstreamSession: PooledSession {
    public let client: POP3Client
    private var cachedListing: Listing?

    public init(client: POP3Client) {
        self.client = client
    }

    /// The session's snapshot of the maildrop, newest (highest number) first, fetched once.
    struct Listing {
        /// Messages that have a valid UIDL, newest first; of messages sharing a UIDL only the first.
        var messages: [POP3MessageInfo]
        /// The first (lowest-numbered) message with each UIDL (duplicates happen, docs/pop3-notes.md §18).
        var byUID: [String: POP3MessageInfo]
    }

    func listing() throws(POP3Error) -> Listing {
        if let cachedListing { return cachedListing }
        let oldestFirst = try self.client.listing().filter { $0.uid != nil }.sorted { $0.number < $1.number }
        var byUID: [String: POP3MessageInfo] = [:]
        for message in oldestFirst {
            if let uid = message.uid, byUID[uid] == nil { byUID[uid] = message }
        }
        // A UIDL that several messages share is listed once, as the message its id serves: callers key
        // by id, and a second entry would be one they can never fetch.
        let messages = oldestFirst.reversed().filter { message in
            message.uid.flatMap { byUID[$0] }?.number == message.number
        }
        let listing = Listing(messages: messages, byUID: byUID)
        self.cachedListing = listing
        return listing
    }

    /// Forgets a message this session deleted.
    func forget(uid: String) {
        self.cachedListing?.messages.removeAll { $0.uid == uid }
        self.cachedListing?.byUID[uid] = nil
    }

    public var isUsable: Bool { self.client.isUsable }
    public var hasPendingDeletions: Bool { self.client.hasPendingDeletions }
    public func quit() throws(POP3Error) { try self.client.quit() }
    public func close() { self.client.close() }
    public func noop() throws(POP3Error) { try self.client.noop() }
}
