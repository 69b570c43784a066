import CMicroHTTPD

/// Cuts off connections that are too slow to send a request (slow-loris clients).
///
/// MHD's connection timeout counts inactivity only, so a client that trickles one header byte every
/// few seconds would hold its connection (and a slot of the connection limit) for as long as it
/// likes. Here each connection gets a deadline when it opens and again when a request on it ends;
/// the request arriving complete (head and body) clears it. A sweeper thread shuts down the socket of every
/// connection past its deadline, and MHD then closes it as a connection the client broke.
///
/// MHD reports a connection closed (`connectionClosed`) before it closes the socket, and both that
/// and `sweep` hold the lock, so a socket number is never shut down after MHD has let it go.
final class RequestDeadlines: @unchecked Sendable {
    private struct Entry {
        let socket: Int32
        /// Uptime in nanoseconds; nil while a request is being handled or answered.
        var deadline: Int64?
    }

    private let timeout: Duration
    private let lock = ConditionLock()
    /// Keyed by the address of MHD's connection.
    private var entries: [UInt: Entry] = [:]
    private var stopped = false

    init(timeout: Duration) {
        self.timeout = timeout
    }

    /// How many connections are tracked: those MHD reported open and not yet closed.
    var trackedConnections: Int {
        self.lock.withLock { self.entries.count }
    }

    /// Starts the sweeper; it runs until `stop`.
    func start() -> Bool {
        DetachedThread.start { [self] in
            while self.sweep() {
                usleep(Self.sweepInterval)
            }
        }
    }

    /// No socket is shut down after this returns.
    func stop() {
        self.lock.withLock { self.stopped = true }
    }

    func connectionStarted(_ connection: OpaquePointer) {
        let socket = pop3gw_MHD_connection_socket(connection)
        guard socket >= 0 else { return }
        let deadline = Uptime.nanoseconds(after: self.timeout)
        self.lock.withLock { self.entries[Self.key(connection)] = Entry(socket: socket, deadline: deadline) }
    }

    func connectionClosed(_ connection: OpaquePointer) {
        _ = self.lock.withLock { self.entries.removeValue(forKey: Self.key(connection)) }
    }

    /// The request's head and body are all in: no deadline while it is handled and answered.
    func requestReceived(_ connection: OpaquePointer) {
        self.lock.withLock { self.entries[Self.key(connection)]?.deadline = nil }
    }

    /// The request is over; the next one must arrive within the timeout.
    func requestEnded(_ connection: OpaquePointer) {
        let deadline = Uptime.nanoseconds(after: self.timeout)
        self.lock.withLock { self.entries[Self.key(connection)]?.deadline = deadline }
    }

    /// Shuts down every connection past its deadline; false once stopped.
    func sweep() -> Bool {
        let now = Uptime.nanoseconds()
        return self.lock.withLock {
            guard !self.stopped else { return false }
            for (key, entry) in self.entries {
                guard let deadline = entry.deadline, deadline <= now else { continue }
                _ = shutdown(entry.socket, Int32(SHUT_RDWR))
                // Once is enough: MHD reports it closed soon.
                self.entries[key]?.deadline = nil
            }
            return true
        }
    }

    private static func key(_ connection: OpaquePointer) -> UInt {
        UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(connection)))
    }

    /// Microseconds between sweeps: the cut comes at most this late.
    private static let sweepInterval: useconds_t = 250_000
}
