import Gateway
import Testing

@Suite struct LoginThrottleTests {
    let clock = FakePoolClock()
    let alice = LoginThrottle.Key(user: "alice", client: "192.0.2.1")

    func throttle(_ change: (inout LoginThrottle.Configuration) -> Void = { _ in }) -> LoginThrottle {
        var configuration = LoginThrottle.Configuration()
        change(&configuration)
        return LoginThrottle(configuration: configuration, clock: self.clock)
    }

    /// The first failures are free; then each one doubles the wait, up to the cap.
    @Test func delaysDoubleAfterTheFreeFailures() {
        let throttle = self.throttle { $0.maxDelay = .seconds(5) }
        for _ in 0..<3 {
            throttle.recordFailure(self.alice)
            #expect(throttle.retryAfter(self.alice) == nil)
        }
        var waits: [Duration?] = []
        for _ in 0..<5 {
            throttle.recordFailure(self.alice)
            waits.append(throttle.retryAfter(self.alice))
        }
        #expect(waits == [.seconds(1), .seconds(2), .seconds(4), .seconds(5), .seconds(5)])
    }

    /// The wait runs out with time; a success forgets the failures.
    @Test func waitEndsAndSuccessForgets() {
        let throttle = self.throttle()
        for _ in 0..<5 { throttle.recordFailure(self.alice) }
        #expect(throttle.retryAfter(self.alice) == .seconds(2))
        self.clock.advance(by: .milliseconds(1_500))
        #expect(throttle.retryAfter(self.alice) == .milliseconds(500))
        self.clock.advance(by: .milliseconds(500))
        #expect(throttle.retryAfter(self.alice) == nil)
        throttle.recordSuccess(self.alice)
        throttle.recordFailure(self.alice)
        #expect(throttle.retryAfter(self.alice) == nil)
        #expect(throttle.trackedKeys == 1)
    }

    /// Failures older than `forgetAfter` no longer count: the next one is free again.
    @Test func oldFailuresAreForgotten() {
        let throttle = self.throttle { $0.forgetAfter = .seconds(600) }
        for _ in 0..<4 { throttle.recordFailure(self.alice) }
        #expect(throttle.retryAfter(self.alice) == .seconds(1))
        self.clock.advance(by: .seconds(600))
        throttle.recordFailure(self.alice)
        #expect(throttle.retryAfter(self.alice) == nil)
    }

    /// The same user from another address, and another user from the same address, are not slowed down.
    @Test func keysAreUserAndClient() {
        let throttle = self.throttle { $0.freeFailures = 0 }
        throttle.recordFailure(self.alice)
        #expect(throttle.retryAfter(self.alice) != nil)
        #expect(throttle.retryAfter(.init(user: "alice", client: "192.0.2.2")) == nil)
        #expect(throttle.retryAfter(.init(user: "bob", client: "192.0.2.1")) == nil)
    }

    /// A flood of user names keeps at most `maxKeys`, dropping the stalest.
    @Test func memoryIsBounded() {
        let throttle = self.throttle {
            $0.maxKeys = 100
            $0.freeFailures = 0
        }
        for index in 0..<1_000 {
            throttle.recordFailure(.init(user: "user\(index)", client: "198.51.100.7"))
            self.clock.advance(by: .milliseconds(1))
        }
        #expect(throttle.trackedKeys <= 100)
        #expect(throttle.retryAfter(.init(user: "user999", client: "198.51.100.7")) != nil)
        #expect(throttle.retryAfter(.init(user: "user0", client: "198.51.100.7")) == nil)
    }
}
