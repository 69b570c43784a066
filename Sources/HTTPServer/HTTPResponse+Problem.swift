package import Basics

extension HTTPResponse {
    /// The problem as `application/problem+json`, never stored by a cache, with `Retry-After` and `Allow`
    /// when the problem calls for them. (A 401's challenge is the application's: it names its realm.)
    package init(problem: Problem) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/problem+json")
        headers.add(name: "Cache-Control", value: "no-store")
        if let retryAfter = problem.retryAfter { headers.add(name: "Retry-After", value: String(retryAfter)) }
        if let allow = problem.allow { headers.add(name: "Allow", value: allow.joined(separator: ", ")) }
        self.init(status: problem.status, headers: headers, body: .bytes(JSON.encode(problem)))
    }

    /// 503 for a request that arrives, or is still unanswered, while the server stops.
    static var shuttingDown: HTTPResponse { HTTPResponse(problem: .shuttingDown) }
}
