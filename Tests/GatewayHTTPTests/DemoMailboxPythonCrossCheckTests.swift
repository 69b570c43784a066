import Foundation
import TestSupport
import Testing

/// A field where the API answers otherwise than Python's `email` package on purpose. docs/mime.md,
/// "Differences from Python's email", lists the same rows.
private struct DeliberateDifference {
    /// The demo message, by its Message-ID (stable, unlike the maildir file name, which holds the size).
    var message: String
    /// The field as the cross-check names it: `text`, `html`, `attachment ID` (listed or not), or
    /// `attachment ID filename|contentType|size`.
    var field: String
    var ours: String
    var python: String
    var reason: String
}

/// Every deliberate difference on alice's demo mailbox; the test fails on a difference missing here and on
/// a row it does not observe, so the list stays exact.
private let deliberateDifferences = [
    DeliberateDifference(
        message: "alice-07.multipart-related@mail.example.com",
        field: "attachment 2.2",
        ours: "listed: the inline logo.png inside multipart/alternative > multipart/related",
        python: "not listed",
        reason: "iter_attachments() yields nothing for a multipart/alternative message and never looks below the "
            + "top level; we list every leaf at any depth that is not the text or HTML body"
    ),
    DeliberateDifference(
        message: "alice-08.message-rfc822@mail.example.com",
        field: "attachment 2 size",
        ours: "the byte length of the forwarded message as sent",
        python: "null: get_payload(decode=True) gives no bytes for message/rfc822, get_content() an EmailMessage",
        reason: "the download route sends the forwarded message's source, and size is its length"
    ),
    DeliberateDifference(
        message: "alice-09.text-calendar@mail.example.com",
        field: "attachment 2",
        ours: "listed: the nameless inline text/calendar alternative",
        python: "not listed",
        reason: "iter_attachments() yields nothing for a multipart/alternative message; we list every part that is "
            + "not the text or HTML body, so a client can offer the invitation"
    ),
    DeliberateDifference(
        message: "alice-19.multipart-no-closing-boundary@mail.example.com",
        field: "attachment 2 size",
        ours: "63: the last part runs to the end of the message, its final CRLF included",
        python: "61: the final CRLF dropped, as if a delimiter followed",
        reason: "the CRLF before a delimiter belongs to the delimiter (RFC 2046 5.1.1); with no closing delimiter "
            + "there is none, so the part keeps its bytes as sent, like a single-part body, and size is what the "
            + "download sends"
    ),
]

/// What Python's `email` package finds in one message: Tests/Corpus/python_email_view.py's JSON line.
private struct PythonView: Decodable {
    struct Attachment: Decodable {
        var id: String?
        var filename: String?
        var contentType: String
        var size: Int?
    }

    var file: String
    var text: String?
    var html: String?
    var attachments: [Attachment]
    var errors: [String: String]?
}

/// One side's value of a compared field.
private enum FieldValue: Equatable, CustomStringConvertible {
    /// The side does not list the attachment.
    case notListed
    case listed
    case null
    case string(String)
    case integer(Int)

    init(_ string: String?) {
        self = string.map(Self.string) ?? .null
    }

    init(_ integer: Int?) {
        self = integer.map(Self.integer) ?? .null
    }

    var description: String {
        switch self {
        case .notListed: "not listed"
        case .listed: "listed"
        case .null: "null"
        case .string(let string): String(reflecting: string)
        case .integer(let integer): String(integer)
        }
    }
}

/// One field of one message on both sides.
private struct FieldComparison {
    var message: String
    var field: String
    var ours: FieldValue
    var python: FieldValue
}

/// For every message of alice's demo mailbox, the API's text, HTML, attachment names, types and
/// decoded sizes against what Python's `email` package (policy=default) finds on the same bytes, through
/// the real HTTP API in front of the real Dovecot.
@Suite(.serialized) struct DemoMailboxPythonCrossCheckTests {
    let gateway: GatewayFixture

    init() throws {
        self.gateway = try GatewayFixture()
    }

    /// The repository's reference view of Python's `email` package (`BytesParser(policy=default).parsebytes`,
    /// `get_body(...).get_content()` with line endings as `\n`, `iter_attachments()`).
    private static let pythonView = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Corpus/python_email_view.py")

