import CGMime

extension GMimeParsedMessage {
    /// The listing fields, each from the GMime call that parses it.
    func summary() -> MessageSummary {
        var summary = Self.summary(of: self.message, options: self.options)
        summary.addressFieldsFlattened = self.flattenedAddressFields
        return summary
    }

    /// The listing fields of a GMime message: the parsed one, or a message/rfc822 embedded in it (borrowed
    /// from the parse, like every pointer here).
    static func summary(of message: UnsafeMutablePointer<GMimeMessage>, options: OpaquePointer) -> MessageSummary {
        let object: UnsafeMutablePointer<GMimeObject> = pop3gw_message_as_object(message)
        // The summary fields from their raw values, as a listing reads them (HeaderFieldSummary); GMime's own
        // address lists only where its list parser refuses a value.
        let list = g_mime_object_get_header_list(object)
        func raw(_ name: String) -> UnsafePointer<CChar>? {
            list.flatMap { g_mime_header_list_get_header($0, name) }.flatMap { g_mime_header_get_raw_value($0) }
        }
        func addresses(_ name: String, _ type: GMimeAddressType) -> [MailAddress] {
            guard let value = raw(name) else { return [] }
            return HeaderFieldSummary.addresses(raw: value, options) ?? self.addresses(of: message, type)
        }
        return MessageSummary(
            subject: raw("Subject").flatMap { HeaderFieldSummary.subject(raw: $0, options) },
            from: addresses("From", GMIME_ADDRESS_TYPE_FROM),
            to: addresses("To", GMIME_ADDRESS_TYPE_TO),
            cc: addresses("Cc", GMIME_ADDRESS_TYPE_CC),
            replyTo: addresses("Reply-To", GMIME_ADDRESS_TYPE_REPLY_TO),
            date: g_mime_object_get_header(object, "Date").flatMap(ISO8601Date.string(parsing:)),
            messageId: self.nonEmpty(String(borrowedCString: g_mime_message_get_message_id(message))),
            inReplyTo: self.messageIDs(of: object, inHeaderNamed: "In-Reply-To", options: options).first,
            references: self.messageIDs(of: object, inHeaderNamed: "References", options: options),
            hasAttachments: self.hasAttachments(message)
        )
    }

    /// The `<...>` message ids of a header, brackets removed; words outside brackets are ignored.
    private static func messageIDs(
        of object: UnsafeMutablePointer<GMimeObject>,
        inHeaderNamed name: String,
        options: OpaquePointer
    ) -> [String] {
        guard let value = g_mime_object_get_header(object, name),
            let references = g_mime_references_parse(options, value)
        else { return [] }
        defer { g_mime_references_free(references) }
        return (0..<max(0, g_mime_references_length(references))).compactMap { index in
            self.nonEmpty(String(borrowedCString: g_mime_references_get_message_id(references, index)))
        }
    }

    /// See `MessageSummary.hasAttachments`: only the top-level content type is known from a header block.
    private static func hasAttachments(_ message: UnsafeMutablePointer<GMimeMessage>) -> Bool? {
        guard let part = g_mime_message_get_mime_part(message),
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

    private static func nonEmpty(_ string: String?) -> String? {
        string?.isEmpty == false ? string : nil
    }
}
