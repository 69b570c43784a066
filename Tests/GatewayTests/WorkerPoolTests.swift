import Foundation
import Gateway
import Synchronization
import Testing

@Suite struct WorkerPoolTests {
    /// Every submitted job runs exactly once, on the pool's threads, in parallel up to the thread count.
    @Test func runsEveryJob() {
        let pool = WorkerPool(threads: 4, queueLimit: 100)
        let done = Mutex(0)
        for _ in 0..<100 {
            #expect(pool.submit { done.withLock { $0 += 1 } })
        }
        pool.shutdown(timeout: .seconds(5))
        #expect(done.withLock { $0 } == 100)
    }

    /// With every thread busy and the queue full, submit says no at once instead of blocking.
    @Test func refusesWhenFull() {
        let pool = WorkerPool(threads: 1, queueLimit: 2)
        let gate = NSCondition()
        let release = Mutex(false)
        let started = Mutex(false)
        let blocker: WorkerPool.Job = {
            started.withLock { $0 = true }
            gate.lock()
            while !release.withLock({ $0 }) { gate.wait() }
            gate.unlock()
        }
        #expect(pool.submit(blocker))
        while !started.withLock({ $0 }) { Thread.sleep(forTimeInterval: 0.001) }
        #expect(pool.submit {})
        #expect(pool.submit {})
        let clock = ContinuousClock()
        let elapsed = clock.measure { #expect(!pool.submit {}) }
        #expect(elapsed < .milliseconds(100))
        #expect(pool.load.queued == 2)
        #expect(pool.load.running == 1)
        gate.lock()
        release.withLock { $0 = true }
        gate.broadcast()
        gate.unlock()
        pool.shutdown(timeout: .seconds(5))
        #expect(pool.load.queued == 0)
        #expect(pool.load.running == 0)
    }

    /// After shutdown no job is accepted.
    @Test func refusesAfterShutdown() {
        let pool = WorkerPool(threads: 2, queueLimit: 10)
        pool.shutdown(timeout: .seconds(5))
        #expect(!pool.submit {})
    }
}
