import Basics
import HTTPServer

/// The query of `GET /v1/messages/{id}`, validated: which bodies to send and how much of each.
struct MessageParameters: Hashable {
    enum TextType: String {
        case plain
        case html
        case both
    }

    /// The largest `maxBytes`: the default `--max-message-size`, more than any body can hold.
    static let maxBytesLimit = 64 << 20

    var textType = TextType.both
    /// Each body is cut to at most this many UTF-8 bytes; nil for no limit.
    var maxBytes: Int?

    init() {}

    /// Like `ListParameters`: a malformed value is a 400 and a repeated one takes its last value. An unknown
    /// parameter is skipped here: `Route.checkQuery` refused it before.
    init(_ request: borrowing HTTPRequest) throws(Problem) {
        for (name, value) in request.query {
            switch name {
            case "textType":
                guard let textType = TextType(rawValue: value) else {
                    throw Problem.badRequest("textType must be plain, html or both")
                }
                self.textType = textType
            case "maxBytes":
                guard let maxBytes = Int(value), (1...Self.maxBytesLimit).contains(maxBytes) else {
                    throw Problem.badRequest("maxBytes must be a whole number from 1 to \(Self.maxBytesLimit)")
                }
                self.maxBytes = maxBytes
            default:
                continue
            }
        }
    }

    var includesText: Bool { self.textType != .html }
    var includesHTML: Bool { self.textType != .plain }

    /// Names the representation these parameters select, for its ETag and its rendered-cache entry, so
    /// that two different selections never share either: `both`, `plain.4096`.
    var variant: String {
        guard let maxBytes = self.maxBytes else { return self.textType.rawValue }
        return "\(self.textType.rawValue).\(maxBytes)"
    }
}
