import Foundation
import HTTPTypes
import OpenAPIRuntime

/// The caller's Basic credentials on every request: the generated client does not apply the document's
/// `securitySchemes` itself.
struct BasicAuthorization: ClientMiddleware {
    private let value: String

    init(user: String, password: String) {
        value = "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    }

    func intercept(
        _ request: HTTPRequest,
        body: HTTPBody?,
        baseURL: URL,
        operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var request = request
        request.headerFields[.authorization] = value
        return try await next(request, body, baseURL)
    }
}
