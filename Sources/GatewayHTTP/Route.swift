import POP3

/// The API's routes (openapi.yaml), matched from a method and a still percent-encoded path.
enum Route: Equatable {
    case mailbox
    case listMessages
    case message(id: String)
    case deleteMessage(id: String)
    case rawMessage(id: String)
    case attachment(id: String, attachmentId: String)
    case health
    case ready
    case openAPI

    /// The route for a request, or a 404/405/400 problem.
    static func match(method: String, path: String) throws(Problem) -> Route {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        let get = method == "GET" || method == "HEAD"
        func only(_ route: Route, allowed: [String] = ["GET", "HEAD"]) throws(Problem) -> Route {
            guard allowed.contains(method) else { throw Problem.methodNotAllowed(allowed) }
            return route
        }
        switch Array(segments) {
        case ["healthz"]: return try only(.health)
        case ["readyz"]: return try only(.ready)
        case ["openapi.yaml"]: return try only(.openAPI)
        case ["v1", "mailbox"]: return try only(.mailbox)
        case ["v1", "messages"]: return try only(.listMessages)
        case let parts where parts.count == 3 && parts[0] == "v1" && parts[1] == "messages":
            let id = try Self.messageID(parts[2])
            if get { return .message(id: id) }
            return try only(.deleteMessage(id: id), allowed: ["GET", "HEAD", "DELETE"])
        case let parts where parts.count == 4 && parts[0] == "v1" && parts[1] == "messages" && parts[3] == "raw":
            return try only(.rawMessage(id: try Self.messageID(parts[2])))
        case let parts
        where parts.count == 5 && parts[0] == "v1" && parts[1] == "messages" && parts[3] == "attachments":
            let id = try Self.messageID(parts[2])
            return try only(.attachment(id: id, attachmentId: try Self.attachmentID(parts[4])))
        default:
            throw Problem.notFound("no such route: \(POP3StatusLine.printable(path.utf8))")
        }
    }

    /// Percent-decodes a path segment and checks it is a UIDL: 1–70 characters in 0x21–0x7E (RFC 1939 §7).
    static func messageID(_ segment: Substring) throws(Problem) -> String {
        guard let bytes = PercentEncoding.decode(segment), POP3Listing.isValidUID(bytes) else {
            throw Problem.badRequest("a message id is 1 to 70 printable ASCII characters (percent-encoded in the path)")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Percent-decodes a path segment and checks it is a part id as the MIME parser hands them out: 1–64
    /// characters, numbers without leading zeros joined by dots (`2`, `2.1.3`). Anything else could never
    /// name a part, so it is a 400 rather than a 404.
    static func attachmentID(_ segment: Substring) throws(Problem) -> String {
        let problem = Problem.badRequest(
            "an attachment id is 1 to 64 characters of numbers without leading zeros, joined by dots (e.g. 2.1)"
        )
        guard let bytes = PercentEncoding.decode(segment), (1...64).contains(bytes.count) else { throw problem }
        for number in bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
            guard let first = number.first, first != UInt8(ascii: "0"),
                number.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
            else { throw problem }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// RFC 3986 percent-encoding of path segments.
enum PercentEncoding {
    /// The decoded bytes, or nil for a malformed escape.
    static func decode(_ text: Substring) -> [UInt8]? {
        var output: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                output.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(Self.hexValue), let low = iterator.next().flatMap(Self.hexValue)
            else { return nil }
            output.append(high << 4 | low)
        }
        return output
    }

    /// Encodes everything but RFC 3986 unreserved characters, so an id is always one path segment.
    static func encode(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var output: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                output.append(byte)
            default:
                output += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
