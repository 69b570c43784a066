import Glibc
import Synchronization

/// A POSIX thread of its own, for work that blocks: the worker pools, the pool's janitor, the acceptor,
/// the request deadlines and a body produced on an MHD thread. GCD's small Linux pool must not be lent to
/// a closure that may wait for minutes, and Foundation's `Thread` would bring Foundation into every layer.
///
/// A thread is joined with `join()`, or detached when its `PThread` goes away unjoined, so that the system
/// takes its resources back when it ends.
package final class PThread: Sendable {
    /// Carries the closure through `pthread_create`'s untyped context pointer.
    private final class Start {
        let body: @Sendable () -> Void

        init(_ body: @escaping @Sendable () -> Void) {
            self.body = body
        }
    }

    private let handle: pthread_t
    private let joined = Mutex(false)

    /// Starts the thread at once; nil if the system would not create it (the closure then does not run).
    /// - Parameters:
    ///   - name: shown by `top -H`, `ps -L` and debuggers; Linux keeps at most 15 bytes of it.
    ///   - stackSize: bytes of stack, or nil for the system default (8 MiB of address space).
    package init?(name: String? = nil, stackSize: Int? = nil, _ body: @escaping @Sendable () -> Void) {
        let start = Unmanaged.passRetained(
            Start {
                if let name { Self.nameCurrentThread(name) }
                body()
            }
        ).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        if let stackSize { pthread_attr_setstacksize(&attributes, max(stackSize, Int(PTHREAD_STACK_MIN))) }
        var handle = pthread_t()
        let result = pthread_create(
            &handle,
            &attributes,
            { context in
                // The thread owns the retain taken above.
                guard let context else { return nil }
                Unmanaged<Start>.fromOpaque(context).takeRetainedValue().body()
                return nil
            },
            start
        )
        guard result == 0 else {
            Unmanaged<Start>.fromOpaque(start).release()
            return nil
        }
        self.handle = handle
    }

    /// Starts a thread the process cannot do without (a worker, the pool's janitor): if the system will
    /// not create it, the gateway could not keep its promises, so it stops at start-up, loudly.
    package static func essential(
        name: String? = nil,
        stackSize: Int? = nil,
        _ body: @escaping @Sendable () -> Void
    ) -> PThread {
        guard let thread = PThread(name: name, stackSize: stackSize, body) else {
            preconditionFailure("pthread_create failed for thread \(name ?? "(unnamed)")")
        }
        return thread
    }

    /// Starts a thread that nobody joins; false if the system would not create it.
    package static func detached(name: String? = nil, _ body: @escaping @Sendable () -> Void) -> Bool {
        PThread(name: name, body) != nil
    }

    deinit {
        if !self.joined.withLock({ $0 }) {
            pthread_detach(self.handle)
        }
    }

    /// Waits until the closure has returned. Safe to call more than once.
    package func join() {
        self.joined.withLock { alreadyJoined in
            guard !alreadyJoined else { return }
            pthread_join(self.handle, nil)
            alreadyJoined = true
        }
    }

    /// Names the calling thread through procfs (what `pthread_setname_np` does, which Swift's Glibc module
    /// does not export). The kernel keeps the first 15 bytes; a failure only leaves the thread unnamed.
    private static func nameCurrentThread(_ name: String) {
        let descriptor = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        let bytes = Array(name.utf8.prefix(15))
        _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    }
}
