/// One mailbox from an address header (`From`, `To`, `Cc`, `Reply-To`).
///
/// Groups (`Team: a@x.y, b@x.y;`) are flattened into their members, so a group name never appears here.
public struct MailAddress: Hashable, Sendable, Codable {
    /// The display name, RFC 2047 decoded; nil when the mailbox has none.
    public var name: String?
    /// The address as `local@domain`, without angle brackets.
    public var address: String

    public init(name: String? = nil, address: String) {
        self.name = name
        self.address = address
    }
}
