import Glibc
import HTTPServer

/// A deliberately small HTTP/1.1 client on a raw TCP socket, so that tests control exactly what is
/// sent, when the connection closes, and how fast the response is read.
final class LoopbackHTTPClient {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private let descriptor: Int32
    /// Bytes received but not yet consumed by a parsed response.
    private var buffered: [UInt8] = []
    private var isClosed = false

    /// Connects to `host` (an IPv4 or IPv6 literal) with `timeout` for every send and receive.
    init(host: String = "127.0.0.1", port: Int, timeout: Duration = .seconds(5)) throws {
        let isIPv6 = host.contains(":")
        self.descriptor = socket(isIPv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard self.descriptor >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        var time = timeval(
            tv_sec: Int(timeout.components.seconds),
            tv_usec: Int(timeout.components.attoseconds / 1_000_000_000_000)
        )
        setsockopt(self.descriptor, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(self.descriptor, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        let result: Int32
        if isIPv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = UInt16(port).bigEndian
            inet_pton(AF_INET6, host, &address.sin6_addr)
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(self.descriptor, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(port).bigEndian
            inet_pton(AF_INET, host, &address.sin_addr)
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(self.descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        guard result == 0 else {
            let error = errno
            Glibc.close(self.descriptor)
            throw Failure(description: "connect: errno \(error)")
        }
    }

    /// Whether `::1` can be bound here (some containers have IPv6 disabled).
    static let isIPv6LoopbackAvailable: Bool = {
        let probe = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
        guard probe >= 0 else { return false }
        defer { Glibc.close(probe) }
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_addr = in6addr_loopback
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(probe, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) == 0
            }
        }
    }()

    deinit {
        self.close()
    }

    func close() {
        guard !self.isClosed else { return }
        self.isClosed = true
        Glibc.close(self.descriptor)
    }

    func send(_ text: String) throws {
        try self.send(Array(text.utf8))
    }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(self.descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { throw Failure(description: "send: errno \(errno)") }
            offset += sent
        }
    }

    /// Sends a request with `Host` and, if there is a body, `Content-Length`.
    func sendRequest(
        _ method: String,
        _ target: String,
        headers: [(String, String)] = [],
        body: [UInt8] = []
    ) throws {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: localhost\r\n"
        for (name, value) in headers {
            head += "\(name): \(value)\r\n"
        }
        if !body.isEmpty {
            head += "Content-Length: \(body.count)\r\n"
        }
        head += "\r\n"
        try self.send(Array(head.utf8) + body)
    }

    /// Up to `limit` bytes; empty at end of stream. Throws on timeout or reset.
    func receive(limit: Int = 65_536) throws -> [UInt8] {
        if !self.buffered.isEmpty {
            let taken = Array(self.buffered.prefix(limit))
            self.buffered.removeFirst(taken.count)
            return taken
        }
        var chunk = [UInt8](repeating: 0, count: limit)
        let received = chunk.withUnsafeMutableBytes { recv(self.descriptor, $0.baseAddress, $0.count, 0) }
        guard received >= 0 else { throw Failure(description: "recv: errno \(errno)") }
        return Array(chunk.prefix(received))
    }

    /// True once the server closed the connection (EOF or reset) within the socket's timeout.
    func waitForServerClose() -> Bool {
        while true {
            do {
                if try self.receive().isEmpty { return true }
            } catch {
                return errno == ECONNRESET
            }
        }
    }

    /// Whether the server has closed the connection (EOF or reset), without waiting; bytes the server
    /// sent meanwhile stay unread.
    func serverHasClosed() -> Bool {
        var byte: UInt8 = 0
        let received = recv(self.descriptor, &byte, 1, Int32(MSG_PEEK) | Int32(MSG_DONTWAIT))
        return received == 0 || (received < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
    }

    /// Reads one response: the head, then a body framed by Content-Length, chunked encoding, or the
    /// end of the connection. `isHead` says the request was HEAD (no body follows).
    func readResponse(isHead: Bool = false) throws -> ParsedHTTPResponse {
        let head = try self.readHead()
        var response = try ParsedHTTPResponse(head: head)
        if isHead || response.status == 204 || response.status == 304 || (100..<200).contains(response.status) {
            return response
        }
        if let length = response.headers["Content-Length"].flatMap({ Int($0) }) {
            response.body = try self.readExactly(length)
        } else if response.headers["Transfer-Encoding"]?.lowercased() == "chunked" {
            response.body = try self.readChunked()
        } else {
            response.body = try self.readToEnd()
        }
        return response
    }

    /// Reads until the connection ends, for a body whose framing the test wants to inspect.
    func readToEnd() throws -> [UInt8] {
        var bytes: [UInt8] = []
        while true {
            let chunk = try self.receive()
            if chunk.isEmpty { return bytes }
            bytes += chunk
        }
    }

    private func readHead() throws -> [UInt8] {
        let terminator: [UInt8] = Array("\r\n\r\n".utf8)
        while true {
            if let range = self.firstRange(of: terminator) {
                let head = Array(self.buffered[..<range.upperBound])
                self.buffered.removeFirst(range.upperBound)
                return head
            }
            let chunk = try self.receiveIntoBuffer()
            if chunk == 0 { throw Failure(description: "connection closed before the response head") }
        }
    }

    private func readExactly(_ count: Int) throws -> [UInt8] {
        while self.buffered.count < count {
            if try self.receiveIntoBuffer() == 0 {
                throw Failure(description: "connection closed after \(self.buffered.count) of \(count) body bytes")
            }
        }
        let bytes = Array(self.buffered.prefix(count))
        self.buffered.removeFirst(count)
        return bytes
    }

    private func readLine() throws -> String {
        let terminator: [UInt8] = Array("\r\n".utf8)
        while true {
            if let range = self.firstRange(of: terminator) {
                let line = String(decoding: self.buffered[..<range.lowerBound], as: UTF8.self)
                self.buffered.removeFirst(range.upperBound)
                return line
            }
            if try self.receiveIntoBuffer() == 0 { throw Failure(description: "connection closed mid-line") }
        }
    }

    private func readChunked() throws -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let sizeLine = try self.readLine()
            guard let size = Int(sizeLine.split(separator: ";")[0], radix: 16) else {
                throw Failure(description: "bad chunk size line '\(sizeLine)'")
            }
            if size == 0 {
                // Trailer fields, then the empty line.
                while try !self.readLine().isEmpty {}
                return body
            }
            body += try self.readExactly(size)
            guard try self.readLine().isEmpty else { throw Failure(description: "chunk not followed by CRLF") }
        }
    }

    private func receiveIntoBuffer() throws -> Int {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let received = chunk.withUnsafeMutableBytes { recv(self.descriptor, $0.baseAddress, $0.count, 0) }
        guard received >= 0 else { throw Failure(description: "recv: errno \(errno)") }
        self.buffered += chunk.prefix(received)
        return received
    }

    private func firstRange(of pattern: [UInt8]) -> Range<Int>? {
        guard self.buffered.count >= pattern.count else { return nil }
        for start in 0...(self.buffered.count - pattern.count)
        where self.buffered[start..<start + pattern.count].elementsEqual(pattern) {
            return start..<start + pattern.count
        }
        return nil
    }
}
