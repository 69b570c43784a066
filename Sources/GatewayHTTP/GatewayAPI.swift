import Basics
public import Gateway
public import HTTPServer
public import Logging
import MIME
import POP3

/// Routes HTTP requests to the mailbox use cases (openapi.yaml is the contract).
///
/// `handle` runs on a libmicrohttpd thread, which must never block: it answers what needs no
/// upstream (routing errors, 401 without credentials, the failed-login slowdown's 429, CORS
/// preflights, health, metrics, the spec) at once, and hands the rest to the worker pool. A full
/// worker queue is an immediate 503. Every answer carries the request's `X-Request-Id`, is counted in
/// the metrics and logged once (see `APIRequest`).
public final class GatewayAPI: Sendable {
    private let service: MailboxService
    private let workers: WorkerPool
    private let ready: @Sendable () -> Problem?
    private let openAPIDocument: [UInt8]
    private let rendered: RenderedResponseCache
    private let loginThrottle: LoginThrottle
    private let context: APIRequestContext

    /// - Parameters:
    ///   - renderedCacheBudget: bytes of finished single-message answers kept for warm GETs.
    ///   - metrics: where requests are counted; its `pop3CommandObserver` belongs in the connector's
    ///     client configuration.
    ///   - logger: gets one access line per request and the notable events; never a credential.
    ///   - cors: which browser origins may call the API.
    ///   - loginThrottle: slows down failed logins per (user, client address).
    ///   - readiness: probes the upstream; nil when it answers, else why not.
    public init(
        service: MailboxService,
        workers: WorkerPool,
        openAPIDocument: [UInt8],
        renderedCacheBudget: Int = 16 << 20,
        metrics: GatewayMetrics = GatewayMetrics(),
        logger: Logger = Logger(label: "pop3-gateway", factory: { _ in SwiftLogNoOpLogHandler() }),
        cors: CORSPolicy = CORSPolicy(),
        loginThrottle: LoginThrottle = LoginThrottle(),
        readiness: @escaping @Sendable () -> String?
    ) {
        self.rendered = RenderedResponseCache(budget: renderedCacheBudget)
        self.service = service
        self.workers = workers
        self.openAPIDocument = openAPIDocument
        self.loginThrottle = loginThrottle
        self.context = APIRequestContext(metrics: metrics, logger: logger, cors: cors)
        self.ready = {
            readiness().map {
                Problem(status: 503, code: "upstream_unreachable", title: "Upstream unreachable", detail: $0)
            }
        }
    }

