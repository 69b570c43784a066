/// A single `Range: bytes=...` request (RFC 9110 §14.1.2); multiple ranges are served whole. `package`
/// for the fuzz harness (`Fuzz/FuzzHarness`).
package struct ByteRange: Equatable {
    package var first: Int
    package var last: Int

    package var count: Int { self.last - self.first + 1 }

    /// The offsets as a half-open range.
    var offsets: Range<Int> { self.first..<(self.last + 1) }

    /// The `Content-Range` value of a 206 for a representation of `length` bytes.
    func contentRange(length: Int) -> String { "bytes \(self.first)-\(self.last)/\(length)" }

    package enum Resolution: Equatable {
        /// No usable Range header (absent, not bytes, several ranges, malformed): send everything.
        case whole
        case partial(ByteRange)
        /// Syntactically fine but outside the representation: 416.
        case unsatisfiable
    }

    /// Resolves a Range header against a body of `length` bytes.
    package static func resolve(_ header: String?, length: Int) -> Resolution {
        guard let header, header.hasPrefix("bytes="), !header.contains(",") else { return .whole }
        let spec = header.dropFirst("bytes=".count).trimmingCharacters(in: " ")
        guard let dash = spec.firstIndex(of: "-") else { return .whole }
        let start = spec[..<dash]
        let end = spec[spec.index(after: dash)...]
        if start.isEmpty {
            // Suffix range: the last N bytes.
            guard let suffix = Int(end), suffix >= 0 else { return .whole }
            guard suffix > 0, length > 0 else { return .unsatisfiable }
            return .partial(ByteRange(first: max(0, length - suffix), last: length - 1))
        }
        guard let first = Int(start), first >= 0 else { return .whole }
        var last = length - 1
        if !end.isEmpty {
            guard let parsed = Int(end), parsed >= first else { return .whole }
            last = min(parsed, length - 1)
        }
        guard first < length else { return .unsatisfiable }
        return .partial(ByteRange(first: first, last: last))
    }
}

extension StringProtocol {
    fileprivate func trimmingCharacters(in character: Character) -> Substring {
        var text = Substring(self)
        while text.first == character { text.removeFirst() }
        while text.last == character { text.removeLast() }
        return text
    }
}
