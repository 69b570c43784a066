import ArgumentParser
import FoundationEssentials
import Gateway
import GatewayHTTP
import HTTPServer
import Logging
import MIME
import POP3
import POP3Client

/// `pop3-gateway serve`: the HTTP/JSON API in front of one POP3 server.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the HTTP/JSON API in front of a POP3 server.",
        discussion: """
            Callers authenticate with HTTP Basic using their own POP3 user name and password, which the \
            gateway passes to the POP3 server. Every flag --foo-bar can also be set as the environment \
            variable POP3GW_FOO_BAR; a flag on the command line wins.
            """
    )

    @OptionGroup var upstream: UpstreamOptions

    @Option(help: "Address and port to serve HTTP on; an IPv6 address goes in brackets. [env: POP3GW_LISTEN]")
    var listen: String = Environment.string("POP3GW_LISTEN", default: "127.0.0.1:8080")

    @Option(help: "libmicrohttpd threads accepting and answering connections. [env: POP3GW_HTTP_THREADS]")
    var httpThreads: Int = Environment.int("POP3GW_HTTP_THREADS", default: 2)

    @Option(help: "Threads doing upstream POP3 work. [env: POP3GW_WORKERS]")
    var workers: Int = Environment.int("POP3GW_WORKERS", default: 64)

    @Option(help: "Most upstream POP3 sessions open at once, over all mailboxes. [env: POP3GW_MAX_SESSIONS]")
    var maxSessions: Int = Environment.int("POP3GW_MAX_SESSIONS", default: 50)

    @Option(
        help: "Most requests waiting for a session; beyond that the answer is 503 at once. [env: POP3GW_MAX_WAITING]"
    )
    var maxWaiting: Int = Environment.int("POP3GW_MAX_WAITING", default: 200)

    @Option(help: "Seconds an idle upstream session stays open (it locks the mailbox). [env: POP3GW_IDLE_TIMEOUT]")
    var idleTimeout: Int = Environment.int("POP3GW_IDLE_TIMEOUT", default: 15)

    @Option(help: "Seconds after which a listing logs in again to see new mail. [env: POP3GW_REFRESH_INTERVAL]")
    var refreshInterval: Int = Environment.int("POP3GW_REFRESH_INTERVAL", default: 30)

    @Option(help: "MiB of downloaded messages kept in memory. [env: POP3GW_CACHE_MEMORY]")
    var cacheMemory: Int = Environment.int("POP3GW_CACHE_MEMORY", default: 64)

    @Option(help: "Directory for a disk cache of downloaded messages (none if unset). [env: POP3GW_CACHE_DIR]")
    var cacheDir: String = Environment.string("POP3GW_CACHE_DIR", default: "")

    @Option(help: "MiB the disk cache may use. [env: POP3GW_CACHE_DISK]")
    var cacheDisk: Int = Environment.int("POP3GW_CACHE_DISK", default: 1024)

    @Option(help: "MiB: larger messages are not served. [env: POP3GW_MAX_MESSAGE_SIZE]")
    var maxMessageSize: Int = Environment.int("POP3GW_MAX_MESSAGE_SIZE", default: 64)

    @Option(help: "MiB: larger uncached messages are streamed, not held in memory. [env: POP3GW_STREAMING_THRESHOLD]")
    var streamingThreshold: Int = Environment.int("POP3GW_STREAMING_THRESHOLD", default: 4)

    @Option(
        help: """
            Directory where messages over the streaming threshold are spooled to be decoded (bodies, \
            attachments); the files are nameless and vanish when closed. Default: TMPDIR, else /tmp. \
            [env: POP3GW_SPOOL_DIR]
            """
    )
    var spoolDir: String = Environment.string("POP3GW_SPOOL_DIR", default: "")

    @Flag(
        help: """
            Do not fetch the next page's summaries in the background after a listing page (it starts \
            only on the idle session, and never queues or logs in). [env: POP3GW_NO_READ_AHEAD]
            """
    )
    var noReadAhead = Environment.flag("POP3GW_NO_READ_AHEAD")

    @Option(
        help: """
            Seconds an HTTP connection may sit idle, or take to send a whole request however busily it \
            trickles. [env: POP3GW_CONNECTION_TIMEOUT]
            """
    )
    var connectionTimeout: Int = Environment.int("POP3GW_CONNECTION_TIMEOUT", default: 30)

    @Option(help: "Most HTTP connections open at once; more are refused. [env: POP3GW_MAX_CONNECTIONS]")
    var maxConnections: Int = Environment.int("POP3GW_MAX_CONNECTIONS", default: 1024)

    @Option(
        help: "Most HTTP connections open at once from one client address. [env: POP3GW_MAX_CONNECTIONS_PER_IP]"
    )
    var maxConnectionsPerIp: Int = Environment.int("POP3GW_MAX_CONNECTIONS_PER_IP", default: 64)

    @Option(help: "PEM certificate chain: serve HTTPS (TLS 1.2 and 1.3) instead of HTTP. [env: POP3GW_TLS_CERT]")
    var tlsCert: String = Environment.string("POP3GW_TLS_CERT", default: "")

    @Option(help: "PEM private key (unencrypted) for --tls-cert. [env: POP3GW_TLS_KEY]")
    var tlsKey: String = Environment.string("POP3GW_TLS_KEY", default: "")

    @Option(
        help: """
            A web origin (https://app.example.com) whose pages may call the API with credentials (CORS); \
            repeat the flag or separate origins with commas. None by default. [env: POP3GW_CORS_ORIGINS]
            """
    )
    var corsOrigin: [String] = Environment.list("POP3GW_CORS_ORIGINS")

    @Option(
        help: """
            Failed logins in a row a user may have from one client address before each further attempt \
            must wait (1 s, doubling). [env: POP3GW_LOGIN_FAILURES_FREE]
            """
    )
    var loginFailuresFree: Int = Environment.int("POP3GW_LOGIN_FAILURES_FREE", default: 3)

    @Option(help: "Seconds: the longest wait after repeated failed logins. [env: POP3GW_LOGIN_DELAY_MAX]")
    var loginDelayMax: Int = Environment.int("POP3GW_LOGIN_DELAY_MAX", default: 60)

    @Option(help: "Log lines as text or json (one JSON object a line). [env: POP3GW_LOG_FORMAT]")
    var logFormat: String = Environment.string("POP3GW_LOG_FORMAT", default: "text")

    @Option(
        help: """
            Least severe level logged: trace, debug, info (one line per request), notice, warning, error \
            or critical. [env: POP3GW_LOG_LEVEL]
            """
    )
    var logLevel: String = Environment.string("POP3GW_LOG_LEVEL", default: "info")

    func validate() throws {
        let positive = [
            self.httpThreads, self.workers, self.maxSessions, self.idleTimeout, self.refreshInterval,
            self.cacheMemory, self.cacheDisk, self.maxMessageSize, self.streamingThreshold, self.connectionTimeout,
            self.maxConnections, self.maxConnectionsPerIp,
        ]
        guard positive.allSatisfy({ $0 > 0 }), self.maxWaiting >= 0 else {
            throw ValidationError("sizes, counts and timeouts must be positive")
        }
        _ = try ListenAddress(self.listen)
        guard self.tlsCert.isEmpty == self.tlsKey.isEmpty else {
            throw ValidationError("--tls-cert and --tls-key go together")
        }
        guard self.loginFailuresFree >= 0, self.loginDelayMax > 0 else {
            throw ValidationError("--login-failures-free must be 0 or more, --login-delay-max positive")
        }
        _ = try self.logSettings()
        _ = try self.corsPolicy()
    }

    private func logSettings() throws -> (format: ConsoleLogHandler.Format, level: Logger.Level) {
        guard let format = ConsoleLogHandler.Format(rawValue: self.logFormat.lowercased()) else {
            throw ValidationError("--log-format is text or json")
        }
        guard let level = Logger.Level(rawValue: self.logLevel.lowercased()) else {
            throw ValidationError("--log-level is trace, debug, info, notice, warning, error or critical")
        }
        return (format, level)
    }

    private func corsPolicy() throws -> CORSPolicy {
        do {
            return try CORSPolicy(allowedOrigins: self.corsOrigin)
        } catch {
            throw ValidationError("--cors-origin: \(error)")
        }
    }

    private var loginThrottleConfiguration: LoginThrottle.Configuration {
        var configuration = LoginThrottle.Configuration()
        configuration.freeFailures = self.loginFailuresFree
        configuration.maxDelay = .seconds(self.loginDelayMax)
        configuration.baseDelay = min(configuration.baseDelay, configuration.maxDelay)
        return configuration
    }

    /// The certificate and key files, read now so that a wrong path fails at start-up.
    private func serverTLS() throws -> HTTPServerTLS? {
        guard !self.tlsCert.isEmpty else { return nil }
        func contents(_ path: String, _ flag: String) throws -> String {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ValidationError("\(flag): cannot read \(path)")
            }
            return String(decoding: data, as: UTF8.self)
        }
        return HTTPServerTLS(
            certificateChainPEM: try contents(self.tlsCert, "--tls-cert"),
            privateKeyPEM: try contents(self.tlsKey, "--tls-key")
        )
    }

    func run() throws {
        // Writing to a socket the peer closed must be an error, not the end of the process.
        HTTPServer.ignoreSIGPIPE()
        let signals = ShutdownSignals()
        let (logFormat, logLevel) = try self.logSettings()
        LoggingSystem.bootstrap { _ in ConsoleLogHandler(format: logFormat, level: logLevel) }
        let logger = Logger(label: "pop3-gateway")

        let metrics = GatewayMetrics()
        let connector: POP3Connector
        do {
            var clientConfiguration = try self.upstream.clientConfiguration()
            clientConfiguration.commandObserver = metrics.pop3CommandObserver
            connector = try POP3Connector(configuration: clientConfiguration)
        } catch {
            throw ValidationError(error.explanation)
        }
        var configuration = MailboxService.Configuration()
        configuration.pool.maxSessions = self.maxSessions
        configuration.pool.maxWaiting = self.maxWaiting
        configuration.pool.idleTimeout = .seconds(self.idleTimeout)
        configuration.pool.refreshInterval = .seconds(self.refreshInterval)
        configuration.cache.memoryBudget = self.cacheMemory << 20
        configuration.cache.directory = self.cacheDir.isEmpty ? nil : self.cacheDir
        configuration.cache.diskBudget = self.cacheDisk << 20
        configuration.maxMessageSize = self.maxMessageSize << 20
        configuration.streamingThreshold = self.streamingThreshold << 20
        configuration.spoolDirectory = self.spoolDir.isEmpty ? nil : self.spoolDir
        configuration.readAhead = !self.noReadAhead
        do {
            try SpooledMessage.checkDirectory(configuration.effectiveSpoolDirectory)
        } catch {
            throw ValidationError(
                "cannot create temporary files in the spool directory \(configuration.effectiveSpoolDirectory): "
                    + (error.systemDetail ?? "\(error)")
            )
        }
        let service = try MailboxService(connector: connector, configuration: configuration)
        MIMEParser.prepare()
        service.pool.startJanitor()

        let workers = WorkerPool(threads: self.workers, queueLimit: self.maxWaiting + self.workers)
        let api = GatewayAPI(
            service: service,
            workers: workers,
            openAPIDocument: GatewayAPI.openAPIDocument,
            renderedCacheBudget: (self.cacheMemory << 20) / 4,
            metrics: metrics,
            logger: logger,
            cors: try self.corsPolicy(),
            loginThrottle: LoginThrottle(configuration: self.loginThrottleConfiguration)
        ) {
            do {
                _ = try connector.probe()
                return nil
            } catch let error as POP3Error {
                return error.explanation
            } catch {
                return "\(error)"
            }
        }
        let address = try ListenAddress(self.listen)
        let server = HTTPServer(
            configuration: HTTPServerConfiguration(
                host: address.host,
                port: address.port,
                threads: self.httpThreads,
                connectionLimit: self.maxConnections,
                perIPConnectionLimit: self.maxConnectionsPerIp,
                connectionTimeout: .seconds(self.connectionTimeout),
                tls: try self.serverTLS()
            ),
            handler: { request, responder in api.handle(request, responder) }
        )
        try server.start()
        let scheme = self.tlsCert.isEmpty ? "http" : "https"
        logger.info(
            "listening",
            metadata: self.startupSummary(
                address: "\(scheme)://\(address.display(port: server.port))",
                upstream: connector.configuration,
                spoolDirectory: configuration.effectiveSpoolDirectory
            )
        )

        signals.wait()
        logger.info("stopping", metadata: ["grace_period_s": .stringConvertible(10)])
        server.stop(gracePeriod: .seconds(10))
        workers.shutdown(timeout: .seconds(10))
        service.shutdown(gracePeriod: .seconds(10))
        logger.info("stopped")
    }

    /// The effective configuration for the start-up line: where, how big, how long. Paths and switches
    /// only; no password, key or certificate content ever reaches it (the gateway holds no password of its
    /// own, and the TLS key is given as a file it only says is in use).
    private func startupSummary(
        address: String,
        upstream: POP3ClientConfiguration,
        spoolDirectory: String
    ) -> Logger.Metadata {
        let security: String =
            switch upstream.endpoint.security {
            case .implicitTLS: "tls"
            case .startTLS: "stls"
            case .plaintext: "none (--allow-insecure-upstream)"
            }
        func seconds(_ duration: Duration) -> Logger.Metadata.Value {
            .stringConvertible(Int(duration.components.seconds))
        }
        return [
            "version": .string(GatewayVersion.current),
            "address": .string(address),
            "tls": .string(self.tlsCert.isEmpty ? "off" : "on"),
            "upstream": .string(upstream.endpoint.description),
            "upstream_tls": .string(security),
            "upstream_ca": .string(upstream.caFile ?? "system"),
            "upstream_auth": .string(self.upstream.apop ? "apop" : "automatic"),
            "pipelining": .string(upstream.pipelining ? "on" : "off"),
            "connect_timeout_s": seconds(upstream.connectTimeout),
            "command_timeout_s": seconds(upstream.commandTimeout),
            "http_threads": .stringConvertible(self.httpThreads),
            "connection_timeout_s": .stringConvertible(self.connectionTimeout),
            "max_connections": .stringConvertible(self.maxConnections),
            "max_connections_per_ip": .stringConvertible(self.maxConnectionsPerIp),
            "workers": .stringConvertible(self.workers),
            "max_sessions": .stringConvertible(self.maxSessions),
            "max_waiting": .stringConvertible(self.maxWaiting),
            "idle_timeout_s": .stringConvertible(self.idleTimeout),
            "refresh_interval_s": .stringConvertible(self.refreshInterval),
            "cache_memory_mib": .stringConvertible(self.cacheMemory),
            "cache_dir": .string(self.cacheDir.isEmpty ? "none" : self.cacheDir),
            "cache_disk_mib": .stringConvertible(self.cacheDisk),
            "max_message_size_mib": .stringConvertible(self.maxMessageSize),
            "streaming_threshold_mib": .stringConvertible(self.streamingThreshold),
            "spool_dir": .string(spoolDirectory),
            "read_ahead": .string(self.noReadAhead ? "off" : "on"),
            "cors_origins": .array(((try? self.corsPolicy())?.allowedOrigins ?? []).map { .string($0) }),
            "login_failures_free": .stringConvertible(self.loginFailuresFree),
            "login_delay_max_s": .stringConvertible(self.loginDelayMax),
            "log_level": .string(self.logLevel.lowercased()),
        ]
    }
}

/// `host:port` or `[v6]:port`.
struct ListenAddress {
    var host: String
    var port: Int

    init(_ text: String) throws {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else { throw ValidationError("--listen takes host:port, e.g. 127.0.0.1:8080 or [::1]:8080") }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw ValidationError("--listen needs a host, e.g. 0.0.0.0:8080") }
        self.host = host
        self.port = port
    }

    func display(port: Int) -> String { self.host.contains(":") ? "[\(self.host)]:\(port)" : "\(self.host):\(port)" }
}
