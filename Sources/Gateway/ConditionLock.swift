import Glibc

/// A value guarded by a mutex, with a condition variable to wait until the value says something happened.
///
/// `Synchronization.Mutex` cannot be waited on, and Foundation's `NSCondition` times out on the wall clock.
/// This one waits on `CLOCK_MONOTONIC` (deadlines are `MonotonicClock.now()` values), so a clock
/// step can neither cut a wait short nor stretch it.
///
/// `@unchecked Sendable`: `value` is only read or written with `mutex` held.
final class ConditionLock<Value: Sendable>: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    private var value: Value

    init(_ value: Value) {
        self.value = value
        self.mutex = .allocate(capacity: 1)
        pthread_mutex_init(self.mutex, nil)
        self.condition = .allocate(capacity: 1)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(self.condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(self.condition)
        self.condition.deallocate()
        pthread_mutex_destroy(self.mutex)
        self.mutex.deallocate()
    }

    /// Runs `body` with the lock held, without waking anyone.
    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(self.mutex)
        defer { pthread_mutex_unlock(self.mutex) }
        return try body(&self.value)
    }

    /// Changes the value with the lock held and wakes every waiter to look at it.
    func update<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        try self.update(waking: pthread_cond_broadcast, body)
    }

    /// Changes the value with the lock held and wakes one waiter: for hand-offs that one waiter can take
    /// (a queued job), where waking them all would only cost context switches.
    func updateWakingOne<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        try self.update(waking: pthread_cond_signal, body)
    }

    private func update<Result>(
        waking wake: (UnsafeMutablePointer<pthread_cond_t>) -> Int32,
        _ body: (inout Value) throws -> Result
    ) rethrows -> Result {
        pthread_mutex_lock(self.mutex)
        defer {
            _ = wake(self.condition)
            pthread_mutex_unlock(self.mutex)
        }
        return try body(&self.value)
    }

    /// Blocks until `isReady` holds for the value, then runs `body` on it with the lock still held, so
    /// that what was waited for cannot be taken by another thread in between.
    func withLock<Result>(
        waitingUntil isReady: (Value) -> Bool,
        _ body: (inout Value) throws -> Result
    ) rethrows
        -> Result
    {
        pthread_mutex_lock(self.mutex)
        defer { pthread_mutex_unlock(self.mutex) }
        while !isReady(self.value) {
            pthread_cond_wait(self.condition, self.mutex)
        }
        return try body(&self.value)
    }

    /// Blocks until `isReady` holds for the value or `deadline` (a `MonotonicClock.now()` value)
    /// passes; nil waits for ever. Returns the value as last seen, so the caller can tell which happened.
    func wait(until isReady: (Value) -> Bool, deadline: Duration?) -> Value {
        pthread_mutex_lock(self.mutex)
        defer { pthread_mutex_unlock(self.mutex) }
        guard let deadline else {
            while !isReady(self.value) {
                pthread_cond_wait(self.condition, self.mutex)
            }
            return self.value
        }
        var limit = Self.timespec(at: deadline)
        while !isReady(self.value) {
            if pthread_cond_timedwait(self.condition, self.mutex, &limit) == ETIMEDOUT {
                break
            }
        }
        return self.value
    }

    /// The absolute `CLOCK_MONOTONIC` time that `pthread_cond_timedwait` wants, clamped so that a huge
    /// deadline waits "for ever" instead of overflowing into the past.
    private static func timespec(at deadline: Duration) -> Glibc.timespec {
        let (seconds, attoseconds) = deadline.components
        guard seconds >= 0 else { return Glibc.timespec(tv_sec: 0, tv_nsec: 0) }
        guard seconds < Int64(Int32.max) else { return Glibc.timespec(tv_sec: Int(Int32.max), tv_nsec: 0) }
        return Glibc.timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
    }
}
