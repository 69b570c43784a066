extension HTTPBodyWriter {
    /// The request this body belongs to is over: the client disconnected or timed out, the server is
    /// stopping, or the declared `Content-Length` has been sent.
    public struct ClientGone: Error, Sendable, CustomStringConvertible {
        public init() {}

        public var description: String {
            "the HTTP request is over; the rest of the body cannot be sent"
        }
    }
}
