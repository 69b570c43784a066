import Foundation
import TestSupport
import Testing

/// The rows of the fault matrix, in the order of docs/pop3-notes.md's "Faults a test server should produce";
/// docs/fault-matrix.md is this table in prose.
enum FaultMatrix {
    /// What a healthy fake upstream advertises: no SASL, so the gateway logs in with USER/PASS.
    static let capabilities = ["USER", "UIDL", "TOP"]

    /// A connection that works: TLS as the transport asks, a login, then the maildrop served.
    static func serveHealthy(
        _ connection: FaultUpstreamConnection,
        _ mailbox: FaultMailbox,
        _ transport: FaultTransport,
        overrides: [String: FaultUpstreamConnection.Override] = [:]
    ) throws {
        if transport == .implicitTLS { try connection.startTLS() }
        let startTLS = transport == .startTLS ? TestCertificates.shared.serverCertificateFile : nil
        guard try connection.logIn(capabilities: Self.capabilities, startTLSCertificate: startTLS) else { return }
        try connection.serve(mailbox, overrides: overrides)
    }

    /// A fault script that is healthy except for the answers in `overrides`.
    static func healthy(
        _ transport: FaultTransport = .plaintext,
        overriding overrides: [String: FaultUpstreamConnection.Override]
    ) -> FaultMatrixRow.Script {
        { connection, mailbox in try Self.serveHealthy(connection, mailbox, transport, overrides: overrides) }
    }

    /// Ends the connection from inside a script (the harness then closes the socket).
    static func hangUp() throws -> Never {
        throw FaultUpstreamEnd(description: "the fault script hung up")
    }

    static let mailbox = FaultMatrixStep(path: "/v1/mailbox", status: 200)
    static let listing = FaultMatrixStep(path: "/v1/messages", status: 200, ids: ["m1", "m2"])
    static let m1 = FaultMailbox.standardMessages[0].content

    static func raw(
        _ id: String = "m1",
        status: Int = 200,
        code: String? = nil,
        body: [UInt8]? = nil
    )
        -> FaultMatrixStep
    {
        FaultMatrixStep(path: "/v1/messages/\(id)/raw", status: status, code: code, body: body)
    }

    static func mailboxFails(_ status: Int, _ code: String, retryAfter: Int? = nil) -> FaultMatrixStep {
        FaultMatrixStep(path: "/v1/mailbox", status: status, code: code, retryAfter: retryAfter)
    }

    /// The upstream never saw a credential (docs/pop3-notes.md §34: abort before USER/PASS).
    static let noCredentialsSent: @Sendable (FaultMatrixOutcome) -> Void = { outcome in
        let commands = outcome.upstream.commands
        let leaked = commands.filter { $0.contains(" USER ") || $0.contains(" PASS ") || $0.contains(" AUTH ") }
        #expect(leaked.isEmpty, "\(commands)")
    }

    /// After a failed DELETE: no QUIT committed, and m1 is still in the maildrop.
    static let nothingDeleted: @Sendable (FaultMatrixOutcome) -> Void = { outcome in
        #expect(outcome.response.status != 204)
        #expect(outcome.mailbox.commits == 0)
        #expect(outcome.mailbox.uids == ["m1", "m2"])
        #expect(outcome.upstream.commands.contains("1 DELE 1"))
    }

    static let rows: [FaultMatrixRow] =
        greeting + capaAndSTLS + login + listings + retrieval + failures + deletion
        + injection
}
