import CGMime
import Glibc

/// Converts text to UTF-8 with iconv, opened through GMime (`g_mime_iconv_open`) so that GMime's charset
/// aliases apply: `latin1`, `gb2312` read as its superset GBK, `ks_c_5601-1987` as EUC-KR...
///
/// Not GMime's charset filter (nor `g_mime_text_part_get_text`, which uses it): the filter skips bytes it
/// cannot convert without saying so, while a body must know whether its declared charset fits at all
/// before it trusts it (see `BodyText`).
enum CharsetConversion {
    /// What a byte sequence that is invalid in the source charset does to the conversion.
    enum InvalidSequences {
        /// The conversion fails.
        case fail
        /// The sequence becomes U+FFFD and the conversion goes on after its first byte.
        case replace
    }

    /// The bytes as UTF-8; nil when iconv does not know the charset, or when a sequence is invalid in it
    /// and `invalid` is `.fail`. The output is valid UTF-8 (U+0000 included: nothing here is a C string).
    static func utf8(_ bytes: [UInt8], from charset: String, invalid: InvalidSequences) -> [UInt8]? {
        guard let converter = g_mime_iconv_open("UTF-8", charset), Int(bitPattern: converter) != -1 else { return nil }
        defer { _ = g_mime_iconv_close(converter) }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        let converted = bytes.withUnsafeBufferPointer { input in
            withUnsafeTemporaryAllocation(of: CChar.self, capacity: 16 * 1024) { chunk in
                var inputPointer = UnsafeMutableRawPointer(mutating: input.baseAddress)?.assumingMemoryBound(
                    to: CChar.self
                )
                var inputLeft = input.count
                while true {
                    var outputPointer = chunk.baseAddress
                    var outputLeft = chunk.count
                    // With the input used up, one more call with none writes what a stateful charset
                    // (ISO-2022-JP) still holds.
                    let result =
                        inputLeft > 0
                        ? iconv(converter, &inputPointer, &inputLeft, &outputPointer, &outputLeft)
                        : iconv(converter, nil, nil, &outputPointer, &outputLeft)
                    let failure = errno
                    output.append(
                        contentsOf: UnsafeRawBufferPointer(
                            UnsafeMutableBufferPointer(rebasing: chunk[..<(chunk.count - outputLeft)])
                        )
                    )
                    if result != -1 {
                        if inputLeft == 0 { return true }
                        continue
                    }
                    switch (failure, invalid) {
                    case (E2BIG, _):
                        continue
                    case (EILSEQ, .replace):
                        // U+FFFD REPLACEMENT CHARACTER, then on after the byte that could not start a character.
                        output += [0xEF, 0xBF, 0xBD]
                        inputPointer = inputPointer.map { $0 + 1 }
                        inputLeft -= 1
                    case (EINVAL, .replace):
                        // A sequence cut off by the end of the input.
                        output += [0xEF, 0xBF, 0xBD]
                        inputLeft = 0
                    default:
                        return false
                    }
                }
            }
        }
        return converted ? output : nil
    }
}
