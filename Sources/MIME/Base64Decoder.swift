/// Decodes base64 content as mail clients do: forgiving, incremental, and without losing a byte.
///
/// Letters of the alphabet accumulate; every other byte (line ends, spaces, garbage) is skipped. `=` ends the
/// current quantum, so that base64 blobs written one after the other (`YQ==Yg==`) decode to their bytes run
/// together. A last group without its padding keeps its whole bytes: `AAAAAA` is four bytes, where GMime
/// 3.2.13's decoder drops the incomplete group and gives three.
struct Base64Decoder {
    /// The 6-bit value of each byte, or 0xFF for a byte outside the alphabet.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, letter) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(letter)] = UInt8(value)
        }
        return table
    }()

    /// Up to three letters' bits, most significant first.
    private var bits: UInt32 = 0
    private var letters = 0

    /// Appends what `input` decodes to, as far as whole bytes go.
    mutating func decode(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        output.reserveCapacity(output.count + input.count / 4 * 3 + 3)
        // The state in locals and the table behind a pointer: this loop decodes attachments of megabytes.
        var bits = self.bits
        var letters = self.letters
        Self.values.withUnsafeBufferPointer { table in
            for byte in input {
                let value = table[Int(byte)]
                if value != 0xFF {
                    bits = bits << 6 | UInt32(value)
                    letters += 1
                    if letters == 4 {
                        output.append(UInt8(truncatingIfNeeded: bits >> 16))
                        output.append(UInt8(truncatingIfNeeded: bits >> 8))
                        output.append(UInt8(truncatingIfNeeded: bits))
                        bits = 0
                        letters = 0
                    }
                } else if byte == UInt8(ascii: "=") {
                    self.bits = bits
                    self.letters = letters
                    self.flush(into: &output)
                    bits = 0
                    letters = 0
                }
            }
        }
        self.bits = bits
        self.letters = letters
    }

    /// Appends the whole bytes of an unfinished last group.
    mutating func finish(into output: inout [UInt8]) {
        self.flush(into: &output)
    }

    /// Two letters hold one whole byte, three hold two; a single letter holds none.
    private mutating func flush(into output: inout [UInt8]) {
        switch self.letters {
        case 2:
            output.append(UInt8(truncatingIfNeeded: self.bits >> 4))
        case 3:
            output.append(UInt8(truncatingIfNeeded: self.bits >> 10))
            output.append(UInt8(truncatingIfNeeded: self.bits >> 2))
        default:
            break
        }
        self.bits = 0
        self.letters = 0
    }
}
