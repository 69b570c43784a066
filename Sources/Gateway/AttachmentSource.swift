public import MIME

/// Where an attachment's decoded bytes come from, as `MailboxService.attachment` found them.
public enum AttachmentSource: Sendable {
    /// The message was cached or small enough to fetch whole (at most the streaming threshold): the
    /// attachment is decoded into memory, which is never more than the message's own size.
    case bytes(MessageAttachment, [UInt8])
    /// A large message, spooled to an anonymous file: stream the attachment with
    /// `SpooledMessage.writeAttachment`. The upstream session is already released; the spool's file is
    /// closed when the last reference goes.
    case spooled(MessageAttachment, SpooledMessage)

    /// The attachment's description; its `size` is the decoded length.
    public var attachment: MessageAttachment {
        switch self {
        case .bytes(let attachment, _), .spooled(let attachment, _): attachment
        }
    }
}
