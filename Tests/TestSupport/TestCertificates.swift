import Foundation

/// A throwaway PKI for TLS tests, made once per test process with the `openssl` command-line tool:
/// a CA, and a server certificate it signed for "CN=pop3.test" with subjectAltName IP:127.0.0.1, DNS:pop3.test.
/// For the certificate faults, the same key also comes in a certificate the CA signed for another name only
/// (DNS:elsewhere.test) and in one for the right names signed by an unrelated CA.
///
/// Generated at run time so that no key lives in the repository and nothing expires in it. The TLS
/// contexts are made by each test target (the TLS types are internal to POP3Client).
public struct TestCertificates: Sendable {
    /// The temporary directory holding every file below.
    public let directory: String
    /// The CA certificate (PEM): the trust anchor to give `TLSContext.client(caFile:)`.
    public let caCertificateFile: String
    /// The server certificate (PEM), signed by the CA.
    public let serverCertificateFile: String
    /// The server's private key (PEM, unencrypted); it belongs to every certificate here.
    public let serverPrivateKeyFile: String
    /// Signed by the CA, but for DNS:elsewhere.test only: a host name mismatch for 127.0.0.1 or pop3.test.
    public let wrongNameCertificateFile: String
    /// For the right names (IP:127.0.0.1, DNS:pop3.test), but signed by a CA nobody trusts.
    public let untrustedCertificateFile: String

    /// Generated on first use; Swift runs a static initializer exactly once, even when tests race for it.
    /// A failure stops the test run: without the `openssl` tool no TLS test can say anything useful.
    public static let shared: TestCertificates = {
        do {
            return try TestCertificates.generate()
        } catch {
            fatalError("cannot generate the test certificates: \(error)")
        }
    }()

    /// Why generating the certificates failed.
    public struct GenerationError: Error, CustomStringConvertible {
        public let description: String
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
            serverPrivateKeyFile: directory + "/server.key",
            wrongNameCertificateFile: directory + "/wrong-name.pem",
            untrustedCertificateFile: directory + "/untrusted.pem"
        )
        let caKey = directory + "/ca.key"
        let request = directory + "/server.csr"
        let extensions = directory + "/server.ext"
        let wrongNameExtensions = directory + "/wrong-name.ext"
        let otherCAKey = directory + "/other-ca.key"
        let otherCA = directory + "/other-ca.pem"
        for (file, names) in [(extensions, "IP:127.0.0.1, DNS:pop3.test"), (wrongNameExtensions, "DNS:elsewhere.test")]
        {
            try """
            subjectAltName = \(names)
            basicConstraints = critical, CA:FALSE
            keyUsage = critical, digitalSignature
            extendedKeyUsage = serverAuth

            """.write(toFile: file, atomically: true, encoding: .utf8)
        }

        // P-256 keys: generated in milliseconds, and usable with every TLS version the tests need.
        for (key, certificate, name) in [
            (caKey, certificates.caCertificateFile, "pop3-gateway test CA"), (otherCAKey, otherCA, "unrelated CA"),
        ] {
            try runOpenSSL([
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key, "-out", certificate, "-days", "2", "-subj", "/CN=\(name)",
                "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ])
        }
        try runOpenSSL([
            "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", certificates.serverPrivateKeyFile, "-out", request, "-subj", "/CN=pop3.test",
        ])
        let signings = [
            (certificates.caCertificateFile, caKey, extensions, certificates.serverCertificateFile),
            (certificates.caCertificateFile, caKey, wrongNameExtensions, certificates.wrongNameCertificateFile),
            (otherCA, otherCAKey, extensions, certificates.untrustedCertificateFile),
        ]
        for (serial, (authority, authorityKey, extensionFile, output)) in signings.enumerated() {
            try runOpenSSL([
                "x509", "-req", "-in", request, "-CA", authority, "-CAkey", authorityKey,
                "-set_serial", String(serial + 2), "-days", "2", "-extfile", extensionFile, "-out", output,
            ])
        }
        // Removed when the test process exits; by then every TLSContext has long loaded what it needs.
        atexit { TestCertificates.shared.removeFiles() }
        return certificates
    }

    /// Deletes the generated files and their directory.
    private func removeFiles() {
        try? FileManager.default.removeItem(atPath: self.directory)
    }

    private static func runOpenSSL(_ arguments: [String]) throws {
        let (status, message) = try ChildProcess.run("/usr/bin/env", ["openssl"] + arguments, capture: .standardError)
        guard status == 0 else {
            throw GenerationError(
                description: "openssl \(arguments.joined(separator: " ")) exited with \(status): "
                    + String(decoding: message, as: UTF8.self)
            )
        }
    }
}
