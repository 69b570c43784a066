import Foundation
import Gateway
import GatewayHTTP
import InMemoryLogging
import Logging
import Testing

/// `/metrics`, CORS, request ids and the failed-login slowdown, over loopback HTTP.
@Suite struct GatewayOperationsTests {
    /// After three listings, an unknown id and an unknown route, /metrics counts exactly those, by route
    /// template, with one upstream login, and names no user.
    @Test func metricsCountKnownTraffic() throws {
        let gateway = try GatewayFixture()
        for _ in 0..<3 {
            #expect(try gateway.request("/v1/messages?limit=2").status == 200)
        }
        #expect(try gateway.request("/v1/messages/no-such-id").status == 404)
        #expect(try gateway.request("/nope", user: nil).status == 404)

        let response = try gateway.request("/metrics", user: nil)
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
        let text = String(decoding: response.body, as: UTF8.self)
        let metrics = PrometheusText(text)
        let requests = "http_requests_total"
        #expect(metrics.value(requests, ["route": "/v1/messages", "method": "GET", "status": "200"]) == 3)
        #expect(metrics.value(requests, ["route": "/v1/messages/{id}", "method": "GET", "status": "404"]) == 1)
        #expect(metrics.value(requests, ["route": "unmatched", "method": "GET", "status": "404"]) == 1)
        #expect(metrics.samples(named: requests).count == 3, "only these series so far: \(text)")
        #expect(metrics.types[requests] == "counter")
        #expect(metrics.types["http_request_duration_seconds"] == "histogram")
        #expect(metrics.value("http_request_duration_seconds_count", ["route": "/v1/messages"]) == 3)
        #expect(metrics.value("http_request_duration_seconds_count", ["route": "/v1/messages/{id}"]) == 1)
        #expect(metrics.value("http_request_duration_seconds_count", ["route": "unmatched"]) == 1)
        #expect(metrics.value("http_request_duration_seconds_count", ["route": "/v1/mailbox"]) == 0)
        // Buckets ascend, counts are cumulative, and +Inf holds them all.
        let buckets = metrics.samples(named: "http_request_duration_seconds_bucket").filter {
            $0.labels["route"] == "/v1/messages"
        }
        let bounds = buckets.map { $0.labels["le"] == "+Inf" ? Double.infinity : Double($0.labels["le"] ?? "") ?? -1 }
        #expect(bounds == bounds.sorted() && bounds.count > 10 && bounds.last == .infinity, "\(bounds)")
        #expect(buckets.map(\.value) == buckets.map(\.value).sorted() && buckets.last?.value == 3)

        #expect(metrics.value("pop3_logins_total", ["result": "ok"]) == 1)
        #expect(metrics.value("pop3_logins_total", ["result": "failed"]) == 0)
        #expect(metrics.types["pop3_command_duration_seconds"] == "histogram")
        for command in ["UIDL", "LIST", "TOP"] {
            let count = metrics.value("pop3_command_duration_seconds_count", ["command": command]) ?? 0
            #expect(count >= 1, "\(command)")
        }
        #expect(metrics.value("upstream_sessions_open") == 1)
        #expect(metrics.value("upstream_sessions_idle") == 1)
        #expect(metrics.value("upstream_requests_queued") == 0)
        #expect(metrics.value("summary_cache_misses_total") == 2)
        #expect(metrics.value("summary_cache_hits_total") == 4)
        #expect(metrics.value("message_cache_bytes", ["tier": "memory"]) != nil)
        #expect(metrics.value("message_cache_evictions_total", ["tier": "memory"]) == 0)
        #expect(metrics.value("worker_jobs_queued") != nil)
        #expect(metrics.value("worker_jobs_running") != nil)
        #expect(!text.contains("alice"), "no user name or password in any label")

        // The first scrape is counted in the second; mirrored counters are not counted twice.
        let again = PrometheusText(String(decoding: try gateway.request("/metrics", user: nil).body, as: UTF8.self))
        #expect(again.value(requests, ["route": "/metrics", "method": "GET", "status": "200"]) == 1)
        #expect(again.value(requests, ["route": "/v1/messages", "method": "GET", "status": "200"]) == 3)
        #expect(again.value("pop3_logins_total", ["result": "ok"]) == 1)
        #expect(again.value("summary_cache_hits_total") == 4)
    }

