import POP3
import Testing

@testable import POP3Client

/// The client's normal behaviour against the scripted fake server: which login it chooses, how it
/// upgrades to TLS, when it pipelines, and how it streams a message.
@Suite struct ClientBehaviourTests {
    // MARK: - Login

    /// With `SASL PLAIN` advertised the client sends exactly `AUTH PLAIN base64(NUL user NUL password)`.
    @Test func saslPlainIsChosenWhenAdvertised() throws {
        let server = try ScriptedPOP3Server { connection in
            connection.send(ScriptedConnection.greeting)
            connection.answerCapabilities(["USER", "SASL LOGIN PLAIN", "UIDL"])
            connection.expectLine("AUTH PLAIN AGFsaWNlAHNlY3JldA==")
            connection.send("+OK maildrop ready\r\n")
            connection.expectQuit()
        }
        let client = try server.connect()
        try client.quit()
        server.finish()
        #expect(ScriptedConnection.plainResponse(user: "alice", password: "secret") == "AGFsaWNlAHNlY3JldA==")
        #expect(server.received == ["CAPA", "AUTH PLAIN AGFsaWNlAHNlY3JldA==", "QUIT"])
    }

    /// Without SASL PLAIN (only other mechanisms) the client logs in with USER/PASS.
    @Test func userPassWithoutSASLPlain() throws {
        let server = try ScriptedPOP3Server { connection in
            try connection.logIn(capabilities: ["USER", "SASL CRAM-MD5 SCRAM-SHA-1", "UIDL"])
            connection.expectQuit()
        }
        let client = try server.connect()
        try client.quit()
        server.finish()
        #expect(server.received == ["CAPA", "USER alice", "PASS secret", "QUIT"])
    }

    /// APOP, when configured, sends the digest of RFC 1939's own example (`<1896.697170952@dbc.mtview.ca.us>`
    /// plus `tanstaaf`).
    @Test func apopSendsTheRFC1939Digest() throws {
        let server = try ScriptedPOP3Server { connection in
            connection.send("+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n")
            connection.answerCapabilities(["UIDL", "TOP"])
            connection.expectLine("APOP mrose c4c9334bac560ecc979e58001b3e22fb")
            connection.send("+OK mrose's maildrop has 2 messages (320 octets)\r\n")
            connection.expectQuit()
        }
        let client = try server.connect(user: "mrose", password: "tanstaaf") { configuration in
            configuration.authentication = .apop
        }
        try client.quit()
        server.finish()
        #expect(server.received == ["CAPA", "APOP mrose c4c9334bac560ecc979e58001b3e22fb", "QUIT"])
    }

