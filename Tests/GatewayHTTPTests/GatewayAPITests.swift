import Foundation
import Gateway
import TestSupport
import Testing

/// The HTTP API over real loopback HTTP in front of the real Dovecot.
@Suite(.serialized) struct GatewayAPITests {
    let gateway: GatewayFixture

    init() throws {
        self.gateway = try GatewayFixture()
    }

    /// Pages of 8 walk the 21 demo messages newest first, with the total, and no id twice.
    @Test func listsPageByPage() throws {
        var ids: [String] = []
        var dates: [String] = []
        var path = "/v1/messages?limit=8"
        for _ in 0..<10 {
            let response = try self.gateway.request(path)
            #expect(response.status == 200)
            let page = try response.json()
            #expect(page["total"] as? Int == 21)
            let messages = try #require(page["messages"] as? [[String: Any]])
            ids += messages.compactMap { $0["id"] as? String }
            dates += messages.compactMap { $0["date"] as? String }
            guard let cursor = page["nextCursor"] as? String else { break }
            path = "/v1/messages?limit=8&cursor=\(cursor)"
        }
        #expect(ids.count == 21)
        #expect(Set(ids).count == 21)
        let instants = dates.compactMap { ISO8601DateFormatter().date(from: $0) }
        #expect(instants.count == 21)
        #expect(instants == instants.sorted(by: >), "newest first")
    }

    /// A cursor is taken only in the form the gateway issues (openapi.yaml's pattern); signs, leading zeros,
    /// upper-case hex and a UIDL outside 0x21-0x7E are 400.
    @Test func cursorIsTakenOnlyAsIssued() throws {
        let page = try self.gateway.request("/v1/messages?limit=8").json()
        let cursor = try #require(page["nextCursor"] as? String)
        let pattern = try Regex("^[1-9][0-9]{0,17}-(2[1-9a-f]|[3-6][0-9a-f]|7[0-9a-e]){1,70}$")
        #expect(cursor.wholeMatch(of: pattern) != nil)
        #expect(try self.gateway.request("/v1/messages?limit=8&cursor=\(cursor)").status == 200)
        #expect(try self.gateway.request("/v1/messages?cursor=5-4142").status == 200, "unknown but well-formed")
        for malformed in ["%2B5-4142", "05-4142", "5-4A42", "5-20", "5-", "-4142", "5-414", "1234567890123456789-41"] {
            let response = try self.gateway.request("/v1/messages?cursor=\(malformed)")
            #expect(response.status == 400, "\(malformed)")
        }
    }

    /// A query parameter the route does not take is a 400 problem on every route (a typo is not ignored);
    /// OPTIONS, which a browser sends with the real request's query, looks at no query.
    @Test func unknownQueryParametersAre400() throws {
        for path in ["/v1/messages?limt=5", "/v1/messages?limit=5&x=", "/v1/mailbox?refresh=true", "/healthz?x=1"] {
            let response = try self.gateway.request(path)
            #expect(response.status == 400, "\(path)")
            #expect(response.headers["content-type"] == "application/problem+json", "\(path)")
            #expect(try response.json()["code"] as? String == "bad_request", "\(path)")
        }
        #expect(try self.gateway.request("/v1/messages?limit=5&cursor=5-4142&refresh=false").status == 200)
        let preflight = try self.gateway.request(
            "/v1/mailbox?x=1",
            method: "OPTIONS",
            user: nil,
            headers: ["Origin": "https://app.example.com"]
        )
        #expect(preflight.status == 403, "judged by its origin (none is allowed here), not by its query")
        #expect(try preflight.json()["code"] as? String == "cors_origin_not_allowed")
    }

    /// Subjects come decoded (RFC 2047) and addresses as {name, address}.
    @Test func summariesAreDecoded() throws {
        let page = try self.gateway.request("/v1/messages?limit=500").json()
        let messages = try #require(page["messages"] as? [[String: Any]])
        let subjects = messages.compactMap { $0["subject"] as? String }
        #expect(subjects.count == 21)
        #expect(!subjects.contains { $0.contains("=?") }, "no undecoded encoded words")
        let from = try #require(messages.first?["from"] as? [[String: Any]])
        #expect(from.first?["address"] as? String != nil)
        #expect(from.first?.keys.contains("name") == true)
    }

    /// /raw is byte-exact against the file on disk, with a strong ETag that gives 304.
    @Test func rawIsByteExactWithETag() throws {
        let page = try self.gateway.request("/v1/messages?limit=500").json()
        let ids = try #require(page["messages"] as? [[String: Any]]).compactMap { $0["id"] as? String }
        let files = self.gateway.messageFiles(of: "alice")
        for (id, file) in zip(ids.reversed(), files) {
            let response = try self.gateway.request("/v1/messages/\(id)/raw")
            #expect(response.status == 200)
            #expect(response.headers["content-type"] == "message/rfc822")
            #expect(response.body == (try Data(contentsOf: file)), "\(id) differs from \(file.lastPathComponent)")
            let tag = try #require(response.headers["etag"])
            #expect(!tag.hasPrefix("W/"))
            #expect(try self.gateway.request("/v1/messages/\(id)/raw", headers: ["If-None-Match": tag]).status == 304)
        }
    }

