import Foundation
import POP3
import Testing

/// How the gateway reaches the fake upstream of a fault matrix row.
enum FaultTransport: String, Sendable {
    case plaintext
    case implicitTLS
    case startTLS

    var security: POP3SessionStateMachine.Security {
        switch self {
        case .plaintext: .plaintext
        case .implicitTLS: .implicitTLS
        case .startTLS: .startTLS
        }
    }
}

/// One HTTP request of a fault matrix row and the answer it must get.
struct FaultMatrixStep: Sendable {
    var method = "GET"
    var path: String
    var user = "alice"
    var password = "alice-secret"
    var status: Int
    /// The problem+json `code`, for an error answer.
    var code: String?
    /// The `Retry-After` seconds the answer must carry, if any.
    var retryAfter: Int?
    /// The exact body the answer must have.
    var body: [UInt8]?
    /// For a listing: the ids it must show (in any order, each once).
    var ids: [String]?
}

/// What a row's `check` gets after the fault request was answered.
struct FaultMatrixOutcome {
    var upstream: FaultUpstream
    var mailbox: FaultMailbox
    var response: GatewayFixture.Response
}

/// One fault of docs/pop3-notes.md's last section: what the fake upstream does, the request that meets it,
/// and the answer the gateway must give.
struct FaultMatrixRow: Sendable, CustomTestStringConvertible {
    typealias Script = @Sendable (FaultUpstreamConnection, FaultMailbox) throws -> Void

    /// The test argument's name, also the row's name in docs/fault-matrix.md.
    var name: String
    var transport: FaultTransport = .plaintext
    /// The maildrop the fake upstream serves.
    var messages = FaultMailbox.standardMessages
    /// Connections 1 through this one play `fault`; later connections are healthy.
    var faultyConnections = 1
    var fault: Script
    /// Requests before the fault one, with their answers (e.g. a first login that works).
    var before: [FaultMatrixStep] = []
    /// The request that meets the fault.
    var request: FaultMatrixStep
    /// What else must hold right after the fault answer (commands the upstream saw, the maildrop).
    var check: @Sendable (FaultMatrixOutcome) -> Void = { _ in }
    /// Requests after the fault, on the same gateway: they must show it still serves (on a healthy
    /// connection) and that no mail was lost.
    var after: [FaultMatrixStep] = [FaultMatrixStep(path: "/v1/messages", status: 200, ids: ["m1", "m2"])]

    var testDescription: String { self.name }
}
