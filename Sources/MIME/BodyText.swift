import CGMime

/// A text body's decoded bytes as a Swift string: converted to UTF-8 from the charset that fits, line
/// endings normalised.
///
/// The charset is chosen in this order, the first that fits winning:
/// 1. the declared `charset`, when every byte is valid in it;
/// 2. UTF-8, when every byte is valid in it: the most common mislabelling, and the usual content of a
///    part that declares no charset. Not for pure ASCII that the declared charset rejected: that is a
///    damaged 7-bit charset (an ISO-2022-JP body cut short), whose escape sequences ASCII would show;
/// 3. the declared charset again, invalid sequences replaced by U+FFFD, unless it is US-ASCII or UTF-8:
///    a Shift_JIS, Big5 or EUC-KR body with a few bytes outside the standard table (vendor extensions,
///    damage) stays readable, where a Western fallback would turn every character into mojibake;
/// 4. windows-1252, when every byte maps: bodies that declare no charset, US-ASCII or UTF-8 and hold
///    8-bit bytes are mostly Western text (the order of the header fallbacks, `GMimeParsedMessage.fallbackCharsets`);
/// 5. ISO-8859-1, which maps every byte, so that a body is never dropped.
///
/// Line endings become `"\n"`: CRLF and a lone CR each become one LF, whatever the source used.
enum BodyText {
    /// Labels that mailers put on whatever they send, so that invalid bytes under them mean another charset
    /// rather than a damaged body: they skip step 3. `x-unknown` is what some mailers write when they did
    /// not know, and GMime maps it to the locale's charset.
    private static let looselyDeclaredCharsets: Set<String> = [
        "us-ascii", "ascii", "ansi_x3.4-1968", "us", "iso646-us", "utf-8", "utf8", "x-unknown",
    ]

    static func string(_ bytes: [UInt8], declaredCharset: String?) -> String {
        String(decoding: self.normalizingLineEndings(self.utf8(bytes, declaredCharset: declaredCharset)), as: UTF8.self)
    }

    /// The bytes converted to UTF-8 by the rules above; always valid UTF-8.
    static func utf8(_ bytes: [UInt8], declaredCharset: String?) -> [UInt8] {
        let declared = declaredCharset?.trimmingCharacterSet(" \t").nonEmpty
        if let declared, let converted = CharsetConversion.utf8(bytes, from: declared, invalid: .fail) {
            return converted
        }
        if declared == nil || bytes.contains(where: { $0 >= 0x80 }), String(validating: bytes, as: UTF8.self) != nil {
            return bytes
        }
        if let declared, !self.isLooselyDeclared(declared),
            let converted = CharsetConversion.utf8(bytes, from: declared, invalid: .replace)
        {
            return converted
        }
        if let converted = CharsetConversion.utf8(bytes, from: "windows-1252", invalid: .fail) {
            return converted
        }
        // Only an iconv without ISO-8859-1 gets past this; then invalid UTF-8 becomes U+FFFD.
        return CharsetConversion.utf8(bytes, from: "iso-8859-1", invalid: .replace)
            ?? Array(String(decoding: bytes, as: UTF8.self).utf8)
    }

    /// CRLF and lone CR become LF. In UTF-8 a CR byte is always the character CR, never part of another.
    static func normalizingLineEndings(_ bytes: [UInt8]) -> [UInt8] {
        let carriageReturn = UInt8(ascii: "\r")
        let lineFeed = UInt8(ascii: "\n")
        guard bytes.contains(carriageReturn) else { return bytes }
        var normalized: [UInt8] = []
        normalized.reserveCapacity(bytes.count)
        var afterCarriageReturn = false
        for byte in bytes {
            if byte == lineFeed, afterCarriageReturn {
                // The LF of a CRLF, whose CR already became an LF.
                afterCarriageReturn = false
                continue
            }
            afterCarriageReturn = byte == carriageReturn
            normalized.append(afterCarriageReturn ? lineFeed : byte)
        }
        return normalized
    }

    private static func isLooselyDeclared(_ charset: String) -> Bool {
        let canonical = String(borrowedCString: g_mime_charset_canon_name(charset)) ?? charset
        return self.looselyDeclaredCharsets.contains(charset.lowercased())
            || self.looselyDeclaredCharsets.contains(canonical.lowercased())
    }
}

extension String {
    fileprivate func trimmingCharacterSet(_ characters: String) -> String {
        var text = Substring(self)
        while let first = text.first, characters.contains(first) { text.removeFirst() }
        while let last = text.last, characters.contains(last) { text.removeLast() }
        return String(text)
    }

    fileprivate var nonEmpty: String? {
        self.isEmpty ? nil : self
    }
}
