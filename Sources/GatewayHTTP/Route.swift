package import Basics
import POP3

/// The API's routes (openapi.yaml), matched from a method and a still percent-encoded path. `package`
/// for the fuzz harness (`Fuzz/FuzzHarness`).
package enum Route: Equatable {
    case mailbox
    case listMessages
    case message(id: String)
    case deleteMessage(id: String)
    case rawMessage(id: String)
    case attachment(id: String, attachmentId: String)
    case health
    case ready
    case metrics
    case openAPI

    /// The route for a request, or a 404/405/400 problem. A malformed id is 400 whatever the method.
    package static func match(method: String, path: String) throws(Problem) -> Route {
        let segments = RoutePattern.segments(of: path)
        return try self.match(method: method, path: path, segments: segments, pattern: RoutePattern(segments: segments))
    }

    /// `match(method:path:)` with the path already split and its pattern (nil: none) already found.
    static func match(
        method: String,
        path: String,
        segments: [Substring],
        pattern: RoutePattern?
    ) throws(Problem) -> Route {
        guard let pattern else {
            throw Problem.notFound("no such route: \(POP3StatusLine.printable(path.utf8))")
        }
        let route: Route
        switch pattern {
        case .health: route = .health
        case .ready: route = .ready
        case .metrics: route = .metrics
        case .openAPI: route = .openAPI
        case .mailbox: route = .mailbox
        case .listMessages: route = .listMessages
        case .message:
            let id = try Self.messageID(segments[2])
            route = method == "DELETE" ? .deleteMessage(id: id) : .message(id: id)
        case .rawMessage:
            route = .rawMessage(id: try Self.messageID(segments[2]))
        case .attachment:
            let id = try Self.messageID(segments[2])
            route = .attachment(id: id, attachmentId: try Self.attachmentID(segments[4]))
        }
        guard pattern.answers(method) else { throw Problem.methodNotAllowed(pattern.allowedMethods) }
        return route
    }

    /// The query parameters the route takes (openapi.yaml's); any other is a 400, so that a misspelt one
    /// (`limt=5`) is not silently ignored.
    var queryParameters: [String] {
        switch self {
        case .listMessages: ["limit", "cursor", "refresh"]
        case .message: ["textType", "maxBytes"]
        default: []
        }
    }

    /// The 400 for a query parameter the route does not take, if `query` has one. The name is not echoed:
    /// the caller knows what it sent, and the detail lists what the route takes.
    func checkQuery(_ query: [(name: String, value: String)]) throws(Problem) {
        let known = self.queryParameters
        guard query.allSatisfy({ known.contains($0.name) }) else {
            throw Problem.badRequest(
                known.isEmpty
                    ? "this route takes no query parameters"
                    : "unknown query parameter; this route takes \(known.joined(separator: ", "))"
            )
        }
    }

    /// Throws the 400 of a malformed message or attachment id in a path of this pattern (for OPTIONS, which
    /// `match` does not route): GET is every pattern's method, so only an id can be refused.
    static func checkIDs(segments: [Substring], pattern: RoutePattern) throws(Problem) {
        _ = try self.match(method: "GET", path: "", segments: segments, pattern: pattern)
    }

    /// Percent-decodes a path segment and checks it is a UIDL: 1–70 characters in 0x21–0x7E (RFC 1939 §7).
    static func messageID(_ segment: Substring) throws(Problem) -> String {
        // Made only when needed: every request naming an id comes through here.
        func problem() -> Problem {
            Problem.badRequest("a message id is 1 to 70 printable ASCII characters (percent-encoded in the path)")
        }
        // Most ids need no decoding: taken as they are, without the byte array.
        guard segment.utf8.contains(UInt8(ascii: "%")) else {
            guard POP3Listing.isValidUID(segment.utf8) else { throw problem() }
            return String(segment)
        }
        guard let bytes = PercentEncoding.decode(segment.utf8), POP3Listing.isValidUID(bytes) else { throw problem() }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Percent-decodes a path segment and checks it is a part id as the MIME parser hands them out: numbers
    /// without leading zeros joined by dots (`2`, `2.1.3`), one number for each level of nesting. GMime
    /// builds at most 1,024 levels, so 8,192 characters hold any id of a real message, and still fit the
    /// 16 KiB request head. Anything else could never name a part, so it is a 400 rather than a 404.
    static func attachmentID(_ segment: Substring) throws(Problem) -> String {
        let problem = Problem.badRequest(
            "an attachment id is 1 to 8192 characters of numbers without leading zeros, joined by dots (e.g. 2.1)"
        )
        guard let bytes = PercentEncoding.decode(segment.utf8), (1...8192).contains(bytes.count) else { throw problem }
        for number in bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
            guard let first = number.first, first != UInt8(ascii: "0"),
                number.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
            else { throw problem }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
