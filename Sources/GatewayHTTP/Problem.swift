import HTTPServer

/// An RFC 9457 problem: what the caller did wrong or what failed upstream, as
/// `application/problem+json` with a stable machine-readable `code`. Its `status` is `package` for the
/// fuzz harness, which checks what the request parsers refuse with.
package struct Problem: Error, Equatable {
    package var status: Int
    /// Stable, snake_case: callers may switch on it.
    var code: String
    var title: String
    var detail: String
    /// Seconds, for 423/429/503.
    var retryAfter: Int?
    /// For 405.
    var allow: [String]?

    init(status: Int, code: String, title: String, detail: String, retryAfter: Int? = nil, allow: [String]? = nil) {
        self.status = status
        self.code = code
        self.title = title
        self.detail = detail
        self.retryAfter = retryAfter
        self.allow = allow
    }

    var response: HTTPResponse {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/problem+json")
        headers.add(name: "Cache-Control", value: "no-store")
        if let retryAfter = self.retryAfter { headers.add(name: "Retry-After", value: String(retryAfter)) }
        if let allow = self.allow { headers.add(name: "Allow", value: allow.joined(separator: ", ")) }
        if self.status == 401 {
            headers.add(name: "WWW-Authenticate", value: #"Basic realm="pop3-gateway", charset="UTF-8""#)
        }
        return HTTPResponse(status: self.status, headers: headers, body: .bytes(JSON.encode(self)))
    }
}

extension Problem {
    static func badRequest(_ detail: String) -> Problem {
        Problem(status: 400, code: "bad_request", title: "Bad request", detail: detail)
    }

    static func unauthorized(_ detail: String) -> Problem {
        Problem(status: 401, code: "authentication_required", title: "Authentication required", detail: detail)
    }

    static func notFound(_ detail: String) -> Problem {
        Problem(status: 404, code: "not_found", title: "Not found", detail: detail)
    }

    /// The failed-login slowdown: too many wrong passwords for this user from this address.
    static func tooManyFailedLogins(retryAfter seconds: Int) -> Problem {
        Problem(
            status: 429,
            code: "too_many_failed_logins",
            title: "Too many failed logins",
            detail: "too many failed logins for this user from this address; retry after \(seconds) s",
            retryAfter: seconds
        )
    }

    static func methodNotAllowed(_ allowed: [String]) -> Problem {
        Problem(
            status: 405,
            code: "method_not_allowed",
            title: "Method not allowed",
            detail: "allowed: \(allowed.joined(separator: ", "))",
            allow: allowed
        )
    }
}

extension Problem: JSONWritable {
    func write(to json: inout JSONWriter) {
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
