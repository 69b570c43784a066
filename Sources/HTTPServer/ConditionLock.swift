import Glibc

/// A pthread mutex with one condition variable.
///
/// `Synchronization.Mutex` has no condition variable, and both the bounded stream buffer (a
/// producer waits for room) and `HTTPServer.stop` (waits for in-flight requests) need to sleep
/// until another thread changes the state. The pthread objects live on the heap because they must
/// never move once initialised.
final class ConditionLock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    init() {
        self.mutex = .allocate(capacity: 1)
        self.condition = .allocate(capacity: 1)
        pthread_mutex_init(self.mutex, nil)
        // CLOCK_MONOTONIC, so that a wall-clock step cannot stretch or cut short a timed wait.
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(self.condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(self.condition)
        pthread_mutex_destroy(self.mutex)
        self.condition.deallocate()
        self.mutex.deallocate()
    }

    func lock() {
        pthread_mutex_lock(self.mutex)
    }

    func unlock() {
        pthread_mutex_unlock(self.mutex)
    }

    func withLock<Result, Failure: Error>(_ body: () throws(Failure) -> Result) throws(Failure) -> Result {
        self.lock()
        defer { self.unlock() }
        return try body()
    }

    /// Sleeps until `broadcast()`; the caller holds the lock and re-checks its condition after.
    func wait() {
        pthread_cond_wait(self.condition, self.mutex)
    }

    /// Like `wait()`, but gives up at `deadline` (a `MonotonicClock.nanoseconds()` reading); false on time-out.
    func wait(untilUptimeNanoseconds deadline: Int64) -> Bool {
        var time = timespec()
        time.tv_sec = Int(deadline / 1_000_000_000)
        time.tv_nsec = Int(deadline % 1_000_000_000)
        return pthread_cond_timedwait(self.condition, self.mutex, &time) != ETIMEDOUT
    }

    /// Wakes every waiter; the caller holds the lock.
    func broadcast() {
        pthread_cond_broadcast(self.condition)
    }
}
