import Glibc
import POP3
import TestSupport
import Testing

@testable import POP3Client

/// The transport layer: deadlines, plain TCP, TLS over TCP (client and server side), and the APOP digest.
/// Every test runs its own server on its own 127.0.0.1 port, so the tests can run in parallel.
@Suite struct TransportTests {
    /// Generous: only a broken implementation gets anywhere near it.
    static let longDeadline = Duration.seconds(10)

    // MARK: - Deadline

    /// pollTimeout rounds the remaining time up to whole milliseconds and is 0 once the deadline has passed.
    @Test func deadlinePollTimeoutRoundsUpAndClamps() {
        let now = Deadline.now
        let soon = Deadline(uptimeNanoseconds: now.uptimeNanoseconds + 1_500_000)
        #expect((1...2).contains(soon.pollTimeout()))
        let past = Deadline(uptimeNanoseconds: now.uptimeNanoseconds - 1_000_000)
        #expect(past.pollTimeout() == 0)
        #expect(past.hasPassed)
        #expect(!Deadline.after(.seconds(60)).hasPassed)
        #expect(Deadline.earliest(soon, past) == past)
        #expect(Deadline.earliest(past, soon) == past)
        #expect(Deadline.after(.seconds(Int64.max)).pollTimeout() == Int32.max)
    }

    // MARK: - TCP

