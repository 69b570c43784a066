/// A message's readable content, as a mail client shows it: the text and HTML bodies, and every other
/// part as an attachment.
///
/// Both bodies are decoded from their transfer encoding, converted to UTF-8, and have their line endings
/// normalised to `"\n"` (CRLF and a lone CR each become one LF), so that a caller never sees the wire's
/// CRLF. See `MIMEParser.parseMessage(_:)` for how the bodies are chosen.
///
/// The charset is the first of these that fits every byte: the declared `charset`; UTF-8 (the commonest
/// mislabel, and the usual content when none is declared); for a declared national charset (Shift_JIS,
/// Big5, KOI8-R...) the same charset with U+FFFD for each invalid sequence, so that a few damaged or
/// vendor-extension bytes do not turn the whole text into mojibake; windows-1252; ISO-8859-1, which fits
/// any bytes, so that a body is never dropped.
public struct MessageBody: Hashable, Sendable, Codable {
    /// The `text/plain` body; nil when the message has none.
    public var text: String?
    /// The `text/html` body, as sent (nothing is sanitised); nil when the message has none.
    public var html: String?
    /// Every leaf part that is not one of the two bodies, in the order of the message.
    public var attachments: [MessageAttachment]

    public init(text: String? = nil, html: String? = nil, attachments: [MessageAttachment] = []) {
        self.text = text
        self.html = html
        self.attachments = attachments
    }
}
