import Foundation

/// The one JSON encoder configuration of the API: compact, slashes unescaped, keys as declared.
enum JSON {
    static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Our own Codable values always encode; a failure here is a programming error.
        guard let data = try? encoder.encode(value) else {
            preconditionFailure("JSON encoding of \(type(of: value)) failed")
        }
        return [UInt8](data)
    }
}
