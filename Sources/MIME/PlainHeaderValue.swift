import CGMime

/// Header values that need no decoding at all, recognised byte by byte so that a listing does not pay
/// for GMime's general machinery (an address list object and its mailbox objects per header) on the
/// plain ASCII values most messages have. Anything the checks here do not positively recognise —
/// encoded words, quotes, comments, groups, several addresses, folding, 8-bit bytes, IDNA domains — is
/// left to GMime, and `Tests/MIMETests/PlainHeaderValueTests.swift` checks both paths agree.
enum PlainHeaderValue {
    /// The subject when the value is printable ASCII without an encoded word: the value itself without
    /// the white space around it.
    static func subject(_ text: UnsafePointer<CChar>) -> String? {
        guard let value = self.trimmedPrintable(text), !self.contains(value, UInt8(ascii: "="), UInt8(ascii: "?"))
        else { return nil }
        return String(decoding: value, as: UTF8.self)
    }

    /// The value as GMime's unfolding and decoding give it, when it is printable ASCII without an encoded
    /// word: then they only drop the spaces around it and its line ending, as this does.
    static func plainValue(_ text: UnsafePointer<CChar>) -> UnsafeBufferPointer<UInt8>? {
        guard let value = self.trimmedPrintable(text), !self.contains(value, UInt8(ascii: "="), UInt8(ascii: "?"))
        else { return nil }
        return value
    }

    /// The mailbox when the value is exactly one `local@domain` or `Display Name <local@domain>` whose
    /// name is words of letters, digits and a few safe symbols separated by single spaces.
    static func mailbox(_ text: UnsafePointer<CChar>) -> MailAddress? {
        guard let value = self.trimmedPrintable(text) else { return nil }
        guard let open = value.firstIndex(of: UInt8(ascii: "<")) else {
            return self.isAddress(value[...]) ? MailAddress(address: String(decoding: value, as: UTF8.self)) : nil
        }
        guard value.last == UInt8(ascii: ">") else { return nil }
        let address = value[(open + 1)..<(value.endIndex - 1)]
        var name = value[..<open]
        if name.last == UInt8(ascii: " ") { name = name.dropLast() }
        guard self.isAddress(address), name.isEmpty || self.isPlainPhrase(name) else { return nil }
        return MailAddress(
            name: name.isEmpty ? nil : String(decoding: name, as: UTF8.self),
            address: String(decoding: address, as: UTF8.self)
        )
    }

    /// The value without surrounding spaces and its final line ending, if every other byte is printable
    /// ASCII or a space (no tab, no folding, no control or 8-bit byte); nil otherwise.
    private static func trimmedPrintable(_ text: UnsafePointer<CChar>) -> UnsafeBufferPointer<UInt8>? {
        var bytes = UnsafeBufferPointer(
            start: UnsafeRawPointer(text).assumingMemoryBound(to: UInt8.self),
            count: strlen(text)
        )[...]
        // A raw value ends with its line's CRLF or LF, which GMime's unfolding drops like the spaces.
        if bytes.last == UInt8(ascii: "\n") {
            bytes = bytes.dropLast()
            if bytes.last == UInt8(ascii: "\r") { bytes = bytes.dropLast() }
        }
        guard bytes.allSatisfy({ (0x20...0x7E).contains($0) }) else { return nil }
        guard let first = bytes.firstIndex(where: { $0 != UInt8(ascii: " ") }),
            let last = bytes.lastIndex(where: { $0 != UInt8(ascii: " ") })
        else { return nil }
        return UnsafeBufferPointer(rebasing: bytes[first...last])
    }

    /// `local@domain`: a dot-atom of safe characters, one `@`, and a domain of letters, digits, hyphens
    /// and dots that is not an IDNA (`xn--`) name, which GMime would decode.
    private static func isAddress(_ address: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        guard let at = address.firstIndex(of: UInt8(ascii: "@")) else { return false }
        let local = address[..<at]
        let domain = address[(at + 1)...]
        return self.isDotAtom(local, allowed: self.isLocalCharacter)
            && self.isDotAtom(domain, allowed: self.isDomainCharacter)
            && !self.contains(domain, caseInsensitive: "xn--")
    }

    /// Words of safe characters, each starting with a letter or digit, separated by single spaces
    /// (GMime reads a name like `.` as no mailbox at all).
    private static func isPlainPhrase(_ phrase: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        var previous = UInt8(ascii: " ")
        for byte in phrase {
            let allowed =
                previous == UInt8(ascii: " ")
                ? self.isAlphanumeric(byte) : byte == UInt8(ascii: " ") || self.isPhraseCharacter(byte)
            guard allowed else { return false }
            previous = byte
        }
        return previous != UInt8(ascii: " ")
    }

    /// Non-empty dot-separated runs of `allowed` characters.
    private static func isDotAtom(_ text: Slice<UnsafeBufferPointer<UInt8>>, allowed: (UInt8) -> Bool) -> Bool {
        guard let first = text.first, let last = text.last, first != UInt8(ascii: "."), last != UInt8(ascii: ".")
        else { return false }
        var previous: UInt8 = 0
        for byte in text {
            if byte == UInt8(ascii: ".") {
                if previous == UInt8(ascii: ".") { return false }
            } else if !allowed(byte) {
                return false
            }
            previous = byte
        }
        return true
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        self.characterClasses[Int(byte)] & 8 != 0
    }

    /// Bit 1: allowed in a local part; bit 2: in a domain label; bit 4: in a plain display name; bit 8: a
    /// letter or digit.
    private static let characterClasses: [UInt8] = (0...255).map { (byte: Int) -> UInt8 in
        let character = UInt8(byte)
        let alphanumeric =
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(character | 0x20)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(character)
        let symbol = Array("!#$%&'*+-/^_`{|}~".utf8).contains(character)
        return (alphanumeric || symbol ? 1 : 0) | (alphanumeric || character == UInt8(ascii: "-") ? 2 : 0)
            | (alphanumeric || symbol || character == UInt8(ascii: ".") ? 4 : 0) | (alphanumeric ? 8 : 0)
    }

    private static func isLocalCharacter(_ byte: UInt8) -> Bool {
        self.characterClasses[Int(byte)] & 1 != 0
    }

    private static func isDomainCharacter(_ byte: UInt8) -> Bool {
        self.characterClasses[Int(byte)] & 2 != 0
    }

    private static func isPhraseCharacter(_ byte: UInt8) -> Bool {
        self.characterClasses[Int(byte)] & 4 != 0
    }

    private static func contains(_ bytes: UnsafeBufferPointer<UInt8>, _ first: UInt8, _ second: UInt8) -> Bool {
        zip(bytes, bytes.dropFirst()).contains { $0 == first && $1 == second }
    }

    private static func contains(
        _ bytes: Slice<UnsafeBufferPointer<UInt8>>,
        caseInsensitive needle: StaticString
    ) -> Bool {
        let pattern = UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
        guard bytes.count >= pattern.count else { return false }
        return (bytes.startIndex...(bytes.endIndex - pattern.count)).contains { start in
            zip(bytes[start...], pattern).allSatisfy { byte, expected in
                (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte) == expected
            }
        }
    }
}
