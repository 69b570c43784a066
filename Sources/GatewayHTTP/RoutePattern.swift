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

    /// The path split at `/`, without the empty segment before the leading one. Over the UTF-8 bytes
    /// (a `/` is always a whole character), since the generic `split` costs several times as much and
    /// this runs on every request.
    static func segments(of path: String) -> [Substring] {
        let bytes = path.utf8
        var segments: [Substring] = []
        var start = bytes.startIndex
        var sawFirst = false
        var index = start
        while index != bytes.endIndex {
            if bytes[index] == UInt8(ascii: "/") {
                if sawFirst { segments.append(Substring(bytes[start..<index])) }
                sawFirst = true
                start = bytes.index(after: index)
            }
            index = bytes.index(after: index)
        }
        if sawFirst { segments.append(Substring(bytes[start..<bytes.endIndex])) }
        return segments
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
