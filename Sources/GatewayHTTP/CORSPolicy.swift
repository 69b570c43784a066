import Basics
import HTTPServer

/// Which web origins may call the API from a browser, with credentials (CORS, per the Fetch standard).
///
/// An allow-list of exact origins, never `*`: the API takes credentials, and a wildcard with
/// credentials would let any web page read a logged-in user's mail. An allowed origin is echoed in
/// `Access-Control-Allow-Origin` with `Access-Control-Allow-Credentials: true`; a refused one gets no
/// `Access-Control-*` header at all (its preflight is a 403 problem). With any origin configured, every
/// response carries `Vary: Origin`, so that a shared cache never hands one origin's answer to another.
public struct CORSPolicy: Sendable {
    /// An origin in the allow-list that is not `http(s)://host[:port]`.
    public struct InvalidOrigin: Error, CustomStringConvertible {
        public var origin: String

        public var description: String {
            "not a web origin (scheme://host[:port], http or https, no path; '*' and 'null' are refused): \(origin)"
        }
    }

    /// Normalised: lower case, no default port, no trailing slash.
    private let origins: Set<String>

    /// Headers a script on an allowed origin may read from an answer.
    static let exposedHeaders = "ETag, Retry-After, X-Request-Id, Content-Disposition, Content-Range, Accept-Ranges"
    /// Request headers a preflight allows.
    static let allowedHeaders = "Authorization, If-None-Match, Range, X-Request-Id, Content-Type"
    /// Seconds a browser may keep a preflight's answer.
    static let maxAgeSeconds = 600

    /// CORS off: no origin is allowed.
    public init() {
        self.origins = []
    }

    /// - Parameter allowedOrigins: origins such as `https://mail.example.com` or `http://localhost:3000`;
    ///   an entry may hold several, separated by commas. Empty: CORS is off (no origin is allowed).
    public init(allowedOrigins: [String]) throws(InvalidOrigin) {
        var origins = Set<String>()
        for entry in allowedOrigins {
            for part in entry.split(separator: ",") {
                let trimmed = part.trimmingSpaces()
                guard !trimmed.isEmpty else { continue }
                guard let origin = Self.normalized(trimmed) else { throw InvalidOrigin(origin: String(trimmed)) }
                origins.insert(origin)
            }
        }
        self.origins = origins
    }

    /// Whether any origin is allowed.
    public var isEnabled: Bool { !self.origins.isEmpty }

    /// The allow-list, sorted, for the start-up log line.
    public var allowedOrigins: [String] { self.origins.sorted() }

    /// The request's `Origin` if it is on the allow-list (as sent: a browser compares it byte for byte).
    func allowedOrigin(_ header: String?) -> String? {
        guard let header, !self.origins.isEmpty, let origin = Self.normalized(Substring(header)),
            self.origins.contains(origin)
        else { return nil }
        return header
    }

    /// The CORS headers of an actual (not preflight) answer to an allowed origin, and `Vary: Origin`
    /// on every answer while CORS is on.
    func addHeaders(to headers: inout HTTPHeaders, allowedOrigin: String?, preflight: Bool) {
        guard self.isEnabled else { return }
        headers.add(name: "Vary", value: "Origin")
        guard let allowedOrigin else { return }
        headers.add(name: "Access-Control-Allow-Origin", value: allowedOrigin)
        headers.add(name: "Access-Control-Allow-Credentials", value: "true")
        if !preflight {
            headers.add(name: "Access-Control-Expose-Headers", value: Self.exposedHeaders)
        }
    }

    /// The answer to `OPTIONS` with an `Origin` on a route: 204 with what may be sent for an allowed
    /// origin (the CORS headers proper are added with `addHeaders`), a 403 problem for any other.
    func preflight(allowedOrigin: String?, pattern: RoutePattern) -> (response: HTTPResponse, problem: Problem?) {
        guard allowedOrigin != nil else {
            let problem = Problem(
                status: 403,
                code: "cors_origin_not_allowed",
                title: "Origin not allowed",
                detail: "this origin may not call the API from a browser (see --cors-origin)"
            )
            return (problem.response, problem)
        }
        var headers = HTTPHeaders()
        headers.add(name: "Access-Control-Allow-Methods", value: pattern.methods.joined(separator: ", "))
        headers.add(name: "Access-Control-Allow-Headers", value: Self.allowedHeaders)
        headers.add(name: "Access-Control-Max-Age", value: String(Self.maxAgeSeconds))
        return (HTTPResponse(status: 204, headers: headers), nil)
    }

    /// `scheme://host[:port]` in lower case without the scheme's default port, or nil when `text` is not
    /// such an origin.
    static func normalized(_ text: Substring) -> String? {
        let lowered = text.lowercased()
        let scheme: String
        let defaultPort: String
        if lowered.hasPrefix("https://") {
            (scheme, defaultPort) = ("https://", ":443")
        } else if lowered.hasPrefix("http://") {
            (scheme, defaultPort) = ("http://", ":80")
        } else {
            return nil
        }
        var authority = lowered.dropFirst(scheme.count)
        if authority.hasSuffix("/") { authority = authority.dropLast() }
        guard !authority.isEmpty,
            authority.utf8.allSatisfy({ (0x21...0x7E).contains($0) && !"/?#@\\*".utf8.contains($0) })
        else { return nil }
        if authority.hasSuffix(defaultPort) { authority = authority.dropLast(defaultPort.count) }
        guard !authority.isEmpty, !authority.hasPrefix(":") else { return nil }
        return scheme + authority
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs.
    fileprivate func trimmingSpaces() -> Substring {
        var text = self
        while text.first == " " || text.first == "\t" { text = text.dropFirst() }
        while text.last == " " || text.last == "\t" { text = text.dropLast() }
        return text
    }
}
