import Synchronization

/// Slows down repeated failed logins per (user, client address), so that the gateway cannot be used to
/// guess passwords against the POP3 server faster than a client could there itself.
///
/// After `freeFailures` failures in a row, each further attempt must wait: `baseDelay`, doubling with
/// every failure, up to `maxDelay`. A caller asks `retryAfter` before going upstream and answers 429
/// with that delay instead; the upstream is not asked. A success forgets the key. Keys that saw no
/// failure for `forgetAfter` are dropped, and at most `maxKeys` are kept (the stalest go first), so a
/// flood of made-up user names costs bounded memory.
public final class LoginThrottle: Sendable {
    public struct Configuration: Sendable {
        public var freeFailures = 3
        public var baseDelay: Duration = .seconds(1)
        public var maxDelay: Duration = .seconds(60)
        public var forgetAfter: Duration = .seconds(15 * 60)
        public var maxKeys = 10_000

        public init() {}
    }

    public struct Key: Hashable, Sendable {
        public var user: String
        public var client: String

        public init(user: String, client: String) {
            self.user = user
            self.client = client
        }
    }

    private struct Record {
        var failures: Int
        var lastFailure: Duration
        var blockedUntil: Duration
    }

    private let configuration: Configuration
    private let clock: any PoolClock
    private let records = Mutex<[Key: Record]>([:])
    /// `records.count`, readable without the lock: while no key has failed, which is nearly always,
    /// `retryAfter` and `recordSuccess` (twice per request) cost one atomic load, not the lock and two
    /// hashes of the key.
    private let recordCount = Atomic<Int>(0)

    public init(configuration: Configuration = Configuration(), clock: any PoolClock = MonotonicPoolClock()) {
        self.configuration = configuration
        self.clock = clock
    }

    /// How long this key must still wait before its next login attempt; nil when it may go ahead.
    public func retryAfter(_ key: Key) -> Duration? {
        guard self.recordCount.load(ordering: .acquiring) > 0 else { return nil }
        let now = self.clock.now()
        return self.records.withLock { records in
            guard let record = records[key], record.blockedUntil > now else { return nil }
            return record.blockedUntil - now
        }
    }

    /// Counts a failed login (the upstream refused the credentials).
    public func recordFailure(_ key: Key) {
        let now = self.clock.now()
        self.records.withLock { records in
            var record = records[key] ?? Record(failures: 0, lastFailure: now, blockedUntil: now)
            // Failures that long ago are forgotten, whether or not pruning has dropped them yet: a user's
            // typo of last week must not make today's one wait.
            if now - record.lastFailure >= self.configuration.forgetAfter {
                record.failures = 0
            }
            record.failures += 1
            record.lastFailure = now
            let excess = record.failures - self.configuration.freeFailures
            if excess > 0 {
                record.blockedUntil = now + self.delay(afterExcessFailures: excess)
            }
            records[key] = record
            if records.count > self.configuration.maxKeys {
                self.prune(&records, now: now)
            }
            self.recordCount.store(records.count, ordering: .releasing)
        }
    }

    /// Forgets the key's failures (the upstream accepted the credentials).
    public func recordSuccess(_ key: Key) {
        guard self.recordCount.load(ordering: .acquiring) > 0 else { return }
        self.records.withLock { records in
            guard records.removeValue(forKey: key) != nil else { return }
            self.recordCount.store(records.count, ordering: .releasing)
        }
    }

    /// Keys being tracked, for metrics and tests.
    public var trackedKeys: Int {
        self.records.withLock { $0.count }
    }

    /// `baseDelay` doubled for each failure beyond the free ones, capped at `maxDelay`.
    private func delay(afterExcessFailures excess: Int) -> Duration {
        let doublings = min(excess - 1, 30)
        return min(self.configuration.baseDelay * (1 << doublings), self.configuration.maxDelay)
    }

    /// Drops keys idle for `forgetAfter`, then the stalest down to 90 % of `maxKeys`, so that a flood
    /// prunes (and sorts) once every tenth of the limit, not on every failure.
    private func prune(_ records: inout [Key: Record], now: Duration) {
        records = records.filter { now - $0.value.lastFailure < self.configuration.forgetAfter }
        let excess = records.count - self.configuration.maxKeys * 9 / 10
        guard excess > 0 else { return }
        for key in records.sorted(by: { $0.value.lastFailure < $1.value.lastFailure }).prefix(excess).map(\.key) {
            records.removeValue(forKey: key)
        }
    }
}
