import Glibc
import POP3
import Testing

@testable import POP3Client

/// The faults a scripted fake server produces (docs/pop3-notes.md, "Faults a test server should produce"),
/// one test each: every one ends in the expected `POP3Error.code` or the expected tolerance, quickly, and a
/// session that hit a fault is dead for good.
@Suite struct ClientFaultTests {
    // MARK: - Greeting

    /// A greeting of `-ERR [SYS/TEMP]` fails the connect with a retryable .temporaryFailure.
    @Test func greetingWithSysTempIsTemporaryFailure() throws {
        let server = try ScriptedPOP3Server { connection in
            connection.send("-ERR [SYS/TEMP] too busy, try again later\r\n")
            connection.expectEnd()
        }
        let error = try #require(throws: POP3Error.self) { _ = try server.connect() }
        server.finish()
        #expect(error.code == .temporaryFailure)
        #expect(error.responseCode == .systemTemporary)
        #expect(error.isRetryable)
        #expect(server.received.isEmpty)
    }

    /// A greeting that is not a POP3 status line (here an IMAP server) is a .protocolViolation.
    @Test func garbageGreetingIsProtocolViolation() throws {
        let server = try ScriptedPOP3Server { connection in
            connection.send("* OK [CAPABILITY IMAP4rev1] IMAP server ready\r\n")
            connection.expectEnd()
        }
        let error = try #require(throws: POP3Error.self) { _ = try server.connect() }
        server.finish()
        #expect(error.code == .protocolViolation)
        #expect(server.received.isEmpty)
    }

    /// A greeting longer than the 4096-octet status line cap is .responseTooLarge.
    @Test func oversizedGreetingIsResponseTooLarge() throws {
        let server = try ScriptedPOP3Server { connection in
            connection.send("+OK " + String(repeating: "x", count: 5000) + "\r\n")
            connection.expectEnd()
        }
        let error = try #require(throws: POP3Error.self) { _ = try server.connect() }
        server.finish()
        #expect(error.code == .responseTooLarge)
        #expect(server.received.isEmpty)
    }

    /// A 600-octet greeting, over RFC 1939's 512 but common in practice, is accepted.
    @Test func greetingOverRFCLimitIsAccepted() throws {
        let greeting = "+OK " + String(repeating: "g", count: 594) + "\r\n"
        #expect(greeting.utf8.count == 600)
        let server = try ScriptedPOP3Server { connection in
            try connection.logIn(greeting: greeting)
            connection.expectQuit()
        }
        let client = try server.connect()
        #expect(client.greeting.hasPrefix("ggg"))
        try client.quit()
        server.finish()
    }

    /// A line sent right after the greeting, before any command, is a .protocolViolation: nothing is sent.
    @Test func unsolicitedLineAfterGreetingIsProtocolViolation() throws {
        let server = try ScriptedPOP3Server { connection in
            // One write, so the client finds both lines in one read.
            connection.send(ScriptedConnection.greeting + "+OK this line answers nothing\r\n")
            connection.expectEnd()
        }
        let error = try #require(throws: POP3Error.self) { _ = try server.connect() }
        server.finish()
        #expect(error.code == .protocolViolation)
        #expect(server.received.isEmpty)
    }

    /// A line that arrives while the session is idle (no command outstanding) is a .protocolViolation on the
    /// next command, never taken as that command's answer (docs/pop3-notes.md §7).
    @Test func unsolicitedLineWhileIdleIsProtocolViolation() throws {
        let server = try ScriptedPOP3Server { connection in
            try connection.logIn()
            connection.expectLine("NOOP")
            connection.send("+OK\r\n")
            connection.pause(.milliseconds(50))
            connection.send("+OK 1 120\r\n")
            // A client that falls for it sends STAT and takes the stray line as the answer.
            if connection.readLine(timeout: .seconds(2)) == "STAT" {
                connection.send("+OK 0 0\r\n")
            }
            connection.expectEnd()
        }
        let client = try server.connect()
        try client.noop()
        // Long enough for the stray line to be in the client's socket buffer. A blocking sleep: resuming
        // after `Task.sleep` needs a free thread of the cooperative pool, which the blocking tests running
        // beside this one may hold for seconds.
        usleep(300_000)
        let error = #expect(throws: POP3Error.self) { _ = try client.stat() }
        #expect(error?.code == .protocolViolation)
        #expect(!client.isUsable)
        client.close()
        server.finish()
    }

    // MARK: - CAPA and STLS

