/// An RFC 9457 problem, as `application/problem+json` with a stable machine-readable `code`: the one
/// problem type, for what the HTTP server detects itself (a body too large, a stopping server, a dropped
/// responder) and for everything the API answers. HTTPServer turns it into a response with its headers.
package struct Problem: Error, Equatable, Sendable {
    package var status: Int
    /// Stable, snake_case: callers may switch on it.
    package var code: String
    package var title: String
    package var detail: String
    /// Seconds, for 423, 429 and 503.
    package var retryAfter: Int?
    /// The methods of a 405.
    package var allow: [String]?

    package init(
        status: Int,
        code: String,
        title: String,
        detail: String,
        retryAfter: Int? = nil,
        allow: [String]? = nil
    ) {
        self.status = status
        self.code = code
        self.title = title
        self.detail = detail
        self.retryAfter = retryAfter
        self.allow = allow
    }

    /// A request that arrives while the gateway stops, or is still unanswered at the end of the grace
    /// period. No `Retry-After`: another replica, or this one restarted, can answer at once.
    package static let shuttingDown = Problem(
        status: 503,
        code: "shutting_down",
        title: "Shutting down",
        detail: "the gateway is stopping; retry the request"
    )
}

extension Problem: JSONWritable {
    package func write(to json: inout JSONWriter) {
        json.object { json in
            json.key("type")
            json.string("about:blank")
            json.key("title")
            json.string(self.title)
            json.key("status")
            json.int(self.status)
            json.key("detail")
            json.string(self.detail)
            json.key("code")
            json.string(self.code)
        }
    }
}
