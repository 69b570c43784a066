import TestSupport
import Testing

/// The test vectors of FIPS 180-2 appendix B and the NIST examples: the empty message, "abc", the 448-bit
/// two-block message, the 896-bit message, and one million "a".
@Test(
    arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
        (
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
                + "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
        ),
        (String(repeating: "a", count: 1_000_000), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),
    ]
)
func sha256KnownVectors(message: String, digest: String) {
    #expect(SHA256.hex(message.utf8) == digest, "\(message.utf8.count)-byte message")
}

/// The digest does not depend on how the input is cut: 100,003 bytes fed in chunks of sizes around the
/// 64-byte block and the 56-byte padding boundary give the digest of the whole.
@Test(arguments: [1, 55, 56, 63, 64, 65, 127, 4_096, 65_537])
func sha256ChunkingDoesNotMatter(chunkSize: Int) {
    let message = (0..<100_003).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }
    var hash = SHA256()
    var start = 0
    while start < message.count {
        let end = min(start + chunkSize, message.count)
        message[start..<end].withUnsafeBytes { hash.update($0) }
        start = end
    }
    #expect(hash.count == message.count)
    #expect(hash.finalize() == SHA256.hex(message))
}
