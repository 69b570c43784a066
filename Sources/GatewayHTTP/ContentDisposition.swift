import Basics

/// `Content-Disposition` for an attachment download (RFC 6266): the type, an ASCII `filename` for old
/// clients and the exact name as `filename*` (RFC 8187, UTF-8 percent-encoded).
///
/// The name comes from the sender and is hostile until proven otherwise: it may hold a path
/// (`../../etc/passwd`), quotes and backslashes that would end the quoted string, CR/LF that would end
/// the header, or invisible direction marks that disguise an extension (`invoice\u{202E}fdp.exe`). Only
/// its last path component is kept, with control and format characters removed and its length capped.
enum ContentDisposition {
    /// The longest name sent, in Unicode scalars: below every common file system's limit of 255 bytes
    /// for names that are mostly ASCII.
    static let maximumNameLength = 200

    /// The header value for a part with this `disposition` (`attachment` or `inline`) and `filename`; a part
    /// without a usable name is called `attachment-<id>`, and a forwarded message (`message/rfc822`)
    /// `attachment-<id>.eml`, so that a mail program opens it.
    static func value(disposition: String, filename: String?, attachmentId: String, contentType: String = "") -> String
    {
        let type = disposition == "attachment" ? "attachment" : "inline"
        let isMessage = contentType == "message/rfc822" || contentType == "message/global"
        let name = filename.flatMap(self.safeName) ?? "attachment-\(attachmentId)" + (isMessage ? ".eml" : "")
        return "\(type); filename=\"\(self.asciiFallback(name))\"; filename*=UTF-8''\(self.percentEncoded(name))"
    }

    /// The last path component (after the last `/` or `\`), without control or format characters and
    /// surrounding white space, capped at `maximumNameLength` (keeping a short extension); nil when
    /// nothing usable is left (`..`, only a directory).
    static func safeName(_ filename: String) -> String? {
        let lastComponent = filename.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
        let base = lastComponent.split(separator: "\\", omittingEmptySubsequences: false).last ?? ""
        var scalars = String.UnicodeScalarView(
            base.unicodeScalars.filter { scalar in
                switch scalar.properties.generalCategory {
                case .control, .format, .lineSeparator, .paragraphSeparator: false
                default: true
                }
            }
        )
        while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        let name = String(scalars)
        guard !name.isEmpty, name != ".", name != ".." else { return nil }
        return self.capped(name)
    }

    /// The name cut to `maximumNameLength` scalars; an extension of up to 16 scalars survives the cut.
    private static func capped(_ name: String) -> String {
        let scalars = Array(name.unicodeScalars)
        guard scalars.count > self.maximumNameLength else { return name }
        var suffix: ArraySlice<Unicode.Scalar> = []
        if let dot = scalars.lastIndex(of: "."), scalars.count - dot <= 16 {
            suffix = scalars[dot...]
        }
        var capped = String.UnicodeScalarView()
        capped.append(contentsOf: scalars.prefix(self.maximumNameLength - suffix.count))
        capped.append(contentsOf: suffix)
        return String(capped)
    }

    /// The name for `filename="..."`: printable ASCII only, every other character `_`; no `"` or `\`
    /// (they would end or escape the quoted string) and no `%`, which some clients percent-decode there.
    static func asciiFallback(_ name: String) -> String {
        var output = ""
        for scalar in name.unicodeScalars {
            switch scalar {
            case "\"", "\\":
                continue
            case " "..."~" where scalar != "%":
                output.unicodeScalars.append(scalar)
            default:
                output += "_"
            }
        }
        return output
    }

    /// RFC 8187 `value-chars`: UTF-8, every byte outside `attr-char` as `%XX`.
    static func percentEncoded(_ name: String) -> String {
        var output: [UInt8] = []
        for byte in name.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"),
                UInt8(ascii: "&"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"),
                UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
                output.append(byte)
            default:
                output.append(UInt8(ascii: "%"))
                Hex.append(byte, to: &output, uppercase: true)
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
