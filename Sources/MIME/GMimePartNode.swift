import CGMime

/// One object of a parsed message's MIME tree with its path. Borrowed from the parse, like every GMime
/// pointer here: used only while the `GMimeParsedMessage` it came from lives, and never stored.
struct GMimePartNode {
    let object: UnsafeMutablePointer<GMimeObject>
    let path: MIMEPartPath

    /// Whether this is a multipart, the only kind of part with children.
    var isMultipart: Bool {
        pop3gw_is_multipart(self.object) != 0
    }

    /// The children of a multipart, in order; none for any other part.
    var children: [GMimePartNode] {
        guard let multipart = pop3gw_object_as_multipart(self.object) else { return [] }
        return (0..<max(0, g_mime_multipart_get_count(multipart))).compactMap { position in
            g_mime_multipart_get_part(multipart, position).map {
                GMimePartNode(object: $0, path: self.path.child(Int(position)))
            }
        }
    }

    /// Whether the media type matches; `"*"` matches any subtype. Case-insensitive, as GMime compares.
    func hasType(_ type: String, _ subtype: String) -> Bool {
        if self.isBareText { return type == "text" && (subtype == "plain" || subtype == "*") }
        guard let contentType = g_mime_object_get_content_type(self.object) else { return false }
        return g_mime_content_type_is_type(contentType, type, subtype) != 0
    }

    /// `type/subtype` in lower case; GMime gives every part one (`text/plain` when the header is missing).
    var mediaType: String {
        if self.isBareText { return "text/plain" }
        let contentType = g_mime_object_get_content_type(self.object)
        let mediaType = contentType.flatMap { String(ownedGLibString: g_mime_content_type_get_mime_type($0)) }
        return mediaType?.lowercased() ?? "application/octet-stream"
    }

    /// A `Content-Type` parameter, decoded by GMime (RFC 2231, quotes); nil when absent or empty. For a type
    /// GMime could not parse, from the parameters that follow it.
    func contentTypeParameter(_ name: String) -> String? {
        let parsed = String(borrowedCString: g_mime_object_get_content_type_parameter(self.object, name))
        return parsed.flatMap(Self.nonEmpty) ?? self.parameterOfInvalidContentType(name)
    }

    /// A `Content-Type` that is no `type/subtype` (`text`, `application-x-gzip`, `X-BE2; 12`), which GMime
    /// replaces by application/octet-stream without parameters; nil for any other. The field's raw value.
    private var invalidContentType: [UInt8]? {
        // GMime's stand-in for a type it could not parse; any other type was parsed, and is no concern here.
        guard let parsed = g_mime_object_get_content_type(self.object),
            g_mime_content_type_is_type(parsed, "application", "octet-stream") != 0,
            let raw = g_mime_object_get_header(self.object, "Content-Type")
        else { return nil }
        let value = Array(UnsafeRawBufferPointer(start: raw, count: strlen(raw)))
        let type = value.prefix { $0 != UInt8(ascii: ";") }
        return type.contains(UInt8(ascii: "/")) ? nil : value
    }

    /// `Content-Type: text` without a subtype, which is text/plain (RFC 2045 §5.2), like a missing one.
    var isBareText: Bool {
        guard let value = self.invalidContentType else { return false }
        let type = value.prefix { $0 != UInt8(ascii: ";") }.filter {
            $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t")
        }
        return type.count == 4 && String(decoding: type, as: UTF8.self).lowercased() == "text"
    }

    /// A parameter of an invalid `Content-Type` (see `invalidContentType`), read by GMime's parameter parser
    /// from the text after the first `;`, without the pieces that are no `name=value` (`X-BE2; 12; name=...`),
    /// which would stop it.
    private func parameterOfInvalidContentType(_ name: String) -> String? {
        guard let value = self.invalidContentType, let semicolon = value.firstIndex(of: UInt8(ascii: ";")) else {
            return nil
        }
        let pieces = Self.unquotedSplit(value[(semicolon + 1)...]).filter { $0.contains(UInt8(ascii: "=")) }
        let parameters = Array(pieces.joined(separator: [UInt8(ascii: ";")])) + [0]
        guard
            let list = parameters.withUnsafeBufferPointer({ buffer in
                buffer.withMemoryRebound(to: CChar.self) { g_mime_param_list_parse(nil, $0.baseAddress) }
            })
        else { return nil }
        defer { g_object_unref(list) }
        guard let parameter = g_mime_param_list_get_parameter(list, name) else { return nil }
        return String(borrowedCString: g_mime_param_get_value(parameter)).flatMap(Self.nonEmpty)
    }

