import COpenSSL

/// HMAC-SHA-256 under a key drawn at random when the value is made, for identities that must not
/// be reversible or comparable across processes: credential fingerprints and cache file names.
///
/// It lives here because this module is the one importer of OpenSSL.
public struct KeyedDigest: Sendable {
    private let key: [UInt8]

    /// A digest under a fresh random 32-byte key.
    public init() {
        var key = [UInt8](repeating: 0, count: 32)
        let drawn = key.withUnsafeMutableBytes { buffer in
            RAND_bytes(buffer.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(buffer.count)) == 1
        }
        // Without randomness fingerprints would be guessable; no gateway is better than that one.
        precondition(drawn, "OpenSSL could not produce random bytes")
        self.key = key
    }

    /// A digest under a given key (tests, and caches that must survive a restart).
    public init(key: [UInt8]) {
        self.key = key
    }

    /// The 32-byte HMAC-SHA-256 of `message`.
    public func digest(_ message: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let succeeded = self.key.withUnsafeBytes { key in
            message.withUnsafeBytes { input in
                HMAC(
                    EVP_sha256(),
                    key.baseAddress,
                    Int32(key.count),
                    input.baseAddress?.assumingMemoryBound(to: UInt8.self),
                    input.count,
                    &output,
                    &length
                ) != nil
            }
        }
        precondition(succeeded, "HMAC-SHA-256 failed")
        return Array(output.prefix(Int(length)))
    }

    /// The digest as 64 lowercase hex digits, safe as a file name.
    public func hexDigest(_ message: [UInt8]) -> String {
        let hexDigits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        for byte in self.digest(message) {
            hex.append(hexDigits[Int(byte >> 4)])
            hex.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// Compares two digests in time that does not depend on where they differ.
    public static func constantTimeEqual(_ first: [UInt8], _ second: [UInt8]) -> Bool {
        guard first.count == second.count else { return false }
        return first.withUnsafeBytes { a in
            second.withUnsafeBytes { b in CRYPTO_memcmp(a.baseAddress, b.baseAddress, a.count) == 0 }
        }
    }
}
