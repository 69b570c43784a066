import Basics
import COpenSSL
import Synchronization

/// HMAC-SHA-256 under a key drawn at random when the value is made, for identities that must not
/// be reversible or comparable across processes: credential fingerprints and cache file names.
///
/// It lives here because this module is the one importer of OpenSSL.
public struct KeyedDigest: Sendable {
    /// HMAC contexts with the key already set. Setting the key and fetching the algorithms is most of
    /// the cost of a short HMAC, and so is copying a keyed context (`EVP_MAC_CTX_dup` allocates): a
    /// warm GET computes one digest per request. So finished contexts are kept, and `EVP_MAC_init`
    /// with no key rewinds one to the keyed state for the next digest.
    private final class Contexts: @unchecked Sendable {
        // Never changed after init: only copied, which reads it, so concurrent copies are safe.
        private let template: OpaquePointer
        private let idle = Mutex<[Context]>([])

        /// An idle context: one thread uses it at a time, taken out of `idle` under the lock.
        private struct Context: @unchecked Sendable {
            let pointer: OpaquePointer
        }

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
            self.template = context
        }

        deinit {
            for context in self.idle.withLock({ $0 }) { EVP_MAC_CTX_free(context.pointer) }
            EVP_MAC_CTX_free(self.template)
        }

        /// Runs `body` with a context in the keyed state, which it may then use up.
        func withContext<Result>(_ body: (OpaquePointer) -> Result) -> Result {
            let context: OpaquePointer
            if let reused = self.idle.withLock({ $0.popLast() }) {
                context = reused.pointer
            } else {
                guard let copy = EVP_MAC_CTX_dup(self.template) else { preconditionFailure("out of memory") }
                context = copy
            }
            let result = body(context)
            // Rewound, it goes back for the next digest, unless `maxIdle` are already waiting.
            let kept =
                EVP_MAC_init(context, nil, 0, nil) == 1
                && self.idle.withLock { idle in
                    guard idle.count < Self.maxIdle else { return false }
                    idle.append(Context(pointer: context))
                    return true
                }
            if !kept { EVP_MAC_CTX_free(context) }
            return result
        }

        private static let maxIdle = 64
    }

    private let contexts: Contexts

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
        self.contexts = Contexts(key: key)
    }

    /// The 32-byte HMAC-SHA-256 of `message`.
    public func digest(_ message: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 32)
        var length = 0
        let succeeded = self.contexts.withContext { context in
            message.withUnsafeBufferPointer { input in
                EVP_MAC_update(context, input.baseAddress, input.count) == 1
                    && EVP_MAC_final(context, &output, &length, output.count) == 1
            }
        }
        precondition(succeeded && length == 32, "HMAC-SHA-256 failed")
        return output
    }

    /// The digest as 64 lowercase hex digits, safe as a file name.
    public func hexDigest(_ message: [UInt8]) -> String {
        Hex.encode(self.digest(message))
    }

    /// Compares two digests in time that does not depend on where they differ.
    public static func constantTimeEqual(_ first: [UInt8], _ second: [UInt8]) -> Bool {
        guard first.count == second.count else { return false }
        return first.withUnsafeBytes { a in
            second.withUnsafeBytes { b in CRYPTO_memcmp(a.baseAddress, b.baseAddress, a.count) == 0 }
        }
    }
}
