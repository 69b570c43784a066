import Foundation
import Testing

extension FaultMatrix {
    /// An override that answers RETR 1 with `wire` exactly (RETR of any other message as usual).
    static func retr1(_ wire: @escaping @Sendable () -> [UInt8]) -> [String: FaultUpstreamConnection.Override] {
        [
            "RETR": { connection, session, arguments in
                guard arguments.first == "1" else {
                    try connection.send(
                        bytes: FaultMaildropSession.multiLine(session.message(arguments.first)?.content ?? [])
                    )
                    return
                }
                try connection.send(bytes: wire())
            }
        ]
    }

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// m1's content with a body of `body`.
    static func message(_ body: [UInt8]) -> [FaultMailbox.Message] {
        [FaultMailbox.Message(uid: "m1", content: bytes("Subject: one\r\n\r\n") + body)] + [
            FaultMailbox.standardMessages[1]
        ]
    }

    static let twoMegabyteLine = message(Array(repeating: UInt8(ascii: "x"), count: 2 * 1024 * 1024) + bytes("\r\n"))
    static let withNULs = message(bytes("before") + [0, 0, 1, 0] + bytes("after\r\n\0\r\n"))

    // MARK: - RETR

    /// A row whose m1 is served as it is and must come back byte for byte.
    static func servedAsSent(_ name: String, _ messages: [FaultMailbox.Message]) -> FaultMatrixRow {
        FaultMatrixRow(
            name: name,
            messages: messages,
            fault: healthy(overriding: [:]),
            request: raw(body: messages[0].content)
        )
    }

    /// A row whose RETR 1 answer is `wire` exactly, and whose raw m1 must be `served`.
    static func wireRETR(_ name: String, sending wire: String, serving served: String) -> FaultMatrixRow {
        FaultMatrixRow(
            name: name,
            fault: healthy(overriding: retr1 { bytes(wire) }),
            request: raw(body: bytes(served))
        )
    }

    static let retrieval: [FaultMatrixRow] = [
        // `..` is a stuffed `.`, `...` a stuffed `..`, and a sloppy server's unstuffed `.x` loses its dot.
        wireRETR(
            "retrDotLines",
            sending: "+OK\r\n..\r\n...\r\n.x\r\n..x\r\nend\r\n.\r\n",
            serving: ".\r\n..\r\nx\r\n.x\r\nend\r\n"
        ),
        brokenRETR("retrNoFinalCRLF", 502, "upstream_error") { connection in
            try connection.send(bytes: bytes("+OK\r\nSubject: one\r\n\r\ncut\r\n."))
            try hangUp()
        },
        wireRETR(
            "retrBareLF",
            sending: "+OK\r\nSubject: lf\n\nbare\nline feeds\n.x\r\n.\r\n",
            serving: "Subject: lf\n\nbare\nline feeds\nx\r\n"
        ),
        FaultMatrixRow(
            name: "retrFinalDotOneByteAtATime",
            fault: healthy(overriding: [
                "RETR": { connection, _, _ in
                    try connection.send(bytes: bytes("+OK\r\n") + m1.dropLast(2))
                    try connection.trickle(bytes("\r\n.\r\n"), interval: .milliseconds(50))
                }
            ]),
            request: raw(body: m1)
        ),
        servedAsSent("retrTwoMegabyteLine", twoMegabyteLine),
        FaultMatrixRow(
            name: "retrSizeNotListSize",
            fault: healthy(overriding: [
                "LIST": { connection, session, _ in
                    try connection.send("+OK", "1 10", "2 \(session.messages[1].content.count)", ".")
                }
            ]),
            request: raw(body: m1)
        ),
        servedAsSent("retrNULBytes", withNULs),
        FaultMatrixRow(
            name: "retrERRForListedMessage",
            fault: healthy(overriding: [
                "RETR": { connection, _, _ in try connection.send("-ERR message was expunged by another session") }
            ]),
            request: raw(status: 404, code: "not_found"),
            // The same session serves the listing: it was kept (docs/pop3-notes.md §13).
            after: [listing]
        ),
    ]

    // MARK: - Failures

