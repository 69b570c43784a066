import Foundation
import GatewayClient
import HTTPTypes
import OpenAPIAsyncHTTPClient
import OpenAPIRuntime

/// Drives the client swift-openapi-generator made from openapi.yaml against a running gateway, the way an
/// application would: the mailbox, every listing page, every message document (and a cut one), every
/// message's source, every attachment (whole and a byte range), error answers decoded as problems, a
/// delete, the operations routes and every CORS preflight. Each JSON answer the client decoded is encoded
/// again and must equal the JSON the gateway sent. scripts/client-test.sh runs it.
///
/// Environment: POP3GW_CLIENT_BASE_URL, POP3GW_CLIENT_USER, POP3GW_CLIENT_PASSWORD (a mailbox the test
/// may delete from), POP3GW_CLIENT_ORIGIN (an origin the gateway allows), POP3GW_CLIENT_OPENAPI (the
/// document the gateway serves), POP3GW_CLIENT_CALLED (a file to write the operation ids called to).
@main
struct ContractTest {
    static func main() async {
        let environment = ProcessInfo.processInfo.environment
        let names = ["BASE_URL", "USER", "PASSWORD", "ORIGIN", "OPENAPI", "CALLED"].map { "POP3GW_CLIENT_" + $0 }
        let values = names.compactMap { environment[$0] }
        guard values.count == names.count, let baseURL = URL(string: values[0]) else {
            FileHandle.standardError.write(Data("client-contract-test: set \(names.joined(separator: ", "))\n".utf8))
            exit(2)
        }
        let walk = Walk(baseURL: baseURL, user: values[1], password: values[2], origin: values[3])
        do {
            try await walk.run(document: try Data(contentsOf: URL(fileURLWithPath: values[4])))
        } catch {
            walk.fail("stopped: \(error)")
        }
        do {
            try walk.operationIDs.sorted().map { $0 + "\n" }.joined().write(
                toFile: values[5],
                atomically: true,
                encoding: .utf8
            )
        } catch {
            walk.fail("cannot write \(values[5]): \(error)")
        }
        print("swift client: \(walk.checks) checks, \(walk.failures) failed")
        exit(walk.failures == 0 ? 0 : 1)
    }
}

/// The calls and what each answer must be.
final class Walk {
    let baseURL: URL
    let user: String
    let password: String
    let origin: String
    let recorder: Recorder
    let client: Client
    private var strangers: [Recorder] = []
    private(set) var checks = 0
    private(set) var failures = 0

    init(baseURL: URL, user: String, password: String, origin: String) {
        self.baseURL = baseURL
        self.user = user
        self.password = password
        self.origin = origin
        recorder = Recorder()
        client = Self.client(baseURL, BasicAuthorization(user: user, password: password), recorder)
    }

    /// A client with its own credentials (or none); its calls count for the coverage too.
    func stranger(_ credentials: BasicAuthorization?) -> (Client, Recorder) {
        let recorder = Recorder()
        strangers.append(recorder)
        return (Self.client(baseURL, credentials, recorder), recorder)
    }

    var operationIDs: Set<String> { strangers.reduce(recorder.operationIDs) { $0.union($1.operationIDs) } }

    /// AsyncHTTPClient's transport: URLSession on Linux never returns a 401 that carries
    /// `WWW-Authenticate: Basic` (it waits for credentials forever), and the gateway's 401s do.
    private static func client(_ baseURL: URL, _ credentials: BasicAuthorization?, _ recorder: Recorder) -> Client {
        let middlewares: [any ClientMiddleware] =
            [VerbatimHeaderFields()] + [credentials].compactMap { $0 } + [recorder]
        return Client(serverURL: baseURL, transport: AsyncHTTPClientTransport(), middlewares: middlewares)
    }

    func fail(_ what: String) {
        checks += 1
        failures += 1
        print("FAIL \(what)")
    }

    func expect(_ condition: Bool, _ what: @autoclosure () -> String) {
        checks += 1
        if !condition {
            failures += 1
            print("FAIL \(what())")
        }
    }

