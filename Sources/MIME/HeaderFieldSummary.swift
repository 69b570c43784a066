import CGMime

/// A listing's summary straight from the header fields: the block is split into fields here (RFC 5322
/// framing: name, colon, value, folded continuation lines) and every value is decoded by GMime's own
/// decoders, without building a GMime message, its header list and its MIME part for each header.
/// A listing parses hundreds of headers per request, and the message object was most of that cost.
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
        guard let fields = self.fields(of: bytes) else { return nil }
        func first(_ name: String) -> [UInt8]? { fields.first { $0.name == name }?.value }
        func all(_ name: String) -> [[UInt8]] { fields.filter { $0.name == name }.map(\.value) }

        var summary = MessageSummary()
        summary.subject = first("subject").flatMap { value in
            self.withCString(value) { text in
                let unfolded = g_mime_utils_header_unfold(text)
                defer { g_free(unfolded) }
                return String(ownedGLibString: g_mime_utils_header_decode_text(options, unfolded))
            }
        }
        summary.from = self.addresses(all("from"), options)
        summary.to = self.addresses(all("to"), options)
        summary.cc = self.addresses(all("cc"), options)
        summary.replyTo = self.addresses(all("reply-to"), options)
        summary.date = first("date").flatMap { value in
            self.withCString(value) { text in
                guard let date = g_mime_utils_header_decode_date(text) else { return nil }
                defer { g_date_time_unref(date) }
                return String(ownedGLibString: g_date_time_format(date, "%C%y-%m-%dT%H:%M:%S%:z"))
            }
        }
        summary.messageId = first("message-id").flatMap { value in
            self.withCString(value) { String(ownedGLibString: g_mime_utils_decode_message_id($0)) }
        }.flatMap { $0.isEmpty ? nil : $0 }
        summary.inReplyTo = first("in-reply-to").flatMap { self.messageIDs($0, options).first }
        summary.references = first("references").map { self.messageIDs($0, options) } ?? []
        summary.hasAttachments = self.hasAttachments(first("content-type"), options)
        return summary
    }

    /// Header fields with lower-cased names and raw (still folded, still encoded) values; nil when the
    /// first line is not a field.
    static func fields(of bytes: [UInt8]) -> [(name: String, value: [UInt8])]? {
        var fields: [(name: String, value: [UInt8])] = []
        var index = 0
        while index < bytes.count {
            let lineEnd = bytes[index...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            var line = bytes[index..<lineEnd]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            index = lineEnd + 1
            if line.isEmpty { break }
            if line.first == UInt8(ascii: " ") || line.first == UInt8(ascii: "\t") {
                // A continuation line belongs to the field before it.
                guard !fields.isEmpty else { return nil }
                fields[fields.count - 1].value += [UInt8(ascii: "\n")] + line
                continue
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex else {
                if fields.isEmpty { return nil }
                break
            }
            let name = String(decoding: line[..<colon], as: UTF8.self).trimmingTrailingSpaces().lowercased()
            fields.append((name, Array(line[(colon + 1)...])))
        }
        return fields.isEmpty ? nil : fields
    }

    private static func addresses(_ values: [[UInt8]], _ options: OpaquePointer) -> [MailAddress] {
        var addresses: [MailAddress] = []
        for value in values {
            self.withCString(value) { text in
                guard let list = internet_address_list_parse(options, text) else { return }
                defer { g_object_unref(list) }
                GMimeParsedMessage.appendMailboxes(of: list, to: &addresses, depth: 0)
            }
        }
        return addresses
    }

    private static func messageIDs(_ value: [UInt8], _ options: OpaquePointer) -> [String] {
        self.withCString(value) { text in
            guard let references = g_mime_references_parse(options, text) else { return [] }
            defer { g_mime_references_free(references) }
            return (0..<max(0, g_mime_references_length(references))).compactMap { index in
                String(borrowedCString: g_mime_references_get_message_id(references, index)).flatMap {
                    $0.isEmpty ? nil : $0
                }
            }
        }
    }

    /// See `MessageSummary.hasAttachments`; no Content-Type means text/plain (RFC 2045 §5.2).
    private static func hasAttachments(_ value: [UInt8]?, _ options: OpaquePointer) -> Bool? {
        guard let value else { return false }
        return self.withCString(value) { text in
            guard let contentType = g_mime_content_type_parse(options, text) else { return false }
            defer { g_object_unref(contentType) }
            if g_mime_content_type_is_type(contentType, "multipart", "mixed") != 0 { return true }
            if g_mime_content_type_is_type(contentType, "text", "*") != 0 { return false }
            return nil
        }
    }

    /// The value as a C string; like GMime's own parser, a value ends at a NUL byte.
    private static func withCString<Result>(_ value: [UInt8], _ body: (UnsafePointer<CChar>) -> Result) -> Result {
        (value + [0]).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { text in
                guard let start = text.baseAddress else { preconditionFailure("a NUL-terminated copy is never empty") }
                return body(start)
            }
        }
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var text = Substring(self)
        while text.last == " " || text.last == "\t" { text.removeLast() }
        return String(text)
    }
}
