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

    /// ASCII case-insensitive equality, without allocating lowercased copies.
    static func namesMatch(_ lhs: String, _ rhs: String) -> Bool {
        guard lhs.utf8.count == rhs.utf8.count else { return false }
        var left = lhs.utf8.makeIterator()
        var right = rhs.utf8.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil):
                return true
            case (let leftByte?, let rightByte?):
                if Self.lowercased(leftByte) != Self.lowercased(rightByte) {
                    return false
                }
            default:
                return false
            }
        }
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) ? byte | 0x20 : byte
    }
}
