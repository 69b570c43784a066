/// Identifies one cached message: the mailbox, the message's UIDL and its size.
///
/// The size is part of the key because UIDLs are not always unique in practice: two messages with one
/// UIDL and different sizes must not share an entry (docs/pop3-notes.md §18).
public struct MessageCacheKey: Hashable, Sendable {
    public var mailbox: MailboxKey
    /// The server's unique id (validated by the caller: 1-70 printable ASCII characters).
    public var uidl: String
    /// The size LIST reported, in octets.
    public var size: Int

    public init(mailbox: MailboxKey, uidl: String, size: Int) {
        self.mailbox = mailbox
        self.uidl = uidl
        self.size = size
    }

    public init(upstream: String, user: String, uidl: String, size: Int) {
        self.init(mailbox: MailboxKey(upstream: upstream, user: user), uidl: uidl, size: size)
    }

    /// Every field with a length in front, so that no two keys give the same bytes to digest
    /// (`("ab", "c")` and `("a", "bc")` differ).
    var digestInput: [UInt8] {
        var bytes: [UInt8] = []
        for field in [self.mailbox.upstream, self.mailbox.user, self.uidl, String(self.size)] {
            let utf8 = Array(field.utf8)
            withUnsafeBytes(of: UInt64(utf8.count).littleEndian) { bytes.append(contentsOf: $0) }
            bytes.append(contentsOf: utf8)
        }
        return bytes
    }
}
