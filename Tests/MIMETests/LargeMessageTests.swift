import Foundation
import MIME
import Testing

/// A message in a temporary file, as the gateway spools a large `RETR`: a short text body and one large
/// base64 attachment of `PayloadBytes`, written block by block so that the test never holds it whole.
private struct SpooledMessage {
    static let seed: UInt64 = 0x20_2020
    /// 57 bytes is one 76-character base64 line; 1,024 lines per block keep blocks whole lines.
    static let blockSize = 57 * 1_024
    /// 360 blocks: 21,012,480 bytes, just over 20 MiB.
    static let blockCount = 360
    static var attachmentSize: Int { self.blockSize * self.blockCount }

    let path: String

    static func write() throws -> SpooledMessage {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mime-large-\(UUID().uuidString).eml")
            .path
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let file = FileHandle(forWritingAtPath: path)
        else { throw CocoaError(.fileWriteUnknown) }
        defer { try? file.close() }
        try file.write(
            contentsOf: MessageLines.crlf(
                "From: Sender <sender@example.com>",
                "Subject: the big file",
                "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary=\"big-boundary\"",
                "",
                "--big-boundary",
                "Content-Type: text/plain; charset=utf-8",
                "",
                "Here is the file.",
                "--big-boundary",
                "Content-Type: application/octet-stream",
                "Content-Disposition: attachment; filename=\"big.bin\"",
                "Content-Transfer-Encoding: base64",
                ""
            )
        )
        var payload = PayloadBytes(seed: self.seed)
        let lines: Data.Base64EncodingOptions = [
            .lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed,
        ]
        for _ in 0..<self.blockCount {
            try file.write(contentsOf: Data(payload.next(self.blockSize)).base64EncodedData(options: lines))
            try file.write(contentsOf: Data("\r\n".utf8))
        }
        try file.write(contentsOf: Data("--big-boundary--\r\n".utf8))
        return SpooledMessage(path: path)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: self.path)
    }
}

/// What one parse and one download of the spooled message gave, and the memory it took.
private struct LargeRun {
    var parsed: (summary: MessageSummary, headers: [MessageHeader], body: MessageBody)
    var streamed: MessageAttachment?
    var verifier = PayloadVerifier(seed: SpooledMessage.seed)
    var chunks = 0
    /// The growth of the process's peak resident size over the run.
    var peakGrowth = 0
    /// The growth of the resident size, sampled while the attachment streamed.
    var sampledGrowth = 0
    var peakWasReset = false

    /// Parses the file, then streams its attachment through the verifier.
    init(fileDescriptor: Int32) throws {
        self.peakWasReset = ProcessMemory.resetPeak()
        let residentBefore = try #require(ProcessMemory.residentBytes)
        let peakBefore = try #require(ProcessMemory.peakResidentBytes)
        self.parsed = MIMEParser.parseMessage(fileDescriptor: fileDescriptor)
        var verifier = self.verifier
        var chunks = 0
        var sampledResident = residentBefore
        self.streamed = MIMEParser.attachment("2", fileDescriptor: fileDescriptor) { chunk in
            verifier.check(chunk)
            chunks += 1
            if chunks.isMultiple(of: 256) {
                sampledResident = max(sampledResident, ProcessMemory.residentBytes ?? 0)
            }
        }
        let peakAfter = try #require(ProcessMemory.peakResidentBytes)
        self.verifier = verifier
        self.chunks = chunks
        // Without the reset the old peak may be anyone's: then the growth is counted from the resident size.
        self.peakGrowth = peakAfter - (self.peakWasReset ? peakBefore : residentBefore)
        self.sampledGrowth = sampledResident - residentBefore
    }
}

