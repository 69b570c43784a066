import Basics
import CMicroHTTPD
import Synchronization

/// Cuts off connections that are too slow to send a request (slow-loris clients).
///
/// MHD's connection timeout counts inactivity only, so a client that trickles one header byte every
/// few seconds would hold its connection (and a slot of the connection limit) for as long as it
/// likes. Here each connection gets a deadline when it opens and again when a request on it ends;
/// the request arriving complete (head and body) clears it. A sweeper thread shuts down the socket of every
/// connection past its deadline, and MHD then closes it as a connection the client broke.
///
/// Each connection's deadline lives in its `ConnectionContext`, kept in MHD's `socket_context`, so the
/// two updates per request are atomic stores on the connection's own thread; the shared lock is taken
/// only when a connection opens or closes, and by the sweeper.
///
/// MHD reports a connection closed (`connectionClosed`) before it closes the socket, and both that
/// and `sweep` hold the lock, so a socket number is never shut down after MHD has let it go.
final class RequestDeadlines: @unchecked Sendable {
    private let timeout: Duration
    private let lock = ConditionLock()
    private var connections: [ObjectIdentifier: ConnectionContext] = [:]
    private var stopped = false

    init(timeout: Duration) {
        self.timeout = timeout
    }

    /// How many connections are tracked: those MHD reported open and not yet closed.
    var trackedConnections: Int {
        self.lock.withLock { self.connections.count }
    }

    /// Starts the sweeper; it runs until `stop`.
    func start() -> Bool {
        PThread.detached(name: "http-deadlines") { [self] in
            while self.sweep() {
                usleep(Self.sweepInterval)
            }
        }
    }

    /// No socket is shut down after this returns.
    func stop() {
        self.lock.withLock { self.stopped = true }
    }

    /// A connection opened: its first request must be in within the timeout. `socketContext` is MHD's
    /// slot for it, which then owns the connection's context until `connectionClosed`.
    func connectionStarted(_ connection: OpaquePointer, socketContext: UnsafeMutablePointer<UnsafeMutableRawPointer?>) {
        let socket = pop3gw_MHD_connection_socket(connection)
        guard socket >= 0 else { return }
        let entry = ConnectionContext(
            socket: socket,
            remoteAddress: pop3gw_MHD_connection_client_address(connection).map(SocketAddress.text(of:)) ?? "",
            deadline: MonotonicClock.nanoseconds(after: self.timeout)
        )
        socketContext.pointee = Unmanaged.passRetained(entry).toOpaque()
        self.lock.withLock { self.connections[ObjectIdentifier(entry)] = entry }
    }

    func connectionClosed(socketContext: UnsafeMutablePointer<UnsafeMutableRawPointer?>) {
        guard let pointer = socketContext.pointee else { return }
        socketContext.pointee = nil
        let entry = Unmanaged<ConnectionContext>.fromOpaque(pointer).takeRetainedValue()
        _ = self.lock.withLock { self.connections.removeValue(forKey: ObjectIdentifier(entry)) }
    }

    /// The request's head and body are all in: no deadline while it is handled and answered.
    func requestReceived(_ connection: OpaquePointer) {
        ConnectionContext.of(connection)?.deadline.store(ConnectionContext.noDeadline, ordering: .relaxed)
    }

    /// The answer is sent (or the request failed): the next request must be in within the timeout.
    func requestEnded(_ connection: OpaquePointer) {
        ConnectionContext.of(connection)?.deadline.store(
            MonotonicClock.nanoseconds(after: self.timeout),
            ordering: .relaxed
        )
    }

    /// Shuts down every connection past its deadline; false once stopped.
    func sweep() -> Bool {
        let now = MonotonicClock.nanoseconds()
        return self.lock.withLock {
            guard !self.stopped else { return false }
            for entry in self.connections.values {
                let deadline = entry.deadline.load(ordering: .relaxed)
                // Only if no request arrived meanwhile; once is enough, since MHD reports it closed soon.
                guard deadline <= now,
                    entry.deadline.compareExchange(
                        expected: deadline,
                        desired: ConnectionContext.noDeadline,
                        ordering: .relaxed
                    )
                    .exchanged
                else { continue }
                _ = shutdown(entry.socket, Int32(SHUT_RDWR))
            }
            return true
        }
    }

    private static let sweepInterval: useconds_t = 250_000
}
