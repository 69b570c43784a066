/// What the handler answers: status, header fields and a body that is either in memory or produced
/// while it is sent.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// Sent as given, except that MHD sets `Content-Length` itself (it refuses one from the
    /// application) and adds `Date`.
    public var headers: HTTPHeaders
    public var body: Body

    public enum Body: Sendable {
        /// Sent with a `Content-Length` that MHD computes.
        case bytes([UInt8])
        /// Produced after `respond(_:)` on the responding thread, in chunks with backpressure (see
        /// `HTTPBodyWriter`). With a `contentLength` MHD sends that `Content-Length`: a producer that
        /// ends early leaves a body a client can tell is short, and bytes beyond it are never sent
        /// (writes throw once it is reached and sent). Without one the body is chunked, and a
        /// producer that throws leaves it without its final chunk.
        case stream(contentLength: Int?, producer: @Sendable (HTTPBodyWriter) throws -> Void)
    }

    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: Body = .bytes([])) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}
