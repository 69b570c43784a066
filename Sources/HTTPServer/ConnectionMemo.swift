import Synchronization

/// One value the application keeps with an HTTP connection, for work that depends only on bytes the
/// client sent (such as decoding its `Authorization` header): a keep-alive client repeats them on
/// every request, and the memo saves doing it again. It holds the value for the last key only, and
/// lives as long as the connection.
public final class ConnectionMemo: Sendable {
    private struct Entry: @unchecked Sendable {
        var key: String
        // Only ever a `Value` that `value(for:_:)` stored, read back as that type.
        var value: any Sendable
    }

    private let entry = Mutex<Entry?>(nil)

    public init() {}

    /// The value remembered for `key`, else `make()`'s, which then replaces what was remembered. A
    /// failing `make` remembers nothing.
    public func value<Value: Sendable, Failure: Error>(
        for key: String,
        _ make: () throws(Failure) -> Value
    ) throws(Failure) -> Value {
        if let remembered = self.entry.withLock({ $0 }), remembered.key == key, let value = remembered.value as? Value {
            return value
        }
        let value = try make()
        self.entry.withLock { $0 = Entry(key: key, value: value) }
        return value
    }
}
