/// A route's path shape, whatever the method and whether its ids are well-formed: what metrics and logs
/// name a request by (`route` label), and what a CORS preflight answers for.
enum RoutePattern: CaseIterable, Sendable {
    case mailbox
    case listMessages
    case message
    case rawMessage
    case attachment
    case health
    case ready
    case metrics
    case openAPI

    /// The path split at `/`, without the empty segment before the leading one. Found over the contiguous
    /// UTF-8 bytes (a `/` is always a whole character) and cut out by offset, since the generic `split`,
    /// and even walking `String.UTF8View` index by index, cost several times as much on every request.
    static func segments(of path: String) -> [Substring] {
        var path = path
        path.makeContiguousUTF8()
        let utf8 = path.utf8
        // Room for the longest route's five segments, so that appending never grows the array.
        var segments: [Substring] = []
        segments.reserveCapacity(5)
        utf8.withContiguousStorageIfAvailable { bytes in
            guard let first = bytes.firstIndex(of: UInt8(ascii: "/")) else { return }
            var start = first + 1
            for index in start..<bytes.count where bytes[index] == UInt8(ascii: "/") {
                segments.append(Self.substring(path, from: start, to: index))
                start = index + 1
            }
            segments.append(Self.substring(path, from: start, to: bytes.count))
        }
        return segments
    }

    /// `text`'s UTF-8 bytes from `start` up to `end`: both next to a `/` or at an end, so on character
    /// boundaries.
    private static func substring(_ text: String, from start: Int, to end: Int) -> Substring {
        let utf8 = text.utf8
        let lower = utf8.index(utf8.startIndex, offsetBy: start)
        return Substring(utf8[lower..<utf8.index(lower, offsetBy: end - start)])
    }

    init?(path: String) {
        self.init(segments: Self.segments(of: path))
    }

    init?(segments: [Substring]) {
        switch segments.count {
        case 1:
            switch segments[0] {
            case "healthz": self = .health
            case "readyz": self = .ready
            case "metrics": self = .metrics
            case "openapi.yaml": self = .openAPI
            default: return nil
            }
        case 2 where segments[0] == "v1":
            switch segments[1] {
            case "mailbox": self = .mailbox
            case "messages": self = .listMessages
            default: return nil
            }
        case 3 where segments[0] == "v1" && segments[1] == "messages":
            self = .message
        case 4 where segments[0] == "v1" && segments[1] == "messages" && segments[3] == "raw":
            self = .rawMessage
        case 5 where segments[0] == "v1" && segments[1] == "messages" && segments[3] == "attachments":
            self = .attachment
        default:
            return nil
        }
    }

    /// The path template as openapi.yaml writes it: never a real id, so a safe, bounded label.
    var template: String {
        switch self {
        case .mailbox: "/v1/mailbox"
        case .listMessages: "/v1/messages"
        case .message: "/v1/messages/{id}"
        case .rawMessage: "/v1/messages/{id}/raw"
        case .attachment: "/v1/messages/{id}/attachments/{attachmentId}"
        case .health: "/healthz"
        case .ready: "/readyz"
        case .metrics: "/metrics"
        case .openAPI: "/openapi.yaml"
        }
    }

    /// The label of a request that matched no route.
    static let unmatchedTemplate = "unmatched"

    /// The methods the route answers (OPTIONS aside: a CORS preflight is answered for any route).
    var methods: [String] {
        self == .message ? ["GET", "HEAD", "DELETE"] : ["GET", "HEAD"]
    }

    /// Whether `methods` holds `method`, without building the array (every request asks).
    func answers(_ method: String) -> Bool {
        switch method {
        case "GET", "HEAD": true
        case "DELETE": self == .message
        default: false
        }
    }

    /// What `Allow` lists (on 405 and on an OPTIONS answer): `methods`, and OPTIONS, answered on every route.
    var allowedMethods: [String] {
        self.methods + ["OPTIONS"]
    }

    /// Whether the route needs the caller's credentials.
    var needsCredentials: Bool {
        switch self {
        case .mailbox, .listMessages, .message, .rawMessage, .attachment: true
        case .health, .ready, .metrics, .openAPI: false
        }
    }
}
