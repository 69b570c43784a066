import Foundation
import Glibc

/// The built `pop3-gateway` executable serving in front of the test Dovecot, as a child process: its
/// memory (`/proc/PID/status`) belongs to it alone, whatever other tests do in the test process meanwhile.
final class GatewayProcess {
    let process: Process
    let port: Int
    private let log: String

    /// The executable next to the test bundle (SwiftPM builds both into the same directory), or
    /// `POP3GW_GATEWAY_BINARY`.
    static func executable() throws -> String {
        if let path = ProcessInfo.processInfo.environment["POP3GW_GATEWAY_BINARY"] { return path }
        let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let path = testBinary.deletingLastPathComponent().appendingPathComponent("pop3-gateway").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw FixtureError(description: "no \(path): build it first (swift build --build-tests)")
        }
        return path
    }

    /// Starts `pop3-gateway serve` on a kernel-chosen port and waits until it says where it listens.
    init(arguments: [String]) throws {
        let environment = try GatewayFixture.testServerEnvironment()
        guard let host = environment["POP3GW_TEST_HOST"], let port = environment["POP3GW_TEST_TLS_PORT"],
            let caFile = environment["POP3GW_TEST_CA_FILE"]
        else { throw FixtureError(description: "incomplete test server env file") }
        self.log =
            FileManager.default.temporaryDirectory.appendingPathComponent(
                "pop3gw-gateway-\(UUID().uuidString).log"
            ).path
        guard FileManager.default.createFile(atPath: self.log, contents: nil),
            let logHandle = FileHandle(forWritingAtPath: self.log)
        else { throw FixtureError(description: "cannot create \(self.log)") }
        defer { try? logHandle.close() }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.executable())
        process.arguments =
            [
                "serve", "--upstream", "pop3s://\(host):\(port)", "--ca-file", caFile, "--listen", "127.0.0.1:0",
            ] + arguments
        // Only the flags count: POP3GW_* variables of the test's environment must not change the gateway.
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("POP3GW_") }
        process.standardError = logHandle
        process.standardOutput = logHandle
        try process.run()
        self.process = process

        let deadline = Date().addingTimeInterval(30)
        var listening: Int?
        while listening == nil, process.isRunning, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
            let text = (try? String(contentsOfFile: self.log, encoding: .utf8)) ?? ""
            listening = Self.listeningPort(in: text)
        }
        guard let listening else {
            let text = (try? String(contentsOfFile: self.log, encoding: .utf8)) ?? ""
            process.terminate()
            throw FixtureError(description: "pop3-gateway did not start: \(text)")
        }
        self.port = listening
    }

    /// The port of the start-up log line (`info listening address=http://127.0.0.1:PORT ...`, `https://`
    /// when serving HTTPS, or its JSON form `"msg":"listening","address":"http://127.0.0.1:PORT"`), once
    /// it is there.
    static func listeningPort(in log: String) -> Int? {
        // Whole lines only: the last one may still be being written.
        let lines = log.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        guard let line = lines.first(where: { $0.contains("listening") }),
            let address = line.firstRange(of: "://127.0.0.1:")
        else { return nil }
        return Int(line[address.upperBound...].prefix { $0.isNumber })
    }

    deinit {
        self.stop()
        try? FileManager.default.removeItem(atPath: self.log)
    }

    var pid: Int32 { self.process.processIdentifier }

    /// Everything the gateway wrote to standard error and standard output so far.
    var logText: String {
        (try? String(contentsOfFile: self.log, encoding: .utf8)) ?? ""
    }

    /// SIGTERM, then waits (bounded) for the gateway's orderly shutdown.
    func stop() {
        guard self.process.isRunning else { return }
        self.process.terminate()
        let deadline = Date().addingTimeInterval(15)
        while self.process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if self.process.isRunning { kill(self.pid, SIGKILL) }
    }

    /// Resident set size now (`VmRSS`), in bytes.
    var residentBytes: Int? { self.statusField("VmRSS") }

    /// The highest resident set size since start or the last `resetPeak` (`VmHWM`), in bytes.
    var peakResidentBytes: Int? { self.statusField("VmHWM") }

    /// Sets the peak back to the current resident size (`clear_refs` 5, Linux 4.0 and later); false where
    /// that is not allowed, and then the peak since start is what `peakResidentBytes` reports.
    func resetPeak() -> Bool {
        guard let handle = FileHandle(forWritingAtPath: "/proc/\(self.pid)/clear_refs") else { return false }
        defer { try? handle.close() }
        return (try? handle.write(contentsOf: Data("5".utf8))) != nil
    }

    private func statusField(_ name: String) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(self.pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(name + ":") {
            let number = line.dropFirst(name.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" }).first
            return number.flatMap { Int($0) }.map { $0 * 1024 }
        }
        return nil
    }
}