    /// The typed value, encoded again, is the JSON of the latest answer `recorder` saw.
    func expectSent(_ value: some Encodable, _ what: String, recorder: Recorder? = nil) {
        guard let exchange = (recorder ?? self.recorder).last else { return fail("\(what): no answer recorded") }
        do {
            let differences = try JSONValue(encoding: value).differences(from: JSONValue(parsing: exchange.body))
            expect(differences.isEmpty, "\(what): the typed value is not the JSON sent: \(differences.prefix(3))")
        } catch {
            fail("\(what): \(error)")
        }
    }

    /// A typed header value is the field the latest answer carried.
    func expectHeader(_ value: String?, _ name: HTTPField.Name, _ what: String) {
        let sent = recorder.last?.headerFields[name]
        expect(
            value != nil && value == sent,
            "\(what): \(name) is \(value ?? "missing"), the gateway sent \(sent ?? "none")"
        )
    }

    /// A problem answer: the JSON sent, with this status and code.
    func expectProblem(
        _ problem: Components.Schemas.Problem,
        status: Int,
        code: String,
        _ what: String,
        recorder: Recorder? = nil
    ) {
        expectSent(problem, what, recorder: recorder)
        expect(problem.status == status && problem.code == code, "\(what): got \(problem.status) \(problem.code)")
    }

    func run(document: Data) async throws {
        let mailbox = try await client.getMailbox().ok.body.json
        expectSent(mailbox, "mailbox")
        print("mailbox: \(mailbox.count) messages")
        let summaries = try await listing(count: mailbox.count)
        var attachments = 0
        for summary in summaries {
            attachments += try await message(summary)
        }
        print("messages: \(summaries.count) documents, sources and cut documents; \(attachments) attachments")
        guard let first = summaries.first, let last = summaries.last, summaries.count > 1 else {
            return fail("the mailbox needs two messages at least, has \(summaries.count)")
        }
        try await ranges(first)
        try await errors(first)
        try await delete(last, count: summaries.count)
        try await operations(document: document)
        try await preflights(first)
    }
}

extension Walk {
    /// Every page, a few messages at a time; the ids are the mailbox's, each once.
    func listing(count: Int) async throws -> [Components.Schemas.MessageSummary] {
        var summaries: [Components.Schemas.MessageSummary] = []
        var cursor: String? = nil
        var pages = 0
        repeat {
            let page = try await client.listMessages(query: .init(limit: 7, cursor: cursor)).ok.body.json
            pages += 1
            expectSent(page, "listing page \(pages)")
            expect(page.total == count, "listing page \(pages): total \(page.total), the mailbox has \(count)")
            summaries += page.messages
            cursor = page.nextCursor
        } while cursor != nil && pages <= count
        expect(summaries.count == count, "the listing has \(summaries.count) messages, the mailbox \(count)")
        expect(Set(summaries.map(\.id)).count == summaries.count, "an id is listed twice")
        print("listing: \(pages) pages")
        return summaries
    }

