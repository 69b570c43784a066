import CGMime

extension GMimeParsedMessage {
    /// The text and HTML bodies and the attachments: everything `MIMEParser.parseMessage` adds to the headers.
    func body() -> MessageBody {
        let bodies = self.bodyParts()
        let bodyPaths = Set([bodies.text?.path, bodies.html?.path].compactMap { $0 })
        return MessageBody(
            text: bodies.text.map(Self.text(of:)),
            html: bodies.html.map(Self.text(of:)),
            attachments: self.leafParts().filter { !bodyPaths.contains($0.path) }.map { node in
                self.attachment(node, size: GMimePartContent.size(of: node.object))
            }
        )
    }

    /// The parts a mail client shows as the message's text and HTML, chosen much as Python's
    /// `EmailMessage.get_body` chooses them (except that the last alternative wins): see
    /// `firstBody(ofSubtype:under:)`.
    func bodyParts() -> (text: GMimePartNode?, html: GMimePartNode?) {
        guard let root = self.rootPart else { return (nil, nil) }
        return (Self.firstBody(ofSubtype: "plain", under: root), Self.firstBody(ofSubtype: "html", under: root))
    }

    /// The first `text/<subtype>` leaf met in this walk: a multipart/alternative is searched from its last
    /// part to its first (RFC 2046 §5.1.4: the last is the sender's preferred form), a multipart/related
    /// only in its root (RFC 2387: the part its `start` parameter names, else the first), any other
    /// multipart (mixed, signed, report...) from its first part to its last. A part with
    /// `Content-Disposition: attachment`, and everything inside it, is never a body; nor is anything
    /// inside an embedded message/rfc822.
    ///
    /// A loop over a stack rather than recursion, so that stack use does not grow with the nesting depth.
    private static func firstBody(ofSubtype subtype: String, under root: GMimePartNode) -> GMimePartNode? {
        var pending = [root]
        while let node = pending.popLast() {
            guard !node.isAttachmentDisposition else { continue }
            if node.isMultipart {
                let children = node.children
                if node.hasType("multipart", "alternative") {
                    // The last child is popped first.
                    pending += children
                } else if node.hasType("multipart", "related") {
                    if let root = self.relatedRoot(of: node, children: children) {
                        pending.append(root)
                    }
                } else {
                    pending += children.reversed()
                }
            } else if pop3gw_is_text_part(node.object) != 0 || node.isBareText, node.hasType("text", subtype) {
                return node
            }
        }
        return nil
    }

    /// The child whose Content-ID the `start` parameter names, else the first child.
    private static func relatedRoot(of node: GMimePartNode, children: [GMimePartNode]) -> GMimePartNode? {
        if let start = node.contentTypeParameter("start"),
            let startID = String(ownedGLibString: g_mime_utils_decode_message_id(start)),
            let named = children.first(where: { $0.contentID == startID })
        {
            return named
        }
        return children.first
    }

    /// A body's decoded content as text (see `BodyText` for the charset and line endings).
    private static func text(of node: GMimePartNode) -> String {
        BodyText.string(GMimePartContent.bytes(of: node.object), declaredCharset: node.contentTypeParameter("charset"))
    }
}