    /// The raw request's RETR ran on the session its listing had opened; when that broke, the gateway
    /// retried once on a fresh session (which met the same fault), and no more.
    static let retriedOnce: @Sendable (FaultMatrixOutcome) -> Void = { outcome in
        #expect(outcome.upstream.connectionsAccepted == 2)
        #expect(outcome.upstream.commands.filter { $0.hasSuffix(" RETR 1") }.count == 2)
    }

    /// A row whose RETR breaks the same way on the first session and on the retry: the answer is the fault's,
    /// nothing partial was cached (a healthy session then serves the whole message), and there was one retry.
    static func brokenRETR(
        _ name: String,
        _ status: Int,
        _ code: String,
        transport: FaultTransport = .plaintext,
        _ answer: @escaping @Sendable (FaultUpstreamConnection) throws -> Void
    ) -> FaultMatrixRow {
        FaultMatrixRow(
            name: name,
            transport: transport,
            faultyConnections: 2,
            fault: healthy(transport, overriding: ["RETR": { connection, _, _ in try answer(connection) }]),
            request: raw(status: status, code: code),
            check: retriedOnce,
            after: [listing, raw(body: m1)]
        )
    }

    static let failures: [FaultMatrixRow] = [
        FaultMatrixRow(
            name: "disconnectMidRETRThenRetried",
            fault: healthy(overriding: [
                "RETR": { connection, _, _ in
                    try connection.send(bytes: bytes("+OK\r\n") + m1.prefix(20))
                    try hangUp()
                }
            ]),
            // Only the first session breaks: the retry on a fresh one serves the whole message.
            request: raw(body: m1),
            check: { outcome in #expect(outcome.upstream.connectionsAccepted == 2) }
        ),
        brokenRETR("disconnectMidRETR", 502, "upstream_error") { connection in
            try connection.send(bytes: bytes("+OK\r\n") + m1.prefix(20))
            try hangUp()
        },
        brokenRETR("multiLineNeverTerminated", 504, "upstream_timeout") { connection in
            try connection.send(bytes: bytes("+OK\r\n") + m1)
            try connection.stayQuiet()
        },
        brokenRETR("trickleOneBytePerSecond", 504, "upstream_timeout") { connection in
            try connection.send("+OK")
            try connection.trickle(m1, interval: .seconds(1))
        },
        brokenRETR("tlsCloseWithoutCloseNotifyMidBody", 502, "upstream_error", transport: .implicitTLS) { connection in
            try connection.send(bytes: bytes("+OK\r\n") + m1.prefix(20))
            connection.closeWithoutCloseNotify()
            try hangUp()
        },
        FaultMatrixRow(
            name: "tlsCloseWithoutCloseNotifyAfterQUIT",
            transport: .implicitTLS,
            fault: healthy(
                .implicitTLS,
                overriding: [
                    "QUIT": { connection, session, _ in
                        session.mailbox.commit(deleting: Set(session.marked.map { session.messages[$0 - 1].uid }))
                        try connection.send("+OK bye")
                        connection.closeWithoutCloseNotify()
                        try hangUp()
                    }
                ]
            ),
            request: FaultMatrixStep(method: "DELETE", path: "/v1/messages/m1", status: 204),
            check: { outcome in #expect(outcome.mailbox.uids == ["m2"]) },
            after: [FaultMatrixStep(path: "/v1/messages", status: 200, ids: ["m2"])]
        ),
        FaultMatrixRow(
            name: "idleDrop",
            fault: healthy(overriding: [
                "STAT": { connection, session, _ in
                    try connection.send("+OK \(session.messages.count) 100")
                    // Then drops the session while it is parked in the pool.
                    try hangUp()
                }
            ]),
            before: [mailbox],
            request: mailbox,
            check: { outcome in #expect(outcome.upstream.connectionsAccepted == 2) }
        ),
        FaultMatrixRow(
            name: "secondLoginINUSE",
            faultyConnections: 2,
            fault: { connection, mailbox in
                guard connection.number == 2 else {
                    try serveHealthy(connection, mailbox, .plaintext)
                    return
                }
                _ = try connection.logIn(
                    capabilities: capabilities,
                    passAnswer: "-ERR [IN-USE] locked by another session"
                )
                try connection.stayQuiet()
            },
            before: [listing],
            request: FaultMatrixStep(
                path: "/v1/messages?refresh=true",
                status: 423,
                code: "mailbox_locked",
                retryAfter: 5
            )
        ),
    ]

    // MARK: - Deletion

    /// DELETE m1 where the upstream answers `keyword` with `answer`: an error, and nothing deleted.
    static func failedDelete(
        _ name: String,
        _ keyword: String,
        status: Int = 502,
        code: String = "upstream_error",
        _ answer: @escaping FaultUpstreamConnection.Override
    ) -> FaultMatrixRow {
        FaultMatrixRow(
            name: name,
            fault: healthy(overriding: [keyword: answer]),
            request: FaultMatrixStep(method: "DELETE", path: "/v1/messages/m1", status: status, code: code),
            check: nothingDeleted
        )
    }

    static let deletion: [FaultMatrixRow] = [
        FaultMatrixRow(
            name: "deleteCommitsAtQUIT",
            fault: healthy(overriding: [:]),
            request: FaultMatrixStep(method: "DELETE", path: "/v1/messages/m1", status: 204),
            check: { outcome in
                #expect(outcome.mailbox.uids == ["m2"])
                #expect(outcome.mailbox.commits == 1)
            },
            after: [FaultMatrixStep(path: "/v1/messages", status: 200, ids: ["m2"])]
        ),
        failedDelete("deleThenDisconnect", "DELE") { connection, session, arguments in
            session.marked.insert(Int(arguments.first ?? "") ?? 0)
            try connection.send("+OK marked")
            try hangUp()
        },
        failedDelete("quitERR", "QUIT") { connection, _, _ in
            try connection.send("-ERR some deleted messages not removed")
            try hangUp()
        },
        failedDelete("quitNeverAnswered", "QUIT", status: 504, code: "upstream_timeout") { connection, _, _ in
            try connection.stayQuiet()
        },
    ]

    // MARK: - Injection

    /// Nothing the caller wrote after the CR LF reached the upstream.
    static let nothingInjected: @Sendable (FaultMatrixOutcome) -> Void = { outcome in
        let commands = outcome.upstream.commands
        #expect(!commands.contains { $0.contains("DELE") || $0.contains("RETR 2") }, "\(commands)")
    }

    /// Basic credentials with a line break: 401 before any connection to the upstream.
    static func lineBreakInCredentials(_ name: String, user: String, password: String) -> FaultMatrixRow {
        FaultMatrixRow(
            name: name,
            fault: healthy(overriding: [:]),
            request: FaultMatrixStep(
                path: "/v1/mailbox",
                user: user,
                password: password,
                status: 401,
                code: "authentication_required"
            ),
            check: { outcome in #expect(outcome.upstream.connectionsAccepted == 0) }
        )
    }

    static let injection: [FaultMatrixRow] = [
        FaultMatrixRow(
            name: "crlfInIDOfDELETE",
            fault: healthy(overriding: [:]),
            request: FaultMatrixStep(
                method: "DELETE",
                path: "/v1/messages/m1%0D%0ADELE%202",
                status: 400,
                code: "bad_request"
            ),
            check: nothingInjected
        ),
        FaultMatrixRow(
            name: "crlfInIDOfRaw",
            fault: healthy(overriding: [:]),
            request: FaultMatrixStep(path: "/v1/messages/m1%0D%0ARETR%202/raw", status: 400, code: "bad_request"),
            check: nothingInjected
        ),
        lineBreakInCredentials("crlfInUser", user: "alice\r\nDELE 1", password: "alice-secret"),
        lineBreakInCredentials("crlfInPassword", user: "alice", password: "alice-secret\r\nDELE 1"),
        FaultMatrixRow(
            name: "percentEncodedCRLFInPasswordStaysText",
            fault: healthy(overriding: [:]),
            request: FaultMatrixStep(path: "/v1/mailbox", password: "alice%0D%0ADELE 1", status: 200),
            check: { outcome in
                // Basic credentials are not percent-decoded: the text reaches PASS as typed, in one line.
                #expect(outcome.upstream.commands.contains("1 PASS alice%0D%0ADELE 1"))
                #expect(!outcome.upstream.commands.contains { $0.hasSuffix(" DELE 1") && !$0.contains("PASS") })
            },
            after: [
                FaultMatrixStep(path: "/v1/messages", password: "alice%0D%0ADELE 1", status: 200, ids: ["m1", "m2"])
            ]
        ),
    ]
}
