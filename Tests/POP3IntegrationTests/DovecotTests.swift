import Foundation
import POP3
import POP3Client
import TestSupport
import Testing

/// The client against a real Dovecot on loopback, over STLS, implicit TLS and plaintext.
@Suite struct DovecotTests {
    let server: TestServer

    init() throws {
        self.server = try TestServer.get()
    }

    /// Both TLS listeners log in, report TLS 1.2+, and list alice's mailbox the same way.
    @Test(arguments: [TestServer.Listener.startTLS, .implicitTLS])
    func logsInOverTLS(listener: TestServer.Listener) throws {
        let client = try self.server.connect(listener, user: "alice", password: "alice-secret")
        let files = try self.server.messageFiles(of: "alice")
        #expect(["TLSv1.2", "TLSv1.3"].contains(client.tlsVersion))
        #expect(client.peerCertificateSubject != nil)
        #expect(client.capabilities.supportsUIDL)

        let status = try client.stat()
        #expect(status.messageCount == files.count)
        let listing = try client.listing()
        #expect(listing.map(\.number) == Array(1...files.count))
        #expect(listing.allSatisfy { $0.uid.map(POP3Listing.isValidUID) == true })
        #expect(Set(listing.compactMap(\.uid)).count == files.count)
        #expect(listing.map(\.size).reduce(0, +) == status.totalSize)
        try client.quit()
    }

    /// RETR of every demo message is byte-exact against its file on disk, whatever its shape
    /// (dot-stuffed lines, 8-bit bytes, lines over 1000 octets, several MB).
    @Test func retrievesEveryMessageByteExact() throws {
        let client = try self.server.connect(.implicitTLS, user: "alice", password: "alice-secret")
        let files = try self.server.messageFiles(of: "alice")
        for (index, file) in files.enumerated() {
            let onDisk = try [UInt8](Data(contentsOf: file))
            let retrieved = try client.retrieve(index + 1)
            #expect(retrieved == onDisk, "message \(index + 1) (\(file.lastPathComponent)) differs")
        }
        try client.quit()
    }

    /// Streaming RETR hands a multi-MB message over in many chunks that add up to the file.
    @Test func streamsALargeMessage() throws {
        let client = try self.server.connect(.startTLS, user: "big", password: "big-secret")
        let files = try self.server.messageFiles(of: "big")
        let listing = try client.listing()
        let largest = try #require(listing.max { $0.size < $1.size })
        let onDisk = try [UInt8](Data(contentsOf: files[largest.number - 1]))
        #expect(onDisk.count > 1_000_000)
        var received: [UInt8] = []
        var chunks = 0
        try client.retrieve(largest.number) { chunk in
            received.append(contentsOf: chunk)
            chunks += 1
        }
        #expect(chunks > 1)
        #expect(received == onDisk)
        try client.quit()
    }

