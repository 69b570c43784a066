/// Byte-level helpers for a protocol whose framing is ASCII and whose content is arbitrary bytes.
enum ASCII {
    static let cr = UInt8(ascii: "\r")
    static let lf = UInt8(ascii: "\n")
    static let dot = UInt8(ascii: ".")
    static let space = UInt8(ascii: " ")

    static func uppercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) ? byte - 0x20 : byte
    }

    static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    /// Parses a non-negative decimal number of at most `maxDigits` digits, rejecting signs,
    /// spaces and overflow: server-sent numbers are validated, never trusted (docs/pop3-notes.md §8).
    static func parseNumber<Bytes: Collection<UInt8>>(_ bytes: Bytes, maxDigits: Int = 18) -> Int? {
        guard !bytes.isEmpty, bytes.count <= maxDigits else { return nil }
        var value = 0
        for byte in bytes {
            guard isDigit(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    /// Drops one trailing LF and then one trailing CR.
    static func trimmingLineEnding(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var line = line
        if line.last == lf { line.removeLast() }
        if line.last == cr { line.removeLast() }
        return line
    }
}