    public func handle(_ request: HTTPRequest, _ responder: HTTPResponder) {
        let segments = RoutePattern.segments(of: request.path)
        let pattern = RoutePattern(segments: segments)
        let exchange = APIRequest(request, pattern: pattern, responder: responder, context: self.context)
        exchange.log(.debug, "request received", ["method": .string(request.method), "path": .string(request.path)])
        if request.method == "OPTIONS", let pattern {
            // A malformed id is 400 whatever the method, preflights included.
            do throws(Problem) {
                try Route.checkIDs(segments: segments, pattern: pattern)
            } catch {
                return exchange.respond(error.response, problem: error)
            }
            guard request.headers.contains("Origin") else {
                // OPTIONS is answered only as a CORS preflight, which needs no credentials and so cannot tell
                // whether a message exists; a plain OPTIONS would claim it does (openapi.yaml: Origin is required).
                let problem = Problem.badRequest("OPTIONS is answered only as a CORS preflight: it needs Origin")
                return exchange.respond(problem.response, problem: problem)
            }
            let (response, problem) = self.context.cors.preflight(
                allowedOrigin: exchange.allowedOrigin,
                pattern: pattern
            )
            return exchange.respond(response, problem: problem, preflight: true)
        }
        let route: Route
        do {
            route = try Route.match(method: request.method, path: request.path, segments: segments, pattern: pattern)
            try route.checkQuery(request.query)
        } catch {
            return exchange.respond(error.response, problem: error)
        }
        switch route {
        case .health:
            return exchange.respond(Self.json(MessageJSON.Status(status: "ok")))
        case .metrics:
            return exchange.respond(self.metricsResponse())
        case .openAPI:
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/yaml")
            return exchange.respond(HTTPResponse(status: 200, headers: headers, body: .bytes(self.openAPIDocument)))
        case .ready:
            return self.dispatch(exchange) {
                if let problem = self.ready() { throw problem }
                return Self.json(MessageJSON.Status(status: "ready"))
            }
        case .mailbox, .listMessages, .message, .rawMessage, .attachment, .deleteMessage:
            let credentials: POP3Credentials
            let fingerprint: CredentialFingerprint
            do {
                (credentials, fingerprint) = try self.authorization(of: request)
            } catch {
                return exchange.respond(error.response, problem: error)
            }
            // Before anything that could tell a right password from a wrong one: the upstream, a pooled
            // session, or the rendered cache (which answers only the credentials that filled it).
            let throttleKey = LoginThrottle.Key(user: credentials.user, client: request.remoteAddress)
            if let wait = self.loginThrottle.retryAfter(throttleKey) {
                let problem = Problem.tooManyFailedLogins(retryAfter: Self.wholeSecondsRoundedUp(wait))
                self.context.metrics.recordThrottled()
                exchange.log(.notice, "login throttled", ["retry_after_s": .stringConvertible(problem.retryAfter ?? 0)])
                return exchange.respond(problem.response, problem: problem)
            }
            if let response = self.renderedResponse(route, request, credentials, fingerprint) {
                self.loginThrottle.recordSuccess(throttleKey)
                exchange.log(.debug, "answered from the rendered cache")
                return exchange.respond(response)
            }
            self.dispatch(exchange) {
                try self.countingLogins(throttleKey, exchange) {
                    try self.respond(to: route, request, credentials, fingerprint, exchange)
                }
            }
        }
    }

    /// Runs `work` and tells the login throttle how the upstream judged the credentials: a refused login
    /// is a failure, an answer a success; any other error says nothing about the password.
    private func countingLogins(
        _ key: LoginThrottle.Key,
        _ exchange: APIRequest,
        _ work: () throws -> HTTPResponse
    ) throws -> HTTPResponse {
        do {
            let response = try work()
            self.loginThrottle.recordSuccess(key)
            return response
        } catch let error as POP3Error where error.code == .authenticationFailed {
            self.loginThrottle.recordFailure(key)
            // The server's text is not logged: nothing it could echo of the login belongs in a log.
            exchange.log(.notice, "upstream login failed", ["route": .string(exchange.pattern?.template ?? "")])
            throw error
        }
    }

    /// `GET /metrics`: the Prometheus text format, with the pool, cache and workers read now.
    private func metricsResponse() -> HTTPResponse {
        let body = self.context.metrics.render(
            pool: self.service.pool.statistics,
            cache: self.service.cache.statistics,
            workers: self.workers.load,
            throttledKeys: self.loginThrottle.trackedKeys
        )
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/plain; version=0.0.4; charset=utf-8")
        headers.add(name: "Cache-Control", value: "no-store")
        return HTTPResponse(status: 200, headers: headers, body: .bytes(body))
    }

