import Basics
import Gateway
import POP3

extension Problem {
    /// The answer for anything a use case threw (the mapping in docs/architecture.md, "The HTTP API").
    init(_ error: any Error) {
        switch error {
        case let problem as Problem:
            self = problem
        case let error as MailboxServiceError:
            self.init(error)
        case let error as SessionPoolError:
            self.init(error)
        case let error as POP3Error:
            self.init(error)
        default:
            self.init(status: 500, code: "internal_error", title: "Internal error", detail: "unexpected failure")
        }
    }

    init(_ error: MailboxServiceError) {
        switch error {
        case .messageNotFound:
            self = .notFound("no message with this id in the mailbox")
        case .attachmentNotFound:
            self.init(
                status: 404,
                code: "attachment_not_found",
                title: "Attachment not found",
                detail: "attachment not found: the message has no attachment with this id"
            )
        case .spoolFailed:
            self.init(
                status: 503,
                code: "spool_failed",
                title: "Spool failed",
                detail: "a large message could not be stored in a temporary file: \(error.systemDetail ?? "unknown")",
                retryAfter: 10
            )
        case .invalidCursor:
            self = .badRequest("cursor is not one this gateway issued")
        case .messageTooLarge(let limit):
            self.init(
                status: 502,
                code: "message_too_large",
                title: "Message too large",
                detail: "the message is larger than the gateway serves (\(limit) octets)"
            )
        }
    }

    init(_ error: SessionPoolError) {
        switch error {
        case .poolExhausted, .queueTimeout:
            self.init(
                status: 503,
                code: "gateway_busy",
                title: "Gateway busy",
                detail: "all upstream sessions and the queue are in use",
                retryAfter: 1
            )
        case .shuttingDown:
            self = .shuttingDown
        }
    }

    init(_ error: POP3Error) {
        let detail = error.detail
        switch error.code {
        case .authenticationFailed:
            self.init(
                status: 401,
                code: "authentication_failed",
                title: "Authentication failed",
                detail: "the POP3 server rejected the credentials"
            )
        case .mailboxLocked:
            self.init(
                status: 423,
                code: "mailbox_locked",
                title: "Mailbox locked",
                detail: "another POP3 session holds the mailbox: \(detail)",
                retryAfter: error.retryAfterSeconds
            )
        case .loginDelay:
            self.init(
                status: 429,
                code: "login_delay",
                title: "Login delay",
                detail: "the POP3 server wants a pause between logins: \(detail)",
                retryAfter: error.retryAfterSeconds
            )
        case .temporaryFailure:
            self.init(
                status: 503,
                code: "upstream_unavailable",
                title: "Upstream temporarily unavailable",
                detail: detail,
                retryAfter: error.retryAfterSeconds
            )
        case .timeout:
            self.init(status: 504, code: "upstream_timeout", title: "Upstream timeout", detail: detail)
        case .invalidArgument:
            self = .badRequest(detail)
        case .connectionFailed, .tlsFailed, .connectionClosed, .protocolViolation, .responseTooLarge,
            .permanentFailure, .startTLSUnavailable, .insecureAuthenticationRefused, .noAuthenticationMethod,
            .commandFailed:
            self.init(status: 502, code: "upstream_error", title: "Upstream error", detail: detail)
        }
    }
}