    /// APOP configured but no timestamp in the greeting: .noAuthenticationMethod, and no login command is sent.
    @Test func apopWithoutTimestampSendsNothing() throws {
        let server = try ScriptedPOP3Server { connection in
            connection.send(ScriptedConnection.greeting)
            connection.answerCapabilities(["USER", "UIDL"])
            connection.expectEnd()
        }
        let error = try #require(throws: POP3Error.self) {
            _ = try server.connect { configuration in configuration.authentication = .apop }
        }
        server.finish()
        #expect(error.code == .noAuthenticationMethod)
        #expect(server.received == ["CAPA"])
    }

    /// LOGIN-DELAY advertised with USER makes the client ask CAPA again after login and keep the new value.
    @Test func capabilitiesAreReadAgainAfterLoginWhenTheyDependOnTheUser() throws {
        let server = try ScriptedPOP3Server { connection in
            try connection.logIn(capabilities: ["USER", "UIDL", "LOGIN-DELAY 900 USER"])
            connection.expectLine("CAPA")
            connection.sendMultiLine(["USER", "UIDL", "LOGIN-DELAY 300"])
            connection.expectQuit()
        }
        let client = try server.connect()
        #expect(client.capabilities.loginDelay == 300)
        try client.quit()
        server.finish()
        #expect(server.received == ["CAPA", "USER alice", "PASS secret", "CAPA", "QUIT"])
    }

    // MARK: - TLS

    /// STLS upgrades the connection, the pre-TLS capabilities are thrown away (CAPA again), and the
    /// credentials go out only after the handshake.
    @Test func startTLSUpgradesBeforeTheCredentials() throws {
        let server = try ScriptedPOP3Server { connection in
            try connection.logIn(startTLS: true)
            connection.expectQuit()
        }
        let client = try server.connect(security: .startTLS)
        #expect(client.tlsVersion != nil)
        try client.quit()
        server.finish()
        #expect(server.received == ["CAPA", "STLS", "CAPA", "USER alice", "PASS secret", "QUIT"])
    }

    /// Implicit TLS verifies the test certificate against 127.0.0.1 and then runs a normal session.
    @Test func implicitTLSSessionWorks() throws {
        let server = try ScriptedPOP3Server { connection in
            try connection.startTLS()
            try connection.logIn()
            connection.expectLine("STAT")
            connection.send("+OK 2 320\r\n")
            connection.expectQuit()
        }
        let client = try server.connect(security: .implicitTLS)
        #expect(client.peerCertificateSubject?.contains("pop3.test") == true)
        #expect(try client.stat() == POP3MaildropStatus(messageCount: 2, totalSize: 320))
        try client.quit()
        server.finish()
    }

    // MARK: - Pipelining

    /// With PIPELINING advertised, `listing()` sends `UIDL` and `LIST` in one segment.
    @Test func listingIsPipelinedWhenAdvertised() throws {
        let server = try ScriptedPOP3Server { connection in
            try connection.logIn(capabilities: ["USER", "UIDL", "TOP", "PIPELINING"])
            connection.expectLine("UIDL")
            if !connection.hasBufferedLine {
                connection.fail("LIST did not arrive in the same segment as UIDL")
            }
            connection.sendMultiLine(["1 first", "2 second"])
            connection.expectLine("LIST")
            connection.sendMultiLine(["1 100", "2 200"])
            connection.expectQuit()
        }
        let client = try server.connect()
        #expect(client.isPipelining)
        let listing = try client.listing()
        try client.quit()
        server.finish()
        #expect(
            listing == [
                POP3MessageInfo(number: 1, size: 100, uid: "first"),
                POP3MessageInfo(number: 2, size: 200, uid: "second"),
            ]
        )
    }

    /// With PIPELINING, `headers(of:)` for 200 messages keeps several TOPs in flight (the server reads the next
    /// TOP before it answered the previous one), never more than the window, and hands back every header in order.
    @Test func headersKeepSeveralTopsInFlight() throws {
        let count = 200
        let server = try ScriptedPOP3Server { connection in
            try connection.logIn(capabilities: ["USER", "UIDL", "TOP", "PIPELINING"])
            var mostAhead = 0
            for number in 1...count {
                connection.expectLine("TOP \(number) 0")
                mostAhead = max(mostAhead, connection.bufferedLineCount)
                connection.send("+OK\r\nSubject: message \(number)\r\n\r\n.\r\n")
            }
            if mostAhead < 2 {
                connection.fail("at most \(mostAhead) TOP commands were waiting behind the one answered")
            }
            if mostAhead >= 64 {
                connection.fail("\(mostAhead + 1) TOP commands were in flight, more than the window of 64")
            }
            connection.expectQuit()
        }
        let client = try server.connect()
        var headers: [(number: Int, header: [UInt8]?)] = []
        try client.headers(of: Array(1...count)) { number, header in headers.append((number, header)) }
        try client.quit()
        server.finish()
        #expect(headers.map(\.number) == Array(1...count))
        #expect(headers.allSatisfy { $0.header == Array("Subject: message \($0.number)\r\n\r\n".utf8) })
    }

    /// A header handler that throws while pipelined TOPs are still unanswered closes the session: their answers
    /// would otherwise be read as the answers to later commands.
    @Test func throwingHeaderHandlerClosesThePipelinedSession() throws {
        let server = try ScriptedPOP3Server { connection in
            try connection.logIn(capabilities: ["USER", "UIDL", "TOP", "PIPELINING"])
            for number in 1...3 {
                connection.expectLine("TOP \(number) 0")
                connection.send("+OK\r\nSubject: message \(number)\r\n\r\n.\r\n")
            }
            connection.expectEnd()
        }
        let client = try server.connect()
        let error = #expect(throws: POP3Error.self) {
            try client.headers(of: [1, 2, 3]) { _, _ throws(POP3Error) in
                throw POP3Error(.responseTooLarge, "header over the gateway's cap")
            }
        }
        #expect(error?.code == .responseTooLarge)
        #expect(!client.isUsable)
        client.close()
        server.finish()
    }

    /// Without PIPELINING advertised, or with `pipelining = false`, the server sees exactly one command at a time.
    @Test(arguments: [false, true])
    func commandsGoOneAtATimeWithoutPipelining(serverAdvertisesPipelining: Bool) throws {
        let capabilities = ["USER", "UIDL", "TOP"] + (serverAdvertisesPipelining ? ["PIPELINING"] : [])
        let server = try ScriptedPOP3Server { connection in
            try connection.logIn(capabilities: capabilities)
            func answerAlone(_ command: String, _ response: String) {
                connection.expectLine(command)
                if connection.hasPendingInput(within: .milliseconds(20)) {
                    connection.fail("the client sent more before the answer to \(command)")
                }
                connection.send(response)
            }
            answerAlone("UIDL", "+OK\r\n1 first\r\n2 second\r\n3 third\r\n.\r\n")
            answerAlone("LIST", "+OK\r\n1 100\r\n2 200\r\n3 300\r\n.\r\n")
            for number in 1...3 {
                answerAlone("TOP \(number) 0", "+OK\r\nSubject: \(number)\r\n\r\n.\r\n")
            }
            connection.expectQuit()
        }
        let client = try server.connect { configuration in configuration.pipelining = !serverAdvertisesPipelining }
        #expect(!client.isPipelining)
        let listing = try client.listing()
        var numbers: [Int] = []
        try client.headers(of: listing.map(\.number)) { number, header in
            #expect(header != nil)
            numbers.append(number)
        }
        try client.quit()
        server.finish()
        #expect(listing.map(\.uid) == ["first", "second", "third"])
        #expect(numbers == [1, 2, 3])
    }

    // MARK: - Streaming and deletion

    /// `retrieve(_:into:)` hands a 1 MiB message to the sink in several chunks, none near the whole size,
    /// and the bytes add up exactly.
    @Test func retrieveStreamsInChunks() throws {
        let message = Self.message(size: 1 << 20)
        let server = try ScriptedPOP3Server { connection in
            try connection.logIn()
            connection.expectLine("RETR 1")
            connection.send(bytes: Array("+OK \(message.count) octets\r\n".utf8) + message + Array(".\r\n".utf8))
            connection.expectQuit()
        }
        let client = try server.connect()
        var received: [UInt8] = []
        var chunkSizes: [Int] = []
        try client.retrieve(1) { chunk in
            chunkSizes.append(chunk.count)
            received.append(contentsOf: chunk)
        }
        try client.quit()
        server.finish()
        #expect(chunkSizes.count > 1)
        #expect(chunkSizes.max() ?? 0 <= 256 * 1024)
        #expect(received == message)
    }

    /// A sink that throws gets its error back and closes the session: the rest of the answer was never read.
    @Test func throwingSinkClosesTheSession() throws {
        struct SinkFull: Error {}
        let message = Self.message(size: 256 * 1024)
        let server = try ScriptedPOP3Server { connection in
            try connection.logIn()
            connection.expectLine("RETR 1")
            connection.send(bytes: Array("+OK\r\n".utf8) + message + Array(".\r\n".utf8))
            connection.expectEnd()
        }
        let client = try server.connect()
        #expect(throws: SinkFull.self) { try client.retrieve(1) { _ in throw SinkFull() } }
        #expect(!client.isUsable)
        #expect(throws: POP3Error.self) { try client.noop() }
        client.close()
        server.finish()
        #expect(server.received.last == "RETR 1")
    }

    /// A sink that throws a `POP3Error` (e.g. its own size cap) closes the session just the same.
    @Test func sinkThrowingPOP3ErrorClosesTheSession() throws {
        let message = Self.message(size: 256 * 1024)
        let server = try ScriptedPOP3Server { connection in
            try connection.logIn()
            connection.expectLine("RETR 1")
            connection.send(bytes: Array("+OK\r\n".utf8) + message + Array(".\r\n".utf8))
            connection.expectEnd()
        }
        let client = try server.connect()
        let error = #expect(throws: POP3Error.self) {
            try client.retrieve(1) { _ in throw POP3Error(.responseTooLarge, "message over the gateway's cap") }
        }
        #expect(error?.code == .responseTooLarge)
        #expect(!client.isUsable)
        client.close()
        server.finish()
        #expect(server.received.last == "RETR 1")
    }

    /// DELE marks messages (pending until QUIT), RSET unmarks them, and QUIT commits what is marked.
    @Test func deletionsArePendingUntilQuit() throws {
        let server = try ScriptedPOP3Server { connection in
            try connection.logIn()
            for command in ["DELE 1", "RSET", "DELE 2"] {
                connection.expectLine(command)
                connection.send("+OK\r\n")
            }
            connection.expectQuit()
        }
        let client = try server.connect()
        #expect(!client.hasPendingDeletions)
        try client.delete(1)
        #expect(client.hasPendingDeletions)
        try client.reset()
        #expect(!client.hasPendingDeletions)
        try client.delete(2)
        #expect(client.hasPendingDeletions)
        try client.quit()
        #expect(!client.isUsable)
        server.finish()
        #expect(server.received == ["CAPA", "USER alice", "PASS secret", "DELE 1", "RSET", "DELE 2", "QUIT"])
    }

    /// A message of `size` bytes (a multiple of 64) in numbered 64-octet CRLF lines, none starting with a dot,
    /// so that its wire form needs no stuffing.
    static func message(size: Int) -> [UInt8] {
        precondition(size % 64 == 0, "the message must be whole lines")
        var message: [UInt8] = []
        message.reserveCapacity(size)
        for number in 0..<(size / 64) {
            let prefix = Array("line \(number) ".utf8)
            message += prefix + [UInt8](repeating: UInt8(ascii: "x"), count: 62 - prefix.count) + [13, 10]
        }
        return message
    }
}
