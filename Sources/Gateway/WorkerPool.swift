import Foundation

/// A fixed set of threads for blocking work (POP3 I/O), with a bounded queue.
///
/// Blocking I/O gets dedicated threads rather than GCD or Swift concurrency: on a 2-core Linux
/// machine GCD ran only about 6 blocking jobs at once (ARCHITECTURE.md, "Threads and I/O").
public final class WorkerPool: @unchecked Sendable {
    public typealias Job = @Sendable () -> Void

    private let condition = NSCondition()
    // Guarded by `condition`.
    private var queue: [Job] = []
    private var queueHead = 0
    private var busy = 0
    private var stopping = false
    private var threads: [Thread] = []
    private let queueLimit: Int

    /// Starts `threads` workers; at most `queueLimit` jobs wait for a free one.
    public init(threads: Int, queueLimit: Int, name: String = "pop3-gateway worker") {
        self.queueLimit = queueLimit
        for index in 0..<max(1, threads) {
            let thread = Thread { [unowned self] in self.run() }
            thread.name = "\(name) \(index)"
            thread.stackSize = 1 << 20
            self.threads.append(thread)
            thread.start()
        }
    }

    /// Queues a job; false at once (never blocking) when the queue is full or the pool is stopping.
    public func submit(_ job: @escaping Job) -> Bool {
        self.condition.lock()
        defer { self.condition.unlock() }
        guard !self.stopping, self.queue.count - self.queueHead < self.queueLimit else { return false }
        self.queue.append(job)
        self.condition.signal()
        return true
    }

    /// Jobs waiting and jobs running, for metrics.
    public var load: (queued: Int, running: Int) {
        self.condition.lock()
        defer { self.condition.unlock() }
        return (self.queue.count - self.queueHead, self.busy)
    }

    /// Lets queued jobs finish, then ends the threads; waits at most `timeout`.
    public func shutdown(timeout: Duration = .seconds(30)) {
        self.condition.lock()
        self.stopping = true
        self.condition.broadcast()
        let deadline = Date().addingTimeInterval(Double(timeout.components.seconds))
        while self.busy > 0 || self.queue.count > self.queueHead {
            guard self.condition.wait(until: deadline) else { break }
        }
        self.condition.unlock()
    }

    private func run() {
        while let job = self.next() {
            job()
            self.condition.lock()
            self.busy -= 1
            self.condition.broadcast()
            self.condition.unlock()
        }
    }

    private func next() -> Job? {
        self.condition.lock()
        defer { self.condition.unlock() }
        while self.queue.count == self.queueHead {
            if self.stopping { return nil }
            self.condition.wait()
        }
        let job = self.queue[self.queueHead]
        self.queueHead += 1
        // Drop the consumed prefix now and then instead of shifting on every job.
        if self.queueHead > 64 && self.queueHead * 2 > self.queue.count {
            self.queue.removeFirst(self.queueHead)
            self.queueHead = 0
        }
        self.busy += 1
        return job
    }
}
