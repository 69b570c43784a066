import POP3

/// A blocking, deadline-bounded byte pipe: a plain TCP socket or TLS over one.
///
/// Everything above the transport (line reading, the POP3 session) talks to this protocol only,
/// so that STLS can swap a `TCPSocket` for a `TLSStream` in the middle of a session.
/// Implementations are not thread-safe: one session uses a stream from one thread at a time.
protocol ByteStream: AnyObject {
    /// Reads at most buffer.count bytes; returns 0 at end of stream. Waits until `deadline`, then throws .timeout.
    func read(into buffer: UnsafeMutableRawBufferPointer, deadline: Deadline) throws(POP3Error) -> Int
    /// Writes all bytes or throws (.timeout at the deadline, .connectionClosed on EPIPE/ECONNRESET).
    func write(_ bytes: UnsafeRawBufferPointer, deadline: Deadline) throws(POP3Error)
    /// Closes; for TLS sends close_notify first (bounded by a short deadline, errors ignored). Idempotent.
    func close()
}
