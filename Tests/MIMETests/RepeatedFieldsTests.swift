import Testing

@testable import MIME

/// The repeats `RepeatedFields` finds in `text`, fed `chunk` bytes at a time.
private func repeats(_ text: String, chunk: Int = .max) -> [Int] {
    let bytes = Array(text.utf8)
    var scanner = RepeatedFields()
    var start = 0
    while start < bytes.count {
        let end = min(bytes.count, start + chunk)
        bytes[start..<end].withUnsafeBytes { scanner.feed($0) }
        start = end
    }
    return scanner.repeats.map(\.offset)
}

/// The second Subject, From and Content-Type are found wherever the input is split, whatever their case
/// and white space before the colon; fields that may repeat, continuation lines and the body are not.
@Test(arguments: [1, 2, 7, 1000])
func repeatsOfSingleFieldsAreFound(chunk: Int) {
    let text =
        "Subject: one\r\nReceived: a\r\nReceived: b\r\nsubject : two\r\n folded: x\r\nFROM: a@b\r\nFrom: c@d\r\n"
        + "Content-Type: text/plain\r\nContent-Type: text/html\r\n\r\nSubject: body\r\n"
    let bytes = Array(text.utf8)
    let expected = ["subject : two", "From: c@d", "Content-Type: text/html"].map { line in
        bytes.firstRange(of: Array(line.utf8))?.lowerBound ?? -1
    }
    #expect(repeats(text, chunk: chunk) == expected)
}

/// A header block ended by a bare LF, or with no repeats, gives nothing; the original first byte is kept.
@Test func endsAtTheEmptyLine() {
    #expect(repeats("Subject: a\n\nSubject: b\n").isEmpty)
    #expect(repeats("Subject: a\r\nTo: b\r\n").isEmpty)
    var scanner = RepeatedFields()
    Array("to: a\r\nTo: b\r\n\r\n".utf8).withUnsafeBytes { scanner.feed($0) }
    #expect(scanner.repeats.map(\.initial) == [UInt8(ascii: "T")])
    #expect(scanner.isDone)
}
