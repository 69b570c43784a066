import Foundation
import Gateway
import GatewayHTTP
import Glibc
import HTTPServer
import Logging
import POP3

@testable import POP3Client

/// A real gateway on a loopback port, like `GatewayFixture`, but in front of any upstream with any
/// client settings: a fake upstream, a closed port, Dovecot with an untrusted CA.
final class FaultGateway: Sendable {
    let server: HTTPServer
    let service: MailboxService
    let workers: WorkerPool

    /// - Parameters:
    ///   - metrics: also observes the client's POP3 commands.
    ///   - loginThrottle: lenient by default, so that tests with wrong passwords are not slowed down.
    init(
        client: POP3ClientConfiguration,
        metrics: GatewayMetrics = GatewayMetrics(),
        logger: Logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
        cors: CORSPolicy = CORSPolicy(),
        loginThrottle: LoginThrottle = FaultGateway.lenientThrottle(),
        configure: (inout MailboxService.Configuration) -> Void = { _ in }
    ) throws {
        (self.server, self.service, self.workers) = try Self.start(
            client: client,
            metrics: metrics,
            logger: logger,
            cors: cors,
            loginThrottle: loginThrottle,
            configure: configure
        )
    }

    /// A gateway on a loopback port in this process, in front of the upstream `client` describes; the
    /// caller keeps the three and stops the server and workers.
    static func start(
        client: POP3ClientConfiguration,
        metrics: GatewayMetrics,
        logger: Logger,
        cors: CORSPolicy,
        loginThrottle: LoginThrottle,
        configure: (inout MailboxService.Configuration) -> Void
    ) throws -> (HTTPServer, MailboxService, WorkerPool) {
        var client = client
        client.commandObserver = metrics.pop3CommandObserver
        let connector = try POP3Connector(configuration: client)
        var configuration = MailboxService.Configuration()
        // Off unless a test asks for it: background TOPs would upset the tests that count upstream
        // commands or wait for an idle pool.
        configuration.readAhead = false
        configure(&configuration)
        let service = try MailboxService(connector: connector, configuration: configuration)
        let workers = WorkerPool(threads: 16, queueLimit: 64)
        let api = GatewayAPI(
            service: service,
            workers: workers,
            openAPIDocument: GatewayAPI.openAPIDocument,
            metrics: metrics,
            logger: logger,
            cors: cors,
            loginThrottle: loginThrottle
        ) {
            (try? connector.probe()) == nil ? "unreachable" : nil
        }
        let server = HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0)) {
            request,
            responder in
            api.handle(request, responder)
        }
        try server.start()
        return (server, service, workers)
    }

    deinit {
        self.server.stop(gracePeriod: .seconds(2))
        self.workers.shutdown(timeout: .seconds(2))
        self.service.pool.shutdown(gracePeriod: .seconds(2))
    }

    /// A throttle that lets a thousand failed logins pass before slowing anything down.
    static func lenientThrottle() -> LoginThrottle {
        var configuration = LoginThrottle.Configuration()
        configuration.freeFailures = 1_000
        return LoginThrottle(configuration: configuration)
    }

    /// Plaintext POP3 (no TLS) to a fake upstream on 127.0.0.1, with short deadlines and no pipelining.
    static func plaintextClient(port: Int, timeout: Duration = .seconds(10)) -> POP3ClientConfiguration {
        var client = POP3ClientConfiguration(
            endpoint: POP3Endpoint(host: "127.0.0.1", port: port, security: .plaintext)
        )
        client.connectTimeout = timeout
        client.readTimeout = timeout
        client.commandTimeout = timeout
        client.pipelining = false
        return client
    }

    func request(
        _ path: String,
        method: String = "GET",
        user: String? = "alice",
        password: String = "alice-secret",
        timeout: Duration = .seconds(20)
    ) throws -> GatewayFixture.Response {
        try FaultHTTP.request(
            port: self.server.port,
            path,
            method: method,
            user: user,
            password: password,
            timeout: timeout
        )
    }
}

