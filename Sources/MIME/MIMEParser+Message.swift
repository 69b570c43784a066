extension MIMEParser {
    /// Decodes a whole message (the answer to `RETR n`): the same summary and headers as `parseHeaders`,
    /// and the body.
    ///
    /// Never fails: garbage, an empty input or a broken MIME structure (a missing closing boundary, a
    /// missing MIME-Version, multiparts nested deeper than GMime's limit of 1,024 levels, below which
    /// nothing is seen) give what could be read, never a crash.
    ///
    /// The bodies are chosen as a mail client chooses them (much like Python's `EmailMessage.get_body`):
    /// `text` is the text/plain part and `html` the text/html part found through multipart/alternative (its
    /// last matching part, the sender's preferred form), multipart/related (its root: the part its `start`
    /// parameter names, else the first) and multipart/mixed and any other multipart (the first matching
    /// part), nested to any depth. A part with `Content-Disposition: attachment` is never a body. A message
    /// that is not multipart is its own body when it is text/plain or text/html. Bodies are decoded from
    /// their transfer encoding and converted to UTF-8 (see `MessageBody` for the charset fallbacks), and
    /// their line endings are normalised to `"\n"`.
    ///
    /// Every other part that is not a multipart is an attachment, in the order of the message: inline
    /// images of a multipart/related, calendar invitations, a second text part. A forwarded message/rfc822
    /// is one attachment with its summary; the parts inside it are not listed. Each attachment's `size` is
    /// its decoded length, which costs decoding it once here.
    ///
    /// GMime parses its own copy of the bytes, so a message is in memory twice while it is parsed (the
    /// parts' contents stay windows on that copy); for a large message, spool it to a file and use
    /// `parseMessage(fileDescriptor:)`.
    public static func parseMessage(
        _ bytes: [UInt8]
    ) -> (summary: MessageSummary, headers: [MessageHeader], body: MessageBody) {
        // Not even an empty header block: the empty line GMimeParsedMessage would add must not become a body.
        guard !bytes.isEmpty, let message = GMimeParsedMessage(parsing: bytes) else {
            return (MessageSummary(), [], MessageBody())
        }
        return self.decoded(message)
    }

    /// `parseMessage(_:)` for a message that fills a file (offset 0 to the end, whatever the descriptor's
    /// offset), e.g. one spooled to a temporary file: GMime leaves every part's content in the file and
    /// reads it only while decoding it, so memory use does not grow with attachments. The bodies are read
    /// into memory, since they are returned as strings.
    ///
    /// The descriptor is not closed. It must be seekable (a pipe or a socket reads as an empty message),
    /// and must not be used by another call at the same time: GMime moves its offset.
    public static func parseMessage(
        fileDescriptor: Int32
    ) -> (summary: MessageSummary, headers: [MessageHeader], body: MessageBody) {
        guard let message = GMimeParsedMessage(fileDescriptor: fileDescriptor) else {
            return (MessageSummary(), [], MessageBody())
        }
        return self.decoded(message)
    }

    /// Streams one attachment's decoded bytes to `write`, in chunks of a few KiB, without building the
    /// whole content in memory (GMime decodes as it reads). The message is parsed again for each call,
    /// which decodes nothing but the one attachment.
    ///
    /// A forwarded message/rfc822 gives the embedded message with CRLF line endings (the bytes it had in a
    /// message that came with CRLF, as every POP3 message does).
    /// - Parameters:
    ///   - id: a `MessageAttachment.id` that `parseMessage` gave for these bytes.
    ///   - write: called with each chunk, which is valid only during the call. An error it throws stops
    ///     the decoding and is rethrown here.
    /// - Returns: the attachment's description, its `size` being the bytes written; nil when the message
    ///   has no attachment with that id (a body's id included), and then `write` is never called.
    public static func attachment<Failure: Error>(
        _ id: String,
        in bytes: [UInt8],
        write: (UnsafeRawBufferPointer) throws(Failure) -> Void
    ) throws(Failure) -> MessageAttachment? {
        guard let path = MIMEPartPath(id), let message = GMimeParsedMessage(parsing: bytes) else { return nil }
        return try message.streamAttachment(at: path, to: write)
    }

    /// `attachment(_:in:write:)` for a message that fills a file, under the rules of
    /// `parseMessage(fileDescriptor:)`: the content is read from the file as it is decoded.
    public static func attachment<Failure: Error>(
        _ id: String,
        fileDescriptor: Int32,
        write: (UnsafeRawBufferPointer) throws(Failure) -> Void
    ) throws(Failure) -> MessageAttachment? {
        guard let path = MIMEPartPath(id), let message = GMimeParsedMessage(fileDescriptor: fileDescriptor) else {
            return nil
        }
        return try message.streamAttachment(at: path, to: write)
    }

    /// Summary, headers and body of a parse; like `parseHeaders`, a message without a single header field
    /// gets an empty summary (its body is still what GMime found).
    private static func decoded(
        _ message: borrowing GMimeParsedMessage
    ) -> (summary: MessageSummary, headers: [MessageHeader], body: MessageBody) {
        let headers = message.headers()
        let body = message.body()
        guard !headers.isEmpty else {
            return (MessageSummary(), [], body)
        }
        return (message.summary(), headers, body)
    }
}
