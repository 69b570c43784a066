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

/// Sends the caller's Basic credentials with every request and keeps each answer's bytes, so that what the
/// generated client decoded can be held against what the gateway sent.
final class Recorder: ClientMiddleware {
    private let authorization: String?
    private let exchanges = Mutex<[Exchange]>([])

    /// Without `user`, requests go without credentials.
    init(user: String?, password: String = "") {
        authorization = user.map { "Basic " + Data("\($0):\(password)".utf8).base64EncodedString() }
    }

    func intercept(
        _ request: HTTPRequest,
        body: HTTPBody?,
        baseURL: URL,
        operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var request = request
        if let authorization { request.headerFields[.authorization] = authorization }
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
