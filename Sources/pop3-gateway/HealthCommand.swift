import ArgumentParser
import Glibc
import POP3Client

/// `pop3-gateway health`: asks a running gateway's `/healthz`, for a container's HEALTHCHECK, which has
/// no curl in a slim image. Exit status 0 when it answers 200.
struct HealthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Exit 0 if the gateway listening at --listen answers GET /healthz with 200."
    )

    @Option(help: "The gateway's listen address, as given to serve. [env: POP3GW_LISTEN]")
    var listen: String = Environment.string("POP3GW_LISTEN", default: "127.0.0.1:8080")

    @Option(help: "Seconds to wait for the answer.")
    var timeout: Int = 3

    @Flag(
        inversion: .prefixedNo,
        help: """
            Ask over HTTPS (the certificate is not checked: the probe sends nothing secret). Default: on \
            when POP3GW_TLS_CERT is set, as for a gateway serving HTTPS.
            """
    )
    var https: Bool = !Environment.string("POP3GW_TLS_CERT", default: "").isEmpty

    func run() throws {
        let address = try ListenAddress(self.listen)
        // A wildcard address is reached on the loopback of its family.
        let host = address.host == "0.0.0.0" ? "127.0.0.1" : address.host == "::" ? "::1" : address.host
        let timeout = max(1, self.timeout)
        let answer =
            self.https
            ? Self.httpsStatus(host: host, port: address.port, timeout: timeout)
            : Self.status(host: host, port: address.port, timeout: timeout)
        guard let status = answer else {
            Console.error("health: no HTTP answer from \(address.display(port: address.port))\n")
            throw ExitCode.failure
        }
        guard status == 200 else {
            Console.error("health: /healthz answered \(status)\n")
            throw ExitCode.failure
        }
    }

    private static let request = Array("GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".utf8)

    /// The status code in an answer's first bytes (`HTTP/1.1 200 OK`), or nil.
    private static func statusCode(of answer: some Collection<UInt8>) -> Int? {
        let line = String(decoding: answer.prefix(64), as: UTF8.self)
        guard line.hasPrefix("HTTP/1."), let code = Int(line.dropFirst(9).prefix(3)) else { return nil }
        return code
    }

    /// `status` over TLS.
    private static func httpsStatus(host: String, port: Int, timeout: Int) -> Int? {
        let answer = try? LocalTLSProbe.exchange(
            host: host,
            port: port,
            request: Self.request,
            limit: 12,
            timeout: .seconds(timeout)
        )
        return answer.flatMap { Self.statusCode(of: $0) }
    }

    /// The status code of `GET /healthz`, or nil when there is no connection or no HTTP status line.
    private static func status(host: String, port: Int, timeout: Int) -> Int? {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let info = list else { return nil }
        defer { freeaddrinfo(list) }
        let socket = Glibc.socket(info.pointee.ai_family, info.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard socket >= 0 else { return nil }
        defer { close(socket) }
        var limit = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        guard connect(socket, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else { return nil }

        let request = Self.request
        guard request.withUnsafeBytes({ send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == request.count
        else { return nil }
        // "HTTP/1.1 200 OK": the status line's first 12 bytes are all that is needed.
        var answer = [UInt8](repeating: 0, count: 64)
        var received = 0
        while received < 12 {
            let count = answer.withUnsafeMutableBytes { buffer in
                buffer.baseAddress.map { recv(socket, $0 + received, buffer.count - received, 0) } ?? -1
            }
            guard count > 0 else { return nil }
            received += count
        }
        return Self.statusCode(of: answer[..<received])
    }
}
