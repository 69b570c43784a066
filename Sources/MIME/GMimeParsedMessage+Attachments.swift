import CGMime

extension GMimeParsedMessage {
    /// Streams the decoded content of the attachment at `path` to `write`; nil when no attachment has that
    /// path (no such part, a multipart, or one of the two bodies).
    func streamAttachment<Failure: Error>(
        at path: MIMEPartPath,
        to write: (UnsafeRawBufferPointer) throws(Failure) -> Void
    ) throws(Failure) -> MessageAttachment? {
        guard let node = self.part(at: path), !node.isMultipart else { return nil }
        let bodies = self.bodyParts()
        guard node.path != bodies.text?.path, node.path != bodies.html?.path else { return nil }
        var failure: Failure?
        var size = 0
        GMimePartContent.write(node.object) { chunk in
            guard !chunk.isEmpty else { return true }
            do throws(Failure) {
                try write(chunk)
            } catch {
                failure = error
                return false
            }
            size += chunk.count
            return true
        }
        if let failure {
            throw failure
        }
        return self.attachment(node, size: size)
    }

    /// The description of a leaf part whose decoded size is known.
    func attachment(_ node: GMimePartNode, size: Int) -> MessageAttachment {
        MessageAttachment(
            id: node.path.description,
            filename: node.filename,
            contentType: node.mediaType,
            size: size,
            contentId: node.contentID,
            disposition: node.isAttachmentDisposition ? "attachment" : "inline",
            message: self.embeddedSummary(node)
        )
    }

    /// The summary of a forwarded message; nil for any other part.
    private func embeddedSummary(_ node: GMimePartNode) -> MessageSummary? {
        if let messagePart = pop3gw_object_as_message_part(node.object) {
            guard let embedded = g_mime_message_part_get_message(messagePart) else { return MessageSummary() }
            return Self.summary(of: embedded, options: self.options)
        }
        // RFC 2046 allows no transfer encoding on message/rfc822, and GMime leaves an encoded one as a plain
        // part; its header block is decoded here and summarised like a listing's.
        guard node.hasType("message", "rfc822") || node.hasType("message", "global") else { return nil }
        return HeaderFieldSummary.summary(of: Self.headerBlock(of: node), options: self.options)
    }

    /// The most of a header block that is read from an encoded embedded message: far more than any real one.
    private static let maximumEmbeddedHeaderBlock = 256 * 1024

    /// The decoded content up to the end of its header block, without decoding the rest.
    private static func headerBlock(of node: GMimePartNode) -> [UInt8] {
        var bytes: [UInt8] = []
        GMimePartContent.write(node.object) { chunk in
            let searchStart = max(0, bytes.count - 3)
            bytes.append(contentsOf: chunk)
            let ended =
                bytes[searchStart...].firstRange(of: [0x0A, 0x0A]) != nil
                || bytes[searchStart...].firstRange(of: [0x0A, 0x0D, 0x0A]) != nil
            return !ended && bytes.count < self.maximumEmbeddedHeaderBlock
        }
        return bytes
    }
}
