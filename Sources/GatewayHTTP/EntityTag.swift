import HTTPServer

/// A strong validator for one representation of one message: messages never change under their id.
struct EntityTag {
    var value: String

    /// - Parameters:
    ///   - kind: the resource: `j` the JSON document, `r` the raw source, `a` an attachment.
    ///   - variant: what else selects the bytes (the JSON document's parameters, the attachment's id);
    ///     it must contain no `"`.
    init(kind: String, id: String, size: Int, variant: String? = nil) {
        let hex = id.utf8.map { String($0, radix: 16) }.joined()
        self.value = "\"\(kind)\(size)-\(hex)\(variant.map { "-" + $0 } ?? "")\""
    }

    /// A 304 when `If-None-Match` names this tag (or is `*`).
    func notModified(_ request: HTTPRequest) -> HTTPResponse? {
        guard let header = request.headers["If-None-Match"] else { return nil }
        let tags = header.split(separator: ",").map { $0.trimmingPrefix("W/").filter { $0 != " " } }
        guard tags.contains(where: { $0 == "*" || $0 == self.value }) else { return nil }
        var response = HTTPResponse(status: 304)
        self.addValidators(to: &response.headers)
        return response
    }

    func addValidators(to headers: inout HTTPHeaders) {
        headers.add(name: "ETag", value: self.value)
        headers.add(name: "Cache-Control", value: "private")
    }
}
