import ArgumentParser
import Glibc

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

    func run() throws {
        let address = try ListenAddress(self.listen)
        // A wildcard address is reached on the loopback of its family.
        let host = address.host == "0.0.0.0" ? "127.0.0.1" : address.host == "::" ? "::1" : address.host
        guard let status = Self.status(host: host, port: address.port, timeout: max(1, self.timeout)) else {
            Console.error("health: no HTTP answer from \(address.display(port: address.port))\n")
            throw ExitCode.failure
        }
        guard status == 200 else {
            Console.error("health: /healthz answered \(status)\n")
            throw ExitCode.failure
        }
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

        let request = Array("GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".utf8)
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
        let line = String(decoding: answer[..<received], as: UTF8.self)
        guard line.hasPrefix("HTTP/1."), let code = Int(line.dropFirst(9).prefix(3)) else { return nil }
        return code
    }
}
