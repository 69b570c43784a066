/// The two content types nearly every message has, recognised from the first bytes of the value so that
/// a listing need not build a GMime content type (an object with a parameter list) per message.
enum ContentTypePrefix {
    /// `false` for `text/<token>…`, `true` for `multipart/mixed` followed by a parameter, space or the
    /// end, both ASCII case-insensitive after leading white space; nil for anything else (comments,
    /// odd spacing, other types), which GMime's parser then decides.
    static func hasAttachments(_ text: UnsafePointer<CChar>) -> Bool? {
        var index = 0
        while [UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n")].contains(UInt8(bitPattern: text[index])) {
            index += 1
        }
        if self.matches("text/", text, at: index) {
            return self.isAlphanumeric(UInt8(bitPattern: text[index + 5])) ? false : nil
        }
        if self.matches("multipart/mixed", text, at: index) {
            let next = UInt8(bitPattern: text[index + 15])
            return [0, UInt8(ascii: ";"), UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n")].contains(next)
                ? true : nil
        }
        return nil
    }

    /// Whether the NUL-terminated text has the lower-case ASCII `prefix` at `index`, in any case; stops at
    /// the NUL, so it never reads past the end.
    private static func matches(_ prefix: StaticString, _ text: UnsafePointer<CChar>, at index: Int) -> Bool {
        for offset in 0..<prefix.utf8CodeUnitCount {
            let byte = UInt8(bitPattern: text[index + offset])
            let lowered = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
            if lowered != prefix.utf8Start[offset] { return false }
        }
        return true
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
