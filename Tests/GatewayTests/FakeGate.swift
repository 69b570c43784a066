import Basics
import Glibc

@testable import Gateway

/// A gate that test threads wait at until the test opens it. Every wait is bounded, so a broken pool
/// makes a test fail instead of hang.
final class FakeGate: Sendable {
    private let isOpen = ConditionLock(false)

    func open() {
        self.isOpen.update { $0 = true }
    }

    /// Waits until the gate opens; false if it stayed shut for `timeout`.
    @discardableResult
    func wait(timeout: Duration = .seconds(10)) -> Bool {
        self.isOpen.wait(until: { $0 }, deadline: MonotonicClock.now() + timeout)
    }

    /// Polls `condition` every millisecond until it holds; false if it did not within `timeout`.
    /// For observing another thread's progress (e.g. "now waiting") that has no event to wait on.
    static func waitUntil(timeout: Duration = .seconds(10), _ condition: () -> Bool) -> Bool {
        let deadline = MonotonicClock.now() + timeout
        while !condition() {
            guard MonotonicClock.now() < deadline else { return false }
            usleep(1_000)
        }
        return true
    }
}
