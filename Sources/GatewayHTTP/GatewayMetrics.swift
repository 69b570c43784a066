import CoreMetrics
import Gateway
public import Prometheus
import Synchronization

/// The gateway's metrics, kept with swift-metrics in a Prometheus registry of its own and served at
/// `GET /metrics` (text format 0.0.4).
///
/// Request metrics are labelled by route template (`/v1/messages/{id}`, `unmatched`), method (a fixed
/// set, else `other`) and status; POP3 command times by command keyword. No label ever holds an id, a
/// user name or anything else a caller chose. The pool, cache and worker figures are read from their
/// owners' statistics when `/metrics` is asked for.
public final class GatewayMetrics: Sendable {
    /// The registry `/metrics` renders: one per instance, not the process-wide default, so that two
    /// gateways in one process (tests) count apart.
    public let registry: PrometheusCollectorRegistry
    /// Makes swift-metrics handlers in `registry`, with the gateway's histogram buckets; whatever else
    /// should appear in `/metrics` can be instrumented through it.
    public let factory: PrometheusMetricsFactory

    /// Small and cheap to hash: it is looked up on every request.
    private struct RequestKey: Hashable {
        var route: RoutePattern?
        /// Into `methodLabels`; `methodLabels.count` for `other`.
        var method: Int
        var status: Int
    }

    private let requestCounters = Mutex<[RequestKey: CoreMetrics.Counter]>([:])
    private let requestTimers: [RoutePattern?: CoreMetrics.Timer]
    private let commandTimers = Mutex<[String: CoreMetrics.Timer]>([:])
    private let throttled: CoreMetrics.Counter
    private let snapshots: SnapshotMetrics

    /// Seconds: from well under a millisecond (a warm GET) to minutes (a large download).
    static let durationBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .microseconds(2_500), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .milliseconds(2_500), .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(120),
    ]

    /// Methods that get a label of their own; any other is `other`, so a caller cannot make up series.
    static let methodLabels = ["GET", "HEAD", "DELETE", "OPTIONS", "POST", "PUT", "PATCH"]

    public init() {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = Self.durationBuckets
        self.registry = registry
        self.factory = factory
        var timers: [RoutePattern?: CoreMetrics.Timer] = [:]
        for route in RoutePattern.allCases + [nil] {
            timers[route] = CoreMetrics.Timer(
                label: "http_request_duration_seconds",
                dimensions: [("route", route?.template ?? RoutePattern.unmatchedTemplate)],
                factory: factory
            )
        }
        self.requestTimers = timers
        self.throttled = CoreMetrics.Counter(label: "login_throttle_rejections_total", factory: factory)
        self.snapshots = SnapshotMetrics(factory: factory)
    }

    /// Counts one answered request and its time.
    func recordRequest(route: RoutePattern?, method: String, status: Int, duration: Duration) {
        let methodIndex = Self.methodLabels.firstIndex(of: method) ?? Self.methodLabels.count
        let key = RequestKey(route: route, method: methodIndex, status: status)
        let counter = self.requestCounters.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = CoreMetrics.Counter(
                label: "http_requests_total",
                dimensions: [
                    ("route", route?.template ?? RoutePattern.unmatchedTemplate),
                    ("method", methodIndex < Self.methodLabels.count ? method : "other"),
                    ("status", String(status)),
                ],
                factory: self.factory
            )
            counters[key] = counter
            return counter
        }
        counter.increment()
        self.requestTimers[route]?.recordNanoseconds(Self.nanoseconds(duration))
    }

    /// A request refused by the failed-login slowdown.
    func recordThrottled() {
        self.throttled.increment()
    }

    /// Set as `POP3ClientConfiguration.commandObserver`: the time of each POP3 command, by keyword.
    public var pop3CommandObserver: @Sendable (_ keyword: String, _ duration: Duration) -> Void {
        { [self] keyword, duration in
            let timer = self.commandTimers.withLock { timers in
                if let timer = timers[keyword] { return timer }
                let timer = CoreMetrics.Timer(
                    label: "pop3_command_duration_seconds",
                    dimensions: [("command", keyword)],
                    factory: self.factory
                )
                timers[keyword] = timer
                return timer
            }
            timer.recordNanoseconds(Self.nanoseconds(duration))
        }
    }

    /// The Prometheus text exposition of everything, with the pool, cache, worker and throttle figures
    /// read now.
    func render(
        pool: SessionPoolStatistics,
        cache: MessageCacheStatistics,
        workers: (queued: Int, running: Int),
        throttledKeys: Int
    ) -> [UInt8] {
        self.snapshots.update(pool: pool, cache: cache, workers: workers, throttledKeys: throttledKeys)
        return self.registry.emitToBuffer()
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds &* 1_000_000_000 &+ attoseconds / 1_000_000_000
    }
}
