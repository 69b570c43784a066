import ArgumentParser
import FoundationEssentials
import Gateway
import GatewayHTTP
import HTTPServer
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

    @Option(help: "Seconds an HTTP connection may sit idle. [env: POP3GW_CONNECTION_TIMEOUT]")
    var connectionTimeout: Int = Environment.int("POP3GW_CONNECTION_TIMEOUT", default: 30)

    @Option(help: "PEM certificate chain: serve HTTPS (TLS 1.2 and 1.3) instead of HTTP. [env: POP3GW_TLS_CERT]")
    var tlsCert: String = Environment.string("POP3GW_TLS_CERT", default: "")

    @Option(help: "PEM private key (unencrypted) for --tls-cert. [env: POP3GW_TLS_KEY]")
    var tlsKey: String = Environment.string("POP3GW_TLS_KEY", default: "")

    func validate() throws {
        let positive = [
            self.httpThreads, self.workers, self.maxSessions, self.idleTimeout, self.refreshInterval,
            self.cacheMemory, self.cacheDisk, self.maxMessageSize, self.streamingThreshold, self.connectionTimeout,
        ]
        guard positive.allSatisfy({ $0 > 0 }), self.maxWaiting >= 0 else {
            throw ValidationError("sizes, counts and timeouts must be positive")
        }
        _ = try ListenAddress(self.listen)
        guard self.tlsCert.isEmpty == self.tlsKey.isEmpty else {
            throw ValidationError("--tls-cert and --tls-key go together")
        }
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

        let connector: POP3Connector
        do {
            connector = try POP3Connector(configuration: self.upstream.clientConfiguration())
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
            renderedCacheBudget: (self.cacheMemory << 20) / 4
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
                connectionTimeout: .seconds(self.connectionTimeout),
                tls: try self.serverTLS()
            ),
            handler: { request, responder in api.handle(request, responder) }
        )
        try server.start()
        let scheme = self.tlsCert.isEmpty ? "http" : "https"
        let listening = "\(scheme)://\(address.display(port: server.port))"
        Console.error("pop3-gateway listening on \(listening) for \(service.upstream)\n")

        signals.wait()
        Console.error("pop3-gateway stopping\n")
        server.stop(gracePeriod: .seconds(10))
        workers.shutdown(timeout: .seconds(10))
        service.pool.shutdown(gracePeriod: .seconds(10))
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
