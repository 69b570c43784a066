/// Reads a target's parameters (options, chunk sizes, lengths) off the front of a fuzz input, so that
/// libFuzzer mutates them along with the data; the rest of the input is the data itself.
///
/// Reading past the end gives zeros: every input, even an empty one, is a valid run.
struct FuzzInput {
    private var bytes: ArraySlice<UInt8>

    init(_ bytes: [UInt8]) {
        self.bytes = bytes[...]
    }

    /// The next byte, or 0 when the input is used up.
    mutating func byte() -> UInt8 {
        self.bytes.popFirst() ?? 0
    }

    /// The next `count` bytes (fewer at the end of the input).
    mutating func bytes(_ count: Int) -> [UInt8] {
        let taken = self.bytes.prefix(count)
        self.bytes = self.bytes.dropFirst(taken.count)
        return Array(taken)
    }

    /// Everything not read yet.
    mutating func rest() -> [UInt8] {
        defer { self.bytes = [] }
        return Array(self.bytes)
    }
}
