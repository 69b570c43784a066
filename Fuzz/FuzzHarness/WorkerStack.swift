import Basics

/// Runs a check on a thread with the stack of the gateway's workers (1 MiB, `WorkerPool`), so that an input
/// whose parse would overflow a worker's stack crashes the fuzzer too, rather than passing on the main
/// thread's 8 MiB.
enum WorkerStack {
    static let size = 1 << 20

    /// The closure and its outcome. `@unchecked Sendable`: the thread that runs it is joined before
    /// `failure` is read.
    private final class Job: @unchecked Sendable {
        let body: () throws(InvariantViolation) -> Void
        var failure: InvariantViolation?

        init(_ body: @escaping () throws(InvariantViolation) -> Void) {
            self.body = body
        }

        func run() {
            do throws(InvariantViolation) { try self.body() } catch { self.failure = error }
        }
    }

    /// Runs `body` on a new thread with a worker's stack and waits for it; rethrows what it threw.
    static func run(_ body: @escaping () throws(InvariantViolation) -> Void) throws(InvariantViolation) {
        let job = Job(body)
        PThread.essential(name: "fuzz-worker", stackSize: self.size) { job.run() }.join()
        if let failure = job.failure { throw failure }
    }
}