    /// A message over the streaming threshold arrives streamed (no Content-Length) and byte-exact,
    /// and a second download streams again rather than coming from memory.
    @Test func largeMessageIsStreamed() throws {
        let list = try self.gateway.request("/v1/messages", user: "big", password: "big-secret").json()
        let messages = try #require(list["messages"] as? [[String: Any]])
        let largest = try #require(messages.max { ($0["size"] as? Int ?? 0) < ($1["size"] as? Int ?? 0) })
        let id = try #require(largest["id"] as? String)
        let files = self.gateway.messageFiles(of: "big")
        let onDisk = try #require(files.map { try Data(contentsOf: $0) }.max { $0.count < $1.count })
        #expect(onDisk.count > 4 * 1024 * 1024)
        for _ in 0..<2 {
            let response = try self.gateway.request("/v1/messages/\(id)/raw", user: "big", password: "big-secret")
            #expect(response.status == 200)
            #expect(response.headers["content-length"] == nil)
            #expect(response.headers["transfer-encoding"]?.lowercased() == "chunked")
            #expect(response.body == onDisk)
        }
        #expect(self.gateway.service.cache.statistics.memoryEntries == 0)
    }

    /// A Range gives 206 with exactly those bytes; a range past the end gives 416.
    @Test func rangeRequests() throws {
        let page = try self.gateway.request("/v1/messages?limit=1").json()
        let id = try #require((page["messages"] as? [[String: Any]])?.first?["id"] as? String)
        let whole = try self.gateway.request("/v1/messages/\(id)/raw").body
        let part = try self.gateway.request("/v1/messages/\(id)/raw", headers: ["Range": "bytes=10-99"])
        #expect(part.status == 206)
        #expect(part.body == whole[10...99])
        #expect(part.headers["content-range"] == "bytes 10-99/\(whole.count)")
        let past = try self.gateway.request("/v1/messages/\(id)/raw", headers: ["Range": "bytes=\(whole.count)-"])
        #expect(past.status == 416)
    }

    /// A second GET of a message (JSON or raw) is served from the cache: no upstream session is even
    /// borrowed, so no RETR; a different password is not served from it.
    @Test func secondGetComesFromTheCache() throws {
        let page = try self.gateway.request("/v1/messages?limit=3").json()
        let id = try #require((page["messages"] as? [[String: Any]])?.last?["id"] as? String)
        for path in ["/v1/messages/\(id)", "/v1/messages/\(id)/raw"] {
            let first = try self.gateway.request(path)
            #expect(first.status == 200)
            let cacheBefore = self.gateway.service.cache.statistics
            let poolBefore = self.gateway.service.pool.statistics
            let second = try self.gateway.request(path)
            let cacheAfter = self.gateway.service.cache.statistics
            let poolAfter = self.gateway.service.pool.statistics
            #expect(second.status == 200)
            #expect(second.body == first.body)
            #expect(second.headers["etag"] == first.headers["etag"])
            #expect(cacheAfter.misses == cacheBefore.misses)
            #expect(poolAfter.sessionsReused == poolBefore.sessionsReused)
            #expect(poolAfter.loginsSucceeded == poolBefore.loginsSucceeded)
            #expect(try self.gateway.request(path, password: "wrong").status == 401)
        }
    }

