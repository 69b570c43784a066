import Basics
import Testing

@Test func readingsNeverGoBack() {
    var last = MonotonicClock.nanoseconds()
    for _ in 0..<1000 {
        let now = MonotonicClock.nanoseconds()
        #expect(now >= last)
        last = now
    }
    #expect(MonotonicClock.now() >= .nanoseconds(last))
}

@Test func afterAddsTheDuration() {
    let before = MonotonicClock.nanoseconds()
    let later = MonotonicClock.nanoseconds(after: .seconds(2) + .milliseconds(500))
    let after = MonotonicClock.nanoseconds()
    #expect(later >= before + 2_500_000_000 && later <= after + 2_500_000_000)
    #expect(MonotonicClock.nanoseconds(after: .seconds(-1)) < before)
}

/// A duration too large for nanoseconds in an Int64, either way, saturates instead of wrapping around.
@Test func hugeDurationsSaturate() {
    #expect(MonotonicClock.nanoseconds(after: .seconds(Int64.max)) == .max)
    #expect(MonotonicClock.nanoseconds(after: .seconds(Int64.min)) == .min)
    #expect(MonotonicClock.nanoseconds(after: .seconds(9_223_372_036)) == .max)
}
