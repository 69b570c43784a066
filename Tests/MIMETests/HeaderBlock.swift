/// Builds header blocks the way a POP3 server sends them: CRLF line endings and an empty line at the end.
enum HeaderBlock {
    /// The lines joined with CRLF, then the empty line that ends the header block.
    static func lines(_ lines: String...) -> [UInt8] {
        self.lines(lines)
    }

    /// The lines joined with CRLF, then the empty line that ends the header block.
    static func lines(_ lines: [String]) -> [UInt8] {
        self.rawLines(lines.map { Array($0.utf8) })
    }

    /// A header block where raw bytes (8-bit, NUL...) stand exactly as given; each element is one line.
    static func rawLines(_ lines: [UInt8]...) -> [UInt8] {
        self.rawLines(lines)
    }

    /// A header block where raw bytes (8-bit, NUL...) stand exactly as given; each element is one line.
    static func rawLines(_ lines: [[UInt8]]) -> [UInt8] {
        lines.flatMap { $0 + [0x0D, 0x0A] } + [0x0D, 0x0A]
    }
}