    /// Every field equals Python's answer, except the rows of `deliberateDifferences`, each of which is seen.
    @Test func everyDemoMessageMatchesPythonsEmail() throws {
        try Python3.requireAvailable()
        let files = self.gateway.messageFiles(of: "alice")
        let listing = try self.gateway.request("/v1/messages?limit=500").json()
        // The listing is newest first; the files are in POP3 order.
        let ids = try #require(listing["messages"] as? [[String: Any]]).compactMap { $0["id"] as? String }
            .reversed()
        try #require(files.count == 21 && ids.count == files.count, "\(files.count) files, \(ids.count) ids")
        let output = try Python3.run([Self.pythonView.path] + files.map(\.path))
        let views = try output.split(separator: UInt8(ascii: "\n")).map {
            try JSONDecoder().decode(PythonView.self, from: Data($0))
        }
        try #require(views.map(\.file) == files.map(\.path))

        var comparisons: [FieldComparison] = []
        for (id, (file, python)) in zip(ids, zip(files, views)) {
            // The same bytes for both: the API's raw source is the maildir file Python reads.
            let raw = try self.gateway.request("/v1/messages/\(id)/raw")
            try #require(raw.status == 200 && raw.body == (try Data(contentsOf: file)), "\(file.lastPathComponent)")
            #expect(python.errors == nil, "\(file.lastPathComponent): Python raised \(python.errors ?? [:])")
            comparisons += try self.compare(self.gateway.request("/v1/messages/\(id)").json(), with: python)
        }

        var observed: Set<Int> = []
        var unlisted = 0
        for comparison in comparisons where comparison.ours != comparison.python {
            if let row = deliberateDifferences.firstIndex(where: {
                $0.message == comparison.message && $0.field == comparison.field
            }) {
                observed.insert(row)
            } else {
                unlisted += 1
                Issue.record(
                    """
                    \(comparison.message) \(comparison.field): ours \(comparison.ours), Python's \(comparison.python) \
                    (not a listed deliberate difference)
                    """
                )
            }
        }
        for (row, difference) in deliberateDifferences.enumerated() where !observed.contains(row) {
            Issue.record("deliberate difference not observed: \(difference.message) \(difference.field)")
        }
        let equal = comparisons.count { $0.ours == $0.python }
        print(
            "Python cross-check: \(files.count) messages, \(equal) of \(comparisons.count) fields equal to Python's "
                + "email, \(comparisons.count - equal - unlisted) deliberate differences, \(unlisted) unlisted, "
                + "\(deliberateDifferences.count - observed.count) table rows not observed"
        )
    }

    /// The fields of one message document against Python's view of the same message.
    private func compare(_ message: [String: Any], with python: PythonView) throws -> [FieldComparison] {
        let messageID = try #require(message["messageId"] as? String)
        var comparisons: [FieldComparison] = []
        func add(_ field: String, _ ours: FieldValue, _ theirs: FieldValue) {
            comparisons.append(FieldComparison(message: messageID, field: field, ours: ours, python: theirs))
        }
        for (key, theirs) in [("text", python.text), ("html", python.html)] {
            let body = message[key] as? [String: Any]
            #expect(body == nil ? message[key] is NSNull : body?["hasMore"] as? Bool == false, "\(messageID) \(key)")
            add(key, FieldValue(body?["content"] as? String), FieldValue(theirs))
        }
        let ours = try #require(message["attachments"] as? [[String: Any]])
        let ourIDs = ours.compactMap { $0["id"] as? String }
        try #require(ourIDs.count == ours.count, "\(messageID): an attachment without an id")
        // iter_attachments() yields only children of the top-level multipart, so each has a part number.
        let pythonIDs = try python.attachments.map { try #require($0.id, "\(messageID): a Python attachment") }
        let pythonOnlyIDs = pythonIDs.filter { !ourIDs.contains($0) }
        for id in ourIDs + pythonOnlyIDs {
            let attachment = ours.first { $0["id"] as? String == id }
            let theirs = python.attachments.first { $0.id == id }
            add("attachment \(id)", attachment == nil ? .notListed : .listed, theirs == nil ? .notListed : .listed)
            guard let attachment, let theirs else { continue }
            add("attachment \(id) filename", FieldValue(attachment["filename"] as? String), FieldValue(theirs.filename))
            add(
                "attachment \(id) contentType",
                FieldValue(attachment["contentType"] as? String),
                FieldValue(theirs.contentType)
            )
            add("attachment \(id) size", FieldValue(attachment["size"] as? Int), FieldValue(theirs.size))
        }
        return comparisons
    }
}
