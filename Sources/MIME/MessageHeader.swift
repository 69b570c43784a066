/// One header field of a message, as the "all headers" view shows it.
public struct MessageHeader: Hashable, Sendable, Codable {
    /// The field name as the message spells it (`Subject`, `X-Mailer`, ...).
    public var name: String
    /// The field body, unfolded and RFC 2047 decoded, as UTF-8 (raw 8-bit bytes are converted, never dropped).
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
