import MIME

/// Fuzzes the MIME parser with the input as a whole message: `parseMessage`, `parseHeaders`,
/// `parseSummary`, and `attachment(_:in:write:)` for every attachment the parse listed.
///
/// Invariants: no crash, on a worker's 1 MiB stack; `parseHeaders` and `parseSummary` agree with `parseMessage` on the summary and
/// the headers; every header has a name; the bodies have no CR (line endings are normalised); attachment
/// ids are unique; streaming an attachment writes exactly its listed `size` and describes it as the listing
/// did; an id the listing did not give (a body, a multipart, no part at all) finds nothing and writes
/// nothing.
public enum MIMEFuzzTarget: FuzzTarget {
    public static let name = "mime"

    /// On a thread with a worker's stack (`WorkerStack`): an input that overflows it must crash here too.
    public static func run(_ input: [UInt8]) throws(InvariantViolation) {
        try WorkerStack.run { () throws(InvariantViolation) in try self.check(input) }
    }

    private static func check(_ input: [UInt8]) throws(InvariantViolation) {
        let message = MIMEParser.parseMessage(input)
        let headerBlock = MIMEParser.parseHeaders(input)
        try expect(headerBlock.summary == message.summary, "parseHeaders and parseMessage differ on the summary")
        try expect(headerBlock.headers == message.headers, "parseHeaders and parseMessage differ on the headers")
        let summary = MIMEParser.parseSummary(input)
        try expect(
            summary == message.summary,
            "parseSummary gives \(summary), parseMessage \(message.summary)"
        )
        try expect(message.headers.allSatisfy { !$0.name.isEmpty }, "a header without a name")
        for text in [message.body.text, message.body.html].compactMap({ $0 }) {
            try expect(!text.utf8.contains(UInt8(ascii: "\r")), "a body kept a CR")
        }

        var ids = Set<String>()
        for attachment in message.body.attachments {
            try expect(ids.insert(attachment.id).inserted, "attachment id \(attachment.id) is listed twice")
            try expect(attachment.size >= 0, "attachment \(attachment.id) has a negative size")
        }
        // Each stream parses the message again: the first 16 and the last are streamed, so that a message with
        // hundreds of attachments costs the fuzzer a few parses, not hundreds (the gateway parses once).
        let attachments = message.body.attachments
        for attachment in attachments.prefix(16) + attachments.suffix(attachments.count > 16 ? 1 : 0) {
            var streamed = 0
            let found = MIMEParser.attachment(attachment.id, in: input) { chunk in streamed += chunk.count }
            try expect(
                streamed == attachment.size,
                "attachment \(attachment.id) streamed \(streamed) bytes, listed as \(attachment.size)"
            )
            try expect(found == attachment, "attachment \(attachment.id) is \(String(describing: found)) when streamed")
        }

        // Parts most messages have, malformed ids, and below the first listed ones (each probe parses the
        // message again, so a message with a hundred attachments is not probed a hundred more times).
        let listed = message.body.attachments.prefix(2).map { $0.id + ".1" }
        let candidates = ["1", "2", "1.1", "2.1", "0", "1.0", "", "x"] + listed
        for id in Set(candidates).subtracting(ids) {
            var written = 0
            let found = MIMEParser.attachment(id, in: input) { chunk in written += chunk.count }
            try expect(found == nil && written == 0, "id \(id) is no attachment but streamed \(written) bytes")
        }
    }
}
