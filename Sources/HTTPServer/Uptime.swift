import Glibc

/// Nanoseconds on `CLOCK_MONOTONIC`, the clock `ConditionLock`'s timed waits use.
enum Uptime {
    static func nanoseconds() -> Int64 {
        var time = timespec()
        // Cannot fail on Linux with a valid pointer and a supported clock.
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) &* 1_000_000_000 &+ Int64(time.tv_nsec)
    }

    /// `duration` from now; negative durations count as zero, huge ones saturate.
    static func nanoseconds(after duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0, attoseconds >= 0 else { return self.nanoseconds() }
        let (inNanoseconds, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return .max }
        let (sum, overflowAdding) = self.nanoseconds().addingReportingOverflow(
            inNanoseconds &+ attoseconds / 1_000_000_000
        )
        return overflowAdding ? .max : sum
    }
}
