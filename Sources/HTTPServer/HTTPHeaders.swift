/// HTTP header fields in the order they were received or added.
///
/// Names compare case-insensitively (ASCII only, as HTTP field names are tokens); a name may
/// occur several times and every value is kept.
public struct HTTPHeaders: Sendable, Sequence, ExpressibleByDictionaryLiteral {
    public typealias Element = (name: String, value: String)

    private var fields: [Element]

    public init() {
        self.fields = []
    }

    public init(_ fields: [(name: String, value: String)]) {
        self.fields = fields
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.fields = elements.map { (name: $0.0, value: $0.1) }
    }

    public var count: Int { self.fields.count }

    public var isEmpty: Bool { self.fields.isEmpty }

    /// The first value of `name`; setting replaces every value of `name` (nil removes them).
    public subscript(name: String) -> String? {
        get {
            self.fields.first { Self.namesMatch($0.name, name) }?.value
        }
        set {
            self.removeAll(named: name)
            if let newValue {
                self.add(name: name, value: newValue)
            }
        }
    }

    /// Every value of `name`, in order.
    public func values(_ name: String) -> [String] {
        self.fields.filter { Self.namesMatch($0.name, name) }.map(\.value)
    }

    public func contains(_ name: String) -> Bool {
        self.fields.contains { Self.namesMatch($0.name, name) }
    }

    /// Makes room for `capacity` fields, so that adding up to that many allocates once.
    public mutating func reserveCapacity(_ capacity: Int) {
        self.fields.reserveCapacity(capacity)
    }

    /// Appends a field, keeping any earlier value of the same name.
    public mutating func add(name: String, value: String) {
        self.fields.append((name: name, value: value))
    }

    public mutating func removeAll(named name: String) {
        self.fields.removeAll { Self.namesMatch($0.name, name) }
    }

    public func makeIterator() -> IndexingIterator<[Element]> {
        self.fields.makeIterator()
    }

    /// ASCII case-insensitive equality, without allocating lowercased copies. Over contiguous UTF-8 (every
    /// native string has it): walking two `String.UTF8View` iterators costs several times as much, and
    /// every lookup of a field runs this once per field.
    static func namesMatch(_ lhs: String, _ rhs: String) -> Bool {
        guard lhs.utf8.count == rhs.utf8.count else { return false }
        let result = lhs.utf8.withContiguousStorageIfAvailable { left in
            rhs.utf8.withContiguousStorageIfAvailable { right in
                for index in left.indices where Self.lowercased(left[index]) != Self.lowercased(right[index]) {
                    return false
                }
                return true
            }
        }
        if let result = result ?? nil { return result }
        return lhs.utf8.elementsEqual(rhs.utf8) { Self.lowercased($0) == Self.lowercased($1) }
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) ? byte | 0x20 : byte
    }
}
