import Basics
import HTTPServer
import Logging
import Synchronization

/// One request on its way through the API, and what every answer to it gets on the way out: the CORS
/// headers, the request metrics and one access log line with the request's id (which the server sends
/// back as `X-Request-Id`).
///
/// Every answer goes through `respond`, whichever thread makes it (the MHD thread for fast paths, a
/// worker otherwise). A streamed body is counted and logged when its producer ends, with the bytes it
/// wrote. Metrics are recorded before the answer is handed over, so a client that has its answer
/// finds it counted.
final class APIRequest: Sendable {
    /// `HTTPRequest.id`: the caller's `X-Request-Id` when acceptable, else a new one. The server sends it
    /// back on the answer.
    let id: String
    let method: String
    /// The path, without the query: ids may show here, credentials and query parameters never do.
    let path: String
    /// The client's IP address.
    let client: String
    let pattern: RoutePattern?
    /// The request's `Origin` if CORS allows it.
    let allowedOrigin: String?
    private let started: ContinuousClock.Instant
    /// Run once the answer is handed to the server (see `whenAnswered`).
    private let afterAnswer = Mutex<[@Sendable () -> Void]>([])
    private let responder: HTTPResponder
    private let context: APIRequestContext

    init(
        _ request: borrowing HTTPRequest,
        pattern: RoutePattern?,
        responder: HTTPResponder,
        context: APIRequestContext
    ) {
        self.started = .now
        self.id = request.id
        self.method = request.method
        self.path = request.path
        self.client = request.remoteAddress
        self.pattern = pattern
        self.allowedOrigin = context.cors.allowedOrigin(request.headers["Origin"])
        self.responder = responder
        self.context = context
    }

    /// Sends `response` with this request's headers added, counts it and logs it.
    /// - Parameters:
    ///   - problem: the problem the response carries, for the log's `problem` field.
    ///   - preflight: whether this answers a CORS preflight (which exposes no headers).
    func respond(_ response: HTTPResponse, problem: Problem? = nil, preflight: Bool = false) {
        var response = response
        self.context.cors.addHeaders(to: &response.headers, allowedOrigin: self.allowedOrigin, preflight: preflight)
        let status = response.status
        switch response.body {
        case .bytes(let body):
            let duration = self.recordRequest(status: status)
            self.responder.respond(response)
            // HEAD answers carry the length of a body that is not sent.
            self.logAccess(status: status, bytes: self.method == "HEAD" ? 0 : body.count, duration, problem)
            self.runAfterAnswer()
        case .stream(let contentLength, let producer):
            response.body = .stream(contentLength: contentLength) { writer in
                var cutOff = true
                defer {
                    let duration = self.recordRequest(status: status)
                    self.logAccess(status: status, bytes: writer.bytesWritten, duration, problem, cutOff: cutOff)
                }
                try producer(writer)
                cutOff = false
            }
            self.responder.respond(response)
            self.runAfterAnswer()
        }
    }

    /// Runs `work` on the answering thread right after the answer (of any status) is handed to the
    /// server: for follow-up work the answer should not wait for.
    func whenAnswered(_ work: @escaping @Sendable () -> Void) {
        self.afterAnswer.withLock { $0.append(work) }
    }

    private func runAfterAnswer() {
        for work in self.afterAnswer.withLock({ $0 }) { work() }
    }

    /// Counts the request in the metrics and returns how long it took.
    private func recordRequest(status: Int) -> Duration {
        let duration = ContinuousClock.now - self.started
        self.context.metrics.recordRequest(route: self.pattern, method: self.method, status: status, duration: duration)
        return duration
    }

    /// Logs at `level` with this request's id (and client) in the metadata.
    func log(
        _ level: Logger.Level,
        _ message: @autoclosure () -> Logger.Message,
        _ metadata: @autoclosure () -> Logger.Metadata = [:]
    ) {
        // Checked first, so that a level that is off costs no metadata dictionary.
        guard self.context.logLevel <= level else { return }
        self.context.logger.log(level: level, message(), metadata: self.metadata(metadata()))
    }

    private func metadata(_ extra: Logger.Metadata) -> Logger.Metadata {
        var metadata = extra
        metadata["request_id"] = .string(self.id)
        metadata["client"] = .string(self.client)
        return metadata
    }

    /// The access log line: info, or warning for a server-side failure (5xx) or a body cut off.
    private func logAccess(status: Int, bytes: Int, _ duration: Duration, _ problem: Problem?, cutOff: Bool = false) {
        let level: Logger.Level = status >= 500 || cutOff ? .warning : .info
        guard self.context.logLevel <= level else { return }
        let (seconds, attoseconds) = duration.components
        let microseconds = seconds * 1_000_000 + attoseconds / 1_000_000_000_000
        var metadata: Logger.Metadata = [
            "method": .string(self.method),
            "path": .string(self.path),
            "route": .string(self.pattern?.template ?? RoutePattern.unmatchedTemplate),
            "status": .stringConvertible(status),
            "bytes": .stringConvertible(bytes),
            "duration_ms": .stringConvertible(Double(microseconds) / 1000),
        ]
        if let problem {
            metadata["problem"] = .string(problem.code)
            // A server-side failure says why (upstream error text, printable); a caller's mistake need not.
            if status >= 500 { metadata["detail"] = .string(problem.detail) }
        }
        if cutOff { metadata["body"] = "cut off" }
        if let origin = self.allowedOrigin { metadata["origin"] = .string(origin) }
        self.log(level, "request", metadata)
    }
}

/// What every `APIRequest` of one `GatewayAPI` shares.
struct APIRequestContext: Sendable {
    var metrics: GatewayMetrics
    var logger: Logger
    var cors: CORSPolicy
    /// `logger.logLevel`, read once: asking the logger copies its handler, several times per request.
    let logLevel: Logger.Level

    init(metrics: GatewayMetrics, logger: Logger, cors: CORSPolicy) {
        self.metrics = metrics
        self.logger = logger
        self.cors = cors
        self.logLevel = logger.logLevel
    }
}
