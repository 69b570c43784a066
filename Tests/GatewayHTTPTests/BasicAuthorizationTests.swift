import Basics
import Foundation
import POP3
import Testing

@testable import GatewayHTTP

@Suite struct BasicAuthorizationTests {
    private static func header(_ text: String, scheme: String = "Basic") -> String {
        "\(scheme) " + Data(text.utf8).base64EncodedString()
    }

    /// User and password split at the first colon; the password may hold colons and UTF-8.
    @Test func readsCredentials() throws {
        let credentials = try BasicAuthorization.credentials(from: Self.header("alice:sé:cret"))
        #expect(credentials.user == "alice")
        #expect(credentials.password == "sé:cret")
        let lower = try BasicAuthorization.credentials(from: Self.header("u:p", scheme: "bASIC"))
        #expect(lower.user == "u")
    }

    /// Every length of input decodes like Foundation's base64 (padding 0, 1 and 2).
    @Test func decodesLikeFoundation() {
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            let encoded = Data(bytes).base64EncodedString()
            #expect(Base64Decoder.decode(encoded.utf8) == bytes)
        }
        #expect(Base64Decoder.decode("QQ=".utf8) == nil)
        #expect(Base64Decoder.decode("Q?==".utf8) == nil)
        #expect(Base64Decoder.decode("QQ==QQ==".utf8) == nil)
    }

    /// Missing, other schemes, garbage, no colon, empty user and control characters are 401s.
    @Test(arguments: [
        nil, "Bearer abc", "Basic", "Basic !!!!", header("no-colon"), header(":password"),
        header("alice\r\nDELE 1:x"), header("alice:pass\u{0}"), header("alice:pa\nss"),
    ])
    func refusesBadHeaders(_ value: String?) {
        #expect(throws: Problem.self) { try BasicAuthorization.credentials(from: value) }
    }

    private static func header(_ text: String) -> String { Self.header(text, scheme: "Basic") }
}
