/// Decodes messages with GMime into plain Swift values.
///
/// Safe to call from any number of threads at once: each call parses into its own GMime objects and
/// releases them before returning.
public enum MIMEParser {
    /// Sets GMime up now rather than during the first request (the first parse otherwise pays for
    /// GMime's initialisation and for resolving its symbols).
    public static func prepare() {
        // Encoded words, raw 8-bit bytes and an address list load GMime's charset converters too.
        let warmUp: [UInt8] =
            Array("Subject: =?UTF-8?B?w6k=?= =?ISO-8859-1?Q?=E9?= ".utf8) + [0xE9, 0x0D, 0x0A]
            + Array("From: \"A\" <a@b.c>, g: d@e.f;\r\nDate: Thu, 1 Jan 1970 00:00:00 +0000\r\n\r\n".utf8)
        _ = self.parseSummary(warmUp)
        _ = self.parseHeaders(warmUp)
        // A body in a declared charset and a base64 attachment: the body path's converters and its sink stream
        // type (registered once per process).
        let message = [
            "Content-Type: multipart/mixed; boundary=b", "", "--b", "Content-Type: text/plain; charset=iso-8859-1",
            "Content-Transfer-Encoding: quoted-printable", "", "caf=E9", "--b",
            "Content-Type: application/octet-stream", "Content-Transfer-Encoding: base64", "", "AAE=", "--b--", "",
        ].joined(separator: "\r\n")
        _ = self.parseMessage(Array(message.utf8))
    }

    /// Decodes a message's header block, e.g. the answer to `TOP n 0` (a whole message works too; only
    /// its top-level headers are read).
    ///
    /// Never fails: garbage, an empty input or an unparseable field give nils and empty lists, never a
    /// crash. A header block without the empty line after it is accepted.
    /// - Returns: the summary fields, and every header field in input order, unfolded and decoded.
    public static func parseHeaders(_ bytes: [UInt8]) -> (summary: MessageSummary, headers: [MessageHeader]) {
        guard let message = GMimeParsedMessage(parsing: bytes) else {
            return (MessageSummary(), [])
        }
        let headers = message.headers()
        // Without a single field GMime still makes a message, whose implied text/plain would claim
        // `hasAttachments == false` for what is only noise.
        guard !headers.isEmpty else {
            return (MessageSummary(), [])
        }
        return (message.summary(), headers)
    }

    /// Only the summary of a header block, for listings: the same fields as `parseHeaders`, without
    /// decoding every other header.
    public static func parseSummary(_ bytes: [UInt8]) -> MessageSummary {
        HeaderFieldSummary.summary(of: bytes)
    }
}
