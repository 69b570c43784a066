/// A snapshot of a `MessageCache`'s gauges and counters, for `/metrics`.
public struct MessageCacheStatistics: Hashable, Sendable {
    /// Counter: raw messages served from memory.
    public var memoryHits = 0
    /// Counter: raw messages served from disk.
    public var diskHits = 0
    /// Counter: raw-message lookups that found nothing usable (absent, or stored under other credentials).
    public var misses = 0
    /// Gauge: bytes of raw messages in memory.
    public var memoryBytes = 0
    /// Gauge: raw messages in memory.
    public var memoryEntries = 0
    /// Counter: raw messages evicted from memory to stay within the budget.
    public var memoryEvictions = 0
    /// Gauge: bytes of cache files on disk, headers included.
    public var diskBytes = 0
    /// Gauge: cache files on disk.
    public var diskEntries = 0
    /// Counter: cache files deleted to stay within the disk budget.
    public var diskEvictions = 0
    /// Counter: cache files that could not be written (full disk, permissions); the cache goes on without.
    public var diskWriteFailures = 0
    /// Counter: summaries served from memory.
    public var summaryHits = 0
    /// Counter: summary lookups that found nothing usable.
    public var summaryMisses = 0
    /// Gauge: summaries in memory.
    public var summaryEntries = 0
    /// Counter: summaries evicted to stay within `maxSummaries`.
    public var summaryEvictions = 0
}
