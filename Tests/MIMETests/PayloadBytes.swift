/// A deterministic stream of pseudo-random bytes, made block by block, so that a test can write a large
/// attachment and later check every decoded byte against the same stream without holding either whole.
struct PayloadBytes {
    /// Every block is a whole number of 8-byte words, so two streams with the same seed give the same
    /// bytes whatever block sizes each asks for (as long as they are multiples of 8).
    private var generator: SeededGenerator

    init(seed: UInt64) {
        self.generator = SeededGenerator(seed: seed)
    }

    /// The next `count` bytes; `count` must be a multiple of 8.
    mutating func next(_ count: Int) -> [UInt8] {
        precondition(count.isMultiple(of: 8), "blocks are whole 8-byte words")
        var block = [UInt8](repeating: 0, count: count)
        block.withUnsafeMutableBytes { bytes in
            for offset in stride(from: 0, to: count, by: 8) {
                bytes.storeBytes(of: self.generator.next(), toByteOffset: offset, as: UInt64.self)
            }
        }
        return block
    }
}

/// Checks a stream of chunks of any size against a `PayloadBytes` stream.
struct PayloadVerifier {
    private var expected: PayloadBytes
    private var block: [UInt8] = []
    private var offset = 0
    /// Bytes checked so far.
    private(set) var count = 0
    /// Where the first difference was; nil while everything matched.
    private(set) var firstMismatch: Int?

    init(seed: UInt64) {
        self.expected = PayloadBytes(seed: seed)
    }

    mutating func check(_ chunk: UnsafeRawBufferPointer) {
        var index = 0
        while index < chunk.count {
            if self.offset == self.block.count {
                self.block = self.expected.next(64 * 1024)
                self.offset = 0
            }
            let length = min(chunk.count - index, self.block.count - self.offset)
            let matches = self.block.withUnsafeBytes { expected in
                UnsafeRawBufferPointer(rebasing: expected[self.offset..<(self.offset + length)])
                    .elementsEqual(UnsafeRawBufferPointer(rebasing: chunk[index..<(index + length)]))
            }
            if !matches, self.firstMismatch == nil {
                self.firstMismatch = self.count + index
            }
            self.offset += length
            index += length
        }
        self.count += chunk.count
    }
}
