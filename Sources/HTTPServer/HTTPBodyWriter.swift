import Synchronization

/// Given to a streaming producer to send the body.
///
/// `write` copies into a bounded buffer (`HTTPServerConfiguration.streamBufferBytes`) and blocks the
/// producer's thread while the buffer is full, so a slow client slows the producer instead of
/// filling memory. Once the request is over (client disconnected, connection timeout, server
/// stopping, or the declared `Content-Length` sent) `write` throws `ClientGone` and keeps
/// throwing, so the producer stops promptly and never hangs.
public final class HTTPBodyWriter: Sendable {
    let stream: BodyStream
    private let written = Atomic<Int>(0)

    init(stream: BodyStream) {
        self.stream = stream
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(ClientGone) {
        try self.stream.write(bytes)
        self.written.add(bytes.count, ordering: .relaxed)
    }

    public func write(_ bytes: [UInt8]) throws(ClientGone) {
        // `withUnsafeBytes` rethrows untyped errors, so the typed one travels out in a Result.
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(ClientGone) in try self.stream.write(buffer) }
        }
        try result.get()
        self.written.add(bytes.count, ordering: .relaxed)
    }

    /// Body bytes accepted so far (handed to the connection's buffer, not necessarily sent yet), for
    /// access logs.
    public var bytesWritten: Int {
        self.written.load(ordering: .relaxed)
    }

    /// How often a write had to wait for the client (tests check that backpressure happened).
    var blockedWriteCount: Int {
        self.stream.blockedWriteCount
    }
}
