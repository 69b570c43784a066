import Foundation
import MIME
import TestSupport
import Testing

/// The corpus is all there: the README's 69 messages, each with its expectation.
@Test func corpusIsComplete() {
    #expect(Corpus.messageNames.count == Corpus.expectedMessageCount, "messages in \(Corpus.directory.path)")
    for name in Corpus.messageNames {
        let json = Corpus.directory.appendingPathComponent(name).deletingPathExtension().appendingPathExtension("json")
        #expect(FileManager.default.fileExists(atPath: json.path), "\(name): no expectation \(json.lastPathComponent)")
    }
}

/// Every corpus message parses to its expectation: summary fields, bodies, and each attachment's
/// description, with the SHA-256 and size of the bytes `attachment(_:in:write:)` streams.
@Test(arguments: Corpus.messageNames)
func corpusMessageMatchesExpectation(file: String) throws {
    let message = try Corpus.message(file)
    let expectation = try Corpus.expectation(for: file)
    var comparison = CorpusComparison(file: file)
    comparison.compare(MIMEParser.parseMessage(message), with: expectation) { id, write in
        MIMEParser.attachment(id, in: message, write: write)
    }
    comparison.recordMismatches()
}

/// The file-descriptor variants give exactly what the in-memory ones give for every corpus message: the
/// same summary, headers, bodies and attachment list, and the same bytes and description for each
/// attachment; and the file variants' parse also meets the expectation.
@Test(arguments: Corpus.messageNames)
func corpusMessageFromAFileMatchesInMemory(file: String) throws {
    let message = try Corpus.message(file)
    let fileDescriptor = open(Corpus.directory.appendingPathComponent(file).path, O_RDONLY)
    try #require(fileDescriptor >= 0, "\(file): cannot open")
    defer { close(fileDescriptor) }

    let fromBytes = MIMEParser.parseMessage(message)
    let fromFile = MIMEParser.parseMessage(fileDescriptor: fileDescriptor)
    #expect(fromFile.summary == fromBytes.summary, "\(file): summary")
    #expect(fromFile.headers == fromBytes.headers, "\(file): headers")
    #expect(fromFile.body.text == fromBytes.body.text, "\(file): text")
    #expect(fromFile.body.html == fromBytes.body.html, "\(file): html")
    #expect(fromFile.body.attachments == fromBytes.body.attachments, "\(file): attachments")

    for attachment in fromBytes.body.attachments {
        var fileBytes: [UInt8] = []
        let fileDescription = MIMEParser.attachment(attachment.id, fileDescriptor: fileDescriptor) {
            fileBytes.append(contentsOf: $0)
        }
        let inMemory = StreamedAttachment(attachment.id, in: message)
        #expect(fileDescription == inMemory.attachment, "\(file): attachment \(attachment.id) description")
        #expect(fileBytes == inMemory.bytes, "\(file): attachment \(attachment.id) bytes")
    }

    var comparison = CorpusComparison(file: file + " (file descriptor)")
    comparison.compare(fromFile, with: try Corpus.expectation(for: file)) { id, write in
        MIMEParser.attachment(id, fileDescriptor: fileDescriptor, write: write)
    }
    comparison.recordMismatches()
}

/// The committed corpus is exactly what `make-corpus.py` generates (`--check` exits 0). python3 is a test
/// dependency (`scripts/install-deps.sh --test`), so its absence is a failure, not a skip.
@Test func corpusMatchesItsGenerator() throws {
    try Python3.requireAvailable()
    let run = try Python3.output([Corpus.generator.path, "--check"])
    #expect(run.status == 0, "make-corpus.py --check exited \(run.status):\n\(run.output)")
}
