public import Gateway
public import HTTPServer
import POP3

/// Routes HTTP requests to the mailbox use cases (openapi.yaml is the contract).
///
/// `handle` runs on a libmicrohttpd thread, which must never block: it answers what needs no
/// upstream (routing errors, 401 without credentials, health, the spec) at once, and hands the
/// rest to the worker pool. A full worker queue is an immediate 503.
public final class GatewayAPI: Sendable {
    private let service: MailboxService
    private let workers: WorkerPool
    private let ready: @Sendable () -> Problem?
    private let openAPIDocument: [UInt8]
    private let rendered: RenderedResponseCache

    /// - Parameters:
    ///   - renderedCacheBudget: bytes of finished single-message answers kept for warm GETs.
    ///   - readiness: probes the upstream; nil when it answers, else why not.
    public init(
        service: MailboxService,
        workers: WorkerPool,
        openAPIDocument: [UInt8],
        renderedCacheBudget: Int = 16 << 20,
        readiness: @escaping @Sendable () -> String?
    ) {
        self.rendered = RenderedResponseCache(budget: renderedCacheBudget)
        self.service = service
        self.workers = workers
        self.openAPIDocument = openAPIDocument
        self.ready = {
            readiness().map {
                Problem(status: 503, code: "upstream_unreachable", title: "Upstream unreachable", detail: $0)
            }
        }
    }

    public func handle(_ request: HTTPRequest, _ responder: HTTPResponder) {
        let route: Route
        do {
            route = try Route.match(method: request.method, path: request.path)
        } catch {
            return responder.respond(error.response)
        }
        switch route {
        case .health:
            return responder.respond(Self.json(MessageJSON.Status(status: "ok")))
        case .openAPI:
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/yaml")
            return responder.respond(HTTPResponse(status: 200, headers: headers, body: .bytes(self.openAPIDocument)))
        case .ready:
            return self.dispatch(responder) {
                if let problem = self.ready() { throw problem }
                return Self.json(MessageJSON.Status(status: "ready"))
            }
        case .mailbox, .listMessages, .message, .rawMessage, .deleteMessage:
            let credentials: POP3Credentials
            do {
                credentials = try BasicAuthorization.credentials(from: request.headers["Authorization"])
            } catch {
                return responder.respond(error.response)
            }
            if let response = self.renderedResponse(route, request, credentials) {
                return responder.respond(response)
            }
            self.dispatch(responder) { try self.respond(to: route, request, credentials) }
        }
    }

    /// A warm GET of one message answered from the rendered cache, on this (HTTP) thread.
    private func renderedResponse(
        _ route: Route,
        _ request: HTTPRequest,
        _ credentials: POP3Credentials
    ) -> HTTPResponse? {
        let key: RenderedResponseCache.Key
        switch route {
        case .message(let id): key = .init(user: credentials.user, id: id, kind: "j")
        case .rawMessage(let id): key = .init(user: credentials.user, id: id, kind: "r")
        default: return nil
        }
        guard let entry = self.rendered.entry(for: key, fingerprint: self.service.fingerprint(credentials)) else {
            return nil
        }
        if let notModified = entry.tag.notModified(request) { return notModified }
        guard key.kind == "r" else {
            return HTTPResponse(status: 200, headers: entry.headers, body: .bytes(entry.body))
        }
        do {
            return try RawResponse.make(entry.body, tag: entry.tag, range: request.headers["Range"])
        } catch {
            return error.response
        }
    }

    /// Runs `work` on a worker thread and answers with its response or its error's problem.
    private func dispatch(_ responder: HTTPResponder, _ work: @escaping @Sendable () throws -> HTTPResponse) {
        let accepted = self.workers.submit {
            let response: HTTPResponse
            do {
                response = try work()
            } catch {
                response = Problem(error).response
            }
            responder.respond(response)
        }
        if !accepted {
            responder.respond(Problem(SessionPoolError.poolExhausted).response)
        }
    }

