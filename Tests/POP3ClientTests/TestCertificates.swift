import Foundation

@testable import POP3Client

/// A throwaway PKI for TLS tests, made once per test process with the `openssl` command-line tool:
/// a CA, and a server certificate it signed for "CN=pop3.test" with subjectAltName IP:127.0.0.1, DNS:pop3.test.
///
/// Generated at run time so that no key lives in the repository and nothing expires in it.
struct TestCertificates: Sendable {
    /// The temporary directory holding every file below.
    let directory: String
    /// The CA certificate (PEM): the trust anchor to give `TLSContext.client(caFile:)`.
    let caCertificateFile: String
    /// The server certificate (PEM), signed by the CA.
    let serverCertificateFile: String
    /// The server's private key (PEM, unencrypted).
    let serverPrivateKeyFile: String

    /// Generated on first use; Swift runs a static initializer exactly once, even when tests race for it.
    /// A failure stops the test run: without the `openssl` tool no TLS test can say anything useful.
    static let shared: TestCertificates = {
        do {
            return try TestCertificates.generate()
        } catch {
            fatalError("cannot generate the test certificates: \(error)")
        }
    }()

    /// A client context that trusts only the test CA.
    func clientContext() throws -> TLSContext {
        try TLSContext.client(caFile: self.caCertificateFile)
    }

    /// A server context presenting the test server certificate.
    func serverContext(
        minimumVersion: TLSContext.ProtocolVersion? = nil,
        maximumVersion: TLSContext.ProtocolVersion? = nil
    ) throws -> TLSContext {
        try TLSContext.server(
            certificateFile: self.serverCertificateFile,
            privateKeyFile: self.serverPrivateKeyFile,
            minimumVersion: minimumVersion,
            maximumVersion: maximumVersion
        )
    }

    /// Why generating the certificates failed.
    struct GenerationError: Error, CustomStringConvertible {
        let description: String
    }

    private static func generate() throws -> TestCertificates {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("pop3-gateway-test-pki-\(getpid())-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let certificates = TestCertificates(
            directory: directory,
            caCertificateFile: directory + "/ca.pem",
            serverCertificateFile: directory + "/server.pem",
            serverPrivateKeyFile: directory + "/server.key"
        )
        let caKey = directory + "/ca.key"
        let request = directory + "/server.csr"
        let extensions = directory + "/server.ext"
        try """
        subjectAltName = IP:127.0.0.1, DNS:pop3.test
        basicConstraints = critical, CA:FALSE
        keyUsage = critical, digitalSignature
        extendedKeyUsage = serverAuth

        """.write(toFile: extensions, atomically: true, encoding: .utf8)

        // P-256 keys: generated in milliseconds, and usable with every TLS version the tests need.
        try runOpenSSL([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", caKey, "-out", certificates.caCertificateFile, "-days", "2",
            "-subj", "/CN=pop3-gateway test CA",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        ])
        try runOpenSSL([
            "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", certificates.serverPrivateKeyFile, "-out", request, "-subj", "/CN=pop3.test",
        ])
        try runOpenSSL([
            "x509", "-req", "-in", request, "-CA", certificates.caCertificateFile, "-CAkey", caKey,
            "-set_serial", "2", "-days", "2", "-extfile", extensions, "-out", certificates.serverCertificateFile,
        ])
        // Removed when the test process exits; by then every TLSContext has long loaded what it needs.
        atexit { TestCertificates.shared.removeFiles() }
        return certificates
    }

    /// Deletes the generated files and their directory.
    private func removeFiles() {
        try? FileManager.default.removeItem(atPath: self.directory)
    }

    private static func runOpenSSL(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        let errorOutput = Pipe()
        process.standardError = errorOutput
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Read before waiting, so a chatty openssl can never block on a full pipe.
        let message = errorOutput.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw GenerationError(
                description: "openssl \(arguments.joined(separator: " ")) exited with \(process.terminationStatus): "
                    + String(decoding: message, as: UTF8.self)
            )
        }
    }
}
