import Glibc

/// What the gateway's use cases refuse, beyond POP3 and pool errors.
public enum MailboxServiceError: Error, Equatable, Sendable {
    /// No message with this id in the mailbox (as this session sees it).
    case messageNotFound
    /// The message has no attachment with this id (the text and HTML bodies are not attachments).
    case attachmentNotFound
    /// A pagination cursor this gateway did not issue.
    case invalidCursor
    /// The message is larger than the gateway serves.
    case messageTooLarge(limit: Int)
    /// A large message could not be written to its temporary file (disk full, spool directory missing
    /// or not writable); `errno` says why.
    case spoolFailed(errno: Int32)

    /// What the system said about a spool failure, for a person; nil for the other cases.
    public var systemDetail: String? {
        guard case .spoolFailed(let code) = self else { return nil }
        return String(cString: strerror(code))
    }
}
