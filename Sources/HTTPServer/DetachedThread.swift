import Glibc

/// Runs a closure on a new detached pthread, for the rare stream that is answered on an MHD thread.
///
/// Foundation's `Thread` would pull Foundation into this module for one call, and a GCD queue
/// would borrow one of the few threads GCD runs on Linux for a body that may block for minutes.
enum DetachedThread {
    /// The closure, handed to the new thread through its `void *` argument.
    private final class Work {
        let body: @Sendable () -> Void

        init(_ body: @escaping @Sendable () -> Void) {
            self.body = body
        }
    }

    /// False if the thread could not be created (the closure is then not run).
    static func start(_ body: @escaping @Sendable () -> Void) -> Bool {
        let work = Unmanaged.passRetained(Work(body)).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(
            &thread,
            nil,
            { argument in
                // The thread owns the retain taken above.
                guard let argument else { return nil }
                Unmanaged<Work>.fromOpaque(argument).takeRetainedValue().body()
                return nil
            },
            work
        )
        if result != 0 {
            Unmanaged<Work>.fromOpaque(work).release()
            return false
        }
        // Nobody joins it: its resources go back to the system when it ends.
        pthread_detach(thread)
        return true
    }
}
