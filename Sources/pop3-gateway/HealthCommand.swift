import ArgumentParser
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
        let request = Array("GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".utf8)
        // "HTTP/1.1 200 OK": the status line's first 12 bytes are all that is needed.
        let answer = try? LoopbackProbe.exchange(
            host: host,
            port: address.port,
            tls: self.https,
            request: request,
            limit: 12,
            timeout: .seconds(max(1, self.timeout))
        )
        guard let answer, let status = Self.statusCode(of: answer) else {
            Console.error("health: no HTTP answer from \(address.display(port: address.port))\n")
            throw ExitCode.failure
        }
        guard status == 200 else {
            Console.error("health: /healthz answered \(status)\n")
            throw ExitCode.failure
        }
    }

    /// The status code in an answer's first bytes (`HTTP/1.1 200 OK`), or nil.
    private static func statusCode(of answer: [UInt8]) -> Int? {
        let line = String(decoding: answer, as: UTF8.self)
        guard line.hasPrefix("HTTP/1."), let code = Int(line.dropFirst(9).prefix(3)) else { return nil }
        return code
    }
}
