public import POP3
public import POP3Client

/// A keyed hash of a user name and password, so that a pooled session or a cached message is served only
/// to a request that carried the same credentials, without keeping the password itself.
///
/// It is HMAC-SHA-256 (`KeyedDigest`) of `user NUL password`. `==` runs in constant time, so comparing
/// a guess against a stored fingerprint does not reveal how many leading bytes matched. It is not
/// `Hashable` on purpose: a fingerprint is compared, never used as a lookup key.
///
/// Fingerprints are comparable only when made with the same `KeyedDigest`; the pool and the cache are
/// always asked with the user of their own key, so the NUL separator makes the password unambiguous.
public struct CredentialFingerprint: Sendable, Equatable, CustomStringConvertible {
    /// The raw HMAC; internal so that nothing outside this module can print or persist it by accident.
    let bytes: [UInt8]

    /// Computes the fingerprint; do it once per request and hand it to everything that needs it.
    public init(_ credentials: POP3Credentials, using digest: KeyedDigest) {
        var message = Array(credentials.user.utf8)
        message.append(0)
        message.append(contentsOf: credentials.password.utf8)
        self.bytes = digest.digest(message)
    }

    /// A fingerprint read back from the disk cache.
    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    public static func == (lhs: CredentialFingerprint, rhs: CredentialFingerprint) -> Bool {
        KeyedDigest.constantTimeEqual(lhs.bytes, rhs.bytes)
    }

    public var description: String { "CredentialFingerprint(<redacted>)" }
}
