/// An `HTTPResponse` on its way to MHD: a streamed body already has its buffer, which the producer
/// may be filling before MHD asks for the first bytes.
struct PreparedResponse: Sendable {
    enum Body: Sendable {
        case bytes([UInt8])
        case stream(BodyStream, contentLength: Int?)
    }

    var status: Int
    var headers: HTTPHeaders
    var body: Body
}