    /// The message document (again with its ETag: 304; cut to plain text of 16 bytes), its source, and
    /// each attachment whole and one byte of it. Returns the number of attachments.
    func message(_ summary: Components.Schemas.MessageSummary) async throws -> Int {
        let id = summary.id
        let answer = try await client.getMessage(path: .init(id: id)).ok
        let message = try answer.body.json
        expectSent(message, "message \(id)")
        expect(
            message.id == id && message.size == summary.size && message.date == summary.date
                && message.subject == summary.subject && message.from == summary.from && message.to == summary.to
                && message.cc == summary.cc && message.messageId == summary.messageId,
            "message \(id) does not repeat its listing entry"
        )
        expectHeader(answer.headers.eTag, .eTag, "message \(id)")
        if let etag = answer.headers.eTag {
            _ = try await client.getMessage(path: .init(id: id), headers: .init(ifNoneMatch: etag)).notModified
        } else {
            fail("message \(id) has no ETag")
        }
        let cut = try await client.getMessage(path: .init(id: id), query: .init(textType: .plain, maxBytes: 16)).ok
        let short = try cut.body.json
        expectSent(short, "message \(id) (plain, 16 bytes)")
        expect(
            short.html == nil && Self.isCut(short.text, of: message.text, maxBytes: 16),
            "message \(id) (plain, 16 bytes): \(String(describing: short.text))"
        )

        let source = try await client.getRawMessage(path: .init(id: id)).ok
        let bytes = try await [UInt8](collecting: source.body.messageRfc822, upTo: 256 << 20)
        expect(bytes.count == summary.size, "source of \(id): \(bytes.count) bytes, listed as \(summary.size)")

        for attachment in message.attachments {
            let what = "attachment \(attachment.id) of \(id)"
            let path = Operations.GetAttachment.Input.Path(id: id, attachmentId: attachment.id)
            let whole = try await client.getAttachment(path: path).ok
            let content = try await [UInt8](collecting: whole.body.any, upTo: 256 << 20)
            expect(content.count == attachment.size, "\(what): \(content.count) bytes, listed as \(attachment.size)")
            expectHeader(attachment.contentType, .contentType, what)
            expectHeader(whole.headers.contentDisposition, .contentDisposition, what)
            expectHeader(whole.headers.eTag, .eTag, what)
            expect(
                whole.headers.contentDisposition?.hasPrefix(attachment.disposition.rawValue + ";") == true,
                "\(what): Content-Disposition \(whole.headers.contentDisposition ?? "missing")"
            )
            guard content.count > 1 else { continue }
            let range = try await client.getAttachment(path: path, headers: .init(range: "bytes=1-1")).partialContent
            let byte = try await [UInt8](collecting: range.body.any, upTo: 16)
            expect(
                byte == [content[1]] && range.headers.contentRange == "bytes 1-1/\(content.count)",
                "\(what), bytes=1-1: \(byte), \(range.headers.contentRange)"
            )
        }
        return message.attachments.count
    }

    /// A body cut to `maxBytes`: a prefix of the whole, no longer, with `hasMore` when bytes were left out.
    static func isCut(
        _ cut: Components.Schemas.BodyText?,
        of whole: Components.Schemas.BodyText?,
        maxBytes: Int
    ) -> Bool {
        guard let cut, let whole else { return cut == nil && whole == nil }
        let part = Array(cut.content.utf8)
        let all = Array(whole.content.utf8)
        return part.count <= maxBytes && all.starts(with: part) && cut.hasMore == (all.count > part.count)
    }

    /// A byte range of a source (206), and one past its end (416, a problem).
    func ranges(_ summary: Components.Schemas.MessageSummary) async throws {
        let path = Operations.GetRawMessage.Input.Path(id: summary.id)
        let part = try await client.getRawMessage(path: path, headers: .init(range: "bytes=0-9")).partialContent
        let bytes = try await [UInt8](collecting: part.body.messageRfc822, upTo: 16)
        expect(
            bytes.count == 10 && part.headers.contentRange == "bytes 0-9/\(summary.size)",
            "source bytes=0-9: \(bytes.count) bytes, \(part.headers.contentRange)"
        )
        let answer = try await client.getRawMessage(path: path, headers: .init(range: "bytes=\(summary.size + 10)-"))
            .rangeNotSatisfiable
        expectProblem(
            try answer.body.applicationProblemJson,
            status: 416,
            code: "range_not_satisfiable",
            "source past its end"
        )
        expect(answer.headers.contentRange == "bytes */\(summary.size)", "416 Content-Range")
    }

    /// Answers a caller can cause, each decoded as the problem type.
    func errors(_ summary: Components.Schemas.MessageSummary) async throws {
        let notFound = try await client.getMessage(path: .init(id: "no-such-message")).notFound
        expectProblem(try notFound.body.applicationProblemJson, status: 404, code: "not_found", "an unknown id")

        let noPart = try await client.getAttachment(path: .init(id: summary.id, attachmentId: "99")).notFound
        expectProblem(
            try noPart.body.applicationProblemJson,
            status: 404,
            code: "attachment_not_found",
            "an unknown attachment"
        )

        let bad = try await client.listMessages(query: .init(cursor: "not-a-cursor")).badRequest
        expectProblem(try bad.body.applicationProblemJson, status: 400, code: "bad_request", "a malformed cursor")

        let (wrong, wrongRecorder) = stranger(BasicAuthorization(user: user, password: "not-" + password))
        let unauthorized = try await wrong.getMailbox().unauthorized
        let problem = try unauthorized.body.applicationProblemJson
        expectProblem(problem, status: 401, code: "authentication_failed", "a wrong password", recorder: wrongRecorder)
        expect(unauthorized.headers.wwwAuthenticate.hasPrefix("Basic "), "401: \(unauthorized.headers.wwwAuthenticate)")

        let (anonymous, anonymousRecorder) = stranger(nil)
        let noCredentials = try await anonymous.listMessages().unauthorized
        expectProblem(
            try noCredentials.body.applicationProblemJson,
            status: 401,
            code: "authentication_required",
            "no credentials",
            recorder: anonymousRecorder
        )
    }

