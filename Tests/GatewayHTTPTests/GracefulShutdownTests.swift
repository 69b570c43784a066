import Foundation
import Glibc
import Testing

/// The real `pop3-gateway serve` process, stopped with SIGTERM while a request is in flight.
@Suite struct GracefulShutdownTests {
    /// The executable `swift build` put next to this test bundle.
    static var gatewayExecutable: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("pop3-gateway")
    }

    /// SIGTERM while a request waits on the upstream: no new connection is accepted, the request still
    /// gets its whole answer, the upstream session is closed with QUIT, and the process exits 0.
    @Test func sigtermLetsTheRequestInFlightFinish() throws {
        let upstreamMayAnswer = FaultGate()
        let upstream = try FaultUpstream { connection in
            guard try connection.logIn() else { return }
            try connection.serveTransaction {
                upstreamMayAnswer.wait()
                return "+OK 2 200"
            }
        }
        defer { upstream.stop() }

        let process = Process()
        process.executableURL = Self.gatewayExecutable
        process.arguments = [
            "serve", "--upstream", "pop3://127.0.0.1:\(upstream.port)", "--allow-insecure-upstream",
            "--listen", "127.0.0.1:0", "--workers", "4",
        ]
        let log = Pipe()
        process.standardError = log
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let port = try #require(Self.listeningPort(from: log.fileHandleForReading), "no 'listening on' line")

        let inFlight = FaultPending { try? FaultHTTP.request(port: port, "/v1/mailbox", timeout: .seconds(20)) }
        #expect(
            upstream.waitForCommands { $0.contains { $0.hasSuffix("STAT") } },
            "the request never reached STAT: \(upstream.commands)"
        )
        kill(process.processIdentifier, SIGTERM)
        // Stopped listening: a new connection is refused while the request is still in flight.
        #expect(Self.eventually { (try? FaultHTTP.request(port: port, "/healthz", timeout: .seconds(2))) == nil })
        upstreamMayAnswer.open()

        let response = try #require(inFlight.wait(until: Date().addingTimeInterval(20)) ?? nil)
        #expect(response.status == 200)
        #expect(try response.json()["count"] as? Int == 2)
        #expect(Self.eventually(timeout: .seconds(15)) { !process.isRunning }, "still running after SIGTERM")
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
        #expect(upstream.waitForCommands { $0.last?.hasSuffix("QUIT") == true }, "\(upstream.commands)")
        let rest = String(decoding: log.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(rest.contains("stopping"))
    }

    /// Reads the log until its start-up line (`... listening address=http://127.0.0.1:PORT ...`) and returns PORT.
    static func listeningPort(from log: FileHandle) -> Int? {
        var line: [UInt8] = []
        while let byte = try? log.read(upToCount: 1), let character = byte.first {
            guard character == UInt8(ascii: "\n") else {
                line.append(character)
                continue
            }
            let text = String(decoding: line, as: UTF8.self)
            line = []
            if let port = GatewayProcess.listeningPort(in: text + "\n") { return port }
        }
        return nil
    }

    static func eventually(timeout: Duration = .seconds(5), _ condition: () -> Bool) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return condition()
    }
}