    private func respond(
        to route: Route,
        _ request: HTTPRequest,
        _ credentials: POP3Credentials
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
            return Self.json(MessageJSON.Page(page: page))
        case .message(let id):
            let document = try self.service.message(credentials, id: id)
            let tag = EntityTag(kind: "j", id: id, size: document.size)
            var response = Self.json(MessageJSON.Message(document: document))
            tag.addValidators(to: &response.headers)
            if case .bytes(let body) = response.body {
                self.rendered.store(
                    .init(user: credentials.user, id: id, kind: "j"),
                    fingerprint: self.service.fingerprint(credentials),
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
                    fingerprint: self.service.fingerprint(credentials),
                    tag: tag,
                    headers: HTTPHeaders(),
                    body: raw
                )
                return try RawResponse.make(raw, tag: tag, range: request.headers["Range"])
            case .stream:
                // Streamed from the POP3 server as it arrives, so no Content-Length (LIST sizes are
                // hints) and no Range (RFC 9110 lets a server ignore it): the whole message, 200.
                let service = self.service
                return RawResponse.streamed(tag: tag) { writer in
                    try service.streamRaw(credentials, id: id) { chunk in try writer.write(chunk) }
                }
            }
        case .deleteMessage(let id):
            try self.service.delete(credentials, id: id)
            self.rendered.remove(user: credentials.user, id: id)
            return HTTPResponse(status: 204)
        case .health, .ready, .openAPI:
            preconditionFailure("answered on the server thread")
        }
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

    init(_ request: HTTPRequest) throws(Problem) {
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

/// A strong validator for one representation of one message: messages never change under their id.
struct EntityTag {
    var value: String

    init(kind: String, id: String, size: Int) {
        let hex = id.utf8.map { String($0, radix: 16) }.joined()
        self.value = "\"\(kind)\(size)-\(hex)\""
    }

    /// A 304 when `If-None-Match` names this tag (or is `*`).
    func notModified(_ request: HTTPRequest) -> HTTPResponse? {
        guard let header = request.headers["If-None-Match"] else { return nil }
        let tags = header.split(separator: ",").map { $0.trimmingPrefix("W/").filter { $0 != " " } }
        guard tags.contains(where: { $0 == "*" || $0 == self.value }) else { return nil }
        var response = HTTPResponse(status: 304)
        self.addValidators(to: &response.headers)
        return response
    }

    func addValidators(to headers: inout HTTPHeaders) {
        headers.add(name: "ETag", value: self.value)
        headers.add(name: "Cache-Control", value: "private")
    }
}

/// `GET /v1/messages/{id}/raw`: the source as `message/rfc822`, whole or one byte range.
enum RawResponse {
    static func streamed(
        tag: EntityTag,
        producer: @escaping @Sendable (HTTPBodyWriter) throws -> Void
    ) -> HTTPResponse {
        HTTPResponse(status: 200, headers: self.headers(tag), body: .stream(contentLength: nil, producer: producer))
    }

    private static func headers(_ tag: EntityTag) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "message/rfc822")
        headers.add(name: "Accept-Ranges", value: "bytes")
        tag.addValidators(to: &headers)
        return headers
    }

    static func make(_ raw: [UInt8], tag: EntityTag, range: String?) throws(Problem) -> HTTPResponse {
        var headers = self.headers(tag)
        switch ByteRange.resolve(range, length: raw.count) {
        case .whole:
            return HTTPResponse(status: 200, headers: headers, body: .bytes(raw))
        case .partial(let range):
            headers.add(name: "Content-Range", value: "bytes \(range.first)-\(range.last)/\(raw.count)")
            return HTTPResponse(status: 206, headers: headers, body: .bytes(Array(raw[range.first...range.last])))
        case .unsatisfiable:
            var problem = Problem(
                status: 416,
                code: "range_not_satisfiable",
                title: "Range not satisfiable",
                detail: "the message has \(raw.count) octets"
            ).response
            problem.headers.add(name: "Content-Range", value: "bytes */\(raw.count)")
            return problem
        }
    }
}

extension GatewayAPI {
    /// openapi.yaml as built into the binary.
    public static var openAPIDocument: [UInt8] { PackageResources.openapi_yaml }
}
