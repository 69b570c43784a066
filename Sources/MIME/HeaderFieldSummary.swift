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
        self.summary(of: bytes, options: self.shared.options)
    }

    /// The summary of a header block, exactly as `MIMEParser.parseHeaders` gives it. A block that
    /// `SummaryFields` does not split (no header field, or an irregular one), or with an address field
    /// that GMime's list parser refuses, is parsed by GMime instead.
    static func summary(of bytes: [UInt8], options: OpaquePointer) -> MessageSummary {
        guard let fields = SummaryFields(bytes),
            let from = self.addresses(fields, .from, options),
            let to = self.addresses(fields, .to, options),
            let cc = self.addresses(fields, .cc, options),
            let replyTo = self.addresses(fields, .replyTo, options)
        else { return MIMEParser.parseHeaders(bytes).summary }
        var summary = MessageSummary(from: from, to: to, cc: cc, replyTo: replyTo)
        // As a parse of the same bytes says it: any address field line in them, not only these four.
        summary.addressFieldsFlattened = !AddressFieldGuard.overLimitFields(bytes).isEmpty
        summary.subject = fields.first(.subject) { self.subject(raw: $0, options) }
        summary.date = fields.first(.date) { raw in
            self.withDecodedValue(raw, options, ISO8601Date.string(parsing:))
        }
        summary.messageId = fields.first(.messageId) { raw in
            self.withDecodedValue(raw, options) { text in
                String(ownedGLibString: g_mime_utils_decode_message_id(text)).flatMap { $0.isEmpty ? nil : $0 }
            }
        }
        summary.inReplyTo = fields.first(.inReplyTo) { raw in
            self.withDecodedValue(raw, options) { self.messageIDs($0, options).first }
        }
        summary.references =
            fields.first(.references) { raw in self.withDecodedValue(raw, options) { self.messageIDs($0, options) } }
            ?? []
        // No Content-Type means text/plain (RFC 2045 §5.2).
        summary.hasAttachments =
            fields.contains(.contentType)
            ? fields.first(.contentType) { raw in
                self.withDecodedValue(raw, options) { self.hasAttachments($0, options) }
            } : false
        return summary
    }

    /// Hands `body` the value as GMime's header value is (`g_mime_header_get_value`), which a message's
    /// date, message ids and content type are parsed from: unfolded and with encoded words decoded, which
    /// also drops a CR inside the value. A plain value (printable ASCII without `=?`) only loses the spaces
    /// around it and its line ending, which is done here without the two GMime calls. The addresses are
    /// parsed from the raw value, as GMime parses them.
    private static func withDecodedValue<Result>(
        _ raw: UnsafePointer<CChar>,
        _ options: OpaquePointer,
        _ body: (UnsafePointer<CChar>) -> Result?
    ) -> Result? {
        if let plain = PlainHeaderValue.plainValue(raw) {
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: plain.count + 1) { buffer in
                _ = buffer.initialize(fromContentsOf: plain)
                buffer[plain.count] = 0
                guard let start = buffer.baseAddress else { preconditionFailure("a buffer of one byte or more") }
                return UnsafeRawPointer(start).withMemoryRebound(to: CChar.self, capacity: plain.count + 1, body)
            }
        }
        let unfolded = g_mime_utils_header_unfold(raw)
        defer { g_free(unfolded) }
        guard let decoded = g_mime_utils_header_decode_text(options, unfolded) else { return nil }
        defer { g_free(decoded) }
        return body(decoded)
    }

    /// The subject from a `Subject` field's raw value: unfolded, its encoded words decoded (after
    /// `EncodedWords` has worked around GMime's faults). A message's summary reads it the same way.
    static func subject(raw: UnsafePointer<CChar>, _ options: OpaquePointer) -> String? {
        if let plain = PlainHeaderValue.subject(raw) { return plain }
        let normalized = EncodedWords.normalized(raw)
        let unfolded =
            normalized.map { $0.withUnsafeBufferPointer { g_mime_utils_header_unfold($0.baseAddress) } }
            ?? g_mime_utils_header_unfold(raw)
        defer { g_free(unfolded) }
        return String(ownedGLibString: g_mime_utils_header_decode_text(options, unfolded))
    }

    /// The mailboxes of an address field's raw value, groups replaced by their members; nil when GMime's list
    /// parser refuses a value that is not blank. A message parsed by GMime keeps the addresses before the
    /// error in such a value, which the public parser does not give (it returns nothing), so such a value
    /// is left to GMime. A message's summary reads the field the same way.
    static func addresses(raw text: UnsafePointer<CChar>, _ options: OpaquePointer) -> [MailAddress]? {
        if let plain = PlainHeaderValue.mailbox(text) { return [plain] }
        // Flattened first, as a whole message's field is before GMime parses it (AddressFieldGuard), then
        // its encoded words rewritten: both paths do the two in this order, and so agree.
        var prepared: [CChar]?
        if AddressFieldGuard.isOverLimit(text) {
            var flat = Array(UnsafeRawBufferPointer(start: text, count: strlen(text) + 1))
            AddressFieldGuard.flatten(&flat, in: flat.indices)
            let flattened = flat.map { CChar(bitPattern: $0) }
            prepared =
                flattened.withUnsafeBufferPointer { buffer in
                    buffer.baseAddress.flatMap(EncodedWords.normalized)
                } ?? flattened
        } else {
            prepared = EncodedWords.normalized(text)
        }
        var parsed =
            prepared.map { $0.withUnsafeBufferPointer { internet_address_list_parse(options, $0.baseAddress) } }
            ?? internet_address_list_parse(options, text)
        var standsIn = false
        if parsed == nil, let withStandIns = self.emptyAddressesStoodIn(prepared, text) {
            parsed = withStandIns.withUnsafeBufferPointer { internet_address_list_parse(options, $0.baseAddress) }
            standsIn = true
        }
        guard let list = parsed else { return Self.isBlank(text) ? [] : nil }
        defer { g_object_unref(list) }
        var addresses: [MailAddress] = []
        GMimeParsedMessage.appendMailboxes(of: list, to: &addresses, depth: 0)
        if standsIn {
            // The entry stays for its name; a bare `<>` names nobody and is left out, as before.
            addresses = addresses.compactMap { address in
                guard address.address == Self.emptyAddressStandIn else { return address }
                return address.name.map { MailAddress(name: $0, address: "") }
            }
        }
        return addresses
    }

    /// What stands in for an empty address (`MAILER DAEMON <>`, as bounces are sent), which GMime's list
    /// parser refuses: a `.invalid` domain (RFC 2606) that no real mailbox has.
    private static let emptyAddressStandIn = "empty-address@pop3-gateway.invalid"

    /// The value with every `<>` made `<stand-in>`; nil when it has none.
    private static func emptyAddressesStoodIn(_ prepared: [CChar]?, _ text: UnsafePointer<CChar>) -> [CChar]? {
        let bytes =
            prepared.map { $0.dropLast().map { UInt8(bitPattern: $0) } }
            ?? Array(UnsafeRawBufferPointer(start: text, count: strlen(text)))
        let empty: [UInt8] = [UInt8(ascii: "<"), UInt8(ascii: ">")]
        guard bytes.firstRange(of: empty) != nil else { return nil }
        var replaced = bytes
        replaced.replace(empty, with: Array("<\(Self.emptyAddressStandIn)>".utf8))
        return replaced.map { CChar(bitPattern: $0) } + [0]
    }

    /// The mailboxes of the (first) value of an address field; nil when it is refused (see above).
    private static func addresses(
        _ fields: borrowing SummaryFields,
        _ field: SummaryFields.Name,
        _ options: OpaquePointer
    ) -> [MailAddress]? {
        fields.first(field) { self.addresses(raw: $0, options) } ?? (fields.contains(field) ? nil : [])
    }

    /// Whether a value is only spaces, tabs and line endings (which GMime reads as no address at all).
    private static func isBlank(_ text: UnsafePointer<CChar>) -> Bool {
        var index = 0
        while text[index] != 0 {
            guard [0x20, 0x09, 0x0D, 0x0A].contains(text[index]) else { return false }
            index += 1
        }
        return true
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
