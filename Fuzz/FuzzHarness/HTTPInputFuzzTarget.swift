import Basics
import FoundationEssentials
import GatewayHTTP
import POP3

/// Fuzzes the pure request parsing of GatewayHTTP: the `Authorization: Basic` header, route matching
/// with percent-decoded message ids, percent-encoding, and the `Range` header.
///
/// Input: `selector, parameter, text`; the selector (mod 4) picks the parser, the parameter is the
/// method or the body length, the text (UTF-8, repaired) is the header value or the path.
///
/// Invariants: no crash; Basic credentials are refused only with 401, and accepted ones have a non-empty
/// user name without a colon, no CR, LF or NUL, and survive being encoded again; a route is refused only
/// with 400, 404 or 405, its message id is a valid UIDL, and the path built from it with `PercentEncoding`
/// matches the same route; percent-encoding round-trips any text; a satisfiable range lies inside the body.
public enum HTTPInputFuzzTarget: FuzzTarget {
    public static let name = "http"

    private static let methods = ["GET", "HEAD", "DELETE", "POST", "PUT", "OPTIONS", "get", ""]

    public static func run(_ input: [UInt8]) throws(InvariantViolation) {
        var reader = FuzzInput(input)
        let selector = reader.byte()
        let parameter = reader.byte()
        let text = String(decoding: reader.rest(), as: UTF8.self)
        switch selector % 4 {
        case 0: try self.checkBasicAuthorization(text)
        case 1: try self.checkRoute(method: self.methods[Int(parameter % 8)], path: text)
        case 2: try self.checkPercentEncoding(text)
        default: try self.checkByteRange(text, lengthSelector: parameter)
        }
    }

    private static func checkBasicAuthorization(_ header: String) throws(InvariantViolation) {
        let credentials: POP3Credentials
        do {
            credentials = try BasicAuthorization.credentials(from: header)
        } catch {
            try expect(error.status == 401, "Basic authorization refused with \(error.status)")
            return
        }
        try expect(!credentials.user.isEmpty, "an empty user name was accepted")
        try expect(!credentials.user.contains(":"), "a user name with a colon was accepted")
        let login = Array((credentials.user + ":" + credentials.password).utf8)
        try expect(!login.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0 }, "CR, LF or NUL accepted")
        let again = try? BasicAuthorization.credentials(from: "Basic " + Data(login).base64EncodedString())
        try expect(again == credentials, "credentials do not survive being encoded again")
    }

    private static func checkRoute(method: String, path: String) throws(InvariantViolation) {
        let route: Route
        do {
            route = try Route.match(method: method, path: path)
        } catch {
            try expect([400, 404, 405].contains(error.status), "route refused with \(error.status)")
            return
        }
        let rebuilt: String
        switch route {
        case .message(let id), .deleteMessage(let id):
            rebuilt = "/v1/messages/" + PercentEncoding.encode(id)
        case .rawMessage(let id):
            rebuilt = "/v1/messages/" + PercentEncoding.encode(id) + "/raw"
        case .attachment(let id, let attachmentId):
            rebuilt = "/v1/messages/" + PercentEncoding.encode(id) + "/attachments/" + attachmentId
        case .mailbox, .listMessages, .health, .ready, .metrics, .openAPI:
            return
        }
        switch route {
        case .message(let id), .deleteMessage(let id), .rawMessage(let id), .attachment(let id, _):
            try expect(POP3Listing.isValidUID(id), "route with an invalid message id")
        default:
            break
        }
        let again = try? Route.match(method: method, path: rebuilt)
        try expect(again == route, "\(rebuilt) matches \(String(describing: again)), not \(route)")
    }

    private static func checkPercentEncoding(_ text: String) throws(InvariantViolation) {
        _ = PercentEncoding.decode(text.utf8)
        let encoded = PercentEncoding.encode(text)
        try expect(!encoded.contains("/"), "an encoded id contains a slash")
        try expect(
            PercentEncoding.decode(encoded.utf8) == Array(text.utf8),
            "percent-encoding does not round-trip"
        )
    }

    private static func checkByteRange(_ header: String, lengthSelector: UInt8) throws(InvariantViolation) {
        let lengths = [0, 1, 2, 100, 1 << 20, Int.max - 1, Int.max, Int(lengthSelector)]
        let length = lengths[Int(lengthSelector % 8)]
        switch ByteRange.resolve(header, length: length) {
        case .partial(let range):
            try expect(
                range.first >= 0 && range.first <= range.last && range.last < length && range.count >= 1,
                "range \(range.first)-\(range.last) is outside a body of \(length) bytes"
            )
        case .whole, .unsatisfiable:
            break
        }
    }
}
