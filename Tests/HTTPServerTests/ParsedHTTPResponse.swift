import HTTPServer

/// A response as `LoopbackHTTPClient` read it off the wire.
struct ParsedHTTPResponse {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8] = []

    var text: String { String(decoding: self.body, as: UTF8.self) }

    /// Parses the status line and header fields (the head ends with an empty line).
    init(head: [UInt8]) throws {
        let lines = String(decoding: head, as: UTF8.self).split(separator: "\r\n", omittingEmptySubsequences: false)
        let statusLine = lines.first ?? ""
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            throw LoopbackHTTPClient.Failure(description: "bad status line '\(statusLine)'")
        }
        self.status = status
        self.headers = HTTPHeaders()
        for line in lines.dropFirst() where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let value = line[line.index(after: colon)...].drop { $0 == " " }
            self.headers.add(name: String(line[..<colon]), value: String(value))
        }
    }
}