    /// Connecting to a closed port fails at once with .connectionFailed naming the address and the reason.
    @Test func tcpConnectRefusedFailsQuickly() throws {
        let start = ContinuousClock.now
        let error = try #require(throws: POP3Error.self) {
            _ = try TCPSocket.connect(host: "127.0.0.1", port: 1, deadline: .after(Self.longDeadline))
        }
        #expect(error.code == .connectionFailed)
        #expect(error.detail == "connection to 127.0.0.1:1 failed: Connection refused")
        #expect(ContinuousClock.now - start < .seconds(1))
    }

    /// Bytes written by the client come back from an echo server, and the server's close reads as 0.
    @Test func tcpEchoRoundTrip() throws {
        let listener = try LoopbackListener()
        let server = listener.serveOne { socket in
            let line = try Self.readBytes(from: socket, count: 7)
            try Self.write(line, to: socket)
        }
        let socket = try TCPSocket.connect(host: "127.0.0.1", port: listener.port, deadline: .after(Self.longDeadline))
        defer { socket.close() }
        try Self.write(Array("hello\r\n".utf8), to: socket)
        #expect(try Self.readBytes(from: socket, count: 7) == Array("hello\r\n".utf8))
        #expect(try Self.readToEnd(from: socket).isEmpty)
        #expect(server.join() == nil)
    }

    /// A write far larger than the socket buffers is delivered completely.
    @Test func tcpLargeWriteIsComplete() throws {
        let payload = Self.pattern(count: 4 << 20)
        let listener = try LoopbackListener()
        let server = listener.serveOne { socket in
            let received = try Self.readBytes(from: socket, count: payload.count)
            try Self.write(received == payload ? Array("OK".utf8) : Array("NO".utf8), to: socket)
        }
        let socket = try TCPSocket.connect(host: "127.0.0.1", port: listener.port, deadline: .after(Self.longDeadline))
        defer { socket.close() }
        try Self.write(payload, to: socket)
        #expect(try Self.readBytes(from: socket, count: 2) == Array("OK".utf8))
        #expect(server.join() == nil)
    }

    /// A read from a silent server throws .timeout when its deadline passes, not earlier and not much later.
    @Test func tcpReadDeadlineTimesOut() throws {
        let listener = try LoopbackListener()
        // Silent until the client gives up and closes.
        let server = listener.serveOne { socket in _ = try Self.readToEnd(from: socket) }
        let socket = try TCPSocket.connect(host: "127.0.0.1", port: listener.port, deadline: .after(Self.longDeadline))
        let start = ContinuousClock.now
        let error = try #require(throws: POP3Error.self) {
            try withUnsafeTemporaryAllocation(byteCount: 16, alignment: 1) { buffer in
                _ = try socket.read(into: buffer, deadline: .after(.milliseconds(200)))
            }
        }
        let elapsed = ContinuousClock.now - start
        socket.close()
        #expect(error.code == .timeout)
        #expect(error.detail == "read timed out")
        #expect(elapsed >= .milliseconds(190))
        #expect(elapsed < .milliseconds(1500))
        #expect(server.join() == nil)
    }

    /// Writing to a connection the peer has closed throws .connectionClosed (and SIGPIPE does not kill us).
    @Test func tcpWriteAfterPeerClosedThrowsConnectionClosed() throws {
        let listener = try LoopbackListener()
        let server = listener.serveOne { _ in }
        let socket = try TCPSocket.connect(host: "127.0.0.1", port: listener.port, deadline: .after(Self.longDeadline))
        defer { socket.close() }
        #expect(server.join() == nil)
        #expect(try Self.readToEnd(from: socket).isEmpty)
        let error = try #require(throws: POP3Error.self) {
            // The first write may still be accepted by the kernel; the peer's reset fails a later one.
            for _ in 0..<100 {
                try Self.write(Self.pattern(count: 65_536), to: socket)
                usleep(10_000)
            }
        }
        #expect(error.code == .connectionClosed)
    }

    // MARK: - TLS

    /// A TLS round trip verifies the server for an IP literal and for a DNS name, and reports the session.
    @Test(arguments: ["127.0.0.1", "pop3.test"])
    func tlsRoundTrip(serverName: String) throws {
        let certificates = TestCertificates.shared
        let serverContext = try certificates.serverContext()
        let listener = try LoopbackListener()
        let server = listener.serveOne { socket in
            let tls = try TLSStream.accept(over: socket, context: serverContext, deadline: .after(Self.longDeadline))
            defer { tls.close() }
            let line = try Self.readBytes(from: tls, count: 6)
            try Self.write(line, to: tls)
        }
        let tls = try Self.connectTLS(
            port: listener.port,
            context: certificates.clientContext(),
            serverName: serverName
        )
        defer { tls.close() }
        try Self.write(Array("+OK x\n".utf8), to: tls)
        #expect(try Self.readBytes(from: tls, count: 6) == Array("+OK x\n".utf8))
        #expect(["TLSv1.3", "TLSv1.2"].contains(tls.protocolVersion))
        #expect(!tls.cipher.isEmpty)
        let subject = try #require(tls.peerCertificateSubject)
        #expect(subject.contains("CN=pop3.test"))
        #expect(try Self.readToEnd(from: tls).isEmpty)
        #expect(!tls.closedWithoutCloseNotify)
        #expect(server.join() == nil)
    }

    /// A write of 1 MiB over TLS arrives complete (partial writes are resumed until everything is sent).
    @Test func tlsLargeWriteIsComplete() throws {
        let certificates = TestCertificates.shared
        let serverContext = try certificates.serverContext()
        let payload = Self.pattern(count: 1 << 20)
        let listener = try LoopbackListener()
        let server = listener.serveOne { socket in
            let tls = try TLSStream.accept(over: socket, context: serverContext, deadline: .after(Self.longDeadline))
            defer { tls.close() }
            let received = try Self.readBytes(from: tls, count: payload.count)
            try Self.write(received == payload ? Array("OK".utf8) : Array("NO".utf8), to: tls)
        }
        let tls = try Self.connectTLS(
            port: listener.port,
            context: certificates.clientContext(),
            serverName: "pop3.test"
        )
        defer { tls.close() }
        try Self.write(payload, to: tls)
        #expect(try Self.readBytes(from: tls, count: 2) == Array("OK".utf8))
        #expect(server.join() == nil)
    }

    /// A certificate that does not name the requested host fails with .tlsFailed saying "hostname mismatch".
    @Test func tlsHostnameMismatchFails() throws {
        let certificates = TestCertificates.shared
        let serverContext = try certificates.serverContext()
        let listener = try LoopbackListener()
        let server = listener.serveOne { socket in
            _ = try TLSStream.accept(over: socket, context: serverContext, deadline: .after(Self.longDeadline))
        }
        let error = try #require(throws: POP3Error.self) {
            _ = try Self.connectTLS(port: listener.port, context: certificates.clientContext(), serverName: "localhost")
        }
        #expect(error.code == .tlsFailed)
        #expect(error.detail == "certificate verification failed: hostname mismatch")
        server.join()
    }

    /// Without the test CA (system trust only) the server certificate does not verify: .tlsFailed.
    @Test func tlsSystemTrustRejectsTestCA() throws {
        let certificates = TestCertificates.shared
        let serverContext = try certificates.serverContext()
        let listener = try LoopbackListener()
        let server = listener.serveOne { socket in
            _ = try TLSStream.accept(over: socket, context: serverContext, deadline: .after(Self.longDeadline))
        }
        let error = try #require(throws: POP3Error.self) {
            _ = try Self.connectTLS(
                port: listener.port,
                context: TLSContext.client(caFile: nil),
                serverName: "pop3.test"
            )
        }
        #expect(error.code == .tlsFailed)
        #expect(error.detail.hasPrefix("certificate verification failed: "))
        server.join()
    }

    /// A CA file that cannot be read is reported with its path and the reason.
    @Test func tlsUnreadableCAFileFails() throws {
        let error = try #require(throws: POP3Error.self) {
            _ = try TLSContext.client(caFile: "/nonexistent/pop3-gateway-ca.pem")
        }
        #expect(error.code == .tlsFailed)
        #expect(error.detail == "cannot load CA file /nonexistent/pop3-gateway-ca.pem: No such file or directory")
    }

    /// A server that accepts TCP but never answers the handshake makes the handshake time out at its deadline.
    @Test func tlsStalledHandshakeTimesOut() throws {
        let certificates = TestCertificates.shared
        let listener = try LoopbackListener()
        // Reads the ClientHello and never answers, until the client gives up and closes.
        let server = listener.serveOne { socket in _ = try Self.readToEnd(from: socket) }
        let socket = try TCPSocket.connect(host: "127.0.0.1", port: listener.port, deadline: .after(Self.longDeadline))
        let context = try certificates.clientContext()
        let start = ContinuousClock.now
        let error = try #require(throws: POP3Error.self) {
            _ = try TLSStream.connect(
                over: socket,
                context: context,
                serverName: "pop3.test",
                deadline: .after(.milliseconds(300))
            )
        }
        let elapsed = ContinuousClock.now - start
        #expect(error.code == .timeout)
        #expect(error.detail == "TLS handshake timed out")
        #expect(elapsed >= .milliseconds(290))
        #expect(elapsed < .seconds(2))
        // The failed handshake closed the socket, so the server sees the end of the stream.
        #expect(server.join() == nil)
    }

    /// A server that speaks only TLS 1.1 is refused, because the client requires TLS 1.2 or later.
    @Test func tlsServerLimitedToTLS11IsRefused() throws {
        let certificates = TestCertificates.shared
        let serverContext = try certificates.serverContext(minimumVersion: .tls1_1, maximumVersion: .tls1_1)
        let listener = try LoopbackListener()
        let server = listener.serveOne { socket in
            _ = try TLSStream.accept(over: socket, context: serverContext, deadline: .after(Self.longDeadline))
        }
        let error = try #require(throws: POP3Error.self) {
            _ = try Self.connectTLS(port: listener.port, context: certificates.clientContext(), serverName: "pop3.test")
        }
        #expect(error.code == .tlsFailed)
        #expect(error.detail.hasPrefix("TLS handshake failed: "))
        // The server side must have failed too: no TLS 1.1 session came about.
        #expect(server.join() != nil)
    }

    /// A peer that ends TCP without close_notify reads as end of stream, flagged as closedWithoutCloseNotify.
    @Test func tlsCloseWithoutCloseNotifyIsFlagged() throws {
        let certificates = TestCertificates.shared
        let serverContext = try certificates.serverContext()
        let listener = try LoopbackListener()
        let server = listener.serveOne { socket in
            let fd = socket.fileDescriptor
            let tls = try TLSStream.accept(over: socket, context: serverContext, deadline: .after(Self.longDeadline))
            defer { tls.close() }
            try Self.write(Array("+OK partial".utf8), to: tls)
            // FIN without close_notify, like a server that crashed or a middlebox cutting the connection.
            _ = shutdown(fd, Int32(SHUT_WR))
            _ = try? Self.readToEnd(from: tls)
        }
        let tls = try Self.connectTLS(
            port: listener.port,
            context: certificates.clientContext(),
            serverName: "pop3.test"
        )
        defer { tls.close() }
        #expect(try Self.readToEnd(from: tls) == Array("+OK partial".utf8))
        #expect(tls.closedWithoutCloseNotify)
        tls.close()
        #expect(server.join() == nil)
    }

    /// A peer that closes with close_notify reads as a clean end of stream: 0 bytes, flag not set.
    @Test func tlsCloseNotifyIsCleanEnd() throws {
        let certificates = TestCertificates.shared
        let serverContext = try certificates.serverContext()
        let listener = try LoopbackListener()
        let server = listener.serveOne { socket in
            let tls = try TLSStream.accept(over: socket, context: serverContext, deadline: .after(Self.longDeadline))
            try Self.write(Array("+OK bye".utf8), to: tls)
            tls.close()
        }
        let tls = try Self.connectTLS(
            port: listener.port,
            context: certificates.clientContext(),
            serverName: "pop3.test"
        )
        defer { tls.close() }
        #expect(try Self.readToEnd(from: tls) == Array("+OK bye".utf8))
        #expect(!tls.closedWithoutCloseNotify)
        // Further reads keep reporting the end.
        #expect(try Self.readToEnd(from: tls).isEmpty)
        #expect(server.join() == nil)
    }

    /// Writing over TLS to a peer that reset the connection throws .connectionClosed; SIGPIPE is suppressed.
    @Test func tlsWriteAfterPeerClosedThrowsConnectionClosed() throws {
        let certificates = TestCertificates.shared
        let serverContext = try certificates.serverContext()
        let listener = try LoopbackListener()
        let server = listener.serveOne { socket in
            let fd = socket.fileDescriptor
            let tls = try TLSStream.accept(over: socket, context: serverContext, deadline: .after(Self.longDeadline))
            // Closes the descriptor under OpenSSL's feet: no close_notify, and later data is answered with RST.
            _ = shutdown(fd, Int32(SHUT_RDWR))
            tls.close()
        }
        let socket = try TCPSocket.connect(host: "127.0.0.1", port: listener.port, deadline: .after(Self.longDeadline))
        let fd = socket.fileDescriptor
        let tls = try TLSStream.connect(
            over: socket,
            context: certificates.clientContext(),
            serverName: "pop3.test",
            deadline: .after(Self.longDeadline)
        )
        defer { tls.close() }
        #expect(server.join() == nil)
        // Wait for the server's FIN without reading through TLS.
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        #expect(poll(&descriptor, 1, 5000) == 1)
        let error = try #require(throws: POP3Error.self) {
            for _ in 0..<100 {
                try Self.write(Self.pattern(count: 65_536), to: tls)
                usleep(10_000)
            }
        }
        #expect(error.code == .connectionClosed)
    }

    // MARK: - MD5

    /// The APOP digest matches the example of RFC 1939.
    @Test func md5MatchesRFC1939Example() {
        #expect(
            MD5.hexDigest(Array("<1896.697170952@dbc.mtview.ca.us>tanstaaf".utf8)) == "c4c9334bac560ecc979e58001b3e22fb"
        )
        #expect(MD5.hexDigest([]) == "d41d8cd98f00b204e9800998ecf8427e")
    }

    // MARK: - Helpers

    /// TCP connect plus TLS handshake to 127.0.0.1:`port`, verifying the certificate for `serverName`.
    static func connectTLS(port: Int, context: TLSContext, serverName: String) throws(POP3Error) -> TLSStream {
        let socket = try TCPSocket.connect(host: "127.0.0.1", port: port, deadline: .after(Self.longDeadline))
        return try TLSStream.connect(
            over: socket,
            context: context,
            serverName: serverName,
            deadline: .after(Self.longDeadline)
        )
    }

    static func write(_ bytes: [UInt8], to stream: any ByteStream) throws {
        try bytes.withUnsafeBytes { buffer in
            try stream.write(buffer, deadline: .after(Self.longDeadline))
        }
    }

    /// Reads exactly `count` bytes; throws .connectionClosed if the stream ends first.
    static func readBytes(from stream: any ByteStream, count: Int) throws -> [UInt8] {
        let bytes = try Self.read(from: stream, upTo: count)
        guard bytes.count == count else {
            throw POP3Error(.connectionClosed, "stream ended after \(bytes.count) of \(count) bytes")
        }
        return bytes
    }

    /// Reads until the end of the stream.
    static func readToEnd(from stream: any ByteStream) throws -> [UInt8] {
        try Self.read(from: stream, upTo: Int.max)
    }

    private static func read(from stream: any ByteStream, upTo limit: Int) throws -> [UInt8] {
        let deadline = Deadline.after(Self.longDeadline)
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while bytes.count < limit {
            let wanted = min(chunk.count, limit - bytes.count)
            let count = try chunk.withUnsafeMutableBytes { buffer in
                try stream.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<wanted]), deadline: deadline)
            }
            if count == 0 {
                break
            }
            bytes += chunk[..<count]
        }
        return bytes
    }

    /// `count` bytes of a repeating, not all-equal pattern, so reordering or loss would show.
    static func pattern(count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }
    }
}
