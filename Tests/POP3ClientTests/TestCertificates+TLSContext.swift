import TestSupport

@testable import POP3Client

extension TestCertificates {
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
}
