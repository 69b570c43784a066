public import MIME

/// `GET /v1/mailbox`.
public struct MailboxInfo: Sendable, Equatable {
    public var count: Int
    public var size: Int
    public var capabilities: [String]
    /// Whether the server gives unique ids; without them no message can be addressed.
    public var uidl: Bool
}

/// One message in a listing: its id, its size and what its header says.
public struct MessageListEntry: Sendable, Equatable {
    public var id: String
    public var size: Int
    public var summary: MessageSummary
}

/// One page of a listing, newest first.
public struct MessagePage: Sendable, Equatable {
    public var total: Int
    public var messages: [MessageListEntry]
    public var nextCursor: String?
}

/// A message's source and what its header says.
public struct MessageDocument: Sendable {
    public var id: String
    public var size: Int
    public var raw: [UInt8]
    public var summary: MessageSummary
    public var headers: [MessageHeader]
}