    /// A made-up method is counted as `other`, so callers cannot create series at will.
    @Test func unknownMethodsShareOneLabel() throws {
        let gateway = try GatewayFixture()
        #expect(try gateway.request("/v1/mailbox", method: "BREW").status == 405)
        #expect(try gateway.request("/v1/mailbox", method: "PROPFIND").status == 405)
        let metrics = PrometheusText(String(decoding: try gateway.request("/metrics", user: nil).body, as: UTF8.self))
        #expect(
            metrics.value("http_requests_total", ["route": "/v1/mailbox", "method": "other", "status": "405"]) == 2
        )
    }

    /// A preflight from an allowed origin is 204 with the route's methods, the allowed request headers and a
    /// max age; from another origin it is 403 without any CORS header; OPTIONS without Origin is a 400 problem.
    @Test func corsPreflight() throws {
        let gateway = try GatewayFixture(cors: try CORSPolicy(allowedOrigins: ["https://app.example.com"]))
        let allowed = try gateway.request(
            "/v1/messages/abc",
            method: "OPTIONS",
            user: nil,
            headers: ["Origin": "https://app.example.com", "Access-Control-Request-Method": "DELETE"]
        )
        #expect(allowed.status == 204)
        #expect(allowed.headers["access-control-allow-origin"] == "https://app.example.com")
        #expect(allowed.headers["access-control-allow-credentials"] == "true")
        #expect(allowed.headers["access-control-allow-methods"] == "GET, HEAD, DELETE")
        #expect(
            allowed.headers["access-control-allow-headers"]
                == "Authorization, If-None-Match, Range, X-Request-Id, Content-Type"
        )
        #expect(allowed.headers["access-control-max-age"] == "600")
        #expect(allowed.headers["vary"] == "Origin")
        #expect(allowed.headers["x-request-id"] != nil)
        #expect(allowed.body.isEmpty)

        let listing = try gateway.request(
            "/v1/messages",
            method: "OPTIONS",
            user: nil,
            headers: ["Origin": "https://app.example.com", "Access-Control-Request-Method": "GET"]
        )
        #expect(listing.status == 204)
        #expect(listing.headers["access-control-allow-methods"] == "GET, HEAD")

        let refused = try gateway.request(
            "/v1/mailbox",
            method: "OPTIONS",
            user: nil,
            headers: ["Origin": "https://evil.example", "Access-Control-Request-Method": "GET"]
        )
        #expect(refused.status == 403)
        #expect(refused.headers["content-type"] == "application/problem+json")
        #expect(try refused.json()["code"] as? String == "cors_origin_not_allowed")
        #expect(refused.headers.keys.filter { $0.hasPrefix("access-control-") }.isEmpty, "\(refused.headers)")
        #expect(refused.headers["vary"] == "Origin")

        let noOrigin = try gateway.request("/v1/mailbox", method: "OPTIONS", user: nil)
        #expect(noOrigin.status == 400)
        #expect(noOrigin.headers["content-type"] == "application/problem+json")
        #expect(try noOrigin.json()["code"] as? String == "bad_request")

        let unknownRoute = try gateway.request(
            "/v2/nothing",
            method: "OPTIONS",
            user: nil,
            headers: ["Origin": "https://app.example.com"]
        )
        #expect(unknownRoute.status == 404)
    }

    /// Actual requests from an allowed origin carry the CORS headers, errors included; from a refused origin
    /// they are answered as usual with no CORS header.
    @Test func corsActualRequests() throws {
        let gateway = try GatewayFixture(
            cors: try CORSPolicy(allowedOrigins: ["http://localhost:3000, https://app.example.com:443"])
        )
        let exposed = "ETag, Retry-After, X-Request-Id, Content-Disposition, Content-Range, Accept-Ranges"
        for origin in ["https://app.example.com", "http://localhost:3000"] {
            let ok = try gateway.request("/v1/mailbox", headers: ["Origin": origin])
            #expect(ok.status == 200)
            #expect(ok.headers["access-control-allow-origin"] == origin)
            #expect(ok.headers["access-control-allow-credentials"] == "true")
            #expect(ok.headers["access-control-expose-headers"] == exposed)
            #expect(ok.headers["vary"] == "Origin")
        }
        let unauthorized = try gateway.request("/v1/mailbox", user: nil, headers: ["Origin": "https://app.example.com"])
        #expect(unauthorized.status == 401)
        #expect(unauthorized.headers["access-control-allow-origin"] == "https://app.example.com")

        for origin in [
            "https://evil.example", "null", "https://app.example.com.evil.example", "http://app.example.com",
        ] {
            let refused = try gateway.request("/v1/mailbox", headers: ["Origin": origin])
            #expect(refused.status == 200, "\(origin)")
            #expect(refused.headers.keys.filter { $0.hasPrefix("access-control-") }.isEmpty, "\(origin)")
            #expect(refused.headers["vary"] == "Origin")
        }
        let plain = try gateway.request("/v1/mailbox")
        #expect(plain.headers.keys.filter { $0.hasPrefix("access-control-") }.isEmpty)
    }

    /// The allow-list takes exact web origins only: no wildcard, no `null`, no path.
    @Test func corsPolicyRefusesWhatIsNotAnOrigin() throws {
        for bad in [
            "*", "null", "app.example.com", "https://app.example.com/path", "ftp://x", "https://", "https://a b",
        ] {
            #expect(throws: CORSPolicy.InvalidOrigin.self, "\(bad)") { try CORSPolicy(allowedOrigins: [bad]) }
        }
        let policy = try CORSPolicy(allowedOrigins: ["HTTPS://App.Example.com/", " http://localhost:3000 ,", ""])
        #expect(policy.allowedOrigins == ["http://localhost:3000", "https://app.example.com"])
        #expect(!CORSPolicy().isEnabled)
    }

    /// A well-formed X-Request-Id is echoed on every kind of answer and logged with the request; anything
    /// else is replaced by a fresh 32-hex-digit id.
    @Test func requestIdsAreEchoedOrGenerated() throws {
        let handler = InMemoryLogHandler()
        let gateway = try GatewayFixture(
            logger: Logger(label: "test", factory: { _ in handler }),
            configure: { $0.streamingThreshold = 1024 }
        )
        let page = try gateway.request("/v1/messages?limit=50").json()
        let messages = try #require(page["messages"] as? [[String: Any]])
        let large = try #require(messages.first { ($0["size"] as? Int ?? 0) > 2048 }?["id"] as? String)

        // Worker answers, answers made on the HTTP thread (404, 401, health, a warm cache hit), a 304 and a stream.
        let first = try gateway.request("/v1/messages/\(large)")
        let etag = try #require(first.headers["etag"])
        let paths: [(String, String?, [String: String], Int)] = [
            ("/v1/mailbox", "alice", [:], 200),
            ("/nope", nil, [:], 404),
            ("/v1/mailbox", nil, [:], 401),
            ("/healthz", nil, [:], 200),
            ("/metrics", nil, [:], 200),
            ("/v1/messages/\(large)", "alice", [:], 200),
            ("/v1/messages/\(large)", "alice", ["If-None-Match": etag], 304),
            ("/v1/messages/\(large)/raw", "alice", [:], 200),
        ]
        for (index, (path, user, headers, status)) in paths.enumerated() {
            let id = "test-\(index)-\(UUID().uuidString)"
            var all = headers
            all["X-Request-Id"] = id
            let response = try gateway.request(path, user: user, headers: all)
            #expect(response.status == status, "\(path)")
            #expect(response.headers["x-request-id"] == id, "\(path)")
            if path.hasSuffix("/raw") {
                #expect(response.headers["transfer-encoding"] == "chunked", "the raw source is streamed")
            }
        }

        let generated = "^[0-9a-f]{32}$"
        let fresh = try gateway.request("/healthz", user: nil)
        let freshId = try #require(fresh.headers["x-request-id"])
        #expect(freshId.wholeMatch(of: try Regex(generated)) != nil)
        #expect(try gateway.request("/healthz", user: nil).headers["x-request-id"] != freshId)
        for bad in [String(repeating: "x", count: 129), "tab\tinside", "ünïcode"] {
            let replaced = try gateway.request("/healthz", user: nil, headers: ["X-Request-Id": bad])
            let id = try #require(replaced.headers["x-request-id"])
            #expect(id.wholeMatch(of: try Regex(generated)) != nil, "\(bad)")
        }
        let longest = String(repeating: "y", count: 128)
        #expect(
            try gateway.request("/healthz", user: nil, headers: ["X-Request-Id": longest]).headers["x-request-id"]
                == longest
        )

        // Each answered request has one access line with its id; the stream's line comes when its body ends.
        #expect(
            FaultWait.until {
                handler.entries.contains {
                    $0.message == "request" && $0.metadata["path"] == "/v1/messages/\(large)/raw"
                }
            }
        )
        let accessLines = handler.entries.filter { $0.message == "request" }
        for index in paths.indices {
            let lines = accessLines.filter { "\($0.metadata["request_id"] ?? "")".hasPrefix("test-\(index)-") }
            #expect(lines.count == 1, "\(paths[index].0)")
            #expect(lines.first?.metadata["status"].map { "\($0)" } == String(paths[index].3))
        }
        let stream = try #require(accessLines.first { $0.metadata["path"] == "/v1/messages/\(large)/raw" })
        #expect(Int("\(stream.metadata["bytes"] ?? "0")") ?? 0 > 2048, "a stream logs the bytes it wrote")
    }

    /// After the free failed logins, the next attempt for that user from that address is 429 with
    /// Retry-After, and the upstream is not asked; another user from the same address still is.
    @Test func failedLoginsAreSlowedDown() throws {
        let upstream = try FaultUpstream { connection in
            try connection.send("+OK fault upstream ready")
            while let command = try connection.readCommand() {
                let words = command.split(separator: " ")
                switch words.first.map({ $0.uppercased() }) {
                case "CAPA": try connection.send("+OK capabilities follow", "USER", "UIDL", ".")
                case "USER": try connection.send("+OK send PASS")
                case "PASS" where words.count == 2 && words[1] == "right":
                    try connection.send("+OK logged in")
                    return try connection.serveTransaction()
                case "PASS": try connection.send("-ERR [AUTH] invalid user name or password")
                case "QUIT": return try connection.send("+OK bye")
                default: try connection.send("-ERR unknown command")
                }
            }
        }
        defer { upstream.stop() }
        var throttling = LoginThrottle.Configuration()
        throttling.freeFailures = 2
        throttling.baseDelay = .seconds(30)
        let metrics = GatewayMetrics()
        let gateway = try FaultGateway(
            client: FaultGateway.plaintextClient(port: upstream.port),
            metrics: metrics,
            loginThrottle: LoginThrottle(configuration: throttling)
        )

        for attempt in 1...3 {
            let wrong = try gateway.request("/v1/mailbox", user: "mallory-target", password: "guess-\(attempt)")
            #expect(wrong.status == 401, "attempt \(attempt)")
            #expect(try wrong.json()["code"] as? String == "authentication_failed")
        }
        #expect(upstream.connectionsAccepted == 3)
        let commandsBefore = upstream.commands.count

        for password in ["guess-4", "right"] {
            let slowed = try gateway.request("/v1/mailbox", user: "mallory-target", password: password)
            #expect(slowed.status == 429)
            #expect(slowed.headers["content-type"] == "application/problem+json")
            #expect(try slowed.json()["code"] as? String == "too_many_failed_logins")
            let retryAfter = try #require(slowed.headers["retry-after"].flatMap(Int.init))
            #expect((29...30).contains(retryAfter), "whole seconds, rounded up: \(retryAfter)")
        }
        // The upstream saw no new connection and no new command: no login was attempted.
        #expect(upstream.connectionsAccepted == 3)
        #expect(upstream.commands.count == commandsBefore)

        // Another user from the same address is not slowed down.
        let other = try gateway.request("/v1/mailbox", user: "someone-else", password: "right")
        #expect(other.status == 200)
        #expect(upstream.connectionsAccepted == 4)

        let exposition = PrometheusText(
            String(decoding: try gateway.request("/metrics", user: nil).body, as: UTF8.self)
        )
        #expect(exposition.value("login_throttle_rejections_total") == 2)
        #expect(
            exposition.value("http_requests_total", ["route": "/v1/mailbox", "method": "GET", "status": "429"]) == 2
        )
        #expect(exposition.value("pop3_logins_total", ["result": "failed"]) == 3)
        #expect(exposition.value("pop3_logins_total", ["result": "ok"]) == 1)
        #expect(exposition.value("login_throttle_tracked_keys") == 1)
    }
}
