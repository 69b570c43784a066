/// What the gateway's use cases refuse, beyond POP3 and pool errors.
public enum MailboxServiceError: Error, Equatable, Sendable {
    /// No message with this id in the mailbox (as this session sees it).
    case messageNotFound
    /// A pagination cursor this gateway did not issue.
    case invalidCursor
    /// The message is larger than the gateway serves.
    case messageTooLarge(limit: Int)
}