    /// `Content-Disposition: attachment` (in any case); anything else, or no header, is inline.
    var isAttachmentDisposition: Bool {
        guard let disposition = g_mime_object_get_content_disposition(self.object) else { return false }
        return g_mime_content_disposition_is_attachment(disposition) != 0
    }

    /// `Content-ID` without the angle brackets.
    var contentID: String? {
        String(borrowedCString: g_mime_object_get_content_id(self.object)).flatMap(Self.nonEmpty)
    }

    /// The file name the sender gave: `g_mime_part_get_filename` decodes RFC 2231 and RFC 2047 and falls
    /// back from Content-Disposition's `filename` to Content-Type's `name`; a message/rfc822 part is no
    /// GMimePart, so the same two parameters are read directly.
    var filename: String? {
        if let part = pop3gw_object_as_part(self.object) {
            return String(borrowedCString: g_mime_part_get_filename(part)).flatMap(Self.nonEmpty)
                ?? self.parameterOfInvalidContentType("name")
        }
        let fromDisposition = String(
            borrowedCString: g_mime_object_get_content_disposition_parameter(self.object, "filename")
        )
        return fromDisposition.flatMap(Self.nonEmpty) ?? self.contentTypeParameter("name")
    }

    /// The pieces of a parameter list between the semicolons that stand outside quotes.
    private static func unquotedSplit(_ text: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var pieces: [ArraySlice<UInt8>] = []
        var start = text.startIndex
        var quoted = false
        var escaped = false
        for index in text.indices {
            let byte = text[index]
            if escaped {
                escaped = false
            } else if quoted && byte == UInt8(ascii: "\\") {
                escaped = true
            } else if byte == UInt8(ascii: "\"") {
                quoted.toggle()
            } else if !quoted && byte == UInt8(ascii: ";") {
                pieces.append(text[start..<index])
                start = index + 1
            }
        }
        pieces.append(text[start...])
        return pieces
    }

    private static func nonEmpty(_ string: String) -> String? {
        string.isEmpty ? nil : string
    }
}

extension GMimeParsedMessage {
    /// The top of the MIME tree; nil when the message has no content at all.
    var rootPart: GMimePartNode? {
        guard let object = g_mime_message_get_mime_part(self.message) else { return nil }
        let path: MIMEPartPath = pop3gw_is_multipart(object) != 0 ? .multipartRoot : .singlePart
        return GMimePartNode(object: object, path: path)
    }

    /// Every part that is not a multipart, in the order of the message. A message/rfc822 part is one
    /// leaf: its own parts are not entered.
    ///
    /// A loop over a stack, not recursion: GMime nests multiparts up to 1,024 deep, and this walk's stack
    /// use must not grow with a depth that the sender chooses.
    func leafParts() -> [GMimePartNode] {
        guard let root = self.rootPart else { return [] }
        var leaves: [GMimePartNode] = []
        var pending = [root]
        while let node = pending.popLast() {
            if node.isMultipart {
                // Reversed, so that the first child is taken next.
                pending += node.children.reversed()
            } else {
                leaves.append(node)
            }
        }
        return leaves
    }

    /// The part at a path, found by index at each level; nil when there is none.
    func part(at path: MIMEPartPath) -> GMimePartNode? {
        guard let root = self.rootPart else { return nil }
        guard root.isMultipart else { return path == root.path ? root : nil }
        var node = root
        for index in path.indices {
            let children = node.children
            guard index <= children.count else { return nil }
            node = children[index - 1]
        }
        return node
    }
}
