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

    /// The most bytes `decode(_:to:)` writes for `count` input bytes.
    static func capacity(for count: Int) -> Int {
        count / 4 * 3 + 3
    }

    /// Writes what `input` decodes to, as far as whole bytes go, to `output`, which has room for
    /// `capacity(for: input.count)` bytes; returns how many it wrote.
    mutating func decode(_ input: UnsafeRawBufferPointer, to output: UnsafeMutablePointer<UInt8>) -> Int {
        // The state in locals and the table behind a pointer: this loop decodes attachments of megabytes.
        var bits = self.bits
        var letters = self.letters
        var written = 0
        Self.values.withUnsafeBufferPointer { table in
            var index = 0
            let count = input.count
            while index < count {
                // Whole groups of four letters at once, the common case between line ends.
                if letters == 0, index + 4 <= count {
                    let a = table[Int(input[index])]
                    let b = table[Int(input[index + 1])]
                    let c = table[Int(input[index + 2])]
                    let d = table[Int(input[index + 3])]
                    if (a | b | c | d) < 64 {
                        let group = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                        output[written] = UInt8(truncatingIfNeeded: group >> 16)
                        output[written + 1] = UInt8(truncatingIfNeeded: group >> 8)
                        output[written + 2] = UInt8(truncatingIfNeeded: group)
                        written += 3
                        index += 4
                        continue
                    }
                }
                let byte = input[index]
                index += 1
                let value = table[Int(byte)]
                if value != 0xFF {
                    bits = bits << 6 | UInt32(value)
                    letters += 1
                    if letters == 4 {
                        output[written] = UInt8(truncatingIfNeeded: bits >> 16)
                        output[written + 1] = UInt8(truncatingIfNeeded: bits >> 8)
                        output[written + 2] = UInt8(truncatingIfNeeded: bits)
                        written += 3
                        bits = 0
                        letters = 0
                    }
                } else if byte == UInt8(ascii: "=") {
                    written += Self.flush(bits, letters, to: output + written)
                    bits = 0
                    letters = 0
                }
            }
        }
        self.bits = bits
        self.letters = letters
        return written
    }

    /// Appends what `input` decodes to, as far as whole bytes go.
    mutating func decode(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        let capacity = Self.capacity(for: input.count)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
            guard let base = buffer.baseAddress else { return }
            let count = self.decode(input, to: base)
            output.append(contentsOf: UnsafeBufferPointer(start: base, count: count))
        }
    }

    /// Appends the whole bytes of an unfinished last group.
    mutating func finish(into output: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 2) { buffer in
            guard let base = buffer.baseAddress else { return }
            let count = Self.flush(self.bits, self.letters, to: base)
            output.append(contentsOf: UnsafeBufferPointer(start: base, count: count))
        }
        self.bits = 0
        self.letters = 0
    }

    /// Two letters hold one whole byte, three hold two; a single letter holds none. Returns the bytes written.
    private static func flush(_ bits: UInt32, _ letters: Int, to output: UnsafeMutablePointer<UInt8>) -> Int {
        switch letters {
        case 2:
            output[0] = UInt8(truncatingIfNeeded: bits >> 4)
            return 1
        case 3:
            output[0] = UInt8(truncatingIfNeeded: bits >> 10)
            output[1] = UInt8(truncatingIfNeeded: bits >> 2)
            return 2
        default:
            return 0
        }
    }
}
