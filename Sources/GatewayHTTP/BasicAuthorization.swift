import Foundation
import POP3

/// Reads HTTP Basic credentials (RFC 7617) from an `Authorization` header value.
enum BasicAuthorization {
    /// The credentials, or a 401 problem that says what was wrong (never echoing the header).
    static func credentials(from header: String?) throws(Problem) -> POP3Credentials {
        guard let header else { throw .unauthorized("this API needs HTTP Basic credentials: the mailbox's POP3 login") }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "basic" else {
            throw .unauthorized("only the Basic authorization scheme is supported")
        }
        guard let decoded = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces)),
            let text = String(bytes: decoded, encoding: .utf8),
            let colon = text.firstIndex(of: ":")
        else {
            throw .unauthorized("malformed Basic credentials")
        }
        let user = String(text[..<colon])
        let password = String(text[text.index(after: colon)...])
        guard !user.isEmpty else { throw .unauthorized("empty user name") }
        // CR, LF or NUL could never be a POP3 login; refusing them here keeps them off the upstream socket.
        guard !(user + password).unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) else {
            throw .unauthorized("user name or password contains a control character")
        }
        return POP3Credentials(user: user, password: password)
    }
}
