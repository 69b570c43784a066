/// Where the server listens and the limits it enforces.
public struct HTTPServerConfiguration: Sendable {
    /// An IPv4 or IPv6 literal (`127.0.0.1`, `::1`, `[::1]`); the server binds only this address.
    public var host: String
    /// 0 picks a free port; `HTTPServer.port` tells which.
    public var port: Int
    /// MHD's internal thread pool (each thread runs its own epoll loop).
    public var threads: Int
    /// Connections open at once; MHD accepts and immediately closes any beyond it.
    public var connectionLimit: Int
    /// Connections open at once from one client address; beyond it MHD accepts and closes.
    public var perIPConnectionLimit: Int
    /// Idle time after which MHD closes a connection (whole seconds, rounded up; at least 1). Not
    /// counted while a connection is suspended waiting for the application. It is also the longest a
    /// request may take to arrive, from the connection's start or the previous request's end, however
    /// busily the client trickles its bytes (`RequestDeadlines`).
    public var connectionTimeout: Duration
    /// MHD's per-connection memory pool (`MHD_OPTION_CONNECTION_MEMORY_LIMIT`), which holds the
    /// request line and header fields: a bigger head gets a 4xx from MHD (431 for header fields,
    /// 414 for the request target). Chunked response bodies are also framed in this pool.
    public var maxHeaderBytes: Int
    /// Request bodies beyond this get a 413 problem; nothing beyond it is kept in memory.
    public var maxBodyBytes: Int
    /// The buffer between a streaming producer and the socket; a producer writing into a full buffer
    /// blocks.
    public var streamBufferBytes: Int
    /// Serve HTTPS instead of HTTP; nil for plain HTTP.
    public var tls: HTTPServerTLS?

    public init(
        host: String = "127.0.0.1",
        port: Int,
        threads: Int = 2,
        connectionLimit: Int = 1024,
        perIPConnectionLimit: Int = 64,
        connectionTimeout: Duration = .seconds(30),
        maxHeaderBytes: Int = 16 * 1024,
        maxBodyBytes: Int = 1024 * 1024,
        streamBufferBytes: Int = 256 * 1024,
        tls: HTTPServerTLS? = nil
    ) {
        self.host = host
        self.port = port
        self.threads = threads
        self.connectionLimit = connectionLimit
        self.perIPConnectionLimit = perIPConnectionLimit
        self.connectionTimeout = connectionTimeout
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
        self.streamBufferBytes = streamBufferBytes
        self.tls = tls
    }
}
