import Foundation
import HTTPTypes
import OpenAPIRuntime

/// Header fields as HTTP has them. swift-openapi-runtime percent-encodes the header parameters it sends
/// and percent-decodes the response header fields it reads, as RFC 6570 does for URIs
/// (apple/swift-openapi-generator#857), which makes `Range: bytes=0-9` into `bytes%3D0-9`, an entity tag's
/// quotes into `%22`, and the `%C3%A4` of a `filename*` into `ä`. This middleware undoes both: the
/// gateway gets what the caller wrote, the caller what the gateway sent.
struct VerbatimHeaderFields: ClientMiddleware {
    func intercept(
        _ request: HTTPRequest,
        body: HTTPBody?,
        baseURL: URL,
        operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var request = request
        request.headerFields = HTTPFields(
            request.headerFields.map { HTTPField(name: $0.name, value: $0.value.removingPercentEncoding ?? $0.value) }
        )
        var (response, responseBody) = try await next(request, body, baseURL)
        response.headerFields = HTTPFields(
            response.headerFields.map {
                HTTPField(name: $0.name, value: $0.value.replacingOccurrences(of: "%", with: "%25"))
            }
        )
        return (response, responseBody)
    }
}
