import Basics

/// A point in time on `CLOCK_MONOTONIC`, by which a blocking operation must be done.
///
/// The monotonic clock is used so that a wall-clock change (NTP step, manual set) can neither
/// fire a deadline early nor hold it back.
struct Deadline: Sendable, Comparable {
    /// Nanoseconds since an unspecified point (boot, on Linux) on `CLOCK_MONOTONIC`.
    let uptimeNanoseconds: Int64

    init(uptimeNanoseconds: Int64) {
        self.uptimeNanoseconds = uptimeNanoseconds
    }

    static var now: Deadline {
        Deadline(uptimeNanoseconds: MonotonicClock.nanoseconds())
    }

    /// The deadline `duration` from now; saturates instead of overflowing for huge durations.
    static func after(_ duration: Duration) -> Deadline {
        Deadline(uptimeNanoseconds: MonotonicClock.nanoseconds(after: duration))
    }

    /// The earlier of two deadlines, e.g. a per-read deadline capped by the whole command's.
    static func earliest(_ first: Deadline, _ second: Deadline) -> Deadline {
        first <= second ? first : second
    }

    var hasPassed: Bool {
        Deadline.now >= self
    }

    /// The milliseconds left, as `poll(2)` wants them: never negative, and rounded up so that a wait of
    /// 0.3 ms is not turned into a 0 ms poll that returns at once and makes the caller spin.
    func pollTimeout() -> Int32 {
        let (remaining, overflow) = self.uptimeNanoseconds.subtractingReportingOverflow(
            Deadline.now.uptimeNanoseconds
        )
        if overflow {
            // Only a saturated deadline (`after` a huge duration) can get here: far past or far future.
            return self.uptimeNanoseconds < 0 ? 0 : Int32.max
        }
        if remaining <= 0 {
            return 0
        }
        let milliseconds = remaining / 1_000_000 + (remaining % 1_000_000 == 0 ? 0 : 1)
        return Int32(clamping: milliseconds)
    }

    static func < (lhs: Deadline, rhs: Deadline) -> Bool {
        lhs.uptimeNanoseconds < rhs.uptimeNanoseconds
    }
}
