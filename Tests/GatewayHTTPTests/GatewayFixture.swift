import Foundation
import Gateway
import GatewayHTTP
import HTTPServer
import Logging
import POP3

@testable import POP3Client

/// A real gateway on a loopback port in front of the private Dovecot (scripts/pop3-test-server.sh).
final class GatewayFixture: Sendable {
    let server: HTTPServer
    let service: MailboxService
    let workers: WorkerPool
    let mailDirectory: String
    let baseURL: String

    /// `loginThrottle` is lenient by default, so that tests with wrong passwords are not slowed down.
    init(
        metrics: GatewayMetrics = GatewayMetrics(),
        logger: Logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
        cors: CORSPolicy = CORSPolicy(),
        loginThrottle: LoginThrottle = FaultGateway.lenientThrottle(),
        configure: (inout MailboxService.Configuration) -> Void = { _ in }
    ) throws {
        let environment = try Self.testServerEnvironment()
        guard let host = environment["POP3GW_TEST_HOST"],
            let port = environment["POP3GW_TEST_TLS_PORT"].flatMap(Int.init)
        else { throw FixtureError(description: "incomplete test server env file") }
        var clientConfiguration = POP3ClientConfiguration(
            endpoint: POP3Endpoint(host: host, port: port, security: .implicitTLS)
        )
        clientConfiguration.caFile = environment["POP3GW_TEST_CA_FILE"]
        (self.server, self.service, self.workers) = try FaultGateway.start(
            client: clientConfiguration,
            metrics: metrics,
            logger: logger,
            cors: cors,
            loginThrottle: loginThrottle,
            configure: configure
        )
        self.mailDirectory = environment["POP3GW_TEST_MAIL_DIR"] ?? ""
        self.baseURL = "http://127.0.0.1:\(self.server.port)"
    }

    deinit {
        self.server.stop(gracePeriod: .seconds(2))
        self.workers.shutdown(timeout: .seconds(2))
        self.service.shutdown(gracePeriod: .seconds(2))
    }

    struct Response {
        var status: Int
        var headers: [String: String]
        var body: Data

        init(parsing bytes: [UInt8], method: String) throws {
            let separator = Array("\r\n\r\n".utf8)
            guard let end = bytes.indices.first(where: { bytes[$0...].starts(with: separator) }) else {
                throw FixtureError(description: "no complete response head")
            }
            let head = String(decoding: bytes[..<end], as: UTF8.self).components(separatedBy: "\r\n")
            let statusWords = head[0].split(separator: " ")
            guard statusWords.count >= 2, let status = Int(statusWords[1]) else {
                throw FixtureError(description: "bad status line \(head[0])")
            }
            var headers: [String: String] = [:]
            for line in head.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                headers[line[..<colon].lowercased()] = value
            }
            var body = Data(bytes[(end + 4)...])
            if headers["transfer-encoding"]?.lowercased() == "chunked" {
                body = try Self.dechunk(Array(body))
            }
            if method != "HEAD", let length = headers["content-length"].flatMap(Int.init), length != body.count {
                throw FixtureError(description: "body has \(body.count) bytes, Content-Length says \(length)")
            }
            self.init(status: status, headers: headers, body: body)
        }

        /// Decodes `Transfer-Encoding: chunked`; a missing last chunk is an error (a cut-off body).
        static func dechunk(_ bytes: [UInt8]) throws -> Data {
            var body = Data()
            var index = 0
            while true {
                guard let lineEnd = bytes[index...].firstIndex(of: UInt8(ascii: "\n")) else {
                    throw FixtureError(description: "chunked body cut off")
                }
                let sizeText =
                    String(decoding: bytes[index..<lineEnd], as: UTF8.self)
                    .trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ";").first ?? ""
                guard let size = Int(sizeText, radix: 16) else { throw FixtureError(description: "bad chunk size") }
                index = lineEnd + 1
                if size == 0 { return body }
                guard index + size + 2 <= bytes.count else { throw FixtureError(description: "chunk cut off") }
                body.append(contentsOf: bytes[index..<(index + size)])
                index += size + 2
            }
        }

        init(status: Int, headers: [String: String], body: Data) {
            self.status = status
            self.headers = headers
            self.body = body
        }

        func json() throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: self.body) as? [String: Any] else {
                throw FixtureError(description: "not a JSON object")
            }
            return object
        }
    }

    /// One request with Basic credentials on a fresh connection (`Connection: close`), read to the end.
    ///
    /// A plain blocking socket rather than URLSession: URLSession needs GCD threads that blocked
    /// Swift Testing threads would starve on a 2-core machine.
    func request(
        _ path: String,
        method: String = "GET",
        user: String? = "alice",
        password: String = "alice-secret",
        headers: [String: String] = [:]
    ) throws -> Response {
        var lines = ["\(method) \(path) HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
        if let user {
            lines.append("Authorization: Basic " + Data("\(user):\(password)".utf8).base64EncodedString())
        }
        lines += headers.map { "\($0.key): \($0.value)" }
        let request = Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8)
        return try Response(parsing: try self.exchange(request), method: method)
    }

    /// Sends `request` (one or more requests, the last with `Connection: close`) on one connection and
    /// returns everything the server sent until it closed.
    func exchange(_ request: [UInt8]) throws -> [UInt8] {
        let deadline = Deadline.after(.seconds(30))
        let socket = try TCPSocket.connect(host: "127.0.0.1", port: self.server.port, deadline: deadline)
        defer { socket.close() }
        try request.withUnsafeBytes { try socket.write($0, deadline: deadline) }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = try chunk.withUnsafeMutableBytes { try socket.read(into: $0, deadline: deadline) }
            if count == 0 { break }
            received += chunk[..<count]
        }
        return received
    }

    /// Message files of `user`, in Dovecot's order.
    func messageFiles(of user: String) -> [URL] {
        let cur = URL(fileURLWithPath: self.mailDirectory).appendingPathComponent(user)
            .appendingPathComponent("Maildir/cur")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: cur.path)) ?? []
        return names.sorted().map { cur.appendingPathComponent($0) }
    }

    static func testServerEnvironment() throws -> [String: String] {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let directory =
            ProcessInfo.processInfo.environment["POP3GW_TEST_DIR"]
            ?? repository.appendingPathComponent(".test-server").path
        guard let text = try? String(contentsOfFile: directory + "/env", encoding: .utf8) else {
            throw FixtureError(description: "no \(directory)/env: run scripts/pop3-test-server.sh start first")
        }
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        return values
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
}
