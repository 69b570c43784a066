import Synchronization

/// The `X-Request-Id` of a request: the caller's when it is safe to echo and log, else a new one.
///
/// The server gives every request one (`HTTPRequest.id`) as soon as its header fields are in, and sends
/// it back on every answer, the ones the server makes itself (413, 503 while stopping) included.
enum RequestID {
    static let headerName = "X-Request-Id"

    /// The caller's id if it is 1 to 128 characters of visible ASCII (0x21–0x7E: no space, no control
    /// character, nothing that could break a header or a log line), else a fresh one.
    static func make(from header: String?) -> String {
        if let header, self.isAcceptable(header) { return header }
        return self.generate()
    }

    static func isAcceptable(_ value: String) -> Bool {
        let bytes = value.utf8
        return (1...128).contains(bytes.count) && bytes.allSatisfy { (0x21...0x7E).contains($0) }
    }

    /// 32 lower-case hex digits: a random prefix drawn once per process (getrandom(2)) and a counter, so
    /// ids are unique across restarts and cost no system call per request.
    static func generate() -> String {
        let sequence = Self.counter.wrappingAdd(1, ordering: .relaxed).newValue
        return String(unsafeUninitializedCapacity: 32) { text in
            Self.writeHex(Self.processPrefix, into: text, at: 0)
            Self.writeHex(sequence, into: text, at: 16)
            return 32
        }
    }

    /// Writes `word` as 16 lower-case hex digits from `offset` on, most significant first.
    private static func writeHex(_ word: UInt64, into text: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        var word = word
        for index in (offset..<offset + 16).reversed() {
            let nibble = UInt8(truncatingIfNeeded: word & 0xF)
            // 0–9, then a–f: one add, and one more past 9 (`a` is 39 after `0` + 10).
            text[index] = UInt8(ascii: "0") &+ nibble &+ (nibble > 9 ? 39 : 0)
            word >>= 4
        }
    }

    private static let processPrefix: UInt64 = {
        var generator = SystemRandomNumberGenerator()
        return generator.next()
    }()

    private static let counter = Atomic<UInt64>(0)
}
