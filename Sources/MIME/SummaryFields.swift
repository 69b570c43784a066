/// The raw values of the header fields a summary reads, split out of a header block (RFC 5322 framing:
/// name, colon, value, folded continuation lines) without a String per field.
///
/// Each value is kept as GMime's own parser hands it to its decoders (its raw value): the bytes after the
/// colon through the line ending of the value's last line, continuation lines as they came, NUL-terminated,
/// so that the address parser reads exactly what it reads for a message (a folded quoted display name keeps
/// its CRLF).
///
/// Only regular header blocks are split here, where this framing and GMime's (3.2) certainly agree; any
/// other block is left to GMime (see `init`).
struct SummaryFields: ~Copyable {
    /// The fields a summary reads. The raw values are their lower-case names.
    enum Name: Int, CaseIterable {
        case subject, from, to, cc, replyTo, date, messageId, inReplyTo, references, contentType

        var lowercased: [UInt8] {
            switch self {
            case .subject: Array("subject".utf8)
            case .from: Array("from".utf8)
            case .to: Array("to".utf8)
            case .cc: Array("cc".utf8)
            case .replyTo: Array("reply-to".utf8)
            case .date: Array("date".utf8)
            case .messageId: Array("message-id".utf8)
            case .inReplyTo: Array("in-reply-to".utf8)
            case .references: Array("references".utf8)
            case .contentType: Array("content-type".utf8)
            }
        }

        static let all: [(name: Name, bytes: [UInt8])] = Name.allCases.map { ($0, $0.lowercased) }

        /// The field with this name, ASCII case-insensitively; nil for every other field.
        static func matching(_ name: ArraySlice<UInt8>) -> Name? {
            for candidate in self.all where candidate.bytes.count == name.count {
                if zip(candidate.bytes, name).allSatisfy({ expected, byte in
                    expected == (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte)
                }) {
                    return candidate.name
                }
            }
            return nil
        }
    }

    /// Per name, every value in input order, each NUL-terminated.
    private var values: [[[UInt8]]] = Array(repeating: [], count: Name.allCases.count)

    /// Nil when the block is not a regular one: when it does not start with a header field, has a line
    /// before the empty line that is neither a field nor a continuation, a field name with a space or a
    /// control byte in it (white space before the colon is allowed), or one longer than 1 KiB. GMime reads
    /// such blocks in ways this framing does not copy: it skips invalid lines after the first field but
    /// finds no field at all after an invalid first line (unless it is an mbox `From ` line), and gives up
    /// on a name of about 4 KiB. A repeated field is ignored: the first counts, as GMime sees it too once
    /// `RepeatedFields` has renamed the repeats.
    init?(_ block: [UInt8]) {
        // The block as GMime sees it: its last line ends with a line ending.
        let bytes = GMimeParsedMessage.terminatingHeaderBlock(block)
        let lineFeed = UInt8(ascii: "\n")
        var sawField = false
        // Where the value of the field before is, so that continuation lines can join it.
        var current: (name: Name, index: Int)?
        var index = 0
        while index < bytes.count {
            let lineEnd = bytes[index...].firstIndex(of: lineFeed) ?? bytes.count
            let next = min(lineEnd + 1, bytes.count)
            var line = bytes[index..<lineEnd]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            let lineWithEnding = bytes[index..<next]
            index = next
            guard let first = line.first else { break }
            if first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
                // A continuation line belongs to the field before it.
                guard sawField else { return nil }
                if let (name, position) = current {
                    self.values[name.rawValue][position].removeLast()
                    self.values[name.rawValue][position] += lineWithEnding
                    self.values[name.rawValue][position].append(0)
                }
                continue
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return nil }
            var name = line[..<colon]
            while name.last == UInt8(ascii: " ") || name.last == UInt8(ascii: "\t") { name = name.dropLast() }
            // GMime 3.2.13 gives up on a message with a field name of about 4 KiB or more (a fuzzed input had one
            // of 25,000 bytes); so long a name is never a real field, and such a block is left to GMime.
            guard !name.isEmpty, name.count <= Self.longestFieldName, !name.contains(where: Self.isSpaceOrControl)
            else { return nil }
            sawField = true
            current = nil
            // Only the first of each field counts (RepeatedFields renames the repeats for GMime).
            if let field = Name.matching(name), self.values[field.rawValue].isEmpty {
                var value = Array(bytes[(colon + 1)..<next])
                value.append(0)
                self.values[field.rawValue].append(value)
                current = (field, self.values[field.rawValue].count - 1)
            }
        }
        guard sawField else { return nil }
    }

    /// Longer field names are left to GMime (see `init`).
    private static let longestFieldName = 1024

    /// A byte GMime does not accept in a field name: a space, NUL or another control byte.
    private static func isSpaceOrControl(_ byte: UInt8) -> Bool {
        byte <= 0x20 || byte == 0x7F
    }

    func contains(_ name: Name) -> Bool {
        !self.values[name.rawValue].isEmpty
    }

    /// The first value of the field as a C string, handed to `body`; nil when the field is absent.
    func first<Result>(_ name: Name, _ body: (UnsafePointer<CChar>) -> Result?) -> Result? {
        guard let value = self.values[name.rawValue].first else { return nil }
        return Self.withCString(value, body)
    }

    /// Every value of the field, in input order, as C strings.
    func forEach(_ name: Name, _ body: (UnsafePointer<CChar>) -> Void) {
        for value in self.values[name.rawValue] { Self.withCString(value, body) }
    }

    /// A value as a C string; like GMime's own parser, a value ends at a NUL byte.
    private static func withCString<Result>(_ value: [UInt8], _ body: (UnsafePointer<CChar>) -> Result) -> Result {
        value.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { text in
                guard let start = text.baseAddress else { preconditionFailure("a NUL-terminated value is never empty") }
                return body(start)
            }
        }
    }
}
