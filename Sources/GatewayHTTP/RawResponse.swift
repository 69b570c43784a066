import Basics
import HTTPServer

/// `GET /v1/messages/{id}/raw`: the source as `message/rfc822`, whole or one byte range.
enum RawResponse {
    static func streamed(
        tag: EntityTag,
        producer: @escaping @Sendable (HTTPBodyWriter) throws -> Void
    ) -> HTTPResponse {
        HTTPResponse(status: 200, headers: self.headers(tag), body: .stream(contentLength: nil, producer: producer))
    }

    private static func headers(_ tag: EntityTag) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "message/rfc822")
        headers.add(name: "Accept-Ranges", value: "bytes")
        tag.addValidators(to: &headers)
        return headers
    }

    static func make(_ raw: [UInt8], tag: EntityTag, range: String?) -> HTTPResponse {
        RangedBody.response(raw, headers: self.headers(tag), range: range, noun: "message")
    }
}

/// A body in memory answered whole (200), as one byte range (206) or not at all (416), per `Range`.
enum RangedBody {
    /// - Parameter noun: what the body is, for the 416 problem's detail.
    static func response(_ body: [UInt8], headers: HTTPHeaders, range: String?, noun: String) -> HTTPResponse {
        var headers = headers
        switch ByteRange.resolve(range, length: body.count) {
        case .whole:
            return HTTPResponse(status: 200, headers: headers, body: .bytes(body))
        case .partial(let range):
            headers.add(name: "Content-Range", value: range.contentRange(length: body.count))
            return HTTPResponse(status: 206, headers: headers, body: .bytes(Array(body[range.first...range.last])))
        case .unsatisfiable:
            return self.unsatisfiable(length: body.count, noun: noun)
        }
    }

    /// 416 with `Content-Range: bytes */length` (RFC 9110 §15.5.17).
    static func unsatisfiable(length: Int, noun: String) -> HTTPResponse {
        var problem = Problem(
            status: 416,
            code: "range_not_satisfiable",
            title: "Range not satisfiable",
            detail: "the \(noun) has \(length) octets"
        ).response
        problem.headers.add(name: "Content-Range", value: "bytes */\(length)")
        return problem
    }
}
