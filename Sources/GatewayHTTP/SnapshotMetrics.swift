import CoreMetrics
import Gateway
import Prometheus
import Synchronization

/// The metrics that mirror another component's statistics snapshot: gauges are set to the snapshot,
/// counters advanced by how much the snapshot's counter grew since the last scrape.
final class SnapshotMetrics: Sendable {
    private struct Mirrored: Sendable {
        var counter: CoreMetrics.Counter
        var value: @Sendable (SessionPoolStatistics, MessageCacheStatistics) -> Int
    }

    private struct Gauged: Sendable {
        var gauge: CoreMetrics.Gauge
        var value: @Sendable (SessionPoolStatistics, MessageCacheStatistics) -> Int
    }

    private let counters: [Mirrored]
    private let gauges: [Gauged]
    private let workersQueued: CoreMetrics.Gauge
    private let workersRunning: CoreMetrics.Gauge
    private let throttleKeys: CoreMetrics.Gauge
    /// The counters' values at the last scrape; the lock also keeps two scrapes from adding twice.
    private let lastSeen: Mutex<[Int]>

    init(factory: PrometheusMetricsFactory) {
        func counter(
            _ label: String,
            _ dimensions: [(String, String)] = [],
            _ value: @escaping @Sendable (SessionPoolStatistics, MessageCacheStatistics) -> Int
        ) -> Mirrored {
            Mirrored(counter: CoreMetrics.Counter(label: label, dimensions: dimensions, factory: factory), value: value)
        }
        func gauge(
            _ label: String,
            _ dimensions: [(String, String)] = [],
            _ value: @escaping @Sendable (SessionPoolStatistics, MessageCacheStatistics) -> Int
        ) -> Gauged {
            Gauged(gauge: CoreMetrics.Gauge(label: label, dimensions: dimensions, factory: factory), value: value)
        }
        self.counters = [
            counter("pop3_logins_total", [("result", "ok")]) { pool, _ in pool.loginsSucceeded },
            counter("pop3_logins_total", [("result", "failed")]) { pool, _ in pool.loginsFailed },
            counter("upstream_sessions_reused_total") { pool, _ in pool.sessionsReused },
            counter("upstream_sessions_closed_total", [("reason", "idle")]) { pool, _ in pool.sessionsExpired },
            counter("upstream_sessions_closed_total", [("reason", "evicted")]) { pool, _ in pool.sessionsEvicted },
            counter("upstream_sessions_closed_total", [("reason", "replaced")]) { pool, _ in pool.sessionsReplaced },
            counter("upstream_sessions_closed_total", [("reason", "dropped")]) { pool, _ in pool.sessionsDropped },
            counter("upstream_requests_rejected_total", [("reason", "queue_full")]) { pool, _ in
                pool.requestsRejected
            },
            counter("upstream_requests_rejected_total", [("reason", "queue_timeout")]) { pool, _ in
                pool.requestsTimedOut
            },
            counter("message_cache_hits_total", [("tier", "memory")]) { _, cache in cache.memoryHits },
            counter("message_cache_hits_total", [("tier", "disk")]) { _, cache in cache.diskHits },
            counter("message_cache_misses_total") { _, cache in cache.misses },
            counter("message_cache_evictions_total", [("tier", "memory")]) { _, cache in cache.memoryEvictions },
            counter("message_cache_evictions_total", [("tier", "disk")]) { _, cache in cache.diskEvictions },
            counter("message_cache_disk_write_failures_total") { _, cache in cache.diskWriteFailures },
            counter("summary_cache_hits_total") { _, cache in cache.summaryHits },
            counter("summary_cache_misses_total") { _, cache in cache.summaryMisses },
            counter("summary_cache_evictions_total") { _, cache in cache.summaryEvictions },
        ]
        self.gauges = [
            gauge("upstream_sessions_open") { pool, _ in pool.openSessions },
            gauge("upstream_sessions_idle") { pool, _ in pool.idleSessions },
            gauge("upstream_sessions_borrowed") { pool, _ in pool.borrowedSessions },
            gauge("upstream_requests_queued") { pool, _ in pool.waitingRequests },
            gauge("message_cache_bytes", [("tier", "memory")]) { _, cache in cache.memoryBytes },
            gauge("message_cache_bytes", [("tier", "disk")]) { _, cache in cache.diskBytes },
            gauge("message_cache_entries", [("tier", "memory")]) { _, cache in cache.memoryEntries },
            gauge("message_cache_entries", [("tier", "disk")]) { _, cache in cache.diskEntries },
            gauge("summary_cache_entries") { _, cache in cache.summaryEntries },
        ]
        self.workersQueued = CoreMetrics.Gauge(label: "worker_jobs_queued", factory: factory)
        self.workersRunning = CoreMetrics.Gauge(label: "worker_jobs_running", factory: factory)
        self.throttleKeys = CoreMetrics.Gauge(label: "login_throttle_tracked_keys", factory: factory)
        self.lastSeen = Mutex(Array(repeating: 0, count: self.counters.count))
    }

    func update(
        pool: SessionPoolStatistics,
        cache: MessageCacheStatistics,
        workers: (queued: Int, running: Int),
        throttledKeys: Int
    ) {
        self.lastSeen.withLock { lastSeen in
            for (index, mirrored) in self.counters.enumerated() {
                let value = mirrored.value(pool, cache)
                if value > lastSeen[index] {
                    mirrored.counter.increment(by: value - lastSeen[index])
                    lastSeen[index] = value
                }
            }
            for gauged in self.gauges {
                gauged.gauge.record(gauged.value(pool, cache))
            }
            self.workersQueued.record(workers.queued)
            self.workersRunning.record(workers.running)
            self.throttleKeys.record(throttledKeys)
        }
    }
}
