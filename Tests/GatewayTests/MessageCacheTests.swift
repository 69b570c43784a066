import POP3
import POP3Client
import Synchronization
import Testing

@testable import Gateway

/// The message cache's memory tier: LRU within a byte budget, credentials checks, summaries, removal,
/// and concurrent use.
@Suite struct MessageCacheTests {
    struct Summary: Codable, Sendable, Equatable {
        var subject: String
    }

    static let digest = KeyedDigest()
    static let right = CredentialFingerprint(POP3Credentials(user: "alice", password: "right"), using: digest)
    static let wrong = CredentialFingerprint(POP3Credentials(user: "alice", password: "wrong"), using: digest)

    static func key(_ uidl: String, size: Int = 100) -> MessageCacheKey {
        MessageCacheKey(upstream: "pop3s://mail.example:995", user: "alice", uidl: uidl, size: size)
    }

    static func makeCache(memoryBudget: Int = 1_000, maxSummaries: Int = 100) throws -> MessageCache<Summary> {
        var configuration = MessageCacheConfiguration()
        configuration.memoryBudget = memoryBudget
        configuration.maxSummaries = maxSummaries
        return try MessageCache(configuration: configuration)
    }

    /// Beyond the byte budget the least recently used message goes first; a lookup makes one recent.
    @Test func leastRecentlyUsedIsEvictedFirst() throws {
        let cache = try Self.makeCache(memoryBudget: 1_000)
        for index in 1...4 {
            cache.storeMessage(
                [UInt8](repeating: UInt8(index), count: 200),
                for: Self.key("m\(index)"),
                fingerprint: Self.right
            )
        }
        #expect(cache.message(for: Self.key("m1"), fingerprint: Self.right) != nil)
        cache.storeMessage([UInt8](repeating: 5, count: 200), for: Self.key("m5"), fingerprint: Self.right)
        #expect(cache.statistics.memoryBytes == 1_000)
        #expect(cache.statistics.memoryEvictions == 0)

        cache.storeMessage([UInt8](repeating: 6, count: 200), for: Self.key("m6"), fingerprint: Self.right)
        #expect(cache.statistics.memoryEvictions == 1)
        #expect(cache.message(for: Self.key("m2"), fingerprint: Self.right) == nil)
        cache.storeMessage([UInt8](repeating: 7, count: 250), for: Self.key("m7"), fingerprint: Self.right)
        // 1,250 bytes: m3 and m4, now the least recently used, make room.
        #expect(cache.message(for: Self.key("m3"), fingerprint: Self.right) == nil)
        #expect(cache.message(for: Self.key("m4"), fingerprint: Self.right) == nil)
        for survivor in ["m1", "m5", "m6"] {
            #expect(cache.message(for: Self.key(survivor), fingerprint: Self.right)?.count == 200)
        }
        #expect(cache.message(for: Self.key("m7"), fingerprint: Self.right) == [UInt8](repeating: 7, count: 250))
        #expect(cache.statistics.memoryBytes == 850)
        #expect(cache.statistics.memoryEntries == 4)
        #expect(cache.statistics.memoryEvictions == 3)
    }

    /// A message larger than a quarter of the budget is not kept in memory; one of exactly a quarter is.
    @Test func oversizeMessagesAreNotKeptInMemory() throws {
        let cache = try Self.makeCache(memoryBudget: 1_000)
        cache.storeMessage([UInt8](repeating: 1, count: 251), for: Self.key("big"), fingerprint: Self.right)
        cache.storeMessage([UInt8](repeating: 2, count: 250), for: Self.key("fits"), fingerprint: Self.right)
        #expect(cache.message(for: Self.key("big"), fingerprint: Self.right) == nil)
        #expect(cache.message(for: Self.key("fits"), fingerprint: Self.right)?.count == 250)
        #expect(cache.statistics.memoryBytes == 250)
    }

    /// A lookup with other credentials' fingerprint is a miss, for messages and summaries alike.
    @Test func anotherFingerprintIsAMiss() throws {
        let cache = try Self.makeCache()
        cache.storeMessage(Array("hello".utf8), for: Self.key("m1"), fingerprint: Self.right)
        cache.storeSummary(Summary(subject: "hi"), for: Self.key("m1"), fingerprint: Self.right)
        #expect(cache.message(for: Self.key("m1"), fingerprint: Self.wrong) == nil)
        #expect(cache.summary(for: Self.key("m1"), fingerprint: Self.wrong) == nil)
        #expect(cache.message(for: Self.key("m1"), fingerprint: Self.right) == Array("hello".utf8))
        #expect(cache.summary(for: Self.key("m1"), fingerprint: Self.right) == Summary(subject: "hi"))
        let statistics = cache.statistics
        #expect(statistics.misses == 1)
        #expect(statistics.memoryHits == 1)
        #expect(statistics.summaryMisses == 1)
        #expect(statistics.summaryHits == 1)
    }

