import Basics

/// Answers one request, once, from any thread.
///
/// Responding from inside the handler (on the MHD thread) sends the answer as soon as the handler
/// returns: good for fast paths such as 404 or `/healthz`. If the handler returns without
/// responding, the connection is suspended until `respond(_:)` is called from another thread; MHD
/// then resumes it and sends the answer. While suspended, MHD notices neither its connection
/// timeout nor a client that went away, so whoever holds the responder must enforce its own
/// deadlines and always respond in the end.
public final class HTTPResponder: Sendable {
    let exchange: ResponseExchange

    init(exchange: ResponseExchange) {
        self.exchange = exchange
    }

    /// Only the first call counts; later ones are ignored, and so is a call after the server answered
    /// 503 for a request that outlived `HTTPServer.stop`'s grace period.
    ///
    /// A `.stream` body's producer runs on the calling thread before this returns (on a new thread
    /// if called from inside the handler, since MHD threads must not block); it always runs, and if
    /// the request is already over its first write throws `HTTPBodyWriter.ClientGone`.
    public func respond(_ response: HTTPResponse) {
        self.exchange.respond(response)
    }

    deinit {
        // A responder dropped unanswered would leave its connection suspended until the server stops.
        // (Ignored when answered, which is almost always: hence a response built once, not per request.)
        self.exchange.respond(Self.dropped)
    }

    private static let dropped = HTTPResponse(
        problem: Problem(
            status: 500,
            code: "no_answer",
            title: "Internal Server Error",
            detail: "The request was dropped without an answer."
        )
    )
}