    /// DELETE answers 204, and the message is gone from the API and from the maildir. The message is one
    /// the test delivers first, so the mailbox is as it was afterwards and the test can run again.
    @Test func deleteRemovesTheMessage() throws {
        let prefix = "1900000000.M1P1.gatewaytest-delete"
        let message = Array("Subject: to be deleted\r\nMessage-ID: <delete@gateway.test>\r\n\r\nbye\r\n".utf8)
        let mailDirectory = self.gateway.mailDirectory
        try MaildirDelivery.deliver(message, user: "scratch5", mailDirectory: mailDirectory, prefix: prefix)
        defer { try? MaildirDelivery.remove(prefix: prefix, user: "scratch5", mailDirectory: mailDirectory) }
        let list = try self.gateway.request("/v1/messages?refresh=true", user: "scratch5", password: "scratch-secret")
            .json()
        let messages = try #require(list["messages"] as? [[String: Any]])
        let ids = messages.compactMap { $0["id"] as? String }
        let victim = try #require(
            messages.first { $0["messageId"] as? String == "delete@gateway.test" }?["id"] as? String
        )
        let filesBefore = self.gateway.messageFiles(of: "scratch5").count
        let deleted = try self.gateway.request(
            "/v1/messages/\(victim)",
            method: "DELETE",
            user: "scratch5",
            password: "scratch-secret"
        )
        #expect(deleted.status == 204)
        let after = try self.gateway.request("/v1/messages", user: "scratch5", password: "scratch-secret").json()
        let idsAfter = try #require(after["messages"] as? [[String: Any]]).compactMap { $0["id"] as? String }
        #expect(!idsAfter.contains(victim))
        #expect(idsAfter.count == ids.count - 1)
        #expect(self.gateway.messageFiles(of: "scratch5").count == filesBefore - 1)
    }

    /// Wrong password 401 with WWW-Authenticate, unknown id 404, malformed id 400 (for a preflight too), all
    /// problem+json; 405 lists the path's methods, OPTIONS included, in `Allow`.
    @Test func errorsAreProblems() throws {
        let wrong = try self.gateway.request("/v1/mailbox", password: "wrong")
        #expect(wrong.status == 401)
        #expect(wrong.headers["www-authenticate"]?.hasPrefix("Basic") == true)
        #expect(wrong.headers["content-type"] == "application/problem+json")
        #expect(try wrong.json()["code"] as? String == "authentication_failed")

        let missing = try self.gateway.request("/v1/messages/no-such-id")
        #expect(missing.status == 404)
        #expect(missing.headers["content-type"] == "application/problem+json")

        let malformed = try self.gateway.request("/v1/messages/a%20b")
        #expect(malformed.status == 400)
        let noCredentials = try self.gateway.request("/v1/mailbox", user: nil)
        #expect(noCredentials.status == 401)
        let badLimit = try self.gateway.request("/v1/messages?limit=0")
        #expect(badLimit.status == 400)
        let route = try self.gateway.request("/v2/nothing")
        #expect(route.status == 404)
        let method = try self.gateway.request("/v1/mailbox", method: "POST")
        #expect(method.status == 405)
        #expect(method.headers["allow"] == "GET, HEAD, OPTIONS")
        let deleteAllowed = try self.gateway.request("/v1/messages/any-id/raw", method: "DELETE")
        #expect(deleteAllowed.headers["allow"] == "GET, HEAD, OPTIONS")
        let malformedOptions = try self.gateway.request(
            "/v1/messages/%13/raw",
            method: "OPTIONS",
            user: nil,
            headers: ["Origin": "https://app.example.com"]
        )
        #expect(malformedOptions.status == 400, "a malformed id is 400 for a preflight too")
        #expect(malformedOptions.headers["content-type"] == "application/problem+json")
    }

    /// Parallel requests to one mailbox are served one after another on its one session: no [IN-USE].
    @Test func parallelRequestsToOneMailbox() throws {
        let statuses = ConcurrentStatuses()
        // Plain threads: blocking GCD workers here could starve URLSession's own callbacks.
        let gateway = self.gateway
        let threads = (0..<12).map { index in
            Thread {
                let status = (try? gateway.request(index % 2 == 0 ? "/v1/mailbox" : "/v1/messages?limit=5"))?.status
                statuses.append(status ?? -1)
            }
        }
        for thread in threads { thread.start() }
        let deadline = Date().addingTimeInterval(30)
        while statuses.values.count < 12 && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        #expect(statuses.values == Array(repeating: 200, count: 12))
        #expect(self.gateway.service.pool.statistics.loginsSucceeded == 1)
    }

    /// /healthz, /readyz and /openapi.yaml need no credentials.
    @Test func operationsEndpoints() throws {
        #expect(try self.gateway.request("/healthz", user: nil).status == 200)
        #expect(try self.gateway.request("/readyz", user: nil).status == 200)
        let spec = try self.gateway.request("/openapi.yaml", user: nil)
        #expect(spec.status == 200)
        #expect(String(decoding: spec.body, as: UTF8.self).hasPrefix("openapi: 3.1"))
    }
}

private final class ConcurrentStatuses: @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [Int] = []

    func append(_ status: Int) {
        self.lock.lock()
        self.collected.append(status)
        self.lock.unlock()
    }

    var values: [Int] {
        self.lock.lock()
        defer { self.lock.unlock() }
        return self.collected
    }
}

extension GatewayAPITests {
    /// Credentials are judged on every request of a keep-alive connection, though the connection
    /// remembers its last decoded Authorization header: a wrong password after a right one is 401 (the
    /// rendered cache answers only the right one), and the right one after it is served again.
    @Test func everyRequestOfAKeepAliveConnectionIsAuthorized() throws {
        let list = try self.gateway.request("/v1/messages?limit=1").json()
        let id = try #require((list["messages"] as? [[String: Any]])?.first?["id"] as? String)
        #expect(try self.gateway.request("/v1/messages/\(id)").status == 200, "now in the rendered cache")
        let logins = [
            ("alice", "alice-secret"), ("alice", "wrong"), ("alice", "alice-secret"), ("bob", "alice-secret"),
        ]
        var head = ""
        for (index, (user, password)) in logins.enumerated() {
            head += "GET /v1/messages/\(id) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            head += "Authorization: Basic " + Data("\(user):\(password)".utf8).base64EncodedString() + "\r\n"
            head += index == logins.count - 1 ? "Connection: close\r\n\r\n" : "\r\n"
        }
        let received = String(decoding: try self.gateway.exchange(Array(head.utf8)), as: UTF8.self)
        let statusLine = try Regex("HTTP/1\\.1 ([0-9]{3}) ")
        let statuses = received.matches(of: statusLine).compactMap { $0.output[1].substring.flatMap { Int($0) } }
        #expect(statuses == [200, 401, 200, 401], "\(statuses)")
    }
}
