import Synchronization

@testable import Gateway

/// A pool clock that moves only when a test advances it, so ages are exact and nothing sleeps.
final class FakePoolClock: PoolClock {
    private let current = Mutex(Duration.seconds(1_000))

    func now() -> Duration {
        self.current.withLock { $0 }
    }

    func advance(by duration: Duration) {
        self.current.withLock { $0 += duration }
    }
}