    /// The same UIDL with another size, user or upstream is another entry.
    @Test func everyKeyFieldCounts() throws {
        let cache = try Self.makeCache()
        cache.storeMessage([1], for: Self.key("m1", size: 100), fingerprint: Self.right)
        #expect(cache.message(for: Self.key("m1", size: 101), fingerprint: Self.right) == nil)
        let bob = MessageCacheKey(upstream: "pop3s://mail.example:995", user: "bob", uidl: "m1", size: 100)
        #expect(cache.message(for: bob, fingerprint: Self.right) == nil)
        let elsewhere = MessageCacheKey(upstream: "pop3s://other.example:995", user: "alice", uidl: "m1", size: 100)
        #expect(cache.message(for: elsewhere, fingerprint: Self.right) == nil)
    }

    /// Summaries are kept up to `maxSummaries`, least recently used out first.
    @Test func summariesAreBoundedByCount() throws {
        let cache = try Self.makeCache(maxSummaries: 2)
        cache.storeSummary(Summary(subject: "1"), for: Self.key("m1"), fingerprint: Self.right)
        cache.storeSummary(Summary(subject: "2"), for: Self.key("m2"), fingerprint: Self.right)
        #expect(cache.summary(for: Self.key("m1"), fingerprint: Self.right) != nil)
        cache.storeSummary(Summary(subject: "3"), for: Self.key("m3"), fingerprint: Self.right)
        #expect(cache.summary(for: Self.key("m2"), fingerprint: Self.right) == nil)
        #expect(cache.summary(for: Self.key("m1"), fingerprint: Self.right) == Summary(subject: "1"))
        #expect(cache.summary(for: Self.key("m3"), fingerprint: Self.right) == Summary(subject: "3"))
        #expect(cache.statistics.summaryEntries == 2)
        #expect(cache.statistics.summaryEvictions == 1)
    }

    /// `remove` forgets the message and its summary.
    @Test func removeForgetsBothNamespaces() throws {
        let cache = try Self.makeCache()
        cache.storeMessage([1, 2, 3], for: Self.key("m1"), fingerprint: Self.right)
        cache.storeSummary(Summary(subject: "s"), for: Self.key("m1"), fingerprint: Self.right)
        cache.remove(Self.key("m1"))
        #expect(cache.message(for: Self.key("m1"), fingerprint: Self.right) == nil)
        #expect(cache.summary(for: Self.key("m1"), fingerprint: Self.right) == nil)
        #expect(cache.statistics.memoryBytes == 0)
    }

    /// Eight threads storing and reading overlapping keys always read what was stored, within budget.
    @Test func concurrentAccessFromEightThreads() throws {
        let cache = try Self.makeCache(memoryBudget: 8_000)
        let requests = (0..<8).map { thread in
            FakeRequest { () -> Int in
                var wrongReads = 0
                for round in 0..<500 {
                    let index = (thread * 7 + round * 13) % 40
                    let key = Self.key("m\(index)", size: 100 + index)
                    let expected = [UInt8](repeating: UInt8(index), count: 100 + index)
                    if let found = cache.message(for: key, fingerprint: Self.right) {
                        wrongReads += found == expected ? 0 : 1
                    } else {
                        cache.storeMessage(expected, for: key, fingerprint: Self.right)
                    }
                    if round % 50 == 0 {
                        cache.remove(key)
                    }
                }
                return wrongReads
            }
        }
        for request in requests {
            #expect(try request.finish().get() == 0)
        }
        let statistics = cache.statistics
        #expect(statistics.memoryBytes <= 8_000)
        #expect(statistics.memoryHits + statistics.misses == 8 * 500)
    }

    /// The LRU map keeps use order and cost through inserts, lookups, replacements and removals.
    @Test func lruMapKeepsOrderAndCost() {
        var map = MessageCacheLRU<String, Int>()
        map.insert(1, for: "a", cost: 10)
        map.insert(2, for: "b", cost: 20)
        map.insert(3, for: "c", cost: 30)
        #expect(map.value(for: "a") == 1)
        #expect(map.keysFromOldest == ["b", "c", "a"])
        map.insert(4, for: "b", cost: 5)
        #expect(map.keysFromOldest == ["c", "a", "b"])
        #expect(map.totalCost == 45)
        #expect(map.removeOldest()?.key == "c")
        #expect(map.removeValue(for: "b") == 4)
        map.insert(5, for: "d", cost: 1)
        #expect(map.keysFromOldest == ["a", "d"])
        #expect(map.totalCost == 11)
        #expect(map.count == 2)
    }
}
