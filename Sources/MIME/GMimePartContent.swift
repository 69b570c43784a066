import CGMime

/// A part's content as an attachment download gives it: a leaf part decoded from its
/// Content-Transfer-Encoding (base64 by `Base64Decoder`, the others by GMime's own decoders), an embedded
/// message as GMime writes it.
enum GMimePartContent {
    /// Writes the content of a leaf part to `consume`, in chunks of a few KiB (GMime's stream buffer),
    /// reading it from the parse's stream as it goes: a file-backed part is never loaded whole.
    ///
    /// A message/rfc822 part gives the embedded message with CRLF line endings, RFC 5322's canonical form:
    /// for a message that came with CRLF (as every POP3 message does) these are its bytes as they stood.
    /// A multipart gives nothing. `consume` returns false to stop early.
    static func write(_ object: UnsafeMutablePointer<GMimeObject>, to consume: (UnsafeRawBufferPointer) -> Bool) {
        if let part = pop3gw_object_as_part(object) {
            // No content at all (a part cut off before its body) is an empty part.
            guard let content = g_mime_part_get_content(part) else { return }
            if g_mime_data_wrapper_get_encoding(content) == GMIME_CONTENT_ENCODING_BASE64,
                let encoded = g_mime_data_wrapper_get_stream(content)
            {
                return self.decodeBase64(encoded, to: consume)
            }
            GMimeSinkStream.withStream(consuming: consume) { stream in
                // GMime's failure here is only ever `consume` stopping it or a read error on the stream; both
                // end the content early, which is all that can be done about them.
                _ = g_mime_data_wrapper_write_to_stream(content, stream)
            }
        } else if let messagePart = pop3gw_object_as_message_part(object) {
            guard let message = g_mime_message_part_get_message(messagePart),
                let format = g_mime_format_options_new()
            else { return }
            defer { g_mime_format_options_free(format) }
            g_mime_format_options_set_newline_format(format, GMIME_NEWLINE_FORMAT_DOS)
            GMimeSinkStream.withStream(consuming: consume) { stream in
                _ = g_mime_object_write_to_stream(pop3gw_message_as_object(message), format, stream)
            }
        }
    }

    /// Reads base64 content from its stream (the part's window on the message) and hands on its bytes.
    private static func decodeBase64(
        _ encoded: UnsafeMutablePointer<GMimeStream>,
        to consume: (UnsafeRawBufferPointer) -> Bool
    ) {
        let chunkSize = 16 * 1024
        guard g_mime_stream_reset(encoded) == 0 else { return }
        var decoder = Base64Decoder()
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: chunkSize) { input in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Base64Decoder.capacity(for: chunkSize)) { output in
                guard let inputBase = input.baseAddress, let outputBase = output.baseAddress else { return }
                while true {
                    let count = g_mime_stream_read(encoded, inputBase, chunkSize)
                    guard count > 0 else { break }
                    let written = decoder.decode(UnsafeRawBufferPointer(start: inputBase, count: count), to: outputBase)
                    guard written == 0 || consume(UnsafeRawBufferPointer(start: outputBase, count: written)) else {
                        return
                    }
                }
                var tail: [UInt8] = []
                decoder.finish(into: &tail)
                if !tail.isEmpty { _ = tail.withUnsafeBytes(consume) }
            }
        }
    }

    /// The content's length in bytes, decoded on the way and never held.
    static func size(of object: UnsafeMutablePointer<GMimeObject>) -> Int {
        var size = 0
        self.write(object) { chunk in
            size += chunk.count
            return true
        }
        return size
    }

    /// The whole content; for text bodies, which become one string anyway.
    static func bytes(of object: UnsafeMutablePointer<GMimeObject>) -> [UInt8] {
        var bytes: [UInt8] = []
        self.write(object) { chunk in
            bytes.append(contentsOf: chunk)
            return true
        }
        return bytes
    }
}
