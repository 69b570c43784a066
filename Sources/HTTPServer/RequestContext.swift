/// One request's state while MHD works on it.
///
/// Ownership: MHD's URI-log callback creates it and stores one retained reference
/// (`Unmanaged.passRetained`) in the request's `con_cls`; the request-completed callback takes that
/// reference back (`takeRetainedValue`) and clears `con_cls`, so it is released exactly once. MHD
/// runs one connection's callbacks on one thread at a time, so only that thread touches the
/// mutable fields; other threads reach only `exchange`, which has its own lock.
final class RequestContext {
    enum Phase {
        /// MHD has read the request line; the next call brings the header fields.
        case awaitingHeaders
        case receivingBody
        /// The handler ran (or the server answered itself): MHD calls again only to queue.
        case dispatched
    }

    /// The request target exactly as received, before MHD splits and percent-decodes it.
    let target: String
    let exchange: ResponseExchange
    var phase = Phase.awaitingHeaders
    var method = ""
    var headers = HTTPHeaders()
    var remoteAddress = ""
    var memo: ConnectionMemo?
    /// Set with the header fields; every answer carries it as `X-Request-Id`.
    var requestID = ""
    var body: [UInt8] = []
    /// The body went over the limit: what arrived was dropped and the answer will be 413.
    var bodyTooLarge = false

    init(target: String, exchange: ResponseExchange) {
        self.target = target
        self.exchange = exchange
    }
}
