import Basics
import HTTPServer

extension Problem {
    /// The answer as `HTTPServer` renders every problem, with the Basic challenge on a 401.
    var response: HTTPResponse {
        var response = HTTPResponse(problem: self)
        if self.status == 401 {
            response.headers.add(name: "WWW-Authenticate", value: #"Basic realm="pop3-gateway", charset="UTF-8""#)
        }
        return response
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
