import Foundation
import POP3
import POP3Client

/// The private Dovecot started by `scripts/pop3-test-server.sh start`, as described by the env file
/// it writes. Integration tests fail (they never skip) when it is not running.
struct TestServer: Sendable {
    let host: String
    let startTLSPort: Int
    let implicitTLSPort: Int
    let plaintextPort: Int
    let caFile: String
    let otherCAFile: String
    let mailDirectory: String

    static let shared: Result<TestServer, TestServerMissing> = Self.load()

    struct TestServerMissing: Error, CustomStringConvertible {
        let description: String
    }

    static func get() throws -> TestServer { try self.shared.get() }

    private static func load() -> Result<TestServer, TestServerMissing> {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let directory =
            ProcessInfo.processInfo.environment["POP3GW_TEST_DIR"]
            ?? repository.appendingPathComponent(".test-server").path
        guard let text = try? String(contentsOfFile: directory + "/env", encoding: .utf8) else {
            return .failure(.init(description: "no \(directory)/env: run scripts/pop3-test-server.sh start first"))
        }
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        func value(_ key: String) -> String { values[key] ?? "" }
        func port(_ key: String) -> Int { Int(value(key)) ?? 0 }
        return .success(
            TestServer(
                host: value("POP3GW_TEST_HOST"),
                startTLSPort: port("POP3GW_TEST_STLS_PORT"),
                implicitTLSPort: port("POP3GW_TEST_TLS_PORT"),
                plaintextPort: port("POP3GW_TEST_PLAIN_PORT"),
                caFile: value("POP3GW_TEST_CA_FILE"),
                otherCAFile: value("POP3GW_TEST_OTHER_CA_FILE"),
                mailDirectory: value("POP3GW_TEST_MAIL_DIR")
            )
        )
    }

    enum Listener {
        case startTLS
        case implicitTLS
        case plaintext
    }

    func configuration(_ listener: Listener, host: String? = nil) -> POP3ClientConfiguration {
        let endpoint: POP3Endpoint
        switch listener {
        case .startTLS: endpoint = POP3Endpoint(host: host ?? self.host, port: self.startTLSPort, security: .startTLS)
        case .implicitTLS:
            endpoint = POP3Endpoint(host: host ?? self.host, port: self.implicitTLSPort, security: .implicitTLS)
        case .plaintext:
            endpoint = POP3Endpoint(host: host ?? self.host, port: self.plaintextPort, security: .plaintext)
        }
        var configuration = POP3ClientConfiguration(endpoint: endpoint)
        configuration.caFile = self.caFile
        configuration.connectTimeout = .seconds(5)
        configuration.readTimeout = .seconds(10)
        configuration.commandTimeout = .seconds(30)
        return configuration
    }

    func connect(
        _ listener: Listener,
        user: String,
        password: String,
        configure: (inout POP3ClientConfiguration) -> Void = { _ in }
    ) throws -> POP3Client {
        var configuration = self.configuration(listener)
        configure(&configuration)
        return try POP3Connector(configuration: configuration)
            .connect(credentials: POP3Credentials(user: user, password: password))
    }

    /// The message files of `user`'s maildir in the order Dovecot numbers them.
    func messageFiles(of user: String) throws -> [URL] {
        let maildir = URL(fileURLWithPath: self.mailDirectory).appendingPathComponent(user)
            .appendingPathComponent("Maildir")
        var files: [URL] = []
        for folder in ["new", "cur"] {
            let url = maildir.appendingPathComponent(folder)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
            files += names.map { url.appendingPathComponent($0) }
        }
        return files.sorted { $0.lastPathComponent < $1.lastPathComponent }
    }
}
