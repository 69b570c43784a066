import Foundation
import Testing

@testable import HTTPServer

/// HTTPS through libmicrohttpd: TLS 1.2 and 1.3 are served, anything older is refused by the server.
@Suite struct HTTPServerTLSTests {
    /// A throwaway self-signed certificate for `localhost` and 127.0.0.1, made with the openssl tool.
    static func selfSigned(in directory: URL) throws -> (certificate: URL, key: URL) {
        let certificate = directory.appendingPathComponent("cert.pem")
        let key = directory.appendingPathComponent("key.pem")
        let result = try Self.run(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                "-keyout", key.path, "-out", certificate.path,
            ]
        )
        try #require(result.status == 0, "openssl req failed: \(result.output)")
        return (certificate, key)
    }

    @Test func servesTLS12And13AndRefusesOlder() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("https-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let (certificate, key) = try Self.selfSigned(in: directory)
        let tls = HTTPServerTLS(
            certificateChainPEM: try String(contentsOf: certificate, encoding: .utf8),
            privateKeyPEM: try String(contentsOf: key, encoding: .utf8)
        )
        let server = try ServerFixture.started(HTTPServerConfiguration(port: 0, tls: tls)) { _, responder in
            responder.respond(HTTPResponse(status: 200, body: .bytes(Array("hello".utf8))))
        }
        defer { server.stop(gracePeriod: .seconds(1)) }

        // TLS 1.3 and 1.2, each alone, with certificate verification: a whole request and answer.
        let url = "https://localhost:\(server.port)/hello"
        let resolve = "localhost:\(server.port):127.0.0.1"
        for versions in [["--tlsv1.3"], ["--tlsv1.2", "--tls-max", "1.2"]] {
            let result = try Curl.run(["--cacert", certificate.path, "--resolve", resolve] + versions + [url])
            #expect(result.exitCode == 0 && result.text == "hello", "\(versions): curl \(result.exitCode)")
        }
        // TLS 1.1 and 1.0: the client (OpenSSL's, at security level 0 so that it offers them) sends its
        // ClientHello, and the server hangs up without a ServerHello.
        for old in ["-tls1_1", "-tls1"] {
            let handshake = try Self.handshake(port: server.port, old)
            #expect(handshake.protocolName == nil, "\(old) was served")
            #expect(handshake.bytesWritten > 0 && handshake.bytesRead == 0, "\(old): \(handshake)")
        }
        #expect(try Self.handshake(port: server.port, "-tls1_2").protocolName == "TLSv1.2")
    }

    /// What `openssl s_client` reports of a handshake with the given version flag: the protocol it
    /// negotiated (nil for none) and the bytes it read and wrote during the handshake.
    private static func handshake(
        port: Int,
        _ version: String
    ) throws -> (protocolName: String?, bytesRead: Int, bytesWritten: Int) {
        let result = try Self.run(
            "/usr/bin/openssl",
            ["s_client", "-connect", "127.0.0.1:\(port)", version, "-cipher", "DEFAULT:@SECLEVEL=0"],
            input: "Q\n"
        )
        let lines = result.output.split(separator: "\n")
        // "New, TLSv1.2, Cipher is ..." after a handshake; "New, (NONE), Cipher is (NONE)" without one.
        let protocolName = lines.first { $0.hasPrefix("New, ") }.map { $0.dropFirst(5).prefix { $0 != "," } }
        // "SSL handshake has read 0 bytes and written 104 bytes"
        let counts = lines.first { $0.hasPrefix("SSL handshake has read ") }.map { line in
            line.split(separator: " ").compactMap { Int($0) }
        }
        return (
            protocolName.flatMap { $0 == "(NONE)" ? nil : String($0) }, counts?.first ?? -1, counts?.last ?? -1
        )
    }

    /// A key that does not parse is refused at start-up with an error that says so.
    @Test func unusableKeyFailsAtStart() throws {
        let tls = HTTPServerTLS(certificateChainPEM: "not a certificate", privateKeyPEM: "not a key")
        let server = HTTPServer(configuration: HTTPServerConfiguration(port: 0, tls: tls)) { _, responder in
            responder.respond(HTTPResponse(status: 200))
        }
        #expect(throws: HTTPServerError.tlsSetupFailed) { try server.start() }
    }

    private static func run(
        _ executable: String,
        _ arguments: [String],
        input: String = ""
    ) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        let standardInput = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = standardInput
        try process.run()
        standardInput.fileHandleForWriting.write(Data(input.utf8))
        try standardInput.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
