import CGMime

extension GMimeParsedMessage {
    /// The listing fields, each from the GMime call that parses it.
    func summary() -> MessageSummary {
        MessageSummary(
            subject: String(borrowedCString: g_mime_message_get_subject(self.message)),
            from: self.addresses(GMIME_ADDRESS_TYPE_FROM),
            to: self.addresses(GMIME_ADDRESS_TYPE_TO),
            cc: self.addresses(GMIME_ADDRESS_TYPE_CC),
            replyTo: self.addresses(GMIME_ADDRESS_TYPE_REPLY_TO),
            date: self.date(),
            messageId: self.nonEmpty(String(borrowedCString: g_mime_message_get_message_id(self.message))),
            inReplyTo: self.messageIDs(inHeaderNamed: "In-Reply-To").first,
            references: self.messageIDs(inHeaderNamed: "References"),
            hasAttachments: self.hasAttachments()
        )
    }

    /// The `Date` as ISO 8601 in the message's own offset; nil when GMime could not parse it.
    private func date() -> String? {
        g_mime_message_get_date(self.message).map(ISO8601Date.string)
    }

    /// The `<...>` message ids of a header, brackets removed; words outside brackets are ignored.
    private func messageIDs(inHeaderNamed name: String) -> [String] {
        guard let value = g_mime_object_get_header(self.object, name),
            let references = g_mime_references_parse(self.options, value)
        else { return [] }
        defer { g_mime_references_free(references) }
        return (0..<max(0, g_mime_references_length(references))).compactMap { index in
            self.nonEmpty(String(borrowedCString: g_mime_references_get_message_id(references, index)))
        }
    }

    /// See `MessageSummary.hasAttachments`: only the top-level content type is known from a header block.
    private func hasAttachments() -> Bool? {
        guard let part = g_mime_message_get_mime_part(self.message),
            let contentType = g_mime_object_get_content_type(part)
        else { return nil }
        if g_mime_content_type_is_type(contentType, "multipart", "mixed") != 0 {
            return true
        }
        if g_mime_content_type_is_type(contentType, "text", "*") != 0 {
            return false
        }
        return nil
    }

    private func nonEmpty(_ string: String?) -> String? {
        string?.isEmpty == false ? string : nil
    }
}
