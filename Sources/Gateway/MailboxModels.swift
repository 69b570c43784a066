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

/// A message decoded for `GET /v1/messages/{id}`: what its header says, its bodies and its attachments.
public struct MessageDocument: Sendable {
    public var id: String
    public var size: Int
    public var summary: MessageSummary
    public var headers: [MessageHeader]
    public var body: MessageBody

    /// Whether the message carries files, decided from its parts rather than guessed from the header like
    /// a listing's `hasAttachments`: true when any attachment has `Content-Disposition: attachment` or a
    /// file name. So an inline image with a name counts, and a nameless inline part (a calendar
    /// invitation beside its text, an unnamed second text part) does not.
    public var hasAttachments: Bool {
        self.body.attachments.contains { $0.disposition == "attachment" || $0.filename != nil }
    }
}
