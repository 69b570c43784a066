/// Finds the repeats of fields a message has only once (RFC 5322 §3.6, RFC 2045), so that the first of each
/// counts, as mail clients and Python's `email` read it. GMime 3.2 keeps the last `Subject` and
/// `Content-Type` and merges every `From`; with two Content-Types, the MIME structure of the first is lost.
///
/// Only the message's own header block is looked at (up to its first empty line). A repeat is renamed before
/// GMime sees it, by one byte (`Subject` becomes `Xubject`), so that the message keeps its length (for a
/// spooled file the byte is laid over the file's stream) and GMime keeps it as an unknown field;
/// `GMimeParsedMessage.headers()` gives the original name back by the field's offset.
struct RepeatedFields {
    /// The fields that count once, lower case.
    private static let names: Set<[UInt8]> = Set(
        [
            "date", "from", "sender", "reply-to", "to", "cc", "bcc", "message-id", "in-reply-to", "references",
            "subject", "content-type", "content-transfer-encoding", "content-disposition",
        ].map { Array($0.utf8) }
    )
    private static let longestName = 25

    /// The byte a repeat's name starts with once renamed.
    static let renamedInitial = UInt8(ascii: "X")

    private enum State {
        case lineStart
        case name
        case skippingLine
        /// After the empty line that ends the header block: nothing more to look at.
        case done
    }

    private var state = State.lineStart
    /// Whether the current line has a byte other than CR (a line without is the empty line).
    private var lineHasContent = false
    private var name: [UInt8] = []
    private var initial: UInt8 = 0
    private var nameStart = 0
    private var offset = 0
    private var seen: Set<[UInt8]> = []

    /// The offsets of the repeats' first bytes, with those bytes as they were, in input order.
    private(set) var repeats: [(offset: Int, initial: UInt8)] = []

    /// Whether the header block has ended.
    var isDone: Bool { self.state == .done }

    mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        for byte in bytes {
            guard self.state != .done else { return }
            self.consume(byte)
            self.offset += 1
        }
    }

    private mutating func consume(_ byte: UInt8) {
        if byte == UInt8(ascii: "\n") {
            self.state = self.lineHasContent ? .lineStart : .done
            self.lineHasContent = false
            return
        }
        if byte != UInt8(ascii: "\r") { self.lineHasContent = true }
        switch self.state {
        case .lineStart:
            if byte == UInt8(ascii: "\r") { return }
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                // A continuation line.
                self.state = .skippingLine
            } else {
                self.name.removeAll(keepingCapacity: true)
                self.name.append(Self.lowercased(byte))
                self.initial = byte
                self.nameStart = self.offset
                self.state = .name
            }
        case .name:
            if byte == UInt8(ascii: ":") {
                self.endName()
                self.state = .skippingLine
            } else if self.name.count < Self.longestName {
                self.name.append(Self.lowercased(byte))
            } else {
                self.state = .skippingLine
            }
        case .skippingLine, .done:
            break
        }
    }

    /// A field name ends at its colon (white space before the colon is allowed).
    private mutating func endName() {
        var name = self.name[...]
        while name.last == UInt8(ascii: " ") || name.last == UInt8(ascii: "\t") { name = name.dropLast() }
        let key = Array(name)
        if Self.names.contains(key), !self.seen.insert(key).inserted {
            self.repeats.append((self.nameStart, self.initial))
        }
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }

    /// The repeats in `bytes`.
    static func repeats(in bytes: [UInt8]) -> [(offset: Int, initial: UInt8)] {
        var scanner = RepeatedFields()
        bytes.withUnsafeBytes { scanner.feed($0) }
        return scanner.repeats
    }
}
