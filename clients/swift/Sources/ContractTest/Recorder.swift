import Foundation
import HTTPTypes
import OpenAPIRuntime
import Synchronization

/// What one answer carried on the wire.
struct Exchange: Sendable {
    var operationID: String
    var status: Int
    var headerFields: HTTPFields
    var body: [UInt8]
}

/// Keeps each answer's bytes, so that what the generated client decoded can be held against what the
/// gateway sent.
final class Recorder: ClientMiddleware {
    private let exchanges = Mutex<[Exchange]>([])

    func intercept(
        _ request: HTTPRequest,
        body: HTTPBody?,
        baseURL: URL,
        operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let (response, responseBody) = try await next(request, body, baseURL)
        var bytes: [UInt8] = []
        if let responseBody { bytes = try await [UInt8](collecting: responseBody, upTo: 256 << 20) }
        let exchange = Exchange(
            operationID: operationID,
            status: response.status.code,
            headerFields: response.headerFields,
            body: bytes
        )
        exchanges.withLock { $0.append(exchange) }
        return (response, responseBody == nil ? nil : HTTPBody(bytes))
    }

    /// The answer to the latest request.
    var last: Exchange? { exchanges.withLock { $0.last } }

    /// The operations called so far.
    var operationIDs: Set<String> { exchanges.withLock { Set($0.map(\.operationID)) } }
}
