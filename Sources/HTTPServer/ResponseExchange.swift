import Basics
import CMicroHTTPD
import Glibc
import Synchronization

/// Hands one request's response from whichever thread answers it to the MHD thread that queues it.
///
/// MHD allows `MHD_queue_response` only inside the access handler (or on a suspended connection),
/// so a response always travels the same way: `respond` stores it; if the handler is still running
/// the access handler queues it as soon as the handler returns; otherwise the connection is
/// suspended and `respond` resumes it, which makes MHD call the access handler again, and that
/// call queues it. Every MHD call except `MHD_resume_connection` thus happens on an MHD thread.
///
/// Suspending and resuming both happen while holding `lock` (see `BodyStream` for why that cannot
/// deadlock): `respond` sees `.suspended` only once the suspension is complete (resuming a connection
/// that is not suspended is undefined behaviour), and once `abandon` has returned no other thread
/// can still be about to resume a connection that `MHD_stop_daemon` is freeing.
final class ResponseExchange: @unchecked Sendable {
    private enum State {
        /// The request is still arriving.
        case receiving
        /// The handler is running on this MHD thread.
        case handling(pthread_t)
        /// The handler returned without answering: the connection waits for `respond`.
        case suspended(OpaquePointer)
        /// Answered: the response waits for MHD to take it (or was taken).
        case answered
        /// MHD reported the request over.
        case finished
    }

    let daemon: DaemonContext
    // Per request, so a plain mutex (no allocation), not a ConditionLock: nothing waits on it.
    private let lock = Mutex(())
    private var state = State.receiving
    private var isAnswered = false
    private var pending: PreparedResponse?
    private var stream: BodyStream?
    /// Whether `daemon` counts this connection as suspended (until MHD calls back after resuming).
    private var countedAsSuspended = false

    init(daemon: DaemonContext) {
        self.daemon = daemon
    }

    var hasAnswer: Bool {
        self.lock.withLock { _ in self.isAnswered }
    }

    /// Marks the handler as running on the calling (MHD) thread, so that a stream answered from
    /// inside it gets a thread of its own instead of blocking MHD.
    func handlerWillRun() {
        self.lock.withLock { _ in self.state = .handling(pthread_self()) }
    }

    /// Stores the first answer (later ones are ignored), wakes the connection if it is suspended, and
    /// runs a stream's producer: on this thread, or on a new one if this is the MHD thread.
    func respond(_ response: HTTPResponse) {
        var producer: (@Sendable (HTTPBodyWriter) throws -> Void)?
        var onHandlerThread = false
        var streamToCancel: BodyStream?

        let stream: BodyStream? = self.lock.withLock { _ in
            guard !self.isAnswered else { return nil }
            self.isAnswered = true
            let body: PreparedResponse.Body
            var newStream: BodyStream?
            switch response.body {
            case .bytes(let bytes):
                body = .bytes(bytes)
            case .stream(let contentLength, let streamProducer):
                let stream = BodyStream(capacity: self.daemon.configuration.streamBufferBytes, daemon: self.daemon)
                body = .stream(stream, contentLength: contentLength)
                producer = streamProducer
                newStream = stream
                self.stream = stream
            }
            let prepared = PreparedResponse(status: response.status, headers: response.headers, body: body)
            switch self.state {
            case .receiving:
                self.pending = prepared
            case .handling(let thread):
                self.pending = prepared
                onHandlerThread = pthread_equal(thread, pthread_self()) != 0
            case .suspended(let connection):
                self.pending = prepared
                self.state = .answered
                MHD_resume_connection(connection)
            case .answered, .finished:
                // Too late (the server answered for us while stopping, or the client is gone): a
                // producer still runs, and its first write throws.
                streamToCancel = newStream
            }
            return newStream
        }

        streamToCancel?.cancel()
        guard let producer, let stream else { return }
        if onHandlerThread {
            // The producer may block for backpressure, and MHD threads must never block.
            let started = PThread.detached(name: "http-body") { Self.run(producer, into: stream) }
            if !started {
                stream.fail()
            }
        } else {
            Self.run(producer, into: stream)
        }
    }

    /// What the access handler must do next.
    enum NextStep: Sendable {
        /// Queue this answer now.
        case queue(PreparedResponse)
        /// The connection is now suspended until `respond` resumes it.
        case wait
        /// The answer was already handed to MHD, yet MHD asks again. MHD 0.9.75 does this when
        /// `MHD_stop_daemon` runs concurrently: `MHD_queue_response` then returns MHD_YES without
        /// queuing, and MHD calls the access handler once more. Suspending here would leave a
        /// suspended connection behind, on which MHD_stop_daemon aborts the process; the access
        /// handler closes the connection instead.
        case close
    }

    /// In the access handler: the answer if there is one, otherwise suspends the connection until
    /// `respond` resumes it.
    func takeResponseOrSuspend(_ connection: OpaquePointer) -> NextStep {
        self.lock.withLock { _ in
            if self.countedAsSuspended {
                self.countedAsSuspended = false
                self.daemon.connectionResumed()
            }
            if let pending = self.pending {
                self.pending = nil
                self.state = .answered
                return .queue(pending)
            }
            if self.isAnswered {
                return .close
            }
            self.state = .suspended(connection)
            self.countedAsSuspended = true
            self.daemon.connectionSuspended()
            MHD_suspend_connection(connection)
            return .wait
        }
    }

    /// MHD reported the request over (sent, failed, timed out, or the daemon stopped).
    func finish() {
        let stream = self.lock.withLock { _ in
            self.state = .finished
            self.pending = nil
            if self.countedAsSuspended {
                self.countedAsSuspended = false
                self.daemon.connectionResumed()
            }
            return self.stream
        }
        stream?.requestEnded()
    }

    /// `stop` ran out of patience: answers 503 if nobody has, and ends a stream still producing.
    func abandon() {
        self.respond(.shuttingDown)
        self.lock.withLock { _ in self.stream }?.cancel()
    }

    private static func run(_ producer: @Sendable (HTTPBodyWriter) throws -> Void, into stream: BodyStream) {
        do {
            try producer(HTTPBodyWriter(stream: stream))
            stream.finish()
        } catch {
            stream.fail()
        }
    }
}
