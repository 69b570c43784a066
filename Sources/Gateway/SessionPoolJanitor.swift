import Basics

/// A dedicated thread that calls `tick` every `interval` until stopped, for closing idle sessions.
///
/// Between rounds it blocks on a condition variable, so it neither spins nor delays `stop()`.
final class SessionPoolJanitor: Sendable {
    private let stopRequested: ConditionLock<Bool>
    private let thread: PThread

    /// Starts the thread. `tick` returns false when there is nothing left to look after.
    init(interval: Duration, tick: @escaping @Sendable () -> Bool) {
        let stopRequested = ConditionLock(false)
        self.stopRequested = stopRequested
        self.thread = PThread.essential(name: "pop3gw-janitor") {
            while true {
                let deadline = MonotonicClock.now() + interval
                if stopRequested.wait(until: { $0 }, deadline: deadline) || !tick() {
                    return
                }
            }
        }
    }

    /// Stops the thread and waits for it, so no round runs after this returns.
    func stop() {
        self.stopRequested.update { $0 = true }
        self.thread.join()
    }
}
