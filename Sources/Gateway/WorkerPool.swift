import Foundation

/// A fixed set of threads for blocking work (POP3 I/O), with a bounded queue.
///
/// Blocking I/O gets dedicated threads rather than GCD or Swift concurrency: on a 2-core Linux
/// machine GCD ran only about 6 blocking jobs at once (ARCHITECTURE.md, "Threads and I/O").
public final class WorkerPool: Sendable {
    public typealias Job = @Sendable () -> Void

    /// What the threads share. They hold it strongly, so it outlives the pool until the last
    /// thread has left; the pool's deinit tells them to leave.
    private final class Queue: @unchecked Sendable {
        let condition = NSCondition()
        let limit: Int
        // Guarded by `condition`.
        var jobs: [Job] = []
        var head = 0
        var busy = 0
        var stopping = false

        init(limit: Int) {
            self.limit = limit
        }

        var waiting: Int { self.jobs.count - self.head }

        func run() {
            while let job = self.next() {
                job()
                self.condition.lock()
                self.busy -= 1
                // Only `shutdown` waits for jobs to end; waking every idle worker after each job
                // cost ~12 context switches a request.
                if self.stopping { self.condition.broadcast() }
                self.condition.unlock()
            }
        }

        private func next() -> Job? {
            self.condition.lock()
            defer { self.condition.unlock() }
            while self.waiting == 0 {
                if self.stopping { return nil }
                self.condition.wait()
            }
            let job = self.jobs[self.head]
            self.head += 1
            // Drop the consumed prefix now and then instead of shifting on every job.
            if self.head > 64 && self.head * 2 > self.jobs.count {
                self.jobs.removeFirst(self.head)
                self.head = 0
            }
            self.busy += 1
            return job
        }
    }

    private let queue: Queue

    /// Starts `threads` workers; at most `queueLimit` jobs wait for a free one.
    public init(threads: Int, queueLimit: Int, name: String = "pop3-gateway worker") {
        let queue = Queue(limit: queueLimit)
        self.queue = queue
        for index in 0..<max(1, threads) {
            let thread = Thread { queue.run() }
            thread.name = "\(name) \(index)"
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    deinit {
        self.queue.condition.lock()
        self.queue.stopping = true
        self.queue.condition.broadcast()
        self.queue.condition.unlock()
    }

    /// Queues a job; false at once (never blocking) when the queue is full or the pool is stopping.
    public func submit(_ job: @escaping Job) -> Bool {
        let queue = self.queue
        queue.condition.lock()
        defer { queue.condition.unlock() }
        guard !queue.stopping, queue.waiting < queue.limit else { return false }
        queue.jobs.append(job)
        queue.condition.signal()
        return true
    }

    /// Jobs waiting and jobs running, for metrics.
    public var load: (queued: Int, running: Int) {
        self.queue.condition.lock()
        defer { self.queue.condition.unlock() }
        return (self.queue.waiting, self.queue.busy)
    }

    /// Refuses new jobs, lets queued ones finish, and waits at most `timeout` for that.
    public func shutdown(timeout: Duration = .seconds(30)) {
        let queue = self.queue
        queue.condition.lock()
        defer { queue.condition.unlock() }
        queue.stopping = true
        queue.condition.broadcast()
        let deadline = Date().addingTimeInterval(Double(timeout.components.seconds))
        while queue.busy > 0 || queue.waiting > 0 {
            guard queue.condition.wait(until: deadline) else { break }
        }
    }
}
