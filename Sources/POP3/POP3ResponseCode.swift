/// A response code from the start of a status line's text (RFC 2449 §8, RFC 3206).
///
/// Codes are case-insensitive; sub-levels this package does not know are ignored
/// (`[SYS/TEMP/DISK]` is `.systemTemporary`). Unknown codes are kept, not rejected.
public enum POP3ResponseCode: Hashable, Sendable {
    /// `[AUTH]`: the credentials were wrong (RFC 3206).
    case authentication
    /// `[IN-USE]`: the maildrop is locked by another session (RFC 2449).
    case inUse
    /// `[LOGIN-DELAY]`: logged in too recently (RFC 2449).
    case loginDelay
    /// `[SYS/TEMP]`: a temporary system problem (RFC 3206).
    case systemTemporary
    /// `[SYS/PERM]`: a permanent system problem (RFC 3206).
    case systemPermanent
    /// Any other code, as the server spelled it (upper-cased), e.g. `UTF8`.
    case other(String)

    /// Reads the code at the start of `text` (`[IN-USE] mailbox locked`), or nil when there is none.
    public init?<Text: Collection<UInt8>>(leadingIn text: Text) {
        guard text.first == UInt8(ascii: "[") else { return nil }
        let afterBracket = text.index(after: text.startIndex)
        guard let close = text[afterBracket...].firstIndex(of: UInt8(ascii: "]")) else { return nil }
        let body = text[afterBracket..<close]
        guard !body.isEmpty, body.allSatisfy(Self.isCodeByte) else { return nil }
        let levels = body.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self).uppercased() }
        guard levels.allSatisfy({ !$0.isEmpty }) else { return nil }
        switch (levels[0], levels.count > 1 ? levels[1] : nil) {
        case ("AUTH", _): self = .authentication
        case ("IN-USE", _): self = .inUse
        case ("LOGIN-DELAY", _): self = .loginDelay
        case ("SYS", "TEMP"): self = .systemTemporary
        case ("SYS", "PERM"): self = .systemPermanent
        default: self = .other(levels.joined(separator: "/"))
        }
    }

    /// resp-level = 1*(ALPHA / DIGIT / "-"), joined by "/".
    private static func isCodeByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "/"):
            return true
        default:
            return false
        }
    }
}
