import COpenSSL

/// HMAC-SHA-256 under a key drawn at random when the value is made, for identities that must not
/// be reversible or comparable across processes: credential fingerprints and cache file names.
///
/// It lives here because this module is the one importer of OpenSSL.
public struct KeyedDigest: Sendable {
    /// An HMAC context with the key already set, copied for each digest: setting the key and fetching
    /// the algorithms is most of the cost of a short HMAC, and a warm GET computes one per request.
    private final class Template: @unchecked Sendable {
        // Never changed after init; EVP_MAC_CTX_dup only reads it, so concurrent copies are safe.
        let context: OpaquePointer

        init(key: [UInt8]) {
            let mac = EVP_MAC_fetch(nil, "HMAC", nil)
            defer { EVP_MAC_free(mac) }
            guard let context = EVP_MAC_CTX_new(mac) else { preconditionFailure("OpenSSL has no HMAC") }
            let initialised = "digest".withCString { name in
                "SHA256".withCString { digest in
                    var parameters = [
                        OSSL_PARAM_construct_utf8_string(name, UnsafeMutablePointer(mutating: digest), 0),
                        OSSL_PARAM_construct_end(),
                    ]
                    return key.withUnsafeBufferPointer { key in
                        EVP_MAC_init(context, key.baseAddress, key.count, &parameters) == 1
                    }
                }
            }
            precondition(initialised, "HMAC-SHA-256 could not be set up")
            self.context = context
        }

        deinit {
            EVP_MAC_CTX_free(self.context)
        }
    }

    private let template: Template

    /// A digest under a fresh random 32-byte key.
    public init() {
        var key = [UInt8](repeating: 0, count: 32)
        let drawn = key.withUnsafeMutableBytes { buffer in
            RAND_bytes(buffer.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(buffer.count)) == 1
        }
        // Without randomness fingerprints would be guessable; no gateway is better than that one.
        precondition(drawn, "OpenSSL could not produce random bytes")
        self.init(key: key)
    }

    /// A digest under a given key (tests, and caches that must survive a restart).
    public init(key: [UInt8]) {
        self.template = Template(key: key)
    }

    /// The 32-byte HMAC-SHA-256 of `message`.
    public func digest(_ message: [UInt8]) -> [UInt8] {
        guard let context = EVP_MAC_CTX_dup(self.template.context) else { preconditionFailure("out of memory") }
        defer { EVP_MAC_CTX_free(context) }
        var output = [UInt8](repeating: 0, count: 32)
        var length = 0
        let succeeded = message.withUnsafeBufferPointer { input in
            EVP_MAC_update(context, input.baseAddress, input.count) == 1
                && EVP_MAC_final(context, &output, &length, output.count) == 1
        }
        precondition(succeeded && length == 32, "HMAC-SHA-256 failed")
        return output
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