    /// A server that answers CAPA with `-ERR` still gets a USER/PASS login.
    @Test func capaErrorStillLogsInWithUserPass() throws {
        let server = try ScriptedPOP3Server { connection in
            connection.send(ScriptedConnection.greeting)
            connection.answerCapabilities(nil)
            connection.acceptLogin()
            connection.expectQuit()
        }
        let client = try server.connect()
        #expect(client.isUsable)
        try client.quit()
        server.finish()
        #expect(server.received == ["CAPA", "USER alice", "PASS secret", "QUIT"])
    }

    /// STLS required but not advertised: .startTLSUnavailable, and no credential ever leaves the client.
    @Test func missingSTLSFailsBeforeAnyCredential() throws {
        let server = try ScriptedPOP3Server { connection in
            connection.send(ScriptedConnection.greeting)
            connection.answerCapabilities(["USER", "UIDL", "SASL PLAIN"])
            connection.expectEnd()
        }
        let error = try #require(throws: POP3Error.self) { _ = try server.connect(security: .startTLS) }
        server.finish()
        #expect(error.code == .startTLSUnavailable)
        #expect(server.received == ["CAPA"])
        #expect(Self.credentialLines(in: server.received).isEmpty)
    }

    /// STLS answered `-ERR`: .startTLSUnavailable, and no credential is sent in clear text.
    @Test func refusedSTLSFailsBeforeAnyCredential() throws {
        let server = try ScriptedPOP3Server { connection in
            connection.send(ScriptedConnection.greeting)
            connection.answerCapabilities(["USER", "STLS"])
            connection.expectLine("STLS")
            connection.send("-ERR TLS is not available right now\r\n")
            connection.expectEnd()
        }
        let error = try #require(throws: POP3Error.self) { _ = try server.connect(security: .startTLS) }
        server.finish()
        #expect(error.code == .startTLSUnavailable)
        #expect(server.received == ["CAPA", "STLS"])
        #expect(Self.credentialLines(in: server.received).isEmpty)
    }

    /// A line injected behind STLS's `+OK` in the same segment (CVE-2021-22947) is a .protocolViolation
    /// before the handshake, and no credential is sent.
    @Test func lineInjectedAfterSTLSIsProtocolViolation() throws {
        let server = try ScriptedPOP3Server { connection in
            connection.send(ScriptedConnection.greeting)
            connection.answerCapabilities(["USER", "STLS"])
            connection.expectLine("STLS")
            connection.send("+OK begin TLS negotiation\r\n+OK maildrop ready (forged)\r\n")
            connection.discardUntilEnd(within: .seconds(3))
        }
        let error = try #require(throws: POP3Error.self) { _ = try server.connect(security: .startTLS) }
        server.finish()
        #expect(error.code == .protocolViolation)
        #expect(server.received == ["CAPA", "STLS"])
        #expect(Self.credentialLines(in: server.received).isEmpty)
    }

