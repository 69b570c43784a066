import Synchronization

/// One value the application keeps with an HTTP connection, for work that depends only on bytes the
/// client sent (such as decoding its `Authorization` header): a keep-alive client repeats them on
/// every request, and the memo saves doing it again. It holds the value for the last key only, and
/// lives as long as the connection.
public final class ConnectionMemo: Sendable {
    private struct Entry: Sendable {
        var key: String
        /// `Value.self` of the `Box<Value>` in `value`.
        var type: ObjectIdentifier
        var value: any AnyObject & Sendable
    }

    private final class Box<Value: Sendable>: Sendable {
        let value: Value

        init(_ value: Value) {
            self.value = value
        }
    }

    private let entry = Mutex<Entry?>(nil)

    public init() {}

    /// The value remembered for `key`, else `make()`'s, which then replaces what was remembered. A
    /// failing `make` remembers nothing.
    public func value<Value: Sendable, Failure: Error>(
        for key: String,
        _ make: () throws(Failure) -> Value
    ) throws(Failure) -> Value {
        let type = ObjectIdentifier(Value.self)
        if let remembered = self.entry.withLock({ $0 }), remembered.key == key, remembered.type == type {
            // The type was checked: no dynamic cast (which cost more than the lookup) is needed.
            return unsafeDowncast(remembered.value, to: Box<Value>.self).value
        }
        let value = try make()
        self.entry.withLock { $0 = Entry(key: key, type: type, value: Box(value)) }
        return value
    }
}
