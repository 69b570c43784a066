import CGMime

/// A listing's summary straight from the header fields: the block is split into fields here (RFC 5322
/// framing: name, colon, value, folded continuation lines) and every value is decoded by GMime's own
/// decoders, without building a GMime message, its header list and its MIME part for each header.
/// A listing parses hundreds of headers per request, so only the ten fields a summary reads are kept,
/// names are compared as bytes, and the common `text/*` and `multipart/mixed` content types are
/// recognised without a GMime object.
enum HeaderFieldSummary {
    /// Parser options with the fallback charsets, made once and only read afterwards.
    private final class SharedOptions: @unchecked Sendable {
        let options: OpaquePointer

        init() {
            GMimeLibrary.initializeOnce()
            guard let options = g_mime_parser_options_new() else { preconditionFailure("GMime is out of memory") }
            GMimeParsedMessage.setFallbackCharsets(options)
            self.options = options
        }
    }

    private static let shared = SharedOptions()

    /// The summary of a header block; an empty one when the block does not start with a header field.
    static func summary(of bytes: [UInt8]) -> MessageSummary {
        self.summary(of: bytes, options: self.shared.options) ?? MessageSummary()
    }

    /// The summary, or nil when the block does not start with a header field (GMime would find no
    /// message there either).
    static func summary(of bytes: [UInt8], options: OpaquePointer) -> MessageSummary? {
        guard let fields = SummaryFields(bytes) else { return nil }
        var summary = MessageSummary()
        summary.subject = fields.first(.subject) { text in
            if let plain = PlainHeaderValue.subject(text) { return plain }
            let unfolded = g_mime_utils_header_unfold(text)
            defer { g_free(unfolded) }
            return String(ownedGLibString: g_mime_utils_header_decode_text(options, unfolded))
        }
        summary.from = self.addresses(fields, .from, options)
        summary.to = self.addresses(fields, .to, options)
        summary.cc = self.addresses(fields, .cc, options)
        summary.replyTo = self.addresses(fields, .replyTo, options)
        summary.date = fields.first(.date) { text in
            guard let date = g_mime_utils_header_decode_date(text) else { return nil }
            defer { g_date_time_unref(date) }
            return ISO8601Date.string(date)
        }
        summary.messageId = fields.first(.messageId) { text in
            String(ownedGLibString: g_mime_utils_decode_message_id(text)).flatMap { $0.isEmpty ? nil : $0 }
        }
        summary.inReplyTo = fields.first(.inReplyTo) { self.messageIDs($0, options).first }
        summary.references = fields.first(.references) { self.messageIDs($0, options) } ?? []
        // No Content-Type means text/plain (RFC 2045 §5.2).
        summary.hasAttachments =
            fields.contains(.contentType) ? fields.first(.contentType) { self.hasAttachments($0, options) } : false
        return summary
    }

    private static func addresses(
        _ fields: borrowing SummaryFields,
        _ field: SummaryFields.Name,
        _ options: OpaquePointer
    ) -> [MailAddress] {
        var addresses: [MailAddress] = []
        fields.forEach(field) { text in
            if let plain = PlainHeaderValue.mailbox(text) { return addresses.append(plain) }
            guard let list = internet_address_list_parse(options, text) else { return }
            defer { g_object_unref(list) }
            GMimeParsedMessage.appendMailboxes(of: list, to: &addresses, depth: 0)
        }
        return addresses
    }

    private static func messageIDs(_ text: UnsafePointer<CChar>, _ options: OpaquePointer) -> [String] {
        guard let references = g_mime_references_parse(options, text) else { return [] }
        defer { g_mime_references_free(references) }
        return (0..<max(0, g_mime_references_length(references))).compactMap { index in
            String(borrowedCString: g_mime_references_get_message_id(references, index)).flatMap {
                $0.isEmpty ? nil : $0
            }
        }
    }

    /// See `MessageSummary.hasAttachments`.
    private static func hasAttachments(_ text: UnsafePointer<CChar>, _ options: OpaquePointer) -> Bool? {
        if let known = ContentTypePrefix.hasAttachments(text) { return known }
        guard let contentType = g_mime_content_type_parse(options, text) else { return false }
        defer { g_object_unref(contentType) }
        if g_mime_content_type_is_type(contentType, "multipart", "mixed") != 0 { return true }
        if g_mime_content_type_is_type(contentType, "text", "*") != 0 { return false }
        return nil
    }
}
