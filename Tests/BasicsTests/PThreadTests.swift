import Basics
import Foundation
import Synchronization
import Testing

/// `join` returns once the closure has, and may be called again.
@Test func joinWaitsForTheClosure() throws {
    let done = Mutex(false)
    let thread = try #require(
        PThread {
            usleep(20_000)
            done.withLock { $0 = true }
        }
    )
    thread.join()
    #expect(done.withLock { $0 })
    thread.join()
}

/// The name reaches the kernel (what `top -H` shows), cut to 15 bytes; the stack size is taken.
@Test func nameAndStack() throws {
    let seen = Mutex("")
    let thread = try #require(
        PThread(name: "basics-test-thread-name", stackSize: 256 << 10) {
            let name = (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? ""
            seen.withLock { $0 = name.trimmingCharacters(in: .newlines) }
        }
    )
    thread.join()
    #expect(seen.withLock { $0 } == "basics-test-thr")
}

/// A detached thread runs to its end without anyone joining it.
@Test func detachedThreadRuns() {
    let done = Mutex(false)
    #expect(PThread.detached { done.withLock { $0 = true } })
    let deadline = MonotonicClock.nanoseconds(after: .seconds(5))
    while !done.withLock({ $0 }) && MonotonicClock.nanoseconds() < deadline { usleep(1_000) }
    #expect(done.withLock { $0 })
}
