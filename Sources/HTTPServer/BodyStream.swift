import CMicroHTTPD
import Glibc

/// The bounded buffer between a streaming producer (on the responding thread) and MHD's content
/// reader (on an MHD thread).
///
/// Backpressure: `write` blocks the producer while the buffer is full; MHD's reader drains it as
/// the socket takes bytes. The reader never waits: when the buffer is empty and the producer is
/// not done it suspends the connection and returns 0, and the next `write`, `finish` or `fail`
/// resumes it. microhttpd.h (0.9.75) allows exactly this: `MHD_suspend_connection` "the only safe
/// way ... is to call it from the MHD_AccessHandlerCallback or MHD_ContentReaderCallback", and the
/// reader's doc says returning zero "should only be used in conjunction with
/// MHD_suspend_connection() to avoid busy waiting" (0 alone makes the internal polling thread
/// call the reader again at once: a busy loop).
///
/// Locking: both `MHD_suspend_connection` (in the reader) and `MHD_resume_connection` (in `write`,
/// `finish`, `fail`, `cancel`) are called while holding `lock`. So a producer sees
/// `suspendedConnection` only once the suspension is complete (resuming a connection that is not
/// suspended is undefined behaviour), and once `cancel` has returned no producer can still be about
/// to resume a connection that `MHD_stop_daemon` is freeing. This cannot deadlock: MHD never runs
/// application callbacks while holding its own mutexes (the header allows resuming "at any time",
/// from inside callbacks too), so MHD never waits for `lock` while holding a mutex that
/// `MHD_resume_connection` needs.
final class BodyStream: @unchecked Sendable {
    /// How the producer ended.
    private enum End {
        case finished
        case failed
    }

    private let lock = ConditionLock()
    private let daemon: DaemonContext
    /// Ring buffer storage; `readIndex` and `count` say where the unread bytes are.
    private var storage: [UInt8]
    private var readIndex = 0
    private var count = 0
    private var end: End?
    /// Set once the request is over (client gone, timeout, sent, server stopping): writes throw.
    private var cancelled = false
    /// The connection whose response this is; set when the response is queued.
    private var connection: OpaquePointer?
    /// Non-nil while the reader has the connection suspended, waiting for bytes.
    private var suspendedConnection: OpaquePointer?
    /// Whether `daemon` counts this stream as suspended (until MHD calls the reader again).
    private var countedAsSuspended = false
    private var blockedWrites = 0

    init(capacity: Int, daemon: DaemonContext) {
        self.storage = [UInt8](repeating: 0, count: max(capacity, 1))
        self.daemon = daemon
    }

    /// How often a `write` had to wait for room: the evidence that backpressure works.
    var blockedWriteCount: Int {
        self.lock.withLock { self.blockedWrites }
    }

    /// Called on the MHD thread just before the response is queued.
    func attach(to connection: OpaquePointer) {
        self.lock.withLock { self.connection = connection }
    }

    /// Copies all of `bytes` in, waiting for room as often as needed.
    func write(_ bytes: UnsafeRawBufferPointer) throws(HTTPBodyWriter.ClientGone) {
        self.lock.lock()
        defer { self.lock.unlock() }
        var offset = 0
        while offset < bytes.count {
            guard !self.cancelled, self.end == nil else { throw HTTPBodyWriter.ClientGone() }
            let room = self.storage.count - self.count
            if room == 0 {
                self.blockedWrites += 1
                self.lock.wait()
                continue
            }
            let chunk = min(room, bytes.count - offset)
            self.append(UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + chunk]))
            offset += chunk
            // Resume before waiting for room, or the producer would wait for a reader that waits for it.
            self.resumeIfSuspended()
        }
    }

    /// The producer returned: the body ends once the buffer is drained.
    func finish() {
        self.end(.finished)
    }

    /// The producer threw: the reader makes MHD close the connection mid-body.
    func fail() {
        self.end(.failed)
    }

    /// The server is stopping: wakes a blocked producer (its write throws) and resumes a suspended
    /// connection so that MHD can close it.
    func cancel() {
        self.lock.withLock {
            self.cancelled = true
            self.lock.broadcast()
            self.resumeIfSuspended()
        }
    }

    /// MHD reported the request over, or freed the response: like `cancel`, and since MHD holds no
    /// suspended connection for this request any more, it no longer counts as suspended.
    func requestEnded() {
        self.lock.withLock {
            self.cancelled = true
            self.lock.broadcast()
            self.suspendedConnection = nil
            if self.countedAsSuspended {
                self.countedAsSuspended = false
                self.daemon.connectionResumed()
            }
        }
    }

    /// MHD's content reader: copies up to `capacity` bytes into `destination`, or ends the body, or
    /// suspends the connection until there is more (see the type's comment).
    func read(into destination: UnsafeMutableRawPointer, capacity: Int) -> Int {
        self.lock.lock()
        defer { self.lock.unlock() }
        if self.countedAsSuspended {
            self.countedAsSuspended = false
            self.daemon.connectionResumed()
        }
        if self.cancelled {
            // Checked before the buffer: a stopping server should not keep sending what is left.
            return pop3gw_MHD_content_reader_end_with_error()
        }
        if self.count > 0 {
            let copied = self.take(into: destination, capacity: capacity)
            self.lock.broadcast()
            return copied
        }
        switch self.end {
        case .finished:
            // With a Content-Length that was not reached, MHD treats this as an error and closes.
            return pop3gw_MHD_content_reader_end_of_stream()
        case .failed:
            return pop3gw_MHD_content_reader_end_with_error()
        case nil:
            guard let connection = self.connection else {
                return pop3gw_MHD_content_reader_end_with_error()
            }
            self.suspendedConnection = connection
            self.countedAsSuspended = true
            self.daemon.connectionSuspended()
            MHD_suspend_connection(connection)
            return 0
        }
    }

    private func end(_ end: End) {
        self.lock.withLock {
            if self.end == nil {
                self.end = end
            }
            self.lock.broadcast()
            self.resumeIfSuspended()
        }
    }

    /// The caller holds `lock`.
    private func resumeIfSuspended() {
        if let connection = self.suspendedConnection {
            self.suspendedConnection = nil
            MHD_resume_connection(connection)
        }
    }

    /// Appends at the ring's tail; the caller checked there is room.
    private func append(_ bytes: UnsafeRawBufferPointer) {
        let capacity = self.storage.count
        let tail = (self.readIndex + self.count) % capacity
        let firstPart = min(bytes.count, capacity - tail)
        self.storage.withUnsafeMutableBytes { ring in
            guard let ringBase = ring.baseAddress, let source = bytes.baseAddress else { return }
            memcpy(ringBase + tail, source, firstPart)
            if firstPart < bytes.count {
                memcpy(ringBase, source + firstPart, bytes.count - firstPart)
            }
        }
        self.count += bytes.count
    }

    /// Removes up to `capacity` bytes from the ring's head into `destination`.
    private func take(into destination: UnsafeMutableRawPointer, capacity: Int) -> Int {
        let ringCapacity = self.storage.count
        let total = min(capacity, self.count)
        let firstPart = min(total, ringCapacity - self.readIndex)
        self.storage.withUnsafeBytes { ring in
            guard let ringBase = ring.baseAddress else { return }
            memcpy(destination, ringBase + self.readIndex, firstPart)
            if firstPart < total {
                memcpy(destination + firstPart, ringBase, total - firstPart)
            }
        }
        self.readIndex = (self.readIndex + total) % ringCapacity
        self.count -= total
        return total
    }
}
