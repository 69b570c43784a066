import MIME
public import POP3
import POP3Client

extension MailboxService {
    /// A message fetched to be decoded.
    enum FetchedMessage {
        /// From the cache, or RETR into memory (then cached): at most the streaming threshold, unless cached.
        case bytes([UInt8])
        /// RETR into an anonymous temporary file: a message over the streaming threshold, never held whole.
        case spooled(SpooledMessage)
    }

    /// The message's listing entry (number and size as this session sees them), without fetching it: enough
    /// for a validator, so that `If-None-Match` is answered before anything is downloaded.
    public func messageInfo(_ credentials: POP3Credentials, id: String) throws -> POP3MessageInfo {
        try self.pool.withSession(for: self.key(credentials), credentials: credentials, retryIdempotent: true) {
            session in
            guard let info = try session.listing().byUID[id] else { throw MailboxServiceError.messageNotFound }
            return info
        }
    }

    /// One attachment of the message, decoded: in memory for a cached or small message, else from a spool
    /// file the caller streams from (`SpooledMessage.writeAttachment`) after the session is released.
    /// - Parameter attachmentId: a `MessageAttachment.id` (`2`, `2.1.3`).
    /// - Throws: `MailboxServiceError` (`.attachmentNotFound` for an id that is no attachment, a body's
    ///   included), `POP3Error`, `SessionPoolError`.
    public func attachment(
        _ credentials: POP3Credentials,
        id: String,
        attachmentId: String
    ) throws -> (info: POP3MessageInfo, source: AttachmentSource) {
        let (info, fetched) = try self.fetch(credentials, id: id)
        switch fetched {
        case .bytes(let raw):
            var decoded: [UInt8] = []
            let found = MIMEParser.attachment(attachmentId, in: raw) { (chunk: UnsafeRawBufferPointer) in
                decoded.append(contentsOf: chunk)
            }
            guard let attachment = found else { throw MailboxServiceError.attachmentNotFound }
            return (info, .bytes(attachment, decoded))
        case .spooled(let spool):
            guard let attachment = spool.attachment(attachmentId) else { throw MailboxServiceError.attachmentNotFound }
            return (info, .spooled(attachment, spool))
        }
    }

    /// The message from the cache, by RETR into memory, or, over the streaming threshold, by RETR into a
    /// spool file. The session is held only for RETR: decoding happens after it is back in the pool.
    func fetch(_ credentials: POP3Credentials, id: String) throws -> (info: POP3MessageInfo, message: FetchedMessage) {
        let fingerprint = self.fingerprint(credentials)
        let key = self.key(credentials)
        return try self.pool.withSession(for: key, credentials: credentials, retryIdempotent: true) { session in
            guard let info = try session.listing().byUID[id] else { throw MailboxServiceError.messageNotFound }
            let cacheKey = self.cacheKey(key, info)
            if let raw = self.cache.message(for: cacheKey, fingerprint: fingerprint) { return (info, .bytes(raw)) }
            guard info.size > self.streamingThreshold else {
                return (
                    info,
                    .bytes(try self.retrieveWhole(info, on: session, cacheKey: cacheKey, fingerprint: fingerprint))
                )
            }
            // A retry after a broken session runs this again and starts a new spool; the old one closes.
            return (info, .spooled(try self.spool(info, on: session)))
        }
    }

    /// RETR into a new spool file, chunk by chunk. Nothing is cached: the message is large.
    private func spool(_ info: POP3MessageInfo, on session: UpstreamSession) throws -> SpooledMessage {
        guard info.size <= self.maxMessageSize else {
            throw MailboxServiceError.messageTooLarge(limit: self.maxMessageSize)
        }
        let spool = try SpooledMessage(directory: self.spoolDirectory)
        var delivered = 0
        do {
            try session.client.retrieve(info.number) { chunk in
                delivered += chunk.count
                // LIST sizes are hints (docs/pop3-notes.md §20): the cap is enforced on what actually arrives.
                guard delivered <= self.maxMessageSize else {
                    throw MailboxServiceError.messageTooLarge(limit: self.maxMessageSize)
                }
                try spool.append(chunk)
            }
        } catch let error as POP3Error where error.code == .commandFailed {
            throw MailboxServiceError.messageNotFound
        }
        return spool
    }
}
