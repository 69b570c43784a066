import Glibc

/// Runs a check on a thread with the stack of the gateway's workers (1 MiB, `WorkerPool`), so that an input
/// whose parse would overflow a worker's stack crashes the fuzzer too, rather than passing on the main
/// thread's 8 MiB.
enum WorkerStack {
    static let size = 1 << 20

    /// The closure and its outcome, carried through `pthread_create`'s untyped argument.
    private final class Job: @unchecked Sendable {
        let body: () throws(InvariantViolation) -> Void
        var failure: InvariantViolation?

        init(_ body: @escaping () throws(InvariantViolation) -> Void) {
            self.body = body
        }
    }

    /// Runs `body` on a new thread with a worker's stack and waits for it; rethrows what it threw.
    static func run(_ body: @escaping () throws(InvariantViolation) -> Void) throws(InvariantViolation) {
        let job = Job(body)
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, self.size)
        var thread = pthread_t()
        let context = Unmanaged.passRetained(job).toOpaque()
        let result = pthread_create(
            &thread,
            &attributes,
            { context in
                guard let context else { return nil }
                let job = Unmanaged<Job>.fromOpaque(context).takeRetainedValue()
                do throws(InvariantViolation) { try job.body() } catch { job.failure = error }
                return nil
            },
            context
        )
        precondition(result == 0, "pthread_create failed: \(result)")
        pthread_join(thread, nil)
        if let failure = job.failure { throw failure }
    }
}
