import Foundation
import TestSupport
import Testing

extension FaultMatrix {
    // MARK: - Greeting

    static let greeting: [FaultMatrixRow] = [
        FaultMatrixRow(
            name: "greetingSysTemp",
            fault: { connection, _ in
                try connection.send("-ERR [SYS/TEMP] too busy, try later")
                try connection.stayQuiet()
            },
            request: mailboxFails(503, "upstream_unavailable", retryAfter: 30)
        ),
        FaultMatrixRow(
            name: "greetingGarbage",
            fault: { connection, _ in
                try connection.send("* OK IMAP4rev1 server ready")
                try connection.stayQuiet()
            },
            request: mailboxFails(502, "upstream_error")
        ),
        FaultMatrixRow(
            name: "greetingOf600Octets",
            fault: { connection, mailbox in
                guard
                    try connection.logIn(
                        greeting: "+OK " + String(repeating: "g", count: 600),
                        capabilities: capabilities
                    )
                else { return }
                try connection.serve(mailbox)
            },
            request: mailbox
        ),
        FaultMatrixRow(
            name: "greetingOverStatusLineCap",
            fault: { connection, _ in
                try connection.send("+OK " + String(repeating: "g", count: 5_000))
                try connection.stayQuiet()
            },
            request: mailboxFails(502, "upstream_error")
        ),
        FaultMatrixRow(
            name: "unsolicitedLinesAfterGreeting",
            fault: { connection, _ in
                try connection.send("+OK ready", "+OK nobody asked for this", "-ERR nor this")
                try connection.stayQuiet()
            },
            request: mailboxFails(502, "upstream_error")
        ),
    ]

    // MARK: - CAPA and STLS

    /// Greets and offers STLS; answers STLS with `answer`, anything else but CAPA with -ERR.
    static func offeringSTLS(
        _ answer: @escaping @Sendable (FaultUpstreamConnection) throws -> Void
    ) -> FaultMatrixRow.Script {
        { connection, _ in
            try connection.send("+OK ready")
            while let command = try connection.readCommand() {
                switch command {
                case "CAPA": try connection.send(lines: ["+OK"] + capabilities + ["STLS", "."])
                case "STLS": try answer(connection)
                default: try connection.send("-ERR no")
                }
            }
        }
    }

    /// Implicit TLS presenting `certificateFile`, which the gateway must refuse before any credential.
    static func presenting(_ name: String, _ certificateFile: String) -> FaultMatrixRow {
        FaultMatrixRow(
            name: name,
            transport: .implicitTLS,
            fault: { connection, _ in
                try connection.startTLS(certificateFile: certificateFile)
                try connection.stayQuiet()
            },
            request: mailboxFails(502, "upstream_error"),
            check: noCredentialsSent
        )
    }

    static let capaAndSTLS: [FaultMatrixRow] = [
        FaultMatrixRow(
            name: "capaERR",
            fault: { connection, mailbox in
                guard try connection.logIn(capabilities: nil) else { return }
                try connection.serve(mailbox)
            },
            request: listing
        ),
        FaultMatrixRow(
            name: "stlsMissing",
            transport: .startTLS,
            fault: { connection, _ in
                _ = try connection.logIn(capabilities: capabilities)
                try connection.stayQuiet()
            },
            request: mailboxFails(502, "upstream_error"),
            check: noCredentialsSent
        ),
        FaultMatrixRow(
            name: "stlsERR",
            transport: .startTLS,
            fault: offeringSTLS { connection in try connection.send("-ERR [SYS/TEMP] TLS not available now") },
            request: mailboxFails(502, "upstream_error"),
            check: noCredentialsSent
        ),
        FaultMatrixRow(
            name: "stlsOKWithInjectedLine",
            transport: .startTLS,
            // The injected line arrives in the same segment as the +OK (curl CVE-2021-22947).
            fault: offeringSTLS { connection in
                try connection.send("+OK begin TLS", "+OK injected before the handshake")
            },
            request: mailboxFails(502, "upstream_error"),
            check: noCredentialsSent
        ),
        FaultMatrixRow(
            name: "stlsHandshakeStall",
            transport: .startTLS,
            fault: offeringSTLS { connection in
                try connection.send("+OK begin TLS")
                // Reads the ClientHello and never answers it.
                try connection.stayQuiet()
            },
            request: mailboxFails(504, "upstream_timeout"),
            check: noCredentialsSent
        ),
        FaultMatrixRow(
            name: "implicitTLSHandshakeStall",
            transport: .implicitTLS,
            fault: { connection, _ in try connection.stayQuiet() },
            request: mailboxFails(504, "upstream_timeout"),
            check: noCredentialsSent
        ),
        presenting("badCertificate", TestCertificates.shared.untrustedCertificateFile),
        presenting("wrongHostName", TestCertificates.shared.wrongNameCertificateFile),
        FaultMatrixRow(
            name: "badCertificateAfterSTLS",
            transport: .startTLS,
            fault: { connection, _ in
                _ = try connection.logIn(
                    capabilities: capabilities,
                    startTLSCertificate: TestCertificates.shared.untrustedCertificateFile
                )
                try connection.stayQuiet()
            },
            request: mailboxFails(502, "upstream_error"),
            check: noCredentialsSent
        ),
    ]

    // MARK: - Login

    static func refusedLogin(
        _ name: String,
        _ answer: String,
        _ expected: FaultMatrixStep,
        capabilities offered: [String] = capabilities
    ) -> FaultMatrixRow {
        FaultMatrixRow(
            name: name,
            fault: { connection, _ in
                _ = try connection.logIn(capabilities: offered, passAnswer: answer)
                try connection.stayQuiet()
            },
            request: expected
        )
    }

