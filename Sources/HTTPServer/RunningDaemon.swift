import Basics
import CMicroHTTPD
import Glibc

/// A started MHD daemon with its listening socket and callback context; `stop` takes it down.
///
/// Immutable; `HTTPServer` serialises `start` and `stop`, the only users of the daemon handle.
final class RunningDaemon: @unchecked Sendable {
    let context: DaemonContext
    let port: Int
    private let daemon: OpaquePointer
    private let listening: ListenSocket
    private let acceptor: Acceptor
    /// The TLS strings MHD was given: it keeps the pointers, so they live as long as the daemon.
    private let tlsStrings: [UnsafeMutablePointer<CChar>]

    private init(
        context: DaemonContext,
        listening: ListenSocket,
        daemon: OpaquePointer,
        acceptor: Acceptor,
        tlsStrings: [UnsafeMutablePointer<CChar>]
    ) {
        self.context = context
        self.port = listening.port
        self.listening = listening
        self.daemon = daemon
        self.acceptor = acceptor
        self.tlsStrings = tlsStrings
    }

    static func start(
        configuration: HTTPServerConfiguration,
        handler: @escaping @Sendable (HTTPRequest, HTTPResponder) -> Void
    ) throws(HTTPServerError) -> RunningDaemon {
        let socket = try ListenSocket.open(host: configuration.host, port: configuration.port)
        let context = DaemonContext(configuration: configuration, handler: handler)
        // Unretained: `RunningDaemon.context` keeps it alive until after MHD_stop_daemon.
        let contextPointer = Unmanaged.passUnretained(context).toOpaque()

        var options = [
            Self.option(.CONNECTION_LIMIT, Self.clampedUInt32(configuration.connectionLimit)),
            Self.option(.PER_IP_CONNECTION_LIMIT, Self.clampedUInt32(configuration.perIPConnectionLimit)),
            // MHD's default is no timeout at all.
            Self.option(.CONNECTION_TIMEOUT, Self.timeoutSeconds(configuration.connectionTimeout)),
            // A floor, so that a tiny setting still leaves MHD room for a request line and its own
            // response head.
            Self.option(.CONNECTION_MEMORY_LIMIT, max(configuration.maxHeaderBytes, 4096)),
            MHD_OptionItem(
                option: .URI_LOG_CALLBACK,
                value: unsafeBitCast(MHDCallbacks.uriLog, to: Int.self),
                ptr_value: contextPointer
            ),
            MHD_OptionItem(
                option: .NOTIFY_CONNECTION,
                value: unsafeBitCast(MHDCallbacks.connectionNotice, to: Int.self),
                ptr_value: contextPointer
            ),
            MHD_OptionItem(
                option: .NOTIFY_COMPLETED,
                value: unsafeBitCast(MHDCallbacks.completed, to: Int.self),
                ptr_value: contextPointer
            ),
        ]
        if configuration.threads > 1 {
            options.append(Self.option(.THREAD_POOL_SIZE, Self.clampedUInt32(configuration.threads)))
        }
        var tlsStrings: [UnsafeMutablePointer<CChar>] = []
        /// Undoes what was set up when a later step fails; returns `error` to throw.
        func giveUp(_ error: HTTPServerError, stopping daemon: OpaquePointer? = nil) -> HTTPServerError {
            if let daemon { MHD_stop_daemon(daemon) }
            socket.close()
            for string in tlsStrings { free(string) }
            return error
        }
        if let tls = configuration.tls {
            guard pop3gw_MHD_supports_tls() else { throw giveUp(.tlsUnsupported) }
            for (option, text) in [
                (MHD_OPTION.HTTPS_MEM_CERT, tls.certificateChainPEM), (.HTTPS_MEM_KEY, tls.privateKeyPEM),
                (.HTTPS_PRIORITIES, HTTPServerTLS.priorities),
            ] {
                guard let copy = strdup(text) else { preconditionFailure("out of memory") }
                tlsStrings.append(copy)
                options.append(MHD_OptionItem(option: option, value: 0, ptr_value: UnsafeMutableRawPointer(copy)))
            }
        }
        options.append(Self.option(.END, 0))

        // epoll in MHD's own threads; suspend/resume (which brings the inter-thread channel that
        // MHD_add_connection also needs); no listening socket of its own, as the `Acceptor` hands it
        // the connections. No MHD_USE_ERROR_LOG: MHD would print to stderr.
        var flags =
            MHD_USE_EPOLL_INTERNAL_THREAD.rawValue | MHD_ALLOW_SUSPEND_RESUME.rawValue
            | MHD_USE_NO_LISTEN_SOCKET.rawValue
        if socket.isIPv6 {
            flags |= MHD_USE_IPv6.rawValue
        }
        if configuration.tls != nil {
            flags |= MHD_USE_TLS.rawValue
        }
        let daemon = options.withUnsafeMutableBufferPointer { buffer in
            pop3gw_MHD_start_daemon(flags, 0, nil, nil, MHDCallbacks.access, contextPointer, buffer.baseAddress)
        }
        guard let daemon else {
            // With the same options otherwise, a refused start with TLS is the certificate or key.
            throw giveUp(configuration.tls == nil ? .daemonStartFailed : .tlsSetupFailed)
        }
        guard context.requestDeadlines.start() else { throw giveUp(.daemonStartFailed, stopping: daemon) }
        guard let acceptor = Acceptor.start(listening: socket.descriptor, daemon: daemon) else {
            context.requestDeadlines.stop()
            throw giveUp(.daemonStartFailed, stopping: daemon)
        }
        return RunningDaemon(
            context: context,
            listening: socket,
            daemon: daemon,
            acceptor: acceptor,
            tlsStrings: tlsStrings
        )
    }

    /// Stops accepting, lets requests in flight finish for up to `gracePeriod`, answers the rest
    /// with 503 (ending streams mid-body), resumes every suspended connection, and only then stops
    /// MHD: `MHD_stop_daemon` with a connection still suspended is an API violation that aborts the
    /// process.
    func stop(gracePeriod: Duration) {
        self.acceptor.stop()
        self.context.beginStopping()
        _ = self.context.waitUntilNoRequestsInFlight(
            untilUptimeNanoseconds: MonotonicClock.nanoseconds(after: gracePeriod)
        )
        for exchange in self.context.exchangesInFlight() {
            exchange.abandon()
        }
        // Resuming only asks MHD's threads to take the connection back; wait until they have called
        // back on each. No new suspension can happen now: every request has an answer and every
        // stream is cancelled. The wait is bounded; MHD_stop_daemon also processes pending resumes.
        _ = self.context.waitUntilNoConnectionSuspended(
            untilUptimeNanoseconds: MonotonicClock.nanoseconds(after: .seconds(2))
        )
        // Before MHD closes the sockets, whose numbers may then be reused.
        self.context.requestDeadlines.stop()
        MHD_stop_daemon(self.daemon)
        // Only now: until it is closed, clients that connect while the server stops wait in its
        // backlog rather than being refused.
        self.listening.close()
        for string in self.tlsStrings { free(string) }
    }

    private static func option(_ option: MHD_OPTION, _ value: Int) -> MHD_OptionItem {
        MHD_OptionItem(option: option, value: value, ptr_value: nil)
    }

    private static func clampedUInt32(_ value: Int) -> Int {
        min(max(value, 0), Int(UInt32.max))
    }

    /// Whole seconds, rounded up, at least 1 (0 would mean no timeout).
    private static func timeoutSeconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        let rounded = seconds + (attoseconds > 0 ? 1 : 0)
        return Int(min(max(rounded, 1), Int64(UInt32.max)))
    }
}
