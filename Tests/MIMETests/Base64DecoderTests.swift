import Testing

@testable import MIME

/// Decodes `text`, fed `chunk` bytes at a time.
private func decode(_ text: String, chunk: Int = .max) -> [UInt8] {
    var decoder = Base64Decoder()
    var output: [UInt8] = []
    let bytes = Array(text.utf8)
    var start = 0
    while start < bytes.count {
        let end = min(bytes.count, start + chunk)
        bytes[start..<end].withUnsafeBytes { decoder.decode($0, into: &output) }
        start = end
    }
    decoder.finish(into: &output)
    return output
}

/// Padded, unpadded, folded and garbage-strewn input, split at every size: whole bytes are never lost.
@Test(
    arguments: [
        ("AAECAw==", [0, 1, 2, 3]),
        ("AAECAw", [0, 1, 2, 3]),
        ("AAAAAA", [0, 0, 0, 0]),
        ("AAECAwQ=", [0, 1, 2, 3, 4]),
        ("AAECAwQ", [0, 1, 2, 3, 4]),
        ("AAEC\r\nAwQF\r\n", [0, 1, 2, 3, 4, 5]),
        ("YQ==Yg==", [0x61, 0x62]),
        ("!!AA*EC??", [0, 1, 2]),
        ("A", []),
        ("", []),
        ("====", []),
    ] as [(String, [UInt8])]
)
func decodes(text: String, bytes: [UInt8]) {
    for chunk in [1, 2, 3, 5, 1000] {
        #expect(decode(text, chunk: chunk) == bytes, "\(text) in chunks of \(chunk)")
    }
}