    static let login: [FaultMatrixRow] = [
        refusedLogin("passERR", "-ERR invalid login", mailboxFails(401, "authentication_failed")),
        refusedLogin("passAUTH", "-ERR [AUTH] invalid credentials", mailboxFails(401, "authentication_failed")),
        refusedLogin(
            "passINUSE",
            "-ERR [IN-USE] mailbox locked",
            mailboxFails(423, "mailbox_locked", retryAfter: 5)
        ),
        refusedLogin(
            "passLOGINDELAY",
            "-ERR [LOGIN-DELAY] wait before logging in again",
            mailboxFails(429, "login_delay", retryAfter: 60)
        ),
        refusedLogin(
            "passLOGINDELAYAdvertised",
            "-ERR [LOGIN-DELAY] wait before logging in again",
            mailboxFails(429, "login_delay", retryAfter: 900),
            capabilities: capabilities + ["LOGIN-DELAY 900"]
        ),
        refusedLogin("passSYSPERM", "-ERR [SYS/PERM] account disabled", mailboxFails(502, "upstream_error")),
        FaultMatrixRow(
            name: "closeAfterPASS",
            fault: { connection, _ in
                try connection.send("+OK ready")
                while let command = try connection.readCommand() {
                    switch command.split(separator: " ").first {
                    case "CAPA": try connection.send(lines: ["+OK"] + capabilities + ["."])
                    case "USER": try connection.send("+OK")
                    case "PASS": try hangUp()
                    default: try connection.send("-ERR no")
                    }
                }
            },
            request: mailboxFails(401, "authentication_failed")
        ),
    ]

    // MARK: - Listings

    /// m1, m2, m3 as message numbers 1, 3 and 7.
    static let gappedNumbers = [1: 0, 3: 1, 7: 2]
    static let threeMessages =
        FaultMailbox.standardMessages + [
            FaultMailbox.Message(uid: "m3", content: Array("Subject: three\r\n\r\nthird body\r\n".utf8))
        ]

    static let listings: [FaultMatrixRow] = [
        FaultMatrixRow(
            name: "statBareOK",
            fault: healthy(overriding: ["STAT": { connection, _, _ in try connection.send("+OK") }]),
            request: mailboxFails(502, "upstream_error")
        ),
        FaultMatrixRow(
            name: "statAbsurdCount",
            fault: healthy(overriding: [
                "STAT": { connection, _, _ in try connection.send("+OK 99999999999999999999999999 1024") }
            ]),
            request: mailboxFails(502, "upstream_error")
        ),
        FaultMatrixRow(
            name: "listWithGaps",
            messages: threeMessages,
            fault: healthy(overriding: [
                "LIST": { connection, session, _ in
                    let lines = gappedNumbers.sorted { $0.key < $1.key }.map {
                        "\($0.key) \(session.messages[$0.value].content.count)"
                    }
                    try connection.send(lines: ["+OK"] + lines + ["."])
                },
                "UIDL": { connection, session, _ in
                    let lines = gappedNumbers.sorted { $0.key < $1.key }.map {
                        "\($0.key) \(session.messages[$0.value].uid)"
                    }
                    try connection.send(lines: ["+OK"] + lines + ["."])
                },
                "TOP": { connection, session, arguments in try sendGapped(connection, session, arguments) },
                "RETR": { connection, session, arguments in try sendGapped(connection, session, arguments) },
            ]),
            before: [FaultMatrixStep(path: "/v1/messages", status: 200, ids: ["m1", "m2", "m3"])],
            request: raw("m3", body: threeMessages[2].content),
            after: [FaultMatrixStep(path: "/v1/messages", status: 200, ids: ["m1", "m2", "m3"])]
        ),
        FaultMatrixRow(
            name: "duplicateUIDL",
            fault: healthy(overriding: [
                "UIDL": { connection, _, _ in try connection.send("+OK", "1 m1", "2 m1", ".") }
            ]),
            request: FaultMatrixStep(path: "/v1/messages", status: 200, ids: ["m1"]),
            after: [raw("m1", body: m1), FaultMatrixStep(path: "/v1/messages", status: 200, ids: ["m1"])]
        ),
        FaultMatrixRow(
            name: "overlongUIDL",
            fault: healthy(overriding: [
                "UIDL": { connection, _, _ in
                    try connection.send("+OK", "1 " + String(repeating: "u", count: 71), "2 m2", ".")
                }
            ]),
            request: FaultMatrixStep(path: "/v1/messages", status: 200, ids: ["m2"]),
            after: [FaultMatrixStep(path: "/v1/messages", status: 200, ids: ["m2"])]
        ),
        FaultMatrixRow(
            name: "controlCharacterUIDL",
            fault: healthy(overriding: [
                "UIDL": { connection, _, _ in
                    try connection.send(bytes: Array("+OK\r\n1 m\u{1}1\r\n2 m2\r\n.\r\n".utf8))
                }
            ]),
            request: FaultMatrixStep(path: "/v1/messages", status: 200, ids: ["m2"]),
            after: [FaultMatrixStep(path: "/v1/messages", status: 200, ids: ["m2"])]
        ),
    ]

    /// TOP or RETR for the numbering of `gappedNumbers`.
    static func sendGapped(
        _ connection: FaultUpstreamConnection,
        _ session: FaultMaildropSession,
        _ arguments: [Substring]
    ) throws {
        guard let index = arguments.first.flatMap({ Int($0) }).flatMap({ gappedNumbers[$0] }) else {
            try connection.send("-ERR no such message")
            return
        }
        try connection.send(bytes: FaultMaildropSession.multiLine(session.messages[index].content))
    }
}
