import Foundation
import TestSupport
import Testing

/// `pop3-gateway health`, the container's HEALTHCHECK, against the real executable serving HTTP and HTTPS.
@Suite struct HealthCommandTests {
    /// Against a gateway serving plain HTTP, `health` exits 0; with `--https` it finds no HTTPS there and exits 1.
    @Test func healthOverHTTP() throws {
        let gateway = try GatewayProcess(arguments: [])
        defer { gateway.stop() }
        #expect(try Self.health(port: gateway.port, ["--no-https"]) == 0)
        #expect(try Self.health(port: gateway.port, ["--https"]) == 1)
    }

    /// Against a gateway serving HTTPS only, `health --https` (the default when POP3GW_TLS_CERT is set)
    /// exits 0, and plain `health` exits 1.
    @Test func healthOverHTTPS() throws {
        let certificates = TestCertificates.shared
        let gateway = try GatewayProcess(arguments: [
            "--tls-cert", certificates.serverCertificateFile, "--tls-key", certificates.serverPrivateKeyFile,
        ])
        defer { gateway.stop() }
        #expect(try Self.health(port: gateway.port, ["--https"]) == 0)
        let httpsConfigured = ["POP3GW_TLS_CERT": certificates.serverCertificateFile]
        #expect(try Self.health(port: gateway.port, [], environment: httpsConfigured) == 0)
        #expect(try Self.health(port: gateway.port, ["--no-https"]) == 1)
    }

    /// Runs `pop3-gateway health --listen 127.0.0.1:PORT ARGUMENTS` and returns its exit status.
    private static func health(port: Int, _ arguments: [String], environment: [String: String] = [:]) throws -> Int32 {
        try ChildProcess.run(
            try GatewayProcess.executable(),
            ["health", "--listen", "127.0.0.1:\(port)", "--timeout", "3"] + arguments,
            environment: ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("POP3GW_") }
                .merging(environment) { $1 },
            capture: .nothing
        ).status
    }
}
