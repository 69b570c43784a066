import Basics
import COpenSSL

/// MD5, for the APOP digest of RFC 1939 only; MD5 is broken for anything that needs collision resistance.
enum MD5 {
    /// The MD5 digest of `bytes` as 32 lowercase hex digits.
    ///
    /// Empty if OpenSSL refuses MD5 (a FIPS-only provider configuration): the server then rejects the
    /// login like a wrong password, which beats crashing the gateway.
    static func hexDigest(_ bytes: [UInt8]) -> String {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let succeeded = bytes.withUnsafeBytes { input in
            EVP_Digest(input.baseAddress, input.count, &digest, &length, EVP_md5(), nil) == 1
        }
        guard succeeded else {
            ERR_clear_error()
            return ""
        }
        return Hex.encode(digest.prefix(Int(length)))
    }
}
