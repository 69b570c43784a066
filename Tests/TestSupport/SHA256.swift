/// SHA-256 (FIPS 180-4), fed incrementally, for checking attachment bytes against the corpus's expected
/// digests without holding an attachment whole and without a crypto dependency in the test target.
///
/// Written for a debug build: the 20 MiB attachment is hashed in an unoptimised test binary, so the
/// compression works on raw pointers and keeps its working state in locals.
public struct SHA256 {
    /// The first 32 bits of the fractional parts of the cube roots of the first 64 primes.
    private static let roundConstants: [UInt32] = [
        0x428A_2F98, 0x7137_4491, 0xB5C0_FBCF, 0xE9B5_DBA5, 0x3956_C25B, 0x59F1_11F1, 0x923F_82A4, 0xAB1C_5ED5,
        0xD807_AA98, 0x1283_5B01, 0x2431_85BE, 0x550C_7DC3, 0x72BE_5D74, 0x80DE_B1FE, 0x9BDC_06A7, 0xC19B_F174,
        0xE49B_69C1, 0xEFBE_4786, 0x0FC1_9DC6, 0x240C_A1CC, 0x2DE9_2C6F, 0x4A74_84AA, 0x5CB0_A9DC, 0x76F9_88DA,
        0x983E_5152, 0xA831_C66D, 0xB003_27C8, 0xBF59_7FC7, 0xC6E0_0BF3, 0xD5A7_9147, 0x06CA_6351, 0x1429_2967,
        0x27B7_0A85, 0x2E1B_2138, 0x4D2C_6DFC, 0x5338_0D13, 0x650A_7354, 0x766A_0ABB, 0x81C2_C92E, 0x9272_2C85,
        0xA2BF_E8A1, 0xA81A_664B, 0xC24B_8B70, 0xC76C_51A3, 0xD192_E819, 0xD699_0624, 0xF40E_3585, 0x106A_A070,
        0x19A4_C116, 0x1E37_6C08, 0x2748_774C, 0x34B0_BCB5, 0x391C_0CB3, 0x4ED8_AA4A, 0x5B9C_CA4F, 0x682E_6FF3,
        0x748F_82EE, 0x78A5_636F, 0x84C8_7814, 0x8CC7_0208, 0x90BE_FFFA, 0xA450_6CEB, 0xBEF9_A3F7, 0xC671_78F2,
    ]

    /// The hash value: the first 32 bits of the fractional parts of the square roots of the first 8 primes.
    private var state: [UInt32] = [
        0x6A09_E667, 0xBB67_AE85, 0x3C6E_F372, 0xA54F_F53A, 0x510E_527F, 0x9B05_688C, 0x1F83_D9AB, 0x5BE0_CD19,
    ]
    /// The bytes of an incomplete block, waiting for more input (always fewer than 64).
    private var pending: [UInt8] = []
    /// The message schedule, reused for every block.
    private var schedule = [UInt32](repeating: 0, count: 64)
    /// Bytes hashed so far.
    public private(set) var count = 0

    public init() {}

    /// The digest of `bytes`, as lower-case hex.
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        var hash = SHA256()
        hash.update(Array(bytes))
        return hash.finalize()
    }

    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { self.update($0) }
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        self.count += bytes.count
        var index = 0
        if !self.pending.isEmpty {
            let taken = min(64 - self.pending.count, bytes.count)
            self.pending.append(contentsOf: bytes[0..<taken])
            index = taken
            guard self.pending.count == 64 else { return }
            let block = self.pending
            block.withUnsafeBytes { self.compress(blocks: $0) }
            self.pending.removeAll(keepingCapacity: true)
        }
        let whole = (bytes.count - index) / 64 * 64
        if whole > 0 {
            self.compress(blocks: UnsafeRawBufferPointer(rebasing: bytes[index..<(index + whole)]))
            index += whole
        }
        self.pending.append(contentsOf: bytes[index...])
    }

    /// Pads, hashes the last block(s) and returns the digest as lower-case hex; the value is spent after this.
    public mutating func finalize() -> String {
        let bitLength = UInt64(self.count) &* 8
        var tail = self.pending
        tail.append(0x80)
        while tail.count % 64 != 56 {
            tail.append(0)
        }
        for shift in stride(from: 56, through: 0, by: -8) {
            tail.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift)))
        }
        tail.withUnsafeBytes { self.compress(blocks: $0) }
        self.pending = []
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        for word in self.state {
            for shift in stride(from: 28, through: 0, by: -4) {
                hex.append(digits[Int((word >> UInt32(shift)) & 0xF)])
            }
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// Runs the compression function over whole 64-byte blocks.
    private mutating func compress(blocks: UnsafeRawBufferPointer) {
        var h0 = self.state[0]
        var h1 = self.state[1]
        var h2 = self.state[2]
        var h3 = self.state[3]
        var h4 = self.state[4]
        var h5 = self.state[5]
        var h6 = self.state[6]
        var h7 = self.state[7]
        Self.roundConstants.withUnsafeBufferPointer { constants in
            self.schedule.withUnsafeMutableBufferPointer { words in
                guard let input = blocks.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
                var offset = 0
                while offset < blocks.count {
                    for index in 0..<16 {
                        let byte = input + offset + index * 4
                        words[index] =
                            UInt32(byte[0]) << 24 | UInt32(byte[1]) << 16 | UInt32(byte[2]) << 8 | UInt32(byte[3])
                    }
                    for index in 16..<64 {
                        let early = words[index - 15]
                        let late = words[index - 2]
                        let sigma0 = (early >> 7 | early << 25) ^ (early >> 18 | early << 14) ^ (early >> 3)
                        let sigma1 = (late >> 17 | late << 15) ^ (late >> 19 | late << 13) ^ (late >> 10)
                        words[index] = words[index - 16] &+ sigma0 &+ words[index - 7] &+ sigma1
                    }
                    var a = h0
                    var b = h1
                    var c = h2
                    var d = h3
                    var e = h4
                    var f = h5
                    var g = h6
                    var h = h7
                    for index in 0..<64 {
                        let sum1 = (e >> 6 | e << 26) ^ (e >> 11 | e << 21) ^ (e >> 25 | e << 7)
                        let choice = (e & f) ^ (~e & g)
                        let temporary1 = h &+ sum1 &+ choice &+ constants[index] &+ words[index]
                        let sum0 = (a >> 2 | a << 30) ^ (a >> 13 | a << 19) ^ (a >> 22 | a << 10)
                        let majority = (a & b) ^ (a & c) ^ (b & c)
                        let temporary2 = sum0 &+ majority
                        h = g
                        g = f
                        f = e
                        e = d &+ temporary1
                        d = c
                        c = b
                        b = a
                        a = temporary1 &+ temporary2
                    }
                    h0 = h0 &+ a
                    h1 = h1 &+ b
                    h2 = h2 &+ c
                    h3 = h3 &+ d
                    h4 = h4 &+ e
                    h5 = h5 &+ f
                    h6 = h6 &+ g
                    h7 = h7 &+ h
                    offset += 64
                }
            }
        }
        self.state = [h0, h1, h2, h3, h4, h5, h6, h7]
    }
}
