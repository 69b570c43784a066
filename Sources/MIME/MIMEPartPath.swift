/// Where a part sits in a message's MIME tree, numbered as IMAP numbers body sections (RFC 3501 §6.4.5):
/// the children of a multipart are 1, 2, 3... and a nested part joins the numbers with dots (`2.1.3`).
/// A message that is not multipart has a single part, `1`. An embedded message/rfc822 is one part; the
/// parts inside it get no numbers here, since they are not listed on their own.
///
/// The numbers depend only on the message's bytes, so an id handed out by one parse finds the same part
/// in the next parse of the same message.
struct MIMEPartPath: Hashable, CustomStringConvertible {
    /// The 1-based index at each level, outermost first. Empty only for a multipart message's top-level
    /// multipart, which has no number of its own (its children are 1, 2, 3...).
    let indices: [Int]

    /// The top-level multipart of a multipart message.
    static let multipartRoot = MIMEPartPath(validIndices: [])

    /// The single part of a message that is not multipart.
    static let singlePart = MIMEPartPath(validIndices: [1])

    private init(validIndices: [Int]) {
        self.indices = validIndices
    }

    /// Parses `2.1.3`; nil for anything else (empty components, zero, signs, spaces, overlong numbers).
    init?(_ text: String) {
        var indices: [Int] = []
        for component in text.split(separator: ".", omittingEmptySubsequences: false) {
            // Digits only, without leading zeros, so `+1`, ` 1` and `01` are not other spellings of an id.
            guard !component.isEmpty, component.count <= 9, component.first != "0",
                component.allSatisfy({ $0.isASCII && $0.isNumber }),
                let index = Int(component)
            else { return nil }
            indices.append(index)
        }
        guard !indices.isEmpty else { return nil }
        self.indices = indices
    }

    /// The path of this multipart's child at a 0-based position.
    func child(_ position: Int) -> MIMEPartPath {
        MIMEPartPath(validIndices: self.indices + [position + 1])
    }

    var description: String {
        self.indices.map(String.init).joined(separator: ".")
    }
}
