extension HTTPResponse {
    /// An RFC 9457 `application/problem+json` answer for the errors the server itself detects (body
    /// too large, stopping, a dropped responder), with the same fields as the application's problems:
    /// `code` is stable snake_case, as openapi.yaml's `Problem` requires.
    static func problem(status: Int, code: String, title: String, detail: String) -> HTTPResponse {
        let json =
            #"{"type":"about:blank","title":"\#(Self.jsonEscaped(title))","status":\#(status),"#
            + #""detail":"\#(Self.jsonEscaped(detail))","code":"\#(Self.jsonEscaped(code))"}"#
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/problem+json")
        headers.add(name: "Cache-Control", value: "no-store")
        return HTTPResponse(status: status, headers: headers, body: .bytes(Array(json.utf8)))
    }

    /// 503 for a request that arrives, or is still unanswered, while the server stops.
    static var shuttingDown: HTTPResponse {
        .problem(
            status: 503,
            code: "shutting_down",
            title: "Service Unavailable",
            detail: "The server is shutting down; retry the request."
        )
    }

    /// Escapes a string for a JSON string literal (RFC 8259 §7).
    static func jsonEscaped(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            case "\u{00}"..."\u{1F}":
                let hex = String(scalar.value, radix: 16)
                escaped += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