    /// A server that says `+OK` to STLS and then never speaks TLS makes the login .timeout at its deadline.
    @Test func stalledTLSHandshakeTimesOut() throws {
        let server = try ScriptedPOP3Server { connection in
            connection.send(ScriptedConnection.greeting)
            connection.answerCapabilities(["USER", "STLS"])
            connection.expectLine("STLS")
            connection.send("+OK begin TLS negotiation\r\n")
            if !connection.discardUntilEnd(within: .seconds(5)) {
                connection.fail("the client did not give up on the handshake")
            }
        }
        let start = ContinuousClock.now
        let error = try #require(throws: POP3Error.self) {
            _ = try server.connect(security: .startTLS) { configuration in configuration.commandTimeout = .seconds(1) }
        }
        let elapsed = ContinuousClock.now - start
        server.finish()
        #expect(error.code == .timeout)
        #expect(elapsed < .seconds(2))
        #expect(Self.credentialLines(in: server.received).isEmpty)
    }

    /// A certificate from a CA the client does not trust (the test CA, with the system trust store) is .tlsFailed.
    @Test func untrustedCertificateIsTLSFailed() throws {
        let server = try ScriptedPOP3Server { connection in
            if (try? connection.startTLS()) != nil {
                connection.fail("the client accepted a certificate from an untrusted CA")
            }
        }
        let error = try #require(throws: POP3Error.self) {
            _ = try server.connect(security: .implicitTLS) { configuration in configuration.caFile = nil }
        }
        server.finish()
        #expect(error.code == .tlsFailed)
        #expect(server.received.isEmpty)
    }

    /// A trusted certificate for another host name (the client expects "wrong.test") is .tlsFailed.
    @Test func wrongHostNameIsTLSFailed() throws {
        let server = try ScriptedPOP3Server { connection in
            if (try? connection.startTLS()) != nil {
                connection.fail("the client accepted a certificate for another host name")
            }
        }
        let error = try #require(throws: POP3Error.self) {
            _ = try server.connect(security: .implicitTLS) { configuration in
                configuration.tlsServerName = "wrong.test"
            }
        }
        server.finish()
        #expect(error.code == .tlsFailed)
        #expect(error.detail.contains("hostname mismatch"))
        #expect(server.received.isEmpty)
    }

    // MARK: - Login

    /// `-ERR` without a response code on PASS is .authenticationFailed.
    @Test func passwordRefusedIsAuthenticationFailed() throws {
        let error = try Self.loginRefused(with: "-ERR invalid user name or password\r\n")
        #expect(error.code == .authenticationFailed)
        #expect(!error.isRetryable)
    }

    /// `-ERR [AUTH]` on PASS is .authenticationFailed.
    @Test func authResponseCodeIsAuthenticationFailed() throws {
        let error = try Self.loginRefused(with: "-ERR [AUTH] authentication failed\r\n")
        #expect(error.code == .authenticationFailed)
        #expect(error.responseCode == .authentication)
    }

    /// `-ERR [IN-USE]` on PASS is a retryable .mailboxLocked.
    @Test func inUseResponseCodeIsMailboxLocked() throws {
        let error = try Self.loginRefused(with: "-ERR [IN-USE] maildrop is locked by another session\r\n")
        #expect(error.code == .mailboxLocked)
        #expect(error.isRetryable)
    }

    /// `-ERR [LOGIN-DELAY]` on PASS is a retryable .loginDelay.
    @Test func loginDelayResponseCodeIsLoginDelay() throws {
        let error = try Self.loginRefused(with: "-ERR [LOGIN-DELAY] wait 15 minutes between logins\r\n")
        #expect(error.code == .loginDelay)
        #expect(error.isRetryable)
        #expect(error.retryAfterSeconds != nil)
    }

    /// `-ERR [SYS/PERM]` on PASS is a permanent, not retryable .permanentFailure.
    @Test func sysPermResponseCodeIsPermanentFailure() throws {
        let error = try Self.loginRefused(with: "-ERR [SYS/PERM] account disabled\r\n")
        #expect(error.code == .permanentFailure)
        #expect(!error.isRetryable)
    }

    /// A server that hangs up right after PASS refused the login: .authenticationFailed (docs/pop3-notes.md §27).
    @Test func closeAfterPasswordIsAuthenticationFailed() throws {
        let server = try ScriptedPOP3Server { connection in
            connection.send(ScriptedConnection.greeting)
            connection.answerCapabilities(ScriptedPOP3Server.capabilities)
            connection.expectLine("USER alice")
            connection.send("+OK\r\n")
            connection.expectLine("PASS secret")
            connection.close()
        }
        let error = try #require(throws: POP3Error.self) { _ = try server.connect() }
        server.finish()
        #expect(error.code == .authenticationFailed)
    }

    // MARK: - Listings

    /// A bare `+OK` to STAT is a .protocolViolation, and the session is dropped.
    @Test func bareOKToStatIsProtocolViolation() throws {
        let server = try ScriptedPOP3Server { connection in
            try connection.logIn()
            connection.expectLine("STAT")
            connection.send("+OK\r\n")
            connection.expectEnd()
        }
        let client = try server.connect()
        let error = try #require(throws: POP3Error.self) { _ = try client.stat() }
        #expect(error.code == .protocolViolation)
        Self.expectDead(client, after: error)
        client.close()
        server.finish()
        #expect(server.received.last == "STAT")
    }

    /// A 30-digit message count in STAT is a .protocolViolation, never an allocation, and the session is dropped.
    @Test func absurdStatCountIsProtocolViolation() throws {
        let server = try ScriptedPOP3Server { connection in
            try connection.logIn()
            connection.expectLine("STAT")
            connection.send("+OK 123456789012345678901234567890 1024\r\n")
            connection.expectEnd()
        }
        let client = try server.connect()
        let error = try #require(throws: POP3Error.self) { _ = try client.stat() }
        #expect(error.code == .protocolViolation)
        Self.expectDead(client, after: error)
        client.close()
        server.finish()
        #expect(server.received.last == "STAT")
    }

    /// A LIST line with a negative size is a .protocolViolation, and the session is dropped.
    @Test func malformedListLineIsProtocolViolation() throws {
        let server = try ScriptedPOP3Server { connection in
            try connection.logIn()
            connection.expectLine("LIST")
            connection.sendMultiLine(["1 120", "2 -5"])
            connection.expectEnd()
        }
        let client = try server.connect()
        let error = try #require(throws: POP3Error.self) { _ = try client.list() }
        #expect(error.code == .protocolViolation)
        Self.expectDead(client, after: error)
        client.close()
        server.finish()
        #expect(server.received.last == "LIST")
    }

    /// LIST with gaps (1, 3, 7) keeps the server's numbers, and UIDL ids stay with their numbers.
    @Test func listWithGapsKeepsServerNumbers() throws {
        let server = try ScriptedPOP3Server { connection in
            try connection.logIn()
            connection.expectLine("UIDL")
            connection.sendMultiLine(["1 uid-one", "3 uid-three", "7 uid-seven"])
            connection.expectLine("LIST")
            connection.sendMultiLine(["1 120", "3 340", "7 560"])
            connection.expectQuit()
        }
        let client = try server.connect()
        let listing = try client.listing()
        try client.quit()
        server.finish()
        #expect(listing.map(\.number) == [1, 3, 7])
        #expect(listing.map(\.size) == [120, 340, 560])
        #expect(listing.map(\.uid) == ["uid-one", "uid-three", "uid-seven"])
    }

    /// Duplicate UIDLs are kept as sent; overlong (71 octets) and control-character UIDLs become nil, as does a
    /// message without a UIDL line; a 70-octet UIDL is valid.
    @Test func oddUIDLsAreKeptOrDropped() throws {
        let longest = String(repeating: "L", count: 70)
        let overlong = String(repeating: "O", count: 71)
        let server = try ScriptedPOP3Server { connection in
            try connection.logIn()
            connection.expectLine("UIDL")
            connection.sendMultiLine(["1 same", "2 same", "3 \(overlong)", "4 esc\u{1B}[2Jape", "5 \(longest)"])
            connection.expectLine("LIST")
            connection.sendMultiLine(["1 10", "2 20", "3 30", "4 40", "5 50", "6 60"])
            connection.expectQuit()
        }
        let client = try server.connect()
        let listing = try client.listing()
        try client.quit()
        server.finish()
        #expect(listing.map(\.number) == [1, 2, 3, 4, 5, 6])
        #expect(listing.map(\.uid) == ["same", "same", nil, nil, longest, nil])
    }

    // MARK: - RETR

    /// Stuffed body lines `..`, `...` and `..x` come out as `.`, `..` and `.x`.
    @Test func dotStuffedLinesAreUnstuffed() throws {
        let body = try Self.retrieveMessage(sentAs: "+OK 16 octets\r\n..\r\n...\r\n..x\r\nend\r\n.\r\n")
        #expect(body == Array(".\r\n..\r\n.x\r\nend\r\n".utf8))
    }

    /// Bare-LF lines are kept byte for byte, a stuffed dot after a bare LF is removed, and `.\n` ends the message.
    @Test func bareLineFeedsArePreserved() throws {
        let body = try Self.retrieveMessage(sentAs: "+OK\r\nSubject: bare\n\nline one\n..hidden\nline two\r\n.\n")
        #expect(body == Array("Subject: bare\n\nline one\n.hidden\nline two\r\n".utf8))
    }

    /// The final `.\r\n` (and a stuffed line before it) sent one byte at a time with pauses still completes.
    @Test func terminatorOneByteAtATimeCompletes() throws {
        let server = try ScriptedPOP3Server { connection in
            try connection.logIn()
            connection.expectLine("RETR 1")
            connection.send("+OK\r\nhello")
            connection.trickle("\r\n..x\r\n.\r\n", interval: .milliseconds(40))
            connection.expectQuit()
        }
        let client = try server.connect()
        let body = try client.retrieve(1)
        try client.quit()
        server.finish()
        #expect(body == Array("hello\r\n.x\r\n".utf8))
    }

    /// A single 2 MiB line comes back exact.
    @Test func twoMegabyteLineIsExact() throws {
        let line = Self.pattern(count: 2 << 20) + Array("\r\n".utf8)
        let body = try Self.retrieveMessage(sentAs: Array("+OK\r\n".utf8) + line + Array(".\r\n".utf8))
        #expect(body.count == line.count)
        #expect(body == line)
    }

    /// A message whose size differs from what LIST said is still returned exactly as sent.
    @Test func sizeDifferentFromListIsReturnedExactly() throws {
        let server = try ScriptedPOP3Server { connection in
            try connection.logIn()
            connection.expectLine("LIST")
            connection.sendMultiLine(["1 5000"])
            connection.expectLine("RETR 1")
            connection.send("+OK 5000 octets\r\nSubject: small\r\n\r\ntiny\r\n.\r\n")
            connection.expectQuit()
        }
        let client = try server.connect()
        let list = try client.list()
        let body = try client.retrieve(1)
        try client.quit()
        server.finish()
        #expect(list.map(\.size) == [5000])
        #expect(body == Array("Subject: small\r\n\r\ntiny\r\n".utf8))
    }

    /// NUL bytes and bytes that are not UTF-8 in a body come back exact.
    @Test func nulAndEightBitBytesArePreserved() throws {
        let content: [UInt8] =
            Array("Subject: nul\r\n\r\na".utf8) + [0, 0x62, 0x0D, 0x0A, 0, 0x0D, 0x0A]
            + [0xFF, 0xFE, 0x80, 0xC3, 0x28, 0x0D, 0x0A]
        let body = try Self.retrieveMessage(sentAs: Array("+OK\r\n".utf8) + content + Array(".\r\n".utf8))
        #expect(body == content)
    }

    /// `-ERR` to RETR of a listed message is .commandFailed and the session stays usable: NOOP still works.
    @Test func retrErrorKeepsSessionUsable() throws {
        let server = try ScriptedPOP3Server { connection in
            try connection.logIn()
            connection.expectLine("RETR 1")
            connection.send("-ERR message 1 was deleted by another session\r\n")
            connection.expectLine("NOOP")
            connection.send("+OK\r\n")
            connection.expectQuit()
        }
        let client = try server.connect()
        let error = try #require(throws: POP3Error.self) { _ = try client.retrieve(1) }
        #expect(error.code == .commandFailed)
        #expect(client.isUsable)
        try client.noop()
        try client.quit()
        server.finish()
    }

    /// A body cut off after "abc" (no CRLF, no terminator) by a hang-up is .connectionClosed, never a message.
    @Test func bodyCutOffWithoutTerminatorIsConnectionClosed() throws {
        let server = try ScriptedPOP3Server { connection in
            try connection.logIn()
            connection.expectLine("RETR 1")
            connection.send("+OK\r\nabc")
            connection.close()
        }
        let client = try server.connect()
        let error = try #require(throws: POP3Error.self) { _ = try client.retrieve(1) }
        #expect(error.code == .connectionClosed)
        Self.expectDead(client, after: error)
        client.close()
        server.finish()
    }

    /// A body whose last line "abc" never gets its CRLF and terminator is a .timeout, never a message.
    @Test func bodyWithoutFinalLineEndTimesOut() throws {
        let server = try ScriptedPOP3Server { connection in
            try connection.logIn()
            connection.expectLine("RETR 1")
            connection.send("+OK\r\nabc")
            connection.expectEnd()
        }
        let client = try server.connect()
        let error = try #require(throws: POP3Error.self) { _ = try client.retrieve(1) }
        #expect(error.code == .timeout)
        Self.expectDead(client, after: error)
        client.close()
        server.finish()
    }

    // MARK: - Failures

    /// A hang-up mid-RETR is .connectionClosed: retrieving into memory returns nothing, and streaming throws
    /// after at most the partial bytes.
    @Test func disconnectMidRetrieveIsConnectionClosed() throws {
        let partial = "Subject: cut\r\n\r\nthe first half of the bo"
        let cut: ScriptedPOP3Server.Script = { connection in
            try connection.logIn()
            connection.expectLine("RETR 1")
            connection.send("+OK 200 octets\r\n" + partial)
            connection.close()
        }
        let server = try ScriptedPOP3Server(connections: [cut, cut])

        let client = try server.connect()
        var message: [UInt8]?
        let error = try #require(throws: POP3Error.self) { message = try client.retrieve(1) }
        #expect(message == nil)
        #expect(error.code == .connectionClosed)
        Self.expectDead(client, after: error)
        client.close()

        let streaming = try server.connect()
        var streamed: [UInt8] = []
        let streamError = try #require(throws: POP3Error.self) {
            try streaming.retrieve(1) { chunk in streamed.append(contentsOf: chunk) }
        }
        #expect(streamError.code == .connectionClosed)
        #expect(Array(partial.utf8).starts(with: streamed))
        Self.expectDead(streaming, after: streamError)
        streaming.close()
        server.finish()
    }

    /// A multi-line answer that stops without its terminator, then silence, is a .timeout after about the read timeout.
    @Test func unterminatedResponseThenSilenceTimesOut() throws {
        let server = try ScriptedPOP3Server { connection in
            try connection.logIn()
            connection.expectLine("RETR 1")
            connection.send("+OK\r\nSubject: never ends\r\n\r\nbody line\r\n")
            connection.expectEnd()
        }
        let client = try server.connect()
        let start = ContinuousClock.now
        let error = try #require(throws: POP3Error.self) { _ = try client.retrieve(1) }
        let elapsed = ContinuousClock.now - start
        #expect(error.code == .timeout)
        #expect(elapsed >= ScriptedPOP3Server.readTimeout - .milliseconds(100))
        #expect(elapsed < ScriptedPOP3Server.readTimeout + .seconds(1))
        Self.expectDead(client, after: error)
        client.close()
        server.finish()
    }

    /// One byte every 100 ms never trips the read timeout but hits the 1 s command deadline: .timeout in < 3 s.
    @Test func tricklingServerHitsCommandDeadline() throws {
        let server = try ScriptedPOP3Server { connection in
            try connection.logIn()
            connection.expectLine("RETR 1")
            connection.trickle("+OK\r\n" + String(repeating: "slow line\r\n", count: 30), interval: .milliseconds(100))
            connection.expectEnd()
        }
        let client = try server.connect { configuration in configuration.commandTimeout = .seconds(1) }
        let start = ContinuousClock.now
        let error = try #require(throws: POP3Error.self) { _ = try client.retrieve(1) }
        let elapsed = ContinuousClock.now - start
        #expect(error.code == .timeout)
        #expect(elapsed >= .milliseconds(900))
        #expect(elapsed < .seconds(3))
        Self.expectDead(client, after: error)
        client.close()
        server.finish()
    }

    /// Implicit TLS closed without close_notify mid-body is truncation: .connectionClosed naming close_notify.
    @Test func tlsCloseWithoutCloseNotifyMidBodyIsConnectionClosed() throws {
        let server = try ScriptedPOP3Server { connection in
            try connection.startTLS()
            try connection.logIn()
            connection.expectLine("RETR 1")
            connection.send("+OK\r\nSubject: truncated\r\n\r\nthe first part of")
            connection.closeWithoutCloseNotify()
        }
        let client = try server.connect(security: .implicitTLS)
        let error = try #require(throws: POP3Error.self) { _ = try client.retrieve(1) }
        #expect(error.code == .connectionClosed)
        #expect(error.detail.contains("close_notify"))
        Self.expectDead(client, after: error)
        client.close()
        server.finish()
    }

    /// TLS closed without close_notify right after QUIT's `+OK` is harmless: quit() succeeds.
    @Test func tlsCloseWithoutCloseNotifyAfterQuitIsFine() throws {
        let server = try ScriptedPOP3Server { connection in
            try connection.startTLS()
            try connection.logIn()
            connection.expectLine("QUIT")
            connection.send("+OK bye\r\n")
            connection.closeWithoutCloseNotify()
        }
        let client = try server.connect(security: .implicitTLS)
        try client.quit()
        #expect(!client.isUsable)
        server.finish()
    }

    /// A server that drops an idle session makes the next command .connectionClosed, and the session unusable.
    @Test func idleDropIsConnectionClosed() throws {
        let server = try ScriptedPOP3Server { connection in
            try connection.logIn()
            connection.close()
        }
        let client = try server.connect()
        let error = try #require(throws: POP3Error.self) { try client.noop() }
        #expect(error.code == .connectionClosed)
        Self.expectDead(client, after: error)
        client.close()
        server.finish()
    }

    /// A second login while the first session holds the maildrop lock gets `[IN-USE]`: a retryable .mailboxLocked.
    @Test func secondLoginIsMailboxLocked() throws {
        let server = try ScriptedPOP3Server(connections: [
            { connection in
                try connection.logIn()
                connection.expectQuit()
            },
            { connection in
                connection.send(ScriptedConnection.greeting)
                connection.answerCapabilities(ScriptedPOP3Server.capabilities)
                connection.expectLine("USER alice")
                connection.send("+OK\r\n")
                connection.expectLine("PASS secret")
                connection.send("-ERR [IN-USE] unable to lock maildrop\r\n")
                connection.expectEnd()
            },
        ])
        let first = try server.connect()
        let error = try #require(throws: POP3Error.self) { _ = try server.connect() }
        #expect(error.code == .mailboxLocked)
        #expect(error.isRetryable)
        #expect(first.isUsable)
        try first.quit()
        server.finish()
        #expect(server.received(onConnection: 1) == ["CAPA", "USER alice", "PASS secret", "QUIT"])
        #expect(server.received(onConnection: 2) == ["CAPA", "USER alice", "PASS secret"])
    }

    /// After a fault every command throws that same fault without sending anything.
    @Test func faultedSessionNeverTouchesTheSocketAgain() throws {
        let server = try ScriptedPOP3Server { connection in
            try connection.logIn()
            connection.expectLine("RETR 1")
            connection.send("+OK\r\nSubject: stalled\r\n")
            connection.expectEnd()
        }
        let client = try server.connect()
        let fault = try #require(throws: POP3Error.self) { _ = try client.retrieve(1) }
        #expect(fault.code == .timeout)
        #expect(!client.isUsable)
        let commands: [(String, () throws -> Void)] = [
            ("NOOP", { try client.noop() }),
            ("STAT", { _ = try client.stat() }),
            ("LIST", { _ = try client.list() }),
            ("UIDL+LIST", { _ = try client.listing() }),
            ("TOP", { _ = try client.top(1) }),
            ("RETR", { _ = try client.retrieve(1) }),
            ("DELE", { try client.delete(1) }),
            ("RSET", { try client.reset() }),
            ("QUIT", { try client.quit() }),
        ]
        for (name, command) in commands {
            let error = #expect(throws: POP3Error.self, "\(name) after a fault") { try command() }
            #expect(error == fault, "\(name) after a fault")
        }
        client.close()
        server.finish()
        #expect(server.received.last == "RETR 1")
    }

    // MARK: - Deletion

    /// DELE and then close() without QUIT never sends QUIT, so the server deletes nothing.
    @Test func closeAfterDeleteNeverSendsQuit() throws {
        let server = try ScriptedPOP3Server { connection in
            try connection.logIn()
            connection.expectLine("DELE 1")
            connection.send("+OK message 1 marked\r\n")
            connection.expectEnd()
        }
        let client = try server.connect()
        try client.delete(1)
        #expect(client.hasPendingDeletions)
        client.close()
        #expect(!client.isUsable)
        server.finish()
        #expect(!server.received.contains("QUIT"))
        #expect(server.received.last == "DELE 1")
    }

    /// QUIT answered `-ERR` after a DELE is .commandFailed: the deletion may not have happened.
    @Test func quitErrorAfterDeleteIsCommandFailed() throws {
        let server = try ScriptedPOP3Server { connection in
            try connection.logIn()
            connection.expectLine("DELE 1")
            connection.send("+OK message 1 marked\r\n")
            connection.expectLine("QUIT")
            connection.send("-ERR some deleted messages not removed\r\n")
            connection.expectEnd()
        }
        let client = try server.connect()
        try client.delete(1)
        let error = try #require(throws: POP3Error.self) { try client.quit() }
        #expect(error.code == .commandFailed)
        #expect(!client.isUsable)
        server.finish()
    }

    // MARK: - Injection

    static let injectedCredentials = [
        POP3Credentials(user: "alice\r\nDELE 1", password: "secret"),
        POP3Credentials(user: "alice\nDELE 1", password: "secret"),
        POP3Credentials(user: "alice\0DELE 1", password: "secret"),
        POP3Credentials(user: "alice", password: "secret\r\nDELE 1"),
        POP3Credentials(user: "alice", password: "secret\rDELE 1"),
        POP3Credentials(user: "alice", password: "secret\0DELE 1"),
    ]

    /// CR, LF or NUL in the user name or password is .invalidArgument before it reaches the socket, whichever
    /// login method the server offers (USER/PASS or SASL PLAIN); no line containing "DELE" ever arrives.
    @Test(arguments: Self.injectedCredentials, [false, true])
    func controlCharacterInCredentialsIsInvalidArgument(credentials: POP3Credentials, saslPlain: Bool) throws {
        let server = try ScriptedPOP3Server { connection in
            connection.send(ScriptedConnection.greeting)
            connection.answerCapabilities(ScriptedPOP3Server.capabilities + (saslPlain ? ["SASL PLAIN"] : []))
            // Answer whatever comes the way a server would, until the client hangs up.
            while let line = connection.readLine(timeout: .seconds(3)) {
                connection.send(line.hasPrefix("USER ") ? "+OK\r\n" : "-ERR [AUTH] invalid credentials\r\n")
            }
        }
        let error = try #require(throws: POP3Error.self) {
            _ = try server.connect(user: credentials.user, password: credentials.password)
        }
        server.finish()
        #expect(error.code == .invalidArgument)
        #expect(!server.received.contains { $0.contains("DELE") })
    }

    /// A pipelined batch with an invalid message number is .invalidArgument before anything is sent, and leaves
    /// nothing behind to go out with a later command (docs/pop3-notes.md §37).
    @Test func invalidMessageNumberInPipelinedBatchSendsNothing() throws {
        let server = try ScriptedPOP3Server { connection in
            try connection.logIn(capabilities: ["USER", "UIDL", "TOP", "PIPELINING"])
            // A client that sent TOP commands gets them answered, so that it fails on its own terms.
            while let line = connection.readLine(timeout: .seconds(3)) {
                if line.hasPrefix("TOP ") {
                    connection.send("+OK\r\nSubject: x\r\n\r\n.\r\n")
                } else if line == "NOOP" {
                    connection.send("+OK\r\n")
                } else if line == "QUIT" {
                    connection.send("+OK bye\r\n")
                }
            }
        }
        let client = try server.connect()
        let error = try #require(throws: POP3Error.self) {
            try client.headers(of: [1, 2, 0]) { _, _ in }
        }
        #expect(error.code == .invalidArgument)
        #expect(client.isUsable)
        try client.noop()
        try client.quit()
        server.finish()
        #expect(server.received == ["CAPA", "USER alice", "PASS secret", "NOOP", "QUIT"])
    }

    // MARK: - Helpers

    /// Checks that a session that hit `fault` is dead: unusable, and the next command throws the same fault.
    static func expectDead(
        _ client: POP3Client,
        after fault: POP3Error,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(!client.isUsable, "a session must be dropped after a fault", sourceLocation: sourceLocation)
        let next = #expect(throws: POP3Error.self, sourceLocation: sourceLocation) { try client.noop() }
        #expect(next?.code == fault.code, "the next command must rethrow the fault", sourceLocation: sourceLocation)
    }

    /// The lines that carry a credential.
    static func credentialLines(in lines: [String]) -> [String] {
        lines.filter { line in ["USER", "PASS", "AUTH", "APOP"].contains { line.uppercased().hasPrefix($0) } }
    }

    /// Logs in with USER and answers PASS with `answer`; returns the error the connect threw.
    static func loginRefused(
        with answer: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> POP3Error {
        let server = try ScriptedPOP3Server { connection in
            connection.send(ScriptedConnection.greeting)
            connection.answerCapabilities(ScriptedPOP3Server.capabilities)
            connection.expectLine("USER alice")
            connection.send("+OK\r\n")
            connection.expectLine("PASS secret")
            connection.send(answer)
            connection.expectEnd()
        }
        let error = try #require(throws: POP3Error.self, sourceLocation: sourceLocation) { _ = try server.connect() }
        server.finish(sourceLocation: sourceLocation)
        #expect(server.received == ["CAPA", "USER alice", "PASS secret"], sourceLocation: sourceLocation)
        return error
    }

    /// Logs in, answers `RETR 1` with `response` sent verbatim in one write, quits; returns what the client got.
    static func retrieveMessage(
        sentAs response: [UInt8],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [UInt8] {
        let server = try ScriptedPOP3Server { connection in
            try connection.logIn()
            connection.expectLine("RETR 1")
            connection.send(bytes: response)
            connection.expectQuit()
        }
        let client = try server.connect()
        let body = try client.retrieve(1)
        try client.quit()
        server.finish(sourceLocation: sourceLocation)
        return body
    }

    /// `retrieveMessage(sentAs:)` for a response that is all text.
    static func retrieveMessage(
        sentAs response: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [UInt8] {
        try self.retrieveMessage(sentAs: Array(response.utf8), sourceLocation: sourceLocation)
    }

    /// `count` bytes of printable ASCII with no LF and no leading dot.
    static func pattern(count: Int) -> [UInt8] {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)
        return (0..<count).map { alphabet[$0 % alphabet.count] }
    }
}
