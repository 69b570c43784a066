import Basics
import HTTPServer
import Testing

@testable import GatewayHTTP

@Suite struct MessageParametersTests {
    /// Both bodies, whole, when nothing is asked; each selection names its own variant.
    @Test func defaultsAndVariants() throws {
        let defaults = try MessageParameters(HTTPRequest(method: "GET", target: "/v1/messages/x"))
        #expect(defaults.textType == .both && defaults.maxBytes == nil)
        #expect(defaults.variant == "both")
        let plain = try MessageParameters(
            HTTPRequest(method: "GET", target: "/v1/messages/x?maxBytes=10&textType=plain")
        )
        #expect(plain.includesText && !plain.includesHTML)
        #expect(plain.variant == "plain.10")
        let html = try MessageParameters(HTTPRequest(method: "GET", target: "/v1/messages/x?textType=html&other=1"))
        #expect(!html.includesText && html.includesHTML)
    }

    /// Out-of-range or malformed values are 400.
    @Test(arguments: ["textType=text", "maxBytes=0", "maxBytes=67108865", "maxBytes=x", "maxBytes=%31%30a"])
    func rejects(_ query: String) {
        #expect(throws: Problem.self) { try MessageParameters(HTTPRequest(method: "GET", target: "/m?\(query)")) }
    }

    /// Bodies are cut to the byte budget at a scalar boundary, never inside a multibyte character.
    @Test func excerpts() {
        #expect(Self.excerpt("abc", nil) == ("abc", false))
        #expect(Self.excerpt("abc", 3) == ("abc", false))
        #expect(Self.excerpt("abc", 2) == ("ab", true))
        // "€" is 3 bytes, "😀" 4.
        #expect(Self.excerpt("a€b", 1) == ("a", true))
        #expect(Self.excerpt("a€b", 3) == ("a", true))
        #expect(Self.excerpt("a€b", 4) == ("a€", true))
        #expect(Self.excerpt("😀", 3) == ("", true))
        #expect(Self.excerpt("e\u{301}x", 2) == ("e", true))
    }

    private static func excerpt(_ text: String, _ maxBytes: Int?) -> (String, Bool) {
        let excerpt = TextExcerpt(text, maxBytes: maxBytes)
        return (excerpt.content, excerpt.hasMore)
    }

    /// Attachment ids are numbers without leading zeros joined by dots, 1 to 8,192 characters (GMime nests
    /// 1,024 levels deep: a 100-level id is 199 characters).
    @Test func attachmentRoutes() throws {
        #expect(
            try Route.match(method: "GET", path: "/v1/messages/abc/attachments/2.1.3")
                == .attachment(id: "abc", attachmentId: "2.1.3")
        )
        #expect(
            try Route.match(method: "HEAD", path: "/v1/messages/a%2Fb/attachments/%32")
                == .attachment(id: "a/b", attachmentId: "2")
        )
        let deepest = Array(repeating: "1", count: 1024).joined(separator: ".")
        #expect(
            try Route.match(method: "GET", path: "/v1/messages/abc/attachments/\(deepest)")
                == .attachment(id: "abc", attachmentId: deepest)
        )
        for bad in ["0", "01", "1..2", ".1", "1.", "x", "", String(repeating: "1", count: 8193)] {
            #expect(throws: Problem.self, "\(bad)") {
                try Route.match(method: "GET", path: "/v1/messages/abc/attachments/\(bad)")
            }
        }
        #expect(
            throws: Problem.badRequest(
                "a message id is 1 to 70 printable ASCII characters (percent-encoded in the path)"
            )
        ) {
            try Route.match(method: "GET", path: "/v1/messages/a%20b/attachments/2")
        }
        #expect(throws: Problem.methodNotAllowed(["GET", "HEAD", "OPTIONS"])) {
            try Route.match(method: "DELETE", path: "/v1/messages/abc/attachments/2")
        }
    }
}