/// Loopback HTTP and POP3 plumbing for the fault tests.
enum FaultHTTP {
    /// One request with Basic credentials on a fresh connection (`Connection: close`), read to the end
    /// within `timeout`.
    static func request(
        port: Int,
        _ path: String,
        method: String = "GET",
        user: String? = "alice",
        password: String = "alice-secret",
        timeout: Duration = .seconds(20)
    ) throws -> GatewayFixture.Response {
        let deadline = Deadline.after(timeout)
        let socket = try TCPSocket.connect(host: "127.0.0.1", port: port, deadline: deadline)
        defer { socket.close() }
        try Self.write(Self.head(path, method: method, user: user, password: password), to: socket, deadline: deadline)
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = try chunk.withUnsafeMutableBytes { try socket.read(into: $0, deadline: deadline) }
            if count == 0 { break }
            received += chunk[..<count]
        }
        return try GatewayFixture.Response(parsing: received, method: method)
    }

    static func write(_ bytes: [UInt8], to socket: TCPSocket, deadline: Deadline) throws {
        try bytes.withUnsafeBytes { try socket.write($0, deadline: deadline) }
    }

    /// The request head, with `Authorization: Basic` for `user:password` unless `user` is nil.
    static func head(_ path: String, method: String = "GET", user: String?, password: String) -> [UInt8] {
        var lines = ["\(method) \(path) HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
        if let user {
            lines.append("Authorization: Basic " + Data("\(user):\(password)".utf8).base64EncodedString())
        }
        return Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8)
    }

    /// A connected loopback socket with a small receive buffer, so that a client that stops reading
    /// pushes back on the server at once instead of after megabytes of kernel buffering.
    static func connectWithSmallReceiveBuffer(port: Int, bytes: Int32 = 16 * 1024) throws -> TCPSocket {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw FixtureError(description: "socket() failed: errno \(errno)") }
        var size = bytes
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else {
            let code = errno
            _ = close(fd)
            throw FixtureError(description: "connect to 127.0.0.1:\(port) failed: errno \(code)")
        }
        return TCPSocket(adopting: fd)
    }

    /// A port on 127.0.0.1 that refuses connections: bound (so nobody else gets it) but not listening.
    /// Close the returned descriptor when done.
    static func refusingPort() throws -> (port: Int, descriptor: Int32) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw FixtureError(description: "socket() failed: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(fd, generic, length) == 0 && getsockname(fd, generic, &length) == 0
            }
        }
        guard bound else {
            _ = close(fd)
            throw FixtureError(description: "cannot bind 127.0.0.1:0")
        }
        return (Int(UInt16(bigEndian: address.sin_port)), fd)
    }
}

/// The private Dovecot of scripts/pop3-test-server.sh, reached directly (not through the gateway).
enum FaultDovecot {
    /// Implicit TLS to the test server, trusting its CA (or, with `untrusted`, an unrelated CA).
    static func client(untrusted: Bool = false) throws -> POP3ClientConfiguration {
        let environment = try GatewayFixture.testServerEnvironment()
        guard let host = environment["POP3GW_TEST_HOST"],
            let port = environment["POP3GW_TEST_TLS_PORT"].flatMap(Int.init)
        else { throw FixtureError(description: "incomplete test server env file") }
        var client = POP3ClientConfiguration(endpoint: POP3Endpoint(host: host, port: port, security: .implicitTLS))
        client.caFile = environment[untrusted ? "POP3GW_TEST_OTHER_CA_FILE" : "POP3GW_TEST_CA_FILE"]
        return client
    }

    /// A POP3 session of our own, next to the gateway's.
    static func connect(_ user: String, _ password: String) throws -> POP3Client {
        try POP3Connector(configuration: self.client()).connect(
            credentials: POP3Credentials(user: user, password: password)
        )
    }
}

/// A value computed on a plain thread (not GCD: blocked GCD workers starve on 2 cores), waited for
/// with a bound.
final class FaultPending<Value: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var value: Value?

    init(_ body: @escaping @Sendable () -> Value) {
        let thread = Thread {
            let result = body()
            self.condition.lock()
            self.value = result
            self.condition.broadcast()
            self.condition.unlock()
        }
        thread.start()
    }

    /// The value, or nil if it was not there before `deadline`.
    func wait(until deadline: Date) -> Value? {
        self.condition.lock()
        defer { self.condition.unlock() }
        while self.value == nil {
            guard self.condition.wait(until: deadline) else { break }
        }
        return self.value
    }

    func wait(timeout: TimeInterval) -> Value? {
        self.wait(until: Date().addingTimeInterval(timeout))
    }
}

enum FaultWait {
    /// Polls `condition` every 20 ms until it holds or `timeout` passes; returns its last value.
    static func until(timeout: Duration = .seconds(10), _ condition: () -> Bool) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return condition()
    }
}
