import Basics

/// The real clock for the session pool: `MonotonicClock`, so that a wall-clock step (NTP, manual set)
/// neither expires every idle session at once nor keeps them open for ever.
public struct MonotonicPoolClock: PoolClock {
    public init() {}

    public func now() -> Duration {
        MonotonicClock.now()
    }
}
