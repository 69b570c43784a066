import Glibc

/// A dedicated POSIX thread that runs one closure, and can be joined.
///
/// The pool's janitor blocks on a condition variable between rounds and may block on a slow QUIT, so it
/// gets its own thread rather than a slot of GCD's small Linux pool (ARCHITECTURE.md, "Threads and I/O").
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
    init(_ body: @escaping @Sendable () -> Void) {
        let start = Unmanaged.passRetained(Start(body: body)).toOpaque()
        let result = pthread_create(
            &self.handle,
            nil,
            { context in
                guard let context else { return nil }
                let start = Unmanaged<Start>.fromOpaque(context).takeRetainedValue()
                start.body()
                return nil
            },
            start
        )
        // Without a thread the pool cannot keep its promises about idle sessions; fail loudly at start-up.
        precondition(result == 0, "pthread_create failed: \(result)")
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
