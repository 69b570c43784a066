import Testing

@testable import POP3Client

@Suite struct KeyedDigestTests {
    /// HMAC-SHA-256 matches RFC 4231 test case 2 (key "Jefe").
    @Test func matchesRFC4231() {
        let digest = KeyedDigest(key: Array("Jefe".utf8))
        #expect(
            digest.hexDigest(Array("what do ya want for nothing?".utf8))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        )
    }

    /// A context used for one digest and rewound for the next starts again from the key: the RFC 4231
    /// answer comes out the same after other messages, a long one included.
    @Test func reusedContextsStartFromTheKey() {
        let digest = KeyedDigest(key: Array("Jefe".utf8))
        let message = Array("what do ya want for nothing?".utf8)
        let expected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        for other in [[], [UInt8](repeating: 0x61, count: 10_000), Array("alice\u{0}secret".utf8)] {
            _ = digest.digest(other)
            #expect(digest.hexDigest(message) == expected)
        }
    }

    /// Two digests made with fresh random keys disagree on the same input.
    @Test func randomKeysDiffer() {
        let message = Array("alice\u{0}secret".utf8)
        #expect(KeyedDigest().digest(message) != KeyedDigest().digest(message))
    }

    /// Constant-time comparison says equal only for equal digests of equal length.
    @Test func constantTimeEquality() {
        let digest = KeyedDigest()
        let first = digest.digest([1, 2, 3])
        #expect(KeyedDigest.constantTimeEqual(first, digest.digest([1, 2, 3])))
        #expect(!KeyedDigest.constantTimeEqual(first, digest.digest([1, 2, 4])))
        #expect(!KeyedDigest.constantTimeEqual(first, Array(first.dropLast())))
    }
}

extension KeyedDigestTests {
    /// Digests computed from one shared template on many threads at once all agree.
    @Test func concurrentDigestsAgree() async {
        let digest = KeyedDigest(key: Array("Jefe".utf8))
        let message = Array("what do ya want for nothing?".utf8)
        let expected = digest.digest(message)
        await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask { (0..<500).allSatisfy { _ in digest.digest(message) == expected } }
            }
            for await agreed in group { #expect(agreed) }
        }
    }
}
