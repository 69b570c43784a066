/// What a message listing shows of one message, decoded from its header block alone (`TOP n 0`).
///
/// Every field degrades to nil or empty when the header is absent or unusable; none is ever a guess.
public struct MessageSummary: Hashable, Sendable, Codable {
    /// RFC 2047 decoded and unfolded; nil when the message has no `Subject` header.
    public var subject: String?
    public var from: [MailAddress]
    public var to: [MailAddress]
    public var cc: [MailAddress]
    public var replyTo: [MailAddress]
    /// ISO 8601 with the offset the message was written in, e.g. `2023-11-14T22:13:20+01:00`
    /// (`+00:00` for UTC and for the obsolete zone names GMT/UT); nil when absent or unparseable.
    public var date: String?
    /// The `Message-ID` without angle brackets.
    public var messageId: String?
    /// The first message id in `In-Reply-To`, without angle brackets; nil when there is none in `<...>` form.
    public var inReplyTo: String?
    /// The message ids in `References`, oldest first, without angle brackets.
    public var references: [String]
    /// A guess from the top-level `Content-Type` alone, since a header block has no body to look into:
    /// `multipart/mixed` is true, `text/*` (and a missing `Content-Type`, which means `text/plain`) is false,
    /// anything else (`multipart/alternative`, `multipart/related`, `multipart/signed`, `application/*`...)
    /// is nil, because only the body can tell.
    public var hasAttachments: Bool?
    /// An address field of the message held too many colons to be parsed as it was (a header made to
    /// overflow the parser's stack, `AddressFieldGuard`): its colons were read as spaces, so the addresses
    /// of that field are what could be read, not necessarily all of them.
    public var addressFieldsFlattened = false

    public init(
        subject: String? = nil,
        from: [MailAddress] = [],
        to: [MailAddress] = [],
        cc: [MailAddress] = [],
        replyTo: [MailAddress] = [],
        date: String? = nil,
        messageId: String? = nil,
        inReplyTo: String? = nil,
        references: [String] = [],
        hasAttachments: Bool? = nil
    ) {
        self.subject = subject
        self.from = from
        self.to = to
        self.cc = cc
        self.replyTo = replyTo
        self.date = date
        self.messageId = messageId
        self.inReplyTo = inReplyTo
        self.references = references
        self.hasAttachments = hasAttachments
    }
}
