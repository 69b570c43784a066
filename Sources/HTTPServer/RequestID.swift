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
            for index in 0..<32 {
                let word = index < 16 ? Self.processPrefix : sequence
                let nibble = UInt8(truncatingIfNeeded: word >> UInt64(60 - 4 * (index % 16))) & 0xF
                text[index] = nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") - 10 + nibble
            }
            return 32
        }
    }

    private static let processPrefix: UInt64 = {
        var generator = SystemRandomNumberGenerator()
        return generator.next()
    }()

    private static let counter = Atomic<UInt64>(0)
}
