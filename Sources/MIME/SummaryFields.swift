/// The raw values of the header fields a summary reads, split out of a header block (RFC 5322 framing:
/// name, colon, value, folded continuation lines) without a String per field.
///
/// Each value is kept as GMime's own parser would hand it to its decoders: the bytes after the colon,
/// continuation lines joined with a line feed, carriage returns before line ends removed, NUL-terminated.
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

    /// Nil when the block does not start with a header field; stops at the empty line or at the first
    /// line after a field that is neither a field nor a continuation.
    init?(_ bytes: [UInt8]) {
        let lineFeed = UInt8(ascii: "\n")
        var sawField = false
        // Where the value of the field before is, so that continuation lines can join it.
        var current: (name: Name, index: Int)?
        var index = 0
        while index < bytes.count {
            let lineEnd = bytes[index...].firstIndex(of: lineFeed) ?? bytes.count
            var line = bytes[index..<lineEnd]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            index = lineEnd + 1
            guard let first = line.first else { break }
            if first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
                // A continuation line belongs to the field before it.
                guard sawField else { return nil }
                if let (name, position) = current {
                    self.values[name.rawValue][position].removeLast()
                    self.values[name.rawValue][position] += CollectionOfOne(lineFeed)
                    self.values[name.rawValue][position] += line
                    self.values[name.rawValue][position].append(0)
                }
                continue
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex else {
                guard sawField else { return nil }
                break
            }
            sawField = true
            var name = line[..<colon]
            while name.last == UInt8(ascii: " ") || name.last == UInt8(ascii: "\t") { name = name.dropLast() }
            current = Name.matching(name).map { name in
                var value = Array(line[(colon + 1)...])
                value.append(0)
                self.values[name.rawValue].append(value)
                return (name, self.values[name.rawValue].count - 1)
            }
        }
        guard sawField else { return nil }
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
