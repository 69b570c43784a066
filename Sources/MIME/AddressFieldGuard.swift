import Glibc

/// Keeps GMime's address-list parser within the stack of the thread that parses.
///
/// GMime 3.2 parses address fields (`From`, `To`, `Cc`, ...) recursively: every raw `:` in a value opens
/// a group, nested in the one before, whether it stands where a group may (`g:g:g:...`) or inside an
/// encoded word (`=?utf-8?Q?10:08:28?=`, common in machine-made display names). Each level costs about
/// 210 bytes of stack (measured with GMime 3.2.13 on x86_64: 4,000 levels need 823 KiB, 2,000 need
/// 415 KiB), so one message whose `To` holds 5,000 colons overflows a 1 MiB thread stack and kills the
/// process. GMime parses these fields as soon as it builds a message, for the top-level header block and
/// for every embedded message/rfc822 alike.
///
/// So before GMime sees the bytes, every line that starts an address field anywhere in the message (a
/// header block, an embedded message, or, harmlessly, a body line that looks like one) is measured; in a
/// field whose value holds more than `maximumColons` colons, every colon becomes a space. The field keeps
/// its name and its length, GMime reads it as one flat list without groups (a mailbox in angle brackets
/// is still found; nested group syntax leaves no mailbox), and at most `maximumColons` levels, about
/// 110 KiB of stack, are ever reached. No real address field has hundreds of colons, so only absurd ones
/// degrade. (Commas instead of spaces would keep more entries, but GMime takes seconds over a list of
/// tens of thousands of them.)
struct AddressFieldGuard {
    /// The most colons an address field's value may hold and still reach GMime as it is.
    static let maximumColons = 512

    /// The fields GMime parses as address lists (its own list, and the `Resent-` forms for good measure),
    /// lower case.
    private static let fieldNames: Set<[UInt8]> = Set(
        [
            "from", "sender", "reply-to", "to", "cc", "bcc", "resent-from", "resent-sender", "resent-reply-to",
            "resent-to", "resent-cc", "resent-bcc",
        ].map { Array($0.utf8) }
    )
    private static let longestFieldName = 15

    private enum State {
        /// At the first byte of a line.
        case lineStart
        /// Reading what may be a field name.
        case name
        /// Between a field name and its colon (`To :`).
        case beforeColon
        /// In the value of an address field.
        case value
        /// Just after a line feed inside an address field's value: a space or tab continues it.
        case valueLineEnd
        /// In a line that is not the start of an address field.
        case skippingLine
    }

    private var state = State.lineStart
    private var name: [UInt8] = []
    private var offset = 0
    private var valueStart = 0
    private var colons = 0

    /// The byte ranges of the values to defuse, in input order.
    private(set) var overLimit: [Range<Int>] = []

    init() {
        self.name.reserveCapacity(Self.longestFieldName)
    }

    /// Reads the next bytes of the message.
    mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress else { return }
        var index = 0
        while index < bytes.count {
            if self.state == .skippingLine {
                // Most of a message is lines that start no address field: jump to the next line feed.
                guard let lineFeed = memchr(base + index, 0x0A, bytes.count - index) else {
                    self.offset += bytes.count - index
                    return
                }
                let next = base.distance(to: lineFeed.assumingMemoryBound(to: UInt8.self))
                self.offset += next - index
                index = next
            }
            self.consume(bytes[index])
            self.offset += 1
            index += 1
        }
    }

    /// Ends the input: a field that runs to the last byte is measured too.
    mutating func finish() {
        if self.state == .value || self.state == .valueLineEnd {
            self.endField(at: self.offset)
        }
        self.state = .lineStart
    }

    private mutating func consume(_ byte: UInt8) {
        let lineFeed = UInt8(ascii: "\n")
        switch self.state {
        case .lineStart:
            self.startLine(with: byte)
        case .name:
            if Self.isNameByte(byte) {
                guard self.name.count < Self.longestFieldName else { return self.skip(byte) }
                self.name.append(byte | 0x20)
            } else if byte == UInt8(ascii: ":") {
                self.startValue()
            } else if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                self.state = .beforeColon
            } else {
                self.skip(byte)
            }
        case .beforeColon:
            if byte == UInt8(ascii: ":") {
                self.startValue()
            } else if byte != UInt8(ascii: " ") && byte != UInt8(ascii: "\t") {
                self.skip(byte)
            }
        case .value:
            if byte == UInt8(ascii: ":") {
                self.colons += 1
            } else if byte == lineFeed {
                self.state = .valueLineEnd
            }
        case .valueLineEnd:
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                self.state = .value
            } else {
                self.endField(at: self.offset)
                self.startLine(with: byte)
            }
        case .skippingLine:
            if byte == lineFeed { self.state = .lineStart }
        }
    }

    private mutating func startLine(with byte: UInt8) {
        // Every address field name starts with one of these letters; any other line is skipped at once.
        if Self.isInitialOfAFieldName(byte | 0x20) {
            self.name.removeAll(keepingCapacity: true)
            self.name.append(byte | 0x20)
            self.state = .name
        } else {
            self.skip(byte)
        }
    }

    private mutating func skip(_ byte: UInt8) {
        self.state = byte == UInt8(ascii: "\n") ? .lineStart : .skippingLine
    }

    private mutating func startValue() {
        guard Self.fieldNames.contains(self.name) else {
            self.state = .skippingLine
            return
        }
        self.state = .value
        self.valueStart = self.offset + 1
        self.colons = 0
    }

    private mutating func endField(at end: Int) {
        if self.colons > Self.maximumColons {
            self.overLimit.append(self.valueStart..<end)
        }
    }

    private static func isInitialOfAFieldName(_ lowercased: UInt8) -> Bool {
        switch lowercased {
        case UInt8(ascii: "f"), UInt8(ascii: "s"), UInt8(ascii: "r"), UInt8(ascii: "t"), UInt8(ascii: "c"),
            UInt8(ascii: "b"):
            true
        default:
            false
        }
    }

    /// Letters, digits and `-`: enough for every address field name (the `| 0x20` lower-casing is only
    /// applied to these).
    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }

    /// Every colon in `range` of `bytes` made a space.
    static func flatten(_ bytes: inout [UInt8], in range: Range<Int>) {
        for index in range where bytes[index] == UInt8(ascii: ":") {
            bytes[index] = UInt8(ascii: " ")
        }
    }

    /// The values of the over-limit address fields in `bytes`, in input order.
    static func overLimitFields(_ bytes: [UInt8]) -> [Range<Int>] {
        var guardian = AddressFieldGuard()
        bytes.withUnsafeBufferPointer { guardian.feed($0) }
        guardian.finish()
        return guardian.overLimit
    }

    /// The message with every over-limit address field flattened; nil when none is over the limit (the
    /// usual case, which costs one pass over the bytes and no copy).
    static func defused(_ bytes: [UInt8]) -> [UInt8]? {
        let ranges = self.overLimitFields(bytes)
        guard !ranges.isEmpty else { return nil }
        var copy = bytes
        for range in ranges {
            self.flatten(&copy, in: range)
        }
        return copy
    }

    /// Whether a NUL-terminated address field value holds more than `maximumColons` colons.
    static func isOverLimit(_ text: UnsafePointer<CChar>) -> Bool {
        var colons = 0
        var index = 0
        while text[index] != 0 {
            if text[index] == 0x3A {
                colons += 1
                if colons > self.maximumColons { return true }
            }
            index += 1
        }
        return false
    }
}
