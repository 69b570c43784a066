import MIME

/// Builds whole messages the way a POP3 server sends them: every line ends in CRLF.
enum MessageLines {
    /// The lines, each followed by CRLF.
    static func crlf(_ lines: String...) -> [UInt8] {
        self.crlf(lines)
    }

    /// The lines, each followed by CRLF.
    static func crlf(_ lines: [String]) -> [UInt8] {
        lines.flatMap { Array($0.utf8) + [0x0D, 0x0A] }
    }

    /// A header block (lines and the empty line after them), then a body of raw bytes as given.
    static func message(headers: [String], body: [UInt8]) -> [UInt8] {
        self.crlf(headers + [""]) + body
    }
}

/// An attachment streamed whole into memory, for the tests' small attachments.
struct StreamedAttachment {
    var attachment: MessageAttachment?
    var bytes: [UInt8] = []
    var chunks = 0

    init(_ id: String, in message: [UInt8]) {
        var bytes: [UInt8] = []
        var chunks = 0
        self.attachment = MIMEParser.attachment(id, in: message) { chunk in
            bytes.append(contentsOf: chunk)
            chunks += 1
        }
        self.bytes = bytes
        self.chunks = chunks
    }
}
