public import POP3Client
import Synchronization

/// Downloaded messages and their parsed summaries, so that a message is fetched from upstream once.
///
/// Messages are immutable per (upstream, user, UIDL, size), so entries never go stale; they leave by
/// least-recently-used eviction or `remove(_:)` after a DELETE. Each entry remembers the fingerprint of
/// the credentials of the request that fetched it, and a lookup with any other fingerprint is a miss:
/// a cached message is never served to a wrong password.
///
/// Two namespaces under the same key: raw messages (memory within a byte budget, plus an optional disk
/// tier) and summaries (memory only, within a count). Lookups and stores are thread-safe; the memory
/// lock is held only for O(1) map operations, never across disk I/O.
///
/// Disk tier and restarts: file names and headers use `fileNameDigest`, and the fingerprints come from
/// the caller's per-process `KeyedDigest`, so the disk tier is a per-process spill area and does not
/// survive a restart. That is deliberate: a key kept next to the files would let anyone who can read
/// the directory test password guesses offline against the stored fingerprints (HMAC-SHA-256 is fast),
/// and the users' passwords are worth more than a warm cache after a restart.
public final class MessageCache<Summary: Codable & Sendable>: Sendable {
    /// A class, so that handing one out of the LRU costs one retain, not one per field of a summary.
    private final class Stored<Value: Sendable>: Sendable {
        let value: Value
        let fingerprint: CredentialFingerprint

        init(value: Value, fingerprint: CredentialFingerprint) {
            self.value = value
            self.fingerprint = fingerprint
        }
    }

    private struct Memory {
        var messages = MessageCacheLRU<MessageCacheKey, Stored<[UInt8]>>()
        var summaries = MessageCacheLRU<MessageCacheKey, Stored<Summary>>()
        var counters = MessageCacheStatistics()
    }

    private enum MemoryLookup: Sendable {
        case hit([UInt8])
        case otherCredentials
        case absent
    }

    public let configuration: MessageCacheConfiguration
    private let memory = Mutex(Memory())
    private let disk: MessageCacheDisk?

    /// - Parameter fileNameDigest: names the disk files; a fresh random key by default (per process).
    ///   Two caches on one directory see each other's files only when given the same digest.
    /// - Throws: `MessageCacheError` when `configuration.directory` cannot be created or used.
    public init(
        configuration: MessageCacheConfiguration = MessageCacheConfiguration(),
        fileNameDigest: KeyedDigest = KeyedDigest()
    ) throws(MessageCacheError) {
        self.configuration = configuration
        if let directory = configuration.directory {
            self.disk = try MessageCacheDisk(
                directory: directory,
                budget: configuration.diskBudget,
                digest: fileNameDigest
            )
        } else {
            self.disk = nil
        }
    }

    // MARK: - Raw messages

    /// The message stored for `key` under the same credentials, from memory or else from disk (a disk
    /// hit small enough is brought back into memory).
    public func message(for key: MessageCacheKey, fingerprint: CredentialFingerprint) -> [UInt8]? {
        let result: MemoryLookup = self.memory.withLock { memory in
            guard let stored = memory.messages.peek(key) else { return .absent }
            guard stored.fingerprint == fingerprint else {
                // Memory and disk are written together, so the disk copy has the same fingerprint.
                memory.counters.misses += 1
                return .otherCredentials
            }
            _ = memory.messages.value(for: key)
            memory.counters.memoryHits += 1
            return .hit(stored.value)
        }
        switch result {
        case .hit(let bytes):
            return bytes
        case .otherCredentials:
            return nil
        case .absent:
            break
        }
        guard let bytes = self.disk?.load(key, fingerprint: fingerprint) else {
            self.memory.withLock { $0.counters.misses += 1 }
            return nil
        }
        self.memory.withLock { memory in
            memory.counters.diskHits += 1
            self.keepInMemory(bytes, for: key, fingerprint: fingerprint, in: &memory)
        }
        return bytes
    }

    /// Stores a whole message (never a partial one: the caller stores only after the final `.`).
    /// Writes through to the disk tier, on the calling thread, when there is one.
    public func storeMessage(_ bytes: [UInt8], for key: MessageCacheKey, fingerprint: CredentialFingerprint) {
        self.memory.withLock { self.keepInMemory(bytes, for: key, fingerprint: fingerprint, in: &$0) }
        self.disk?.store(bytes, for: key, fingerprint: fingerprint)
    }

    /// Puts a message in memory if it is at most a quarter of the budget, then evicts the least
    /// recently used until within budget. A bigger one only removes an older copy.
    private func keepInMemory(
        _ bytes: [UInt8],
        for key: MessageCacheKey,
        fingerprint: CredentialFingerprint,
        in memory: inout Memory
    ) {
        guard bytes.count <= self.configuration.memoryBudget / 4 else {
            memory.messages.removeValue(for: key)
            return
        }
        memory.messages.insert(Stored(value: bytes, fingerprint: fingerprint), for: key, cost: bytes.count)
        while memory.messages.totalCost > self.configuration.memoryBudget, memory.messages.removeOldest() != nil {
            memory.counters.memoryEvictions += 1
        }
    }

    // MARK: - Summaries

    /// The summary stored for `key` under the same credentials.
    public func summary(for key: MessageCacheKey, fingerprint: CredentialFingerprint) -> Summary? {
        self.memory.withLock { memory in
            guard let stored = memory.summaries.peek(key), stored.fingerprint == fingerprint else {
                memory.counters.summaryMisses += 1
                return nil
            }
            _ = memory.summaries.value(for: key)
            memory.counters.summaryHits += 1
            return stored.value
        }
    }

    /// Whether a summary for `key` made for these credentials is held; unlike `summary(for:)` it counts
    /// no hit or miss and leaves the use order alone (read-ahead asks before fetching).
    public func hasSummary(for key: MessageCacheKey, fingerprint: CredentialFingerprint) -> Bool {
        self.memory.withLock { $0.summaries.peek(key)?.fingerprint == fingerprint }
    }

    /// Stores a summary, evicting the least recently used beyond `maxSummaries`.
    public func storeSummary(_ summary: Summary, for key: MessageCacheKey, fingerprint: CredentialFingerprint) {
        self.memory.withLock { memory in
            memory.summaries.insert(Stored(value: summary, fingerprint: fingerprint), for: key, cost: 1)
            while memory.summaries.count > max(0, self.configuration.maxSummaries),
                memory.summaries.removeOldest() != nil
            {
                memory.counters.summaryEvictions += 1
            }
        }
    }

    // MARK: - Removal and statistics

    /// Forgets the message and its summary, in memory and on disk (after a DELETE).
    public func remove(_ key: MessageCacheKey) {
        self.memory.withLock { memory in
            memory.messages.removeValue(for: key)
            memory.summaries.removeValue(for: key)
        }
        self.disk?.remove(key)
    }

    /// Gauges and counters as they are now.
    public var statistics: MessageCacheStatistics {
        var snapshot = self.memory.withLock { memory in
            var snapshot = memory.counters
            snapshot.memoryBytes = memory.messages.totalCost
            snapshot.memoryEntries = memory.messages.count
            snapshot.summaryEntries = memory.summaries.count
            return snapshot
        }
        if let disk = self.disk {
            let diskStatistics = disk.statistics
            snapshot.diskBytes = diskStatistics.bytes
            snapshot.diskEntries = diskStatistics.entries
            snapshot.diskEvictions = diskStatistics.evictions
            snapshot.diskWriteFailures = diskStatistics.writeFailures
        }
        return snapshot
    }
}
