import Basics
import CMicroHTTPD
import Glibc

/// Accepts connections on the listening socket on a thread of its own and hands each one to MHD
/// (`MHD_add_connection`), which then owns it.
///
/// MHD could accept by itself, but then whichever pool thread wakes first takes a whole burst of new
/// connections (up to ten per wake-up), and keep-alive clients stay where they landed: in the warm-GET
/// benchmark one run in four put all 32 of wrk's connections on one of the two threads, which halved
/// the throughput. A connection added from outside goes to the pool thread its socket number picks,
/// and a burst of new sockets gets consecutive numbers: round-robin.
final class Acceptor: @unchecked Sendable {
    private let listening: Int32
    private let daemon: OpaquePointer
    /// A pipe that `stop` writes to, to end the accept loop.
    private let wakeup: (read: Int32, write: Int32)
    private let lock = ConditionLock()
    private var running = true

    /// Starts accepting on `listening` (non-blocking) for `daemon`; nil if no thread could be started.
    static func start(listening: Int32, daemon: OpaquePointer) -> Acceptor? {
        var pipe: [Int32] = [-1, -1]
        guard Glibc.pipe(&pipe) == 0 else { return nil }
        for descriptor in pipe { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        let acceptor = Acceptor(listening: listening, daemon: daemon, wakeup: (pipe[0], pipe[1]))
        guard PThread.detached(name: "http-acceptor", { acceptor.run() }) else {
            acceptor.closeWakeup()
            return nil
        }
        return acceptor
    }

    private init(listening: Int32, daemon: OpaquePointer, wakeup: (read: Int32, write: Int32)) {
        self.listening = listening
        self.daemon = daemon
        self.wakeup = wakeup
    }

    /// Ends the accept loop and waits until it has; no connection is added after this returns.
    func stop() {
        var byte: UInt8 = 1
        _ = write(self.wakeup.write, &byte, 1)
        self.lock.withLock {
            while self.running { self.lock.wait() }
        }
        self.closeWakeup()
    }

    private func closeWakeup() {
        close(self.wakeup.read)
        close(self.wakeup.write)
    }

    private func run() {
        var descriptors = [
            pollfd(fd: self.listening, events: Int16(POLLIN), revents: 0),
            pollfd(fd: self.wakeup.read, events: Int16(POLLIN), revents: 0),
        ]
        while true {
            if poll(&descriptors, nfds_t(descriptors.count), -1) < 0 {
                // EINTR, or (ENOMEM) a shortage that may pass: accepting must not end on its own.
                if errno != EINTR { usleep(Self.errorBackoff) }
                continue
            }
            if descriptors[1].revents != 0 { break }
            if descriptors[0].revents != 0 { self.acceptAll() }
        }
        self.lock.withLock {
            self.running = false
            self.lock.broadcast()
        }
    }

    /// Accepts until none is waiting.
    private func acceptAll() {
        while true {
            var address = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let client = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    // Blocking or not: MHD_add_connection makes it non-blocking and close-on-exec itself.
                    accept(self.listening, $0, &length)
                }
            }
            guard client >= 0 else {
                switch errno {
                case EINTR, ECONNABORTED, EPROTO:
                    continue
                case EAGAIN:  // (EWOULDBLOCK on Linux too): none is waiting any more
                    return
                default:
                    // Out of descriptors or memory (EMFILE, ENFILE, ENOBUFS, ENOMEM) or worse: the waiting
                    // connections stay queued, and polling again at once would spin. MHD's connection
                    // limit normally keeps this from happening.
                    usleep(Self.errorBackoff)
                    return
                }
            }
            // MHD closes the socket itself if it refuses it (connection or per-IP limit reached).
            _ = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    MHD_add_connection(self.daemon, client, $0, length)
                }
            }
        }
    }

    private static let errorBackoff: useconds_t = 50_000
}
