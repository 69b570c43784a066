import Basics

/// A fixed set of threads for blocking work (POP3 I/O), with a bounded queue.
///
/// Blocking I/O gets dedicated threads rather than GCD or Swift concurrency: on Linux GCD runs only a
/// few blocking jobs at once (docs/architecture.md, "Threads and I/O").
public final class WorkerPool: Sendable {
    public typealias Job = @Sendable () -> Void

    private struct State {
        var jobs: [Job] = []
        var head = 0
        var busy = 0
        var stopping = false

        var waiting: Int { self.jobs.count - self.head }
    }

    /// What the threads share. They hold it strongly, so it outlives the pool until the last thread has
    /// left; the pool's deinit tells them to leave.
    private final class Queue: Sendable {
        let state = ConditionLock(State())
        let limit: Int

        init(limit: Int) {
            self.limit = limit
        }

        func run() {
            while let job = self.next() {
                job()
                let stopping = self.state.withLock { state in
                    state.busy -= 1
                    return state.stopping
                }
                // Only `shutdown` waits for jobs to end; waking every idle worker after each job cost ~12
                // context switches a request.
                if stopping { self.state.update { _ in } }
            }
        }

        private func next() -> Job? {
            let hasWork: (State) -> Bool = { $0.waiting > 0 || $0.stopping }
            return self.state.withLock(waitingUntil: hasWork) { state in
                guard state.waiting > 0 else { return nil }
                let job = state.jobs[state.head]
                state.head += 1
                // Drop the consumed prefix now and then instead of shifting on every job.
                if state.head > 64 && state.head * 2 > state.jobs.count {
                    state.jobs.removeFirst(state.head)
                    state.head = 0
                }
                state.busy += 1
                return job
            }
        }
    }

    private let queue: Queue
    /// Joined by `shutdown`; otherwise detached when the pool goes, and they leave by themselves.
    private let threads: [PThread]

    /// Starts `threads` workers; at most `queueLimit` jobs wait for a free one.
    /// - Parameter name: the threads' name prefix, followed by their number (15 bytes in all at most).
    public init(threads: Int, queueLimit: Int, name: String = "pop3gw-work") {
        let queue = Queue(limit: queueLimit)
        self.queue = queue
        self.threads = (0..<max(1, threads)).map { index in
            // 1 MiB: four times what the deepest parse needs. GMime's recursion is bounded by its own depth
            // limits and by MIME's AddressFieldGuard, and the MIME test
            // worstAllowedRecursionFitsInAQuarterOfTheWorkerStack runs the worst case in 256 KiB.
            PThread.essential(name: "\(name)-\(index)", stackSize: 1 << 20) { queue.run() }
        }
    }

    deinit {
        self.queue.state.update { $0.stopping = true }
    }

    /// Queues a job; false at once (never blocking) when the queue is full or the pool is stopping.
    public func submit(_ job: @escaping Job) -> Bool {
        let limit = self.queue.limit
        return self.queue.state.updateWakingOne { state in
            guard !state.stopping, state.waiting < limit else { return false }
            state.jobs.append(job)
            return true
        }
    }

    /// Jobs waiting and jobs running, for metrics.
    public var load: (queued: Int, running: Int) {
        self.queue.state.withLock { ($0.waiting, $0.busy) }
    }

    /// Refuses new jobs, lets queued ones finish, and waits at most `timeout` for that. When they all
    /// finished in time it also waits for the threads to have ended, thread-local clean-up included:
    /// a process that exits while they still end can have OpenSSL's exit handler free what their
    /// clean-up is still using (a heap corruption seen at SIGTERM after a load test).
    ///
    /// - Returns: whether every job finished in time (and the threads were joined).
    @discardableResult
    public func shutdown(timeout: Duration = .seconds(30)) -> Bool {
        self.queue.state.update { $0.stopping = true }
        let state = self.queue.state.wait(
            until: { $0.busy == 0 && $0.waiting == 0 },
            deadline: MonotonicClock.now() + timeout
        )
        let finished = state.busy == 0 && state.waiting == 0
        // A job still running could block a join for as long as its upstream deadline.
        guard finished else { return false }
        for thread in self.threads { thread.join() }
        return true
    }
}
