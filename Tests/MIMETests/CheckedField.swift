/// One key of a corpus expectation: a key the JSON omits is not checked, a key it has is checked, and a
/// JSON `null` then means the value must be absent (nil).
enum CheckedField<Value: Decodable & Sendable>: Sendable {
    case unchecked
    case expected(Value?)
}

extension KeyedDecodingContainer {
    /// The key's value as a `CheckedField`: `.unchecked` when the key is missing, `.expected(nil)` for `null`.
    func checkedField<Value: Decodable & Sendable>(_ key: Key) throws -> CheckedField<Value> {
        guard self.contains(key) else { return .unchecked }
        return .expected(try self.decodeIfPresent(Value.self, forKey: key))
    }
}
