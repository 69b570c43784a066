/// The first line of every POP3 response: `+OK`, `-ERR`, or a SASL continuation `+`.
public struct POP3StatusLine: Hashable, Sendable {
    public enum Indicator: Hashable, Sendable {
        /// `+OK`
        case ok
        /// `-ERR`
        case error
        /// `+` followed by a base64 challenge, during `AUTH` (RFC 5034).
        case continuation
    }

    public var indicator: Indicator
    /// The text after the indicator and one space, as the server sent it (bytes, not forced to UTF-8).
    public var text: [UInt8]

    public init(_ indicator: Indicator, text: [UInt8] = []) {
        self.indicator = indicator
        self.text = text
    }

    /// Parses a status line without its line ending.
    ///
    /// Indicators are matched case-insensitively: servers are strict, but this costs nothing.
    /// A bare `+OK` or `-ERR` is valid (RFC 2449 §3).
    public init<Line: Collection<UInt8>>(parsing line: Line) throws(POP3Error) {
        func text(after length: Int) throws(POP3Error) -> [UInt8] {
            let rest = line.dropFirst(length)
            guard let first = rest.first else { return [] }
            guard first == UInt8(ascii: " ") else {
                throw POP3Error(.protocolViolation, "malformed status line: \(Self.printable(line))")
            }
            return Array(rest.dropFirst())
        }
        if Self.hasPrefix(line, "+OK") {
            self.init(.ok, text: try text(after: 3))
        } else if Self.hasPrefix(line, "-ERR") {
            self.init(.error, text: try text(after: 4))
        } else if line.first == UInt8(ascii: "+") {
            self.init(.continuation, text: try text(after: 1))
        } else {
            throw POP3Error(.protocolViolation, "not a POP3 status line: \(Self.printable(line))")
        }
    }

    public var isOK: Bool { self.indicator == .ok }

    /// The RFC 2449 response code at the start of the text, if any.
    public var responseCode: POP3ResponseCode? { POP3ResponseCode(leadingIn: self.text) }

    /// The text for people and logs: printable ASCII only, at most 200 characters.
    public var printableText: String { Self.printable(self.text) }

    /// Renders server bytes safely for a log or an error message: control and non-ASCII bytes
    /// become `?`, and the result is cut at 200 characters.
    public static func printable<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        let limit = 200
        var scalars = String.UnicodeScalarView()
        for byte in bytes.prefix(limit) {
            scalars.append(Unicode.Scalar((0x20...0x7E).contains(byte) ? byte : UInt8(ascii: "?")))
        }
        return String(scalars) + (bytes.count > limit ? "..." : "")
    }

    private static func hasPrefix<Line: Collection<UInt8>>(_ line: Line, _ prefix: StaticString) -> Bool {
        guard line.count >= prefix.utf8CodeUnitCount else { return false }
        return prefix.withUTF8Buffer { expected in
            zip(line, expected).allSatisfy { got, want in ASCII.uppercased(got) == want }
        }
    }
}
