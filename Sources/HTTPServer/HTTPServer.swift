import Glibc
import Synchronization

/// An HTTP/1.1 server on libmicrohttpd: MHD's epoll thread pool reads requests and calls `handler`,
/// which must return quickly; it answers inline or hands the `HTTPResponder` to another thread.
///
/// MHD threads never block: a request waiting for its answer is suspended, and a streamed body
/// that waits for its producer suspends its connection too.
public final class HTTPServer: Sendable {
    public let configuration: HTTPServerConfiguration
    private let handler: @Sendable (HTTPRequest, HTTPResponder) -> Void
    /// Serialises `start` and `stop`, which can take as long as the grace period.
    private let transitions = ConditionLock()
    private let running = Mutex<RunningDaemon?>(nil)
    private let boundPort = Atomic<Int>(0)

    /// `handler` runs on an MHD thread for every request: it must not block.
    public init(
        configuration: HTTPServerConfiguration,
        handler: @escaping @Sendable (HTTPRequest, HTTPResponder) -> Void
    ) {
        self.configuration = configuration
        self.handler = handler
    }

    deinit {
        if let daemon = self.running.withLock({ $0 }) {
            daemon.stop(gracePeriod: .zero)
        }
    }

    /// Binds and starts serving; throws `HTTPServerError.addressInUse` if another socket has the port.
    public func start() throws(HTTPServerError) {
        try self.transitions.withLock { () throws(HTTPServerError) in
            guard self.running.withLock({ $0 == nil }) else { throw .alreadyRunning }
            let daemon = try RunningDaemon.start(configuration: self.configuration, handler: self.handler)
            self.boundPort.store(daemon.port, ordering: .relaxed)
            self.running.withLock { $0 = daemon }
        }
    }

    /// The port bound by the last `start()` (useful with port 0); 0 before the first.
    public var port: Int {
        self.boundPort.load(ordering: .relaxed)
    }

    /// Stops gracefully: no new connections; requests in flight get up to `gracePeriod` to be
    /// answered and sent, then those still waiting get a 503 and streams still running are cut off;
    /// then every connection is closed. Returns when the daemon is gone. Never call it from a handler
    /// (it waits for MHD's threads, one of which would be the caller).
    public func stop(gracePeriod: Duration = .seconds(5)) {
        self.transitions.withLock {
            guard let daemon = self.running.withLock({ $0 }) else { return }
            daemon.stop(gracePeriod: gracePeriod)
            self.running.withLock { $0 = nil }
        }
    }

    /// Ignores SIGPIPE process-wide; call once at start-up.
    ///
    /// MHD suppresses SIGPIPE on its own threads, but a write to a socket whose peer is gone raises
    /// it on any other thread (TLS to the POP3 server, for one), and its default action kills the
    /// process.
    public static func ignoreSIGPIPE() {
        signal(SIGPIPE, SIG_IGN)
    }

    /// Connections the slow-client deadlines track (all open ones), for tests.
    var connectionsTracked: Int {
        self.running.withLock { $0?.context.requestDeadlines.trackedConnections ?? 0 }
    }

    /// Requests MHD is working on, for tests that check nothing leaks.
    var requestsInFlight: Int {
        self.running.withLock { $0?.context.requestsInFlight ?? 0 }
    }
}