    /// TOP n 0 gives exactly the header block of the file, blank line included.
    @Test func topReturnsTheHeader() throws {
        let client = try self.server.connect(.implicitTLS, user: "alice", password: "alice-secret")
        let files = try self.server.messageFiles(of: "alice")
        let onDisk = try [UInt8](Data(contentsOf: files[0]))
        let header = try client.top(1, lines: 0)
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        let headerEnd = try #require(
            onDisk.indices.first { onDisk[$0...].starts(with: separator) }
        )
        #expect(header == Array(onDisk[..<(headerEnd + 4)]))
        try client.quit()
    }

    /// Pipelined and one-by-one header fetches of the 1000-message mailbox agree.
    @Test func pipelinedHeadersMatchSequential() throws {
        func headers(pipelining: Bool) throws -> (pipelined: Bool, headers: [Int: [UInt8]]) {
            let client = try self.server.connect(.implicitTLS, user: "bulk", password: "bulk-secret") {
                $0.pipelining = pipelining
            }
            let listing = try client.listing()
            var headers: [Int: [UInt8]] = [:]
            try client.headers(of: listing.map(\.number)) { number, header in headers[number] = header }
            let pipelined = client.isPipelining
            try client.quit()
            return (pipelined, headers)
        }
        let pipelined = try headers(pipelining: true)
        let sequential = try headers(pipelining: false)
        #expect(pipelined.pipelined)
        #expect(!sequential.pipelined)
        #expect(pipelined.headers.count == 1000)
        #expect(pipelined.headers == sequential.headers)
    }

    /// DELE then QUIT removes the message: from the next session's listing and from the maildir. The
    /// message is one the test delivers first, so the mailbox is as it was afterwards and the test can run
    /// again against the same server.
    @Test func deleteAndQuitRemovesTheMessage() throws {
        let prefix = "1900000000.M1P1.dovecottest-delete"
        let message = Array("Subject: to be deleted\r\nMessage-ID: <delete@dovecot.test>\r\n\r\nbye\r\n".utf8)
        try MaildirDelivery.deliver(message, user: "scratch1", mailDirectory: self.server.mailDirectory, prefix: prefix)
        defer {
            try? MaildirDelivery.remove(prefix: prefix, user: "scratch1", mailDirectory: self.server.mailDirectory)
        }
        let filesBefore = try self.server.messageFiles(of: "scratch1")
        let client = try self.server.connect(.startTLS, user: "scratch1", password: "scratch-secret")
        let listing = try client.listing()
        // The newest file is the last message.
        let victim = try #require(listing.last)
        #expect(victim.size == message.count)
        try client.delete(victim.number)
        #expect(client.hasPendingDeletions)
        try client.quit()

        let after = try self.server.connect(.startTLS, user: "scratch1", password: "scratch-secret")
        let listingAfter = try after.listing()
        try after.quit()
        #expect(listingAfter.count == listing.count - 1)
        #expect(!listingAfter.contains { $0.uid == victim.uid })
        let filesAfter = try self.server.messageFiles(of: "scratch1")
        #expect(filesAfter.count == filesBefore.count - 1)
        #expect(!filesAfter.contains { $0.lastPathComponent.hasPrefix(prefix) })
    }

    /// DELE followed by a dropped connection (no QUIT) deletes nothing.
    @Test func deleteWithoutQuitKeepsTheMessage() throws {
        let filesBefore = try self.server.messageFiles(of: "scratch2")
        let client = try self.server.connect(.implicitTLS, user: "scratch2", password: "scratch-secret")
        let listing = try client.listing()
        try client.delete(1)
        client.close()
        #expect(!client.isUsable)

        let after = try self.server.connect(.implicitTLS, user: "scratch2", password: "scratch-secret")
        #expect(try after.listing() == listing)
        try after.quit()
        #expect(try self.server.messageFiles(of: "scratch2").count == filesBefore.count)
    }

    /// RSET undoes a DELE, so QUIT then deletes nothing.
    @Test func resetUndoesDeletions() throws {
        let client = try self.server.connect(.implicitTLS, user: "scratch3", password: "scratch-secret")
        let listing = try client.listing()
        try client.delete(1)
        try client.reset()
        #expect(!client.hasPendingDeletions)
        try client.quit()
        let after = try self.server.connect(.implicitTLS, user: "scratch3", password: "scratch-secret")
        #expect(try after.listing() == listing)
        try after.quit()
    }

    /// A wrong password is an authentication error, not a connection or protocol error.
    @Test(arguments: [TestServer.Listener.startTLS, .implicitTLS])
    func wrongPasswordIsAnAuthenticationError(listener: TestServer.Listener) throws {
        let error = #expect(throws: POP3Error.self) {
            try self.server.connect(listener, user: "alice", password: "not-the-password")
        }
        #expect(error?.code == .authenticationFailed)
    }

    /// A non-ASCII password with a space logs in (SASL PLAIN carries UTF-8).
    @Test func nonASCIIPasswordLogsIn() throws {
        let client = try self.server.connect(.implicitTLS, user: "utf8user", password: "pässwörd with space")
        #expect(try client.stat().messageCount == 1)
        try client.quit()
    }

    /// Without the test CA (system trust store, or another CA) the certificate is refused.
    @Test(arguments: [nil, "other"])
    func untrustedCertificateIsRefused(caFile: String?) throws {
        let otherCA = self.server.otherCAFile
        let error = #expect(throws: POP3Error.self) {
            try self.server.connect(.implicitTLS, user: "alice", password: "alice-secret") {
                $0.caFile = caFile == nil ? nil : otherCA
            }
        }
        #expect(error?.code == .tlsFailed)
        #expect(error?.detail.contains("certificate") == true)
    }

    /// A certificate for another name is refused, over both TLS modes.
    @Test(arguments: [TestServer.Listener.startTLS, .implicitTLS])
    func wrongHostNameIsRefused(listener: TestServer.Listener) throws {
        let error = #expect(throws: POP3Error.self) {
            try self.server.connect(listener, user: "alice", password: "alice-secret") {
                $0.tlsServerName = "wrong.test"
            }
        }
        #expect(error?.code == .tlsFailed)
        #expect(error?.detail.lowercased().contains("mismatch") == true)
    }

    /// STLS required but not offered: refused before any credential is sent.
    @Test func missingSTLSIsRefused() throws {
        let error = #expect(throws: POP3Error.self) {
            try self.server.connect(.plaintext, user: "alice", password: "alice-secret") {
                $0.endpoint.security = .startTLS
            }
        }
        #expect(error?.code == .startTLSUnavailable)
    }

    /// Plaintext login works only because this configuration explicitly allows it.
    @Test func plaintextWhenAllowed() throws {
        let client = try self.server.connect(.plaintext, user: "alice", password: "alice-secret")
        #expect(client.tlsVersion == nil)
        #expect(!client.capabilities.supportsSTLS)
        #expect(try client.stat().messageCount > 0)
        try client.quit()
    }
}
