import Glibc

/// A dedicated POSIX thread that runs one closure, and can be joined.
///
/// The pool's janitor and the worker pools block (on condition variables, on slow upstreams), so they get
/// their own threads rather than slots of GCD's small Linux pool (docs/architecture.md, "Threads and I/O").
///
/// `@unchecked Sendable`: `handle` is written once in `init`; `join()` is serialised by `joined`.
final class PoolThread: @unchecked Sendable {
    /// Carries the closure through `pthread_create`'s untyped context pointer.
    private final class Start {
        let body: @Sendable () -> Void

        init(body: @escaping @Sendable () -> Void) {
            self.body = body
        }
    }

    private var handle = pthread_t()
    private let joined = ConditionLock(false)

    /// Starts the thread at once.
    /// - Parameters:
    ///   - name: shown by `top -H`, `ps -L` and debuggers; Linux keeps at most 15 bytes of it.
    ///   - stackSize: bytes of stack, or nil for the system default (8 MiB of address space).
    init(name: String? = nil, stackSize: Int? = nil, _ body: @escaping @Sendable () -> Void) {
        let start = Unmanaged.passRetained(
            Start {
                if let name { Self.nameCurrentThread(name) }
                body()
            }
        ).toOpaque()
        let attributes = UnsafeMutablePointer<pthread_attr_t>.allocate(capacity: 1)
        pthread_attr_init(attributes)
        defer {
            pthread_attr_destroy(attributes)
            attributes.deallocate()
        }
        if let stackSize { pthread_attr_setstacksize(attributes, max(stackSize, Int(PTHREAD_STACK_MIN))) }
        let result = pthread_create(
            &self.handle,
            attributes,
            { context in
                guard let context else { return nil }
                let start = Unmanaged<Start>.fromOpaque(context).takeRetainedValue()
                start.body()
                return nil
            },
            start
        )
        // Without its threads the gateway cannot keep its promises; fail loudly at start-up.
        precondition(result == 0, "pthread_create failed: \(result)")
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

    deinit {
        // Never joined (its owner went away): let the system reclaim the thread when it ends.
        if !self.joined.withLock({ $0 }) {
            pthread_detach(self.handle)
        }
    }

    /// Waits until the closure has returned. Safe to call more than once.
    func join() {
        self.joined.withLock { alreadyJoined in
            guard !alreadyJoined else { return }
            pthread_join(self.handle, nil)
            alreadyJoined = true
        }
    }
}
