import CGMime

extension GMimeParsedMessage {
    /// Every header field of the top-level header block, in the order of the input.
    ///
    /// GMime keeps the `Content-*` fields on the top-level MIME part, not on the message, so both lists
    /// are merged back by the fields' offsets in the input.
    func headers() -> [MessageHeader] {
        var fields = Self.fields(of: self.object, renamed: self.renamedFields)
        if let part = g_mime_message_get_mime_part(self.message) {
            fields += Self.fields(of: part, renamed: self.renamedFields)
        }
        // Stable, so two fields at one offset (never seen) keep GMime's order.
        let ordered = fields.enumerated().sorted { ($0.element.offset, $0.offset) < ($1.element.offset, $1.offset) }
        return ordered.map(\.element.header)
    }

    /// The fields that came from the input (GMime gives those an offset; any it made up itself has -1).
    /// A field with an empty name (GMime accepts a line `: value`) is left out: nothing could address it.
    /// A repeat renamed for GMime (`RepeatedFields`) gets its name back.
    private static func fields(
        of object: UnsafeMutablePointer<GMimeObject>,
        renamed: [Int: UInt8]
    ) -> [(offset: Int, header: MessageHeader)] {
        guard let list = g_mime_object_get_header_list(object) else { return [] }
        var fields: [(offset: Int, header: MessageHeader)] = []
        for index in 0..<max(0, g_mime_header_list_get_count(list)) {
            guard let header = g_mime_header_list_get_header_at(list, index) else { continue }
            let offset = Int(g_mime_header_get_offset(header))
            guard offset >= 0, var name = String(borrowedCString: g_mime_header_get_name(header)), !name.isEmpty
            else { continue }
            if let initial = renamed[offset] {
                name = String(decoding: [initial] + name.utf8.dropFirst(), as: UTF8.self)
            }
            // g_mime_header_get_value unfolds and decodes RFC 2047 (and raw 8-bit via the fallback charsets).
            let value = String(borrowedCString: g_mime_header_get_value(header)) ?? ""
            fields.append((offset, MessageHeader(name: name, value: value)))
        }
        return fields
    }
}
