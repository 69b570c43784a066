import Glibc
import POP3

@testable import POP3Client

/// A TCP listener on 127.0.0.1 with a port the kernel picks, for fake servers in tests.
///
/// Each `serveOne` accepts one connection on its own thread, so a test can play the server there while the
/// client side runs on the test's thread. Every test makes its own listener, so tests running in parallel
/// never share a port.
final class LoopbackListener: @unchecked Sendable {
    /// A server thread started by `serveOne`; `join()` waits for it and returns what it threw, if anything.
    final class ServerThread: @unchecked Sendable {
        fileprivate var thread = pthread_t()
        /// Written by the server thread before it exits, read only after pthread_join (which orders the two).
        fileprivate var failure: (any Error)?
        private var joined = false

        /// Waits for the server thread to finish; returns the error its body threw, or nil.
        @discardableResult
        func join() -> (any Error)? {
            if !self.joined {
                pthread_join(self.thread, nil)
                self.joined = true
            }
            return self.failure
        }
    }

    /// The closure a new thread runs; boxed because pthread_create takes one raw pointer.
    private final class ThreadBody {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    /// The port the listener is bound to on 127.0.0.1.
    let port: Int
    /// Only read after init (and closed in deinit, when no server thread can hold `self` any more).
    private let fd: Int32

    init() throws(POP3Error) {
        // Non-blocking, so that two threads woken for one connection cannot leave the loser stuck in accept.
        let fd = socket(
            AF_INET,
            Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue),
            0
        )
        guard fd >= 0 else {
            throw POP3Error(.connectionFailed, "socket: \(TCPSocket.errorDescription(errno))")
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(fd, generic, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, generic, &length) == 0
            }
        }
        guard bound else {
            let reason = TCPSocket.errorDescription(errno)
            _ = close(fd)
            throw POP3Error(.connectionFailed, "cannot listen on 127.0.0.1: \(reason)")
        }
        self.fd = fd
        self.port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit {
        _ = close(self.fd)
    }

    /// Accepts one connection on a new thread (giving up after `acceptTimeout`) and runs `body` with it.
    /// The socket is closed when `body` returns, unless `body` handed it on (e.g. to a `TLSStream`).
    func serveOne(
        acceptTimeout: Duration = .seconds(10),
        _ body: @escaping @Sendable (TCPSocket) throws -> Void
    ) -> ServerThread {
        let server = ServerThread()
        let deadline = Deadline.after(acceptTimeout)
        let run = ThreadBody {
            do {
                let socket = try self.accept(deadline: deadline)
                defer { socket.close() }
                try body(socket)
            } catch {
                server.failure = error
            }
        }
        let started = pthread_create(
            &server.thread,
            nil,
            { raw in
                guard let raw else {
                    return nil
                }
                Unmanaged<ThreadBody>.fromOpaque(raw).takeRetainedValue().run()
                return nil
            },
            Unmanaged.passRetained(run).toOpaque()
        )
        precondition(started == 0, "pthread_create failed: \(started)")
        return server
    }

    private func accept(deadline: Deadline) throws(POP3Error) -> TCPSocket {
        var descriptor = pollfd(fd: self.fd, events: Int16(POLLIN), revents: 0)
        while true {
            let ready = poll(&descriptor, 1, deadline.pollTimeout())
            if ready < 0 && errno != EINTR {
                throw POP3Error(.connectionFailed, "poll: \(TCPSocket.errorDescription(errno))")
            }
            if ready <= 0 {
                if deadline.hasPassed {
                    throw POP3Error(.timeout, "no connection to accept")
                }
                continue
            }
            let client = Glibc.accept(self.fd, nil, nil)
            if client >= 0 {
                return TCPSocket(adopting: client)
            }
            let code = errno
            if code != EINTR && code != EAGAIN && code != EWOULDBLOCK && code != ECONNABORTED {
                throw POP3Error(.connectionFailed, "accept: \(TCPSocket.errorDescription(code))")
            }
        }
    }
}