    /// A `Retry-After` value: whole seconds, rounded up, at least 1.
    static func wholeSecondsRoundedUp(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(seconds) + (attoseconds > 0 ? 1 : 0))
    }

    /// A warm GET of one message answered from the rendered cache, on this (HTTP) thread.
    private func renderedResponse(
        _ route: Route,
        _ request: HTTPRequest,
        _ credentials: POP3Credentials,
        _ fingerprint: CredentialFingerprint
    ) -> HTTPResponse? {
        let key: RenderedResponseCache.Key
        switch route {
        case .message(let id):
            // A malformed query is answered by the worker path, like any other request.
            guard let parameters = try? MessageParameters(request) else { return nil }
            key = .init(user: credentials.user, id: id, kind: "j", variant: parameters.variant)
        case .rawMessage(let id): key = .init(user: credentials.user, id: id, kind: "r")
        default: return nil
        }
        guard let entry = self.rendered.entry(for: key, fingerprint: fingerprint) else {
            return nil
        }
        if let notModified = entry.tag.notModified(request) { return notModified }
        guard key.kind == "r" else {
            return HTTPResponse(status: 200, headers: entry.headers, body: .bytes(entry.body))
        }
        return RawResponse.make(entry.body, tag: entry.tag, range: request.headers["Range"])
    }

    /// The Basic credentials of the request and their fingerprint. Decoded and digested once per
    /// connection and header value: a keep-alive client sends the same header every time, and the
    /// memo compares it only with what the same connection sent before.
    private func authorization(
        of request: HTTPRequest
    ) throws(Problem) -> (credentials: POP3Credentials, fingerprint: CredentialFingerprint) {
        let header = request.headers["Authorization"]
        guard let header, let memo = request.connection else { return try self.decodeAuthorization(header) }
        return try memo.value(for: header) { () throws(Problem) in try self.decodeAuthorization(header) }
    }

    private func decodeAuthorization(
        _ header: String?
    ) throws(Problem) -> (credentials: POP3Credentials, fingerprint: CredentialFingerprint) {
        let credentials = try BasicAuthorization.credentials(from: header)
        return (credentials, self.service.fingerprint(credentials))
    }

    /// Runs `work` on a worker thread and answers with its response or its error's problem.
    private func dispatch(_ exchange: APIRequest, _ work: @escaping @Sendable () throws -> HTTPResponse) {
        let accepted = self.workers.submit {
            do {
                exchange.respond(try work())
            } catch {
                let problem = Problem(error)
                exchange.respond(problem.response, problem: problem)
            }
        }
        if !accepted {
            let problem = Problem(SessionPoolError.poolExhausted)
            exchange.log(.warning, "worker queue full")
            exchange.respond(problem.response, problem: problem)
        }
    }

    /// A message whose address field was read as a flat list because its nesting would have overflowed the
    /// parser's stack (MessageSummary.addressFieldsFlattened): worth a look, since someone made it so.
    private static func logFlattened(_ id: String, _ exchange: APIRequest) {
        exchange.log(.warning, "address field too deeply nested, read as a flat list", ["message_id": .string(id)])
    }

    private func respond(
        to route: Route,
        _ request: HTTPRequest,
        _ credentials: POP3Credentials,
        _ fingerprint: CredentialFingerprint,
        _ exchange: APIRequest
    ) throws -> HTTPResponse {
        switch route {
        case .mailbox:
            let info = try self.service.mailbox(credentials)
            return Self.json(MessageJSON.Mailbox(info: info))
        case .listMessages:
            let parameters = try ListParameters(request)
            let page = try self.service.listMessages(
                credentials,
                limit: parameters.limit,
                cursor: parameters.cursor,
                refresh: parameters.refresh
            )
            // Once the page is on its way, so that fetching the next one does not slow this one down.
            exchange.whenAnswered { [service] in service.readAhead(credentials, after: page, limit: parameters.limit) }
            for entry in page.messages where entry.summary.addressFieldsFlattened {
                Self.logFlattened(entry.id, exchange)
            }
            return Self.json(MessageJSON.Page(page: page))
        case .message(let id):
            let parameters = try MessageParameters(request)
            let tagFor = { (size: Int) in EntityTag(kind: "j", id: id, size: size, variant: parameters.variant) }
            if let notModified = try self.notModifiedBeforeFetching(request, credentials, id: id, tag: tagFor) {
                return notModified
            }
            let document = try self.service.message(credentials, id: id)
            if document.summary.addressFieldsFlattened { Self.logFlattened(id, exchange) }
            let tag = tagFor(document.size)
            var response = Self.json(MessageJSON.Message(document: document, parameters: parameters))
            tag.addValidators(to: &response.headers)
            if case .bytes(let body) = response.body {
                self.rendered.store(
                    .init(user: credentials.user, id: id, kind: "j", variant: parameters.variant),
                    fingerprint: fingerprint,
                    tag: tag,
                    headers: response.headers,
                    body: body
                )
            }
            return tag.notModified(request) ?? response
        case .rawMessage(let id):
            let (info, source) = try self.service.rawSource(credentials, id: id)
            let tag = EntityTag(kind: "r", id: id, size: info.size)
            if let notModified = tag.notModified(request) { return notModified }
            switch source {
            case .bytes(let raw):
                self.rendered.store(
                    .init(user: credentials.user, id: id, kind: "r"),
                    fingerprint: fingerprint,
                    tag: tag,
                    headers: HTTPHeaders(),
                    body: raw
                )
                return RawResponse.make(raw, tag: tag, range: request.headers["Range"])
            case .stream:
                // Streamed from the POP3 server as it arrives, so no Content-Length (LIST sizes are
                // hints) and no Range (RFC 9110 lets a server ignore it): the whole message, 200.
                let service = self.service
                return RawResponse.streamed(tag: tag) { writer in
                    try service.streamRaw(credentials, id: id) { chunk in try writer.write(chunk) }
                }
            }
        case .attachment(let id, let attachmentId):
            let tagFor = { (size: Int) in AttachmentResponse.tag(id: id, size: size, attachmentId: attachmentId) }
            if let notModified = try self.notModifiedBeforeFetching(request, credentials, id: id, tag: tagFor) {
                return notModified
            }
            let (info, source) = try self.service.attachment(credentials, id: id, attachmentId: attachmentId)
            let tag = tagFor(info.size)
            let range = request.headers["Range"]
            switch source {
            case .bytes(let attachment, let bytes):
                return AttachmentResponse.make(bytes, attachment, tag: tag, range: range)
            case .spooled(let attachment, let spool):
                return AttachmentResponse.streamed(attachment, from: spool, tag: tag, range: range)
            }
        case .deleteMessage(let id):
            try self.service.delete(credentials, id: id)
            self.rendered.remove(user: credentials.user, id: id)
            return HTTPResponse(status: 204)
        case .health, .ready, .metrics, .openAPI:
            preconditionFailure("answered without credentials")
        }
    }

    /// A 304 for a request whose `If-None-Match` names the current tag, found from the listing alone, so
    /// that a revalidation downloads nothing (a large message would otherwise be spooled first); nil
    /// when the request has no `If-None-Match` or it does not match.
    private func notModifiedBeforeFetching(
        _ request: HTTPRequest,
        _ credentials: POP3Credentials,
        id: String,
        tag: (Int) -> EntityTag
    ) throws -> HTTPResponse? {
        guard request.headers["If-None-Match"] != nil else { return nil }
        return tag(try self.service.messageInfo(credentials, id: id).size).notModified(request)
    }

    static func json(_ value: some JSONWritable, status: Int = 200) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        return HTTPResponse(status: status, headers: headers, body: .bytes(JSON.encode(value)))
    }
}

/// The query of `GET /v1/messages`, validated.
struct ListParameters {
    var limit = 50
    var cursor: String?
    var refresh = false

    init(_ request: borrowing HTTPRequest) throws(Problem) {
        for (name, value) in request.query {
            switch name {
            case "limit":
                guard let limit = Int(value), (1...500).contains(limit) else {
                    throw Problem.badRequest("limit must be a whole number from 1 to 500")
                }
                self.limit = limit
            case "cursor":
                guard (1...200).contains(value.utf8.count) else { throw Problem.badRequest("malformed cursor") }
                self.cursor = value
            case "refresh":
                switch value {
                case "true", "1": self.refresh = true
                case "false", "0": self.refresh = false
                default: throw Problem.badRequest("refresh must be true or false")
                }
            default:
                continue
            }
        }
    }
}

extension GatewayAPI {
    /// openapi.yaml as built into the binary.
    public static var openAPIDocument: [UInt8] { PackageResources.openapi_yaml }
}
