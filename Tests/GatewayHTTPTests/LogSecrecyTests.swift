import Foundation
import Testing

/// The real `pop3-gateway serve` logging as JSON at debug level: its log, its answers and its metrics
/// never contain a password or an `Authorization` value.
@Suite struct LogSecrecyTests {
    /// Right and wrong passwords (unique markers for the wrong ones, one also in a query string): neither
    /// they nor their Basic credentials show up in stderr, in a response body or in /metrics, while every
    /// request still gets its JSON access line with its request id.
    @Test func noPasswordInLogsAnswersOrMetrics() throws {
        let gateway = try GatewayProcess(arguments: ["--log-format", "json", "--log-level", "debug", "--workers", "4"])
        let marker = "pw-marker-\(UUID().uuidString)"
        let wrongPasswords = ["\(marker)-1", "\(marker)-2"]
        let rightPassword = "alice-secret"
        let secrets =
            wrongPasswords + [rightPassword]
            + (wrongPasswords + [rightPassword]).map { Data("alice:\($0)".utf8).base64EncodedString() }

        var bodies: [Data] = []
        var requestIds: [String] = []
        func send(_ path: String, user: String? = "alice", password: String = rightPassword) throws -> Int {
            let response = try FaultHTTP.request(port: gateway.port, path, user: user, password: password)
            bodies.append(response.body)
            requestIds.append(response.headers["x-request-id"] ?? "")
            return response.status
        }
        #expect(try send("/v1/mailbox") == 200)
        // An unknown query parameter is refused (400), and neither its name nor its value is echoed or logged.
        #expect(try send("/v1/messages?limit=3&note=\(wrongPasswords[0])") == 400)
        #expect(try send("/v1/messages?limit=3&\(wrongPasswords[0])=1") == 400)
        #expect(try send("/v1/messages?limit=3&cursor=\(wrongPasswords[0])") == 400)
        for password in wrongPasswords {
            #expect(try send("/v1/mailbox", password: password) == 401)
        }
        #expect(try send("/v1/messages/no-such-id", password: wrongPasswords[1]) == 401)
        #expect(try send("/v1/messages/no-such-id") == 404)
        #expect(try send("/nope", user: nil) == 404)
        #expect(try send("/metrics", user: nil) == 200)
        let metrics = try #require(bodies.last)
        gateway.stop()
        let log = gateway.logText

        for secret in secrets {
            #expect(!log.contains(secret), "the log contains \(secret)")
            for body in bodies {
                #expect(!String(decoding: body, as: UTF8.self).contains(secret), "an answer contains \(secret)")
            }
            #expect(!String(decoding: metrics, as: UTF8.self).contains(secret), "/metrics contains \(secret)")
        }
        #expect(!log.contains("Authorization") && !log.contains("Basic "))

        // Every line is one JSON object with ts, level and msg; every request has its access line.
        var lines: [[String: Any]] = []
        for line in log.split(separator: "\n") {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            let record = try #require(object, "not a JSON object: \(line)")
            #expect(record["ts"] is String && record["level"] is String && record["msg"] is String, "\(line)")
            lines.append(record)
        }
        #expect(lines.first?["msg"] as? String == "listening")
        #expect(lines.contains { $0["msg"] as? String == "stopped" })
        #expect(lines.filter { $0["msg"] as? String == "upstream login failed" }.count == 3)
        #expect(lines.contains { $0["level"] as? String == "debug" }, "debug lines are there at --log-level debug")
        for id in requestIds {
            let access = lines.filter { $0["msg"] as? String == "request" && $0["request_id"] as? String == id }
            #expect(access.count == 1, "one access line for request \(id)")
        }
        #expect(!lines.contains { ($0["path"] as? String)?.contains("?") == true }, "paths are logged without query")
    }
}
