import Foundation

/// A JSON document as it is, to compare what the gateway sent with what a generated type encodes again.
enum JSONValue: Decodable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    init(parsing bytes: [UInt8]) throws {
        self = try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
    }

    /// A generated value as JSON: Swift leaves out an optional that is nil where the gateway writes null,
    /// which `differences` treats as the same.
    init(encoding value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        self = try JSONDecoder().decode(JSONValue.self, from: encoder.encode(value))
    }

    /// The paths at which `self` (what a generated value encodes to) and `sent` disagree. A member that is
    /// missing is null; two date-times are the same when they name the same instant (`+01:00` and `Z`).
    func differences(from sent: JSONValue, at path: String = "$") -> [String] {
        switch (self, sent) {
        case (.object(let mine), .object(let theirs)):
            return Set(mine.keys).union(theirs.keys).sorted().flatMap { key in
                (mine[key] ?? .null).differences(from: theirs[key] ?? .null, at: "\(path).\(key)")
            }
        case (.array(let mine), .array(let theirs)) where mine.count == theirs.count:
            return zip(mine, theirs).enumerated().flatMap { index, pair in
                pair.0.differences(from: pair.1, at: "\(path)[\(index)]")
            }
        case (.string(let mine), .string(let theirs)) where mine != theirs:
            guard let a = Self.instant(mine), let b = Self.instant(theirs), a == b else {
                return ["\(path): \(self) != \(sent)"]
            }
            return []
        default:
            return self == sent ? [] : ["\(path): \(self) != \(sent)"]
        }
    }

    private static func instant(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