/// A ~20 MB base64 attachment in a file parses and streams with every byte right, while the process's
/// peak resident memory grows by far less than the message (GMime leaves the content in the file).
///
/// The peak is process-wide, and Swift Testing runs other tests in parallel, whose threads and allocations
/// count too; so a run that exceeds the limit is repeated, up to five runs, and the smallest growth is
/// the one checked. Memory that the parse itself held would show in every run.
@Test func largeAttachmentFromAFile() throws {
    let spooled = try SpooledMessage.write()
    defer { spooled.remove() }
    let fileDescriptor = open(spooled.path, O_RDONLY)
    try #require(fileDescriptor >= 0)
    defer { close(fileDescriptor) }
    let fileSize = Int(lseek(fileDescriptor, 0, SEEK_END))
    let limit = 8 * 1_048_576

    var runs = [try LargeRun(fileDescriptor: fileDescriptor)]
    while runs.count < 5, runs.allSatisfy({ max($0.peakGrowth, $0.sampledGrowth) >= limit }) {
        runs.append(try LargeRun(fileDescriptor: fileDescriptor))
    }
    let peakGrowth = runs.map(\.peakGrowth).min() ?? 0
    let sampledGrowth = runs.map(\.sampledGrowth).min() ?? 0
    let mebibytes = { (bytes: Int) in String(format: "%.2f MiB", Double(bytes) / 1_048_576) }
    print(
        """
        large attachment: file \(fileSize) bytes, attachment \(runs[0].verifier.count) bytes in \(runs[0].chunks) \
        chunks; peak RSS growth \(mebibytes(peakGrowth)) (VmHWM \(runs[0].peakWasReset ? "reset" : "not reset")), \
        sampled RSS growth \(mebibytes(sampledGrowth)); runs: \(runs.map { mebibytes($0.peakGrowth) })
        """
    )

    for run in runs {
        #expect(run.parsed.summary.subject == "the big file")
        #expect(run.parsed.body.text == "Here is the file.")
        #expect(
            run.parsed.body.attachments == [
                MessageAttachment(
                    id: "2",
                    filename: "big.bin",
                    contentType: "application/octet-stream",
                    size: SpooledMessage.attachmentSize,
                    disposition: "attachment"
                )
            ]
        )
        #expect(run.streamed == run.parsed.body.attachments.first)
        #expect(run.verifier.count == SpooledMessage.attachmentSize)
        #expect(run.verifier.firstMismatch == nil)
    }
    #expect(fileSize > 28_000_000)
    #expect(peakGrowth < limit)
    #expect(sampledGrowth < limit)
}

/// The file variants give exactly what the in-memory ones give, whatever the descriptor's offset, and
/// leave the descriptor open.
@Test func fileAndBytesAgree() throws {
    let message = MessageLines.crlf(
        "From: a@example.com",
        "Subject: =?UTF-8?Q?f=C3=BCr_dich?=",
        "Content-Type: multipart/mixed; boundary=b",
        "",
        "--b",
        "Content-Type: text/plain; charset=iso-8859-1",
        "Content-Transfer-Encoding: quoted-printable",
        "",
        "Gr=FC=DFe",
        "--b",
        "Content-Type: message/rfc822",
        "",
        "Subject: inner",
        "",
        "inner body",
        "--b",
        "Content-Type: image/gif; name=dot.gif",
        "Content-Transfer-Encoding: base64",
        "",
        "R0lGODlhAQABAAAAACw=",
        "--b--"
    )
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("mime-\(UUID().uuidString).eml").path
    try Data(message).write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let fileDescriptor = open(path, O_RDONLY)
    try #require(fileDescriptor >= 0)
    defer { close(fileDescriptor) }

    // An offset left anywhere does not matter: the whole file is the message.
    lseek(fileDescriptor, 17, SEEK_SET)
    let fromFile = MIMEParser.parseMessage(fileDescriptor: fileDescriptor)
    let fromBytes = MIMEParser.parseMessage(message)
    #expect(fromFile == fromBytes)
    #expect(fromFile.body.text == "Grüße")
    #expect(fromFile.body.attachments.map(\.id) == ["2", "3"])
    for attachment in fromBytes.body.attachments {
        var fileBytes: [UInt8] = []
        let described = MIMEParser.attachment(attachment.id, fileDescriptor: fileDescriptor) {
            fileBytes.append(contentsOf: $0)
        }
        #expect(described == attachment)
        #expect(fileBytes == StreamedAttachment(attachment.id, in: message).bytes)
    }
    #expect(MIMEParser.attachment("1", fileDescriptor: fileDescriptor) { _ in } == nil)
    // Still open: the parser borrowed the descriptor.
    #expect(fcntl(fileDescriptor, F_GETFD) != -1)
}

/// A descriptor that cannot be read by offset (a pipe), and an empty file, read as an empty message.
@Test func unusableDescriptors() throws {
    var ends: [Int32] = [0, 0]
    try #require(pipe(&ends) == 0)
    _ = "Subject: x\r\n\r\nbody\r\n".withCString { write(ends[1], $0, strlen($0)) }
    close(ends[1])
    defer { close(ends[0]) }
    #expect(MIMEParser.parseMessage(fileDescriptor: ends[0]) == (MessageSummary(), [], MessageBody()))

    let path = FileManager.default.temporaryDirectory.appendingPathComponent("mime-empty-\(UUID().uuidString)").path
    try #require(FileManager.default.createFile(atPath: path, contents: nil))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let empty = open(path, O_RDONLY)
    try #require(empty >= 0)
    defer { close(empty) }
    #expect(MIMEParser.parseMessage(fileDescriptor: empty) == (MessageSummary(), [], MessageBody()))
}
