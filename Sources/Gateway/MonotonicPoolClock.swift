import Glibc

/// The real clock for the session pool: `CLOCK_MONOTONIC`, so that a wall-clock step (NTP, manual set)
/// neither expires every idle session at once nor keeps them open for ever.
public struct MonotonicPoolClock: PoolClock {
    public init() {}

    public func now() -> Duration {
        Self.uptime()
    }

    /// Time since boot on `CLOCK_MONOTONIC`; also the timeline of `ConditionLock` deadlines.
    static func uptime() -> Duration {
        var time = timespec()
        // CLOCK_MONOTONIC cannot fail on Linux with a valid pointer, so the result is not checked.
        clock_gettime(CLOCK_MONOTONIC, &time)
        return .seconds(time.tv_sec) + .nanoseconds(time.tv_nsec)
    }
}
