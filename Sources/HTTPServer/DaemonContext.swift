import Synchronization

/// What MHD's callbacks receive as their closure pointer: the application's handler, the limits,
/// and the book-keeping that `HTTPServer.stop` needs (requests in flight, suspended connections,
/// whether the server is stopping).
///
/// `HTTPServer` keeps it alive from before `MHD_start_daemon` until after `MHD_stop_daemon`, so the
/// callbacks may use it unretained.
final class DaemonContext: @unchecked Sendable {
    let handler: @Sendable (HTTPRequest, HTTPResponder) -> Void
    let configuration: HTTPServerConfiguration
    let requestDeadlines: RequestDeadlines

    private let lock = ConditionLock()
    private var exchanges: [ObjectIdentifier: ResponseExchange] = [:]
    /// Read on every request, so without the lock.
    private let stopping = Atomic(false)
    private var suspendedConnections = 0

    init(configuration: HTTPServerConfiguration, handler: @escaping @Sendable (HTTPRequest, HTTPResponder) -> Void) {
        self.configuration = configuration
        self.handler = handler
        self.requestDeadlines = RequestDeadlines(timeout: configuration.connectionTimeout)
    }

    var isStopping: Bool {
        self.stopping.load(ordering: .acquiring)
    }

    /// Requests whose URI MHD has seen and whose completion it has not yet reported.
    var requestsInFlight: Int {
        self.lock.withLock { self.exchanges.count }
    }

    var suspendedConnectionCount: Int {
        self.lock.withLock { self.suspendedConnections }
    }

    func register(_ exchange: ResponseExchange) {
        self.lock.withLock { self.exchanges[ObjectIdentifier(exchange)] = exchange }
    }

    func unregister(_ exchange: ResponseExchange) {
        self.lock.withLock {
            self.exchanges[ObjectIdentifier(exchange)] = nil
            self.lock.broadcast()
        }
    }

    /// From now on new requests get a 503 and every response closes its connection.
    func beginStopping() {
        self.stopping.store(true, ordering: .releasing)
    }

    func exchangesInFlight() -> [ResponseExchange] {
        self.lock.withLock { Array(self.exchanges.values) }
    }

    /// Counted from `MHD_suspend_connection` until MHD calls back on the resumed connection, so that
    /// `stop` can tell when MHD has really taken every connection back.
    func connectionSuspended() {
        self.lock.withLock { self.suspendedConnections += 1 }
    }

    func connectionResumed() {
        self.lock.withLock {
            self.suspendedConnections -= 1
            self.lock.broadcast()
        }
    }

    /// Waits until no request is in flight or the deadline passes; true if none is.
    func waitUntilNoRequestsInFlight(untilUptimeNanoseconds deadline: Int64) -> Bool {
        self.lock.withLock {
            while !self.exchanges.isEmpty {
                if !self.lock.wait(untilUptimeNanoseconds: deadline) {
                    return self.exchanges.isEmpty
                }
            }
            return true
        }
    }

    /// Waits until MHD has called back on every resumed connection or the deadline passes.
    func waitUntilNoConnectionSuspended(untilUptimeNanoseconds deadline: Int64) -> Bool {
        self.lock.withLock {
            while self.suspendedConnections > 0 {
                if !self.lock.wait(untilUptimeNanoseconds: deadline) {
                    return self.suspendedConnections == 0
                }
            }
            return true
        }
    }
}
