public import POP3

/// One request to a listener on this machine, over plain TCP or over TLS without verifying the
/// certificate: what `pop3-gateway health` needs to ask the gateway (a container's HEALTHCHECK), which
/// may serve HTTP or HTTPS.
///
/// It lives here because this module has the transport (and is the one importer of OpenSSL). The
/// certificate is not checked because the probe reaches the gateway by a loopback address its
/// certificate does not name; it sends nothing secret and reads nothing but the answer's first bytes.
public enum LoopbackProbe {
    /// Connects to `host:port` (completing a TLS 1.2+ handshake when `tls`), sends `request`, and
    /// returns what arrives until `limit` bytes, the end of the stream, or `timeout` after the start.
    public static func exchange(
        host: String,
        port: Int,
        tls: Bool,
        request: [UInt8],
        limit: Int,
        timeout: Duration
    ) throws(POP3Error) -> [UInt8] {
        let deadline = Deadline.after(timeout)
        let socket = try TCPSocket.connect(host: host, port: port, deadline: deadline)
        let stream: any ByteStream =
            tls
            ? try TLSStream.connect(
                over: socket,
                context: try TLSContext.unverifiedClient(),
                serverName: "localhost",
                deadline: deadline
            )
            : socket
        defer { stream.close() }
        // withUnsafeBytes rethrows untyped errors, so the typed one travels in a Result.
        try request.withUnsafeBytes { bytes in
            Result { () throws(POP3Error) in try stream.write(bytes, deadline: deadline) }
        }.get()
        var answer = [UInt8](repeating: 0, count: max(1, limit))
        var received = 0
        while received < answer.count {
            let start = received
            let count = try answer.withUnsafeMutableBytes { buffer in
                Result { () throws(POP3Error) in
                    try stream.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[start...]), deadline: deadline)
                }
            }.get()
            if count == 0 { break }
            received += count
        }
        return Array(answer[..<received])
    }
}
