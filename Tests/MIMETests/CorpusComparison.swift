import MIME
import TestSupport
import Testing

/// Compares one parse of a corpus message with its expectation, key by key, and collects every difference
/// as a line naming the file and the field (`06-base64-binary-attachment.eml: attachments[0] (id 2).sha256`),
/// so that a test can record them and a child process can also count them.
struct CorpusComparison {
    /// Streams one attachment's decoded bytes to the closure and returns its description, as
    /// `MIMEParser.attachment(_:in:write:)` and `attachment(_:fileDescriptor:write:)` do.
    typealias Streamer = (_ id: String, _ write: (UnsafeRawBufferPointer) -> Void) -> MessageAttachment?

    /// The message's file name, which starts every mismatch.
    let file: String
    /// One line per difference found so far.
    private(set) var mismatches: [String] = []

    init(file: String) {
        self.file = file
    }

    /// Checks every key the expectation has: the summary fields, the two bodies, and each attachment's
    /// description, embedded message summary, and the size and SHA-256 of the bytes `stream` gives for it.
    mutating func compare(
        _ parsed: (summary: MessageSummary, headers: [MessageHeader], body: MessageBody),
        with expected: CorpusExpectation,
        stream: Streamer
    ) {
        self.check("subject", parsed.summary.subject, expected.subject)
        self.check("from", parsed.summary.from, expected.from)
        self.check("to", parsed.summary.to, expected.to)
        self.check("cc", parsed.summary.cc, expected.cc)
        self.check("date", parsed.summary.date, expected.date)
        self.check("messageId", parsed.summary.messageId, expected.messageId)
        self.check("text", parsed.body.text, expected.text)
        self.check("html", parsed.body.html, expected.html)

        guard case .expected(let attachments) = expected.attachments else { return }
        let actual = parsed.body.attachments
        let wanted = attachments ?? []
        if actual.count != wanted.count {
            self.mismatches.append(
                "\(self.file): attachments.count: expected \(wanted.count), got \(actual.count) "
                    + "(ids \(actual.map(\.id)))"
            )
        }
        for (index, (attachment, expectation)) in zip(actual, wanted).enumerated() {
            let field = "attachments[\(index)] (id \(attachment.id))"
            self.compare(attachment, at: field, with: expectation, stream: stream)
        }
    }

    /// Records each mismatch as an issue of the calling test.
    func recordMismatches(sourceLocation: SourceLocation = #_sourceLocation) {
        for mismatch in self.mismatches {
            Issue.record(Comment(rawValue: mismatch), sourceLocation: sourceLocation)
        }
    }

    private mutating func compare(
        _ attachment: MessageAttachment,
        at field: String,
        with expected: CorpusExpectation.Attachment,
        stream: Streamer
    ) {
        self.check("\(field).id", attachment.id, expected.id)
        self.check("\(field).filename", attachment.filename, expected.filename)
        self.check("\(field).contentType", attachment.contentType, expected.contentType)
        self.check("\(field).size", attachment.size, expected.size)
        self.check("\(field).contentId", attachment.contentId, expected.contentId)
        self.check("\(field).disposition", attachment.disposition, expected.disposition)

        switch expected.message {
        case .unchecked:
            break
        case .expected(nil):
            self.check("\(field).message", attachment.message, .expected(nil))
        case .expected(let message?):
            guard let summary = attachment.message else {
                self.mismatches.append("\(self.file): \(field).message: expected a summary, got nil")
                break
            }
            self.check("\(field).message.subject", summary.subject, message.subject)
            self.check("\(field).message.from", summary.from, message.from)
        }

        guard case .expected(let sha256) = expected.sha256 else { return }
        var hash = SHA256()
        let streamed = stream(attachment.id) { hash.update($0) }
        let streamedSize = hash.count
        self.check("\(field).sha256 (streamed)", hash.finalize(), .expected(sha256))
        self.check("\(field).size (streamed)", streamedSize, expected.size)
        self.check("\(field) (streamed description)", streamed, .expected(attachment))
    }

    private mutating func check<Value: Equatable>(_ field: String, _ actual: Value?, _ expected: CheckedField<Value>) {
        guard case .expected(let value) = expected, actual != value else { return }
        self.mismatches.append("\(self.file): \(field): expected \(Self.render(value)), got \(Self.render(actual))")
    }

    private static func render<Value>(_ value: Value?) -> String {
        value.map { String(reflecting: $0) } ?? "nil"
    }
}
