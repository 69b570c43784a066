/// One HTTP request as the handler sees it: head, whole body (up to the configured limit) and
/// the client's address.
public struct HTTPRequest: Sendable {
    /// As sent, e.g. `GET`.
    public var method: String
    /// The request target exactly as received, e.g. `/v1/messages/abc%2F1?limit=5`: not
    /// percent-decoded, because only the router knows where one path segment ends (`%2F`).
    public var target: String
    /// The part of `target` before `?`, still percent-encoded.
    public var path: String
    /// The query parameters in order, with `%XX` and `+` decoded.
    public var query: [(name: String, value: String)]
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// The client's IP address as text, e.g. `127.0.0.1` or `::1`.
    public var remoteAddress: String
    /// The request's id, sent back as `X-Request-Id` on its answer: the caller's `X-Request-Id` when it is
    /// 1 to 128 characters of visible ASCII, else 32 random hex digits.
    public var id: String
    /// The application's memo for the connection the request came on (nil for one made by hand).
    public var connection: ConnectionMemo?

    /// Derives `path` and `query` from `target`; `id` from its `X-Request-Id` header when none is given.
    public init(
        method: String,
        target: String,
        headers: HTTPHeaders = HTTPHeaders(),
        body: [UInt8] = [],
        remoteAddress: String = "",
        id: String? = nil,
        connection: ConnectionMemo? = nil
    ) {
        self.method = method
        self.target = target
        // Searched as bytes: `firstIndex(of: Character)` walks grapheme clusters.
        if let questionMark = target.utf8.firstIndex(of: UInt8(ascii: "?")) {
            self.path = String(target[..<questionMark])
            self.query = QueryParameters.parse(target[target.utf8.index(after: questionMark)...])
        } else {
            self.path = target
            self.query = []
        }
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
        self.id = id ?? RequestID.make(from: headers[RequestID.headerName])
        self.connection = connection
    }

    /// The first value of query parameter `name`, decoded.
    public func queryValue(_ name: String) -> String? {
        self.query.first { $0.name == name }?.value
    }
}
