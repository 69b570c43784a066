import Glibc

/// `CLOCK_MONOTONIC`: the one clock for every deadline, time-out and wait in the project, so that a
/// wall-clock step (NTP, a manual set) can neither fire a deadline early nor hold it back. Its readings
/// count from an unspecified point (boot, on Linux).
package enum MonotonicClock {
    /// Nanoseconds now.
    package static func nanoseconds() -> Int64 {
        var time = timespec()
        // CLOCK_MONOTONIC cannot fail on Linux with a valid pointer, so the result is not checked.
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) &* 1_000_000_000 &+ Int64(time.tv_nsec)
    }

    /// Now, as a duration.
    package static func now() -> Duration {
        .nanoseconds(self.nanoseconds())
    }

    /// The reading `duration` from now, in nanoseconds; saturates at `Int64.min` or `Int64.max` instead
    /// of overflowing for a huge duration either way.
    package static func nanoseconds(after duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let saturated = seconds < 0 ? Int64.min : Int64.max
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return saturated }
        let (nanoseconds, overflowAddingFraction) = whole.addingReportingOverflow(attoseconds / 1_000_000_000)
        guard !overflowAddingFraction else { return saturated }
        let (sum, overflowAddingNow) = self.nanoseconds().addingReportingOverflow(nanoseconds)
        return overflowAddingNow ? (nanoseconds < 0 ? Int64.min : Int64.max) : sum
    }
}
