import Foundation

/// The parts of a multipart message file as the generator wrote it (CRLF, a known boundary), so that
/// tests read the expected attachment bytes from the files on disk instead of from the gateway's own MIME
/// code: each part's header text and its body, without the line break that belongs to the next boundary.
enum MultipartFile {
    struct Part {
        var header: String
        var body: [UInt8]
    }

    static func parts(of message: [UInt8], boundary: String) -> [Part] {
        let delimiter = Array("\r\n--\(boundary)".utf8)
        var starts: [Int] = []
        var index = 0
        while let range = message[index...].firstRange(of: delimiter) {
            starts.append(range.lowerBound)
            index = range.upperBound
        }
        var parts: [Part] = []
        for (start, end) in zip(starts, starts.dropFirst()) {
            // The delimiter line ends with CRLF; the part runs up to the CRLF before the next delimiter.
            guard let lineEnd = message[(start + delimiter.count)..<end].firstRange(of: Array("\r\n".utf8)) else {
                continue
            }
            let part = message[lineEnd.upperBound..<end]
            let separator = part.firstRange(of: Array("\r\n\r\n".utf8))
            let header = separator.map { part[..<$0.lowerBound] } ?? part[part.startIndex..<part.startIndex]
            let body = separator.map { part[$0.upperBound...] } ?? part
            parts.append(Part(header: String(decoding: header, as: UTF8.self), body: Array(body)))
        }
        return parts
    }

    /// A base64 body decoded, line breaks ignored.
    static func base64Decoded(_ body: [UInt8]) throws -> [UInt8] {
        guard let data = Data(base64Encoded: Data(body), options: .ignoreUnknownCharacters) else {
            throw FixtureError(description: "not base64")
        }
        return Array(data)
    }
}
