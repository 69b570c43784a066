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

    /// After a shutdown in which every job finished, the pool's threads have ended (they were joined),
    /// so a process exiting right after meets none of them still cleaning up.
    @Test func shutdownJoinsTheThreads() throws {
        let name = "pop3gw-jointst"
        let pool = WorkerPool(threads: 4, queueLimit: 10, name: name)
        let ran = Atomic<Int>(0)
        for _ in 0..<8 {
            #expect(pool.submit { ran.add(1, ordering: .relaxed) })
        }
        // Each thread names itself once running.
        let named = ContinuousClock.now + .seconds(5)
        while Self.threads(named: name) < 4 && ContinuousClock.now < named { usleep(1000) }
        #expect(Self.threads(named: name) == 4)
        #expect(pool.shutdown(timeout: .seconds(5)))
        #expect(ran.load(ordering: .relaxed) == 8)
        #expect(Self.threads(named: name) == 0)
    }

    /// How many of this process's threads have a name starting with `prefix`.
    private static func threads(named prefix: String) -> Int {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return tasks.filter { task in
            let name = try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8)
            return name?.hasPrefix(prefix) == true
        }.count
    }
}
