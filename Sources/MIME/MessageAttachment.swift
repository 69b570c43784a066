/// One part of a message other than its text and HTML bodies: a file, an inline image, a calendar
/// invitation, a forwarded message...
public struct MessageAttachment: Hashable, Sendable, Codable {
    /// The part's place in the message (`MIMEPartPath`): `"1"` for the body of a message that is not
    /// multipart, `"2.1.3"` for the third child of the first child of the second top-level part. The same
    /// bytes always give the same ids; `MIMEParser.attachment(_:in:write:)` takes one back.
    public var id: String
    /// From `Content-Disposition`'s `filename` (RFC 2231 continuations and charsets decoded), else from
    /// `Content-Type`'s `name` (RFC 2047 decoded); nil when the part names none. Taken as the sender wrote
    /// it: it may hold a path, or characters a file system rejects.
    public var filename: String?
    /// The media type, lower case, without parameters: `image/png`.
    public var contentType: String
    /// The size in bytes after transfer decoding: what `MIMEParser.attachment` streams.
    public var size: Int
    /// `Content-ID` without angle brackets, for `cid:` links from the HTML body; nil when absent.
    public var contentId: String?
    /// `"attachment"` when `Content-Disposition` says so, `"inline"` otherwise (also when it is absent).
    public var disposition: String
    /// For a forwarded message (`message/rfc822`): the summary of the message inside, which is not
    /// searched for further attachments. Nil for every other part.
    public var message: MessageSummary?

    public init(
        id: String,
        filename: String? = nil,
        contentType: String,
        size: Int,
        contentId: String? = nil,
        disposition: String = "inline",
        message: MessageSummary? = nil
    ) {
        self.id = id
        self.filename = filename
        self.contentType = contentType
        self.size = size
        self.contentId = contentId
        self.disposition = disposition
        self.message = message
    }
}
