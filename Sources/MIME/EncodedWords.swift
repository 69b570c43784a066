import Basics
import Glibc

/// Rewrites the RFC 2047 encoded words of a raw header value so that GMime 3.2.13 decodes them as mail
/// clients do. Two of its faults are worked around:
///
/// - After a B word that ends in padding (`=?UTF-8?B?YQ==?=`), it drops the text of the encoded words that
///   follow (`=?UTF-8?B?YQ==?= =?UTF-8?B?Yg==?=` reads `a`, not `ab`).
/// - In an address field, a raw 8-bit byte inside a Q word (`=?iso-8859-1?Q?M\xFCller?=`, which many mailers
///   send) is read in the fallback charset before the word is decoded, giving mojibake.
///
/// So every B word becomes the Q word of the same bytes, and every raw 8-bit byte in a Q word becomes its
/// `=XX` escape. The words keep their charset (and language), so adjacent words of one charset still join
/// their bytes before conversion, as a character split across two words needs.
enum EncodedWords {
    /// The value rewritten, NUL-terminated; nil when it needs no rewriting (no B word and no raw 8-bit byte
    /// in a Q word), which is the common case and costs one scan.
    static func normalized(_ value: UnsafePointer<CChar>) -> [CChar]? {
        let bytes = UnsafeRawBufferPointer(start: value, count: strlen(value))
        var output: [UInt8] = []
        var copied = 0
        var index = 0
        while index + 1 < bytes.count {
            guard bytes[index] == UInt8(ascii: "="), bytes[index + 1] == UInt8(ascii: "?"),
                let word = Word(bytes, at: index), word.needsRewriting
            else {
                index += 1
                continue
            }
            if output.isEmpty { output.reserveCapacity(bytes.count + 64) }
            output.append(contentsOf: bytes[copied..<index])
            word.appendQuoted(to: &output)
            index = word.end
            copied = word.end
        }
        guard copied > 0 else { return nil }
        output.append(contentsOf: bytes[copied...])
        output.append(0)
        return output.map { CChar(bitPattern: $0) }
    }

    /// One `=?charset?encoding?text?=` in a value.
    private struct Word {
        let charset: UnsafeRawBufferPointer
        let isBase64: Bool
        let text: UnsafeRawBufferPointer
        /// The index just past the closing `?=`.
        let end: Int

        /// The word starting at `start` (at its `=?`); nil when none does.
        init?(_ bytes: UnsafeRawBufferPointer, at start: Int) {
            let question = UInt8(ascii: "?")
            var index = start + 2
            let charsetStart = index
            while index < bytes.count, bytes[index] != question, Self.isWordByte(bytes[index]) { index += 1 }
            guard index < bytes.count, bytes[index] == question, index > charsetStart else { return nil }
            let charsetEnd = index
            guard index + 2 < bytes.count, bytes[index + 2] == question else { return nil }
            switch bytes[index + 1] | 0x20 {
            case UInt8(ascii: "b"): self.isBase64 = true
            case UInt8(ascii: "q"): self.isBase64 = false
            default: return nil
            }
            index += 3
            let textStart = index
            while index < bytes.count, bytes[index] != question, Self.isWordByte(bytes[index]) { index += 1 }
            guard index + 1 < bytes.count, bytes[index] == question, bytes[index + 1] == UInt8(ascii: "=") else {
                return nil
            }
            self.charset = UnsafeRawBufferPointer(rebasing: bytes[charsetStart..<charsetEnd])
            self.text = UnsafeRawBufferPointer(rebasing: bytes[textStart..<index])
            self.end = index + 2
        }

        /// No white space or control byte stands inside a word; 8-bit bytes may (they are what is fixed).
        private static func isWordByte(_ byte: UInt8) -> Bool {
            byte > 0x20 && byte != 0x7F
        }

        var needsRewriting: Bool {
            self.isBase64 || self.text.contains { $0 >= 0x80 }
        }

        /// The word as a Q word of its decoded bytes: letters and digits as they are, every other byte
        /// `=XX` (which is valid Q in every header context).
        func appendQuoted(to output: inout [UInt8]) {
            output.append(contentsOf: [UInt8(ascii: "="), UInt8(ascii: "?")])
            output.append(contentsOf: self.charset)
            output.append(contentsOf: [UInt8(ascii: "?"), UInt8(ascii: "Q"), UInt8(ascii: "?")])
            if self.isBase64 {
                var decoder = Base64Decoder()
                var decoded: [UInt8] = []
                decoder.decode(self.text, into: &decoded)
                decoder.finish(into: &decoded)
                for byte in decoded { Self.appendEscaped(byte, to: &output) }
            } else {
                for byte in self.text {
                    if byte >= 0x80 { Self.appendEscaped(byte, to: &output) } else { output.append(byte) }
                }
            }
            output.append(contentsOf: [UInt8(ascii: "?"), UInt8(ascii: "=")])
        }

        private static func appendEscaped(_ byte: UInt8, to output: inout [UInt8]) {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"):
                output.append(byte)
            default:
                output.append(UInt8(ascii: "="))
                Hex.append(byte, to: &output, uppercase: true)
            }
        }
    }
}
