package import Basics
package import POP3

/// Reads HTTP Basic credentials (RFC 7617) from an `Authorization` header value.
///
/// Works on bytes: it runs on the HTTP thread for every authenticated request, and String and
/// Foundation conversions were a seventh of a warm GET. `package`, not internal, for the fuzz harness
/// (`Fuzz/FuzzHarness`), like the other request parsers.
package enum BasicAuthorization {
    /// The credentials, or a 401 problem that says what was wrong (never echoing the header).
    package static func credentials(from header: String?) throws(Problem) -> POP3Credentials {
        guard var header else { throw .unauthorized("this API needs HTTP Basic credentials: the mailbox's POP3 login") }
        return try header.withUTF8 { Self.credentials(from: $0[...]) }.get()
    }

    private static func credentials(from header: Slice<UnsafeBufferPointer<UInt8>>) -> Result<POP3Credentials, Problem>
    {
        var bytes = header
        let scheme = "basic".utf8
        guard bytes.count > scheme.count,
            zip(bytes.prefix(scheme.count), scheme).allSatisfy({ $0 | 0x20 == $1 }),
            bytes.dropFirst(scheme.count).first == UInt8(ascii: " ")
        else {
            return .failure(.unauthorized("only the Basic authorization scheme is supported"))
        }
        bytes = bytes.dropFirst(scheme.count)
        while bytes.first == UInt8(ascii: " ") { bytes = bytes.dropFirst() }
        while bytes.last == UInt8(ascii: " ") { bytes = bytes.dropLast() }
        guard let decoded = Base64Decoder.decode(bytes), let colon = decoded.firstIndex(of: UInt8(ascii: ":")),
            let user = String(validating: decoded[..<colon], as: UTF8.self),
            let password = String(validating: decoded[(colon + 1)...], as: UTF8.self)
        else {
            return .failure(.unauthorized("malformed Basic credentials"))
        }
        guard !user.isEmpty else { return .failure(.unauthorized("empty user name")) }
        // CR, LF or NUL could never be a POP3 login; refusing them here keeps them off the upstream socket.
        guard !decoded.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) else {
            return .failure(.unauthorized("user name or password contains a control character"))
        }
        return .success(POP3Credentials(user: user, password: password))
    }
}

/// Standard base64 with padding (RFC 4648 §4), strict: any other byte makes it nil.
enum Base64Decoder {
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(byte)] = UInt8(index)
        }
        return table
    }()

    static func decode<Bytes: Collection<UInt8>>(_ text: Bytes) -> [UInt8]? {
        guard text.count % 4 == 0 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(text.count / 4 * 3)
        var group: UInt32 = 0
        var count = 0
        var padding = 0
        for byte in text {
            if byte == UInt8(ascii: "=") {
                padding += 1
                group <<= 6
            } else {
                let value = self.values[Int(byte)]
                guard value != 0xFF, padding == 0 else { return nil }
                group = group << 6 | UInt32(value)
            }
            count += 1
            if count == 4 {
                guard padding <= 2 else { return nil }
                output.append(UInt8(truncatingIfNeeded: group >> 16))
                if padding < 2 { output.append(UInt8(truncatingIfNeeded: group >> 8)) }
                if padding < 1 { output.append(UInt8(truncatingIfNeeded: group)) }
                group = 0
                count = 0
            }
        }
        return output
    }
}