    /// Deletes a message: 204, then the message is gone from its id and from a fresh listing.
    func delete(_ summary: Components.Schemas.MessageSummary, count: Int) async throws {
        _ = try await client.deleteMessage(path: .init(id: summary.id)).noContent
        let notFound = try await client.getMessage(path: .init(id: summary.id)).notFound
        expectProblem(try notFound.body.applicationProblemJson, status: 404, code: "not_found", "a deleted message")
        let page = try await client.listMessages(query: .init(limit: 500, refresh: true)).ok.body.json
        expectSent(page, "the listing after a delete")
        expect(
            page.total == count - 1 && !page.messages.contains { $0.id == summary.id },
            "after a delete the listing has \(page.total) messages, wanted \(count - 1) without \(summary.id)"
        )
    }

    /// Health, readiness, metrics and the document itself.
    func operations(document: Data) async throws {
        let health = try await client.getHealth().ok.body.json
        expectSent(health, "health")
        expect(health.status == .ok, "health: \(health.status)")
        let readiness = try await client.getReadiness().ok.body.json
        expectSent(readiness, "readiness")
        expect(readiness.status == .ready, "readiness: \(readiness.status)")
        let metrics = try await client.getMetrics().ok.body.textPlainCharsetUtf8Version_0_0_4
        let text = String(decoding: try await [UInt8](collecting: metrics, upTo: 16 << 20), as: UTF8.self)
        expect(text.contains("\nhttp_requests_total{"), "metrics without http_requests_total")
        let served = try await client.getOpenAPIDocument().ok.body.yaml
        expect(
            try await Data(collecting: served, upTo: 16 << 20) == document,
            "the served document is not openapi.yaml"
        )
    }

    /// Every path's preflight from the allowed origin (204), and one from another origin (403, a problem).
    func preflights(_ summary: Components.Schemas.MessageSummary) async throws {
        let id = summary.id
        let allowed: [String?] = [
            try await client.preflightMailbox(headers: .init(origin: origin)).noContent.headers
                .accessControlAllowOrigin,
            try await client.preflightMessages(headers: .init(origin: origin)).noContent.headers
                .accessControlAllowOrigin,
            try await client.preflightMessage(path: .init(id: id), headers: .init(origin: origin)).noContent.headers
                .accessControlAllowOrigin,
            try await client.preflightRawMessage(path: .init(id: id), headers: .init(origin: origin)).noContent.headers
                .accessControlAllowOrigin,
            try await client.preflightAttachment(
                path: .init(id: id, attachmentId: "1"),
                headers: .init(origin: origin)
            ).noContent.headers.accessControlAllowOrigin,
            try await client.preflightHealth(headers: .init(origin: origin)).noContent.headers.accessControlAllowOrigin,
            try await client.preflightReadiness(headers: .init(origin: origin)).noContent.headers
                .accessControlAllowOrigin,
            try await client.preflightMetrics(headers: .init(origin: origin)).noContent.headers
                .accessControlAllowOrigin,
            try await client.preflightOpenAPIDocument(headers: .init(origin: origin)).noContent.headers
                .accessControlAllowOrigin,
        ]
        expect(allowed.allSatisfy { $0 == origin }, "preflights: Access-Control-Allow-Origin \(allowed)")
        let forbidden = try await client.preflightMailbox(headers: .init(origin: "https://elsewhere.example")).forbidden
        let problem = try forbidden.body.applicationProblemJson
        expectProblem(problem, status: 403, code: "cors_origin_not_allowed", "a foreign origin's preflight")
    }
}
