import MIME
import Testing

private let subjectPrefix = Array("Subject: ".utf8)

/// Undeclared raw UTF-8 in a subject is taken as UTF-8.
@Test func rawUTF8Subject() {
    // "naïve façade ✓"
    let raw: [UInt8] =
        [0x6E, 0x61, 0xC3, 0xAF, 0x76, 0x65, 0x20, 0x66, 0x61, 0xC3, 0xA7, 0x61, 0x64, 0x65, 0x20]
        + [0xE2, 0x9C, 0x93]
    let result = MIMEParser.parseHeaders(HeaderBlock.rawLines(subjectPrefix + raw))
    #expect(result.summary.subject == "naïve façade ✓")
    #expect(result.headers == [MessageHeader(name: "Subject", value: "naïve façade ✓")])
}

/// Undeclared raw Latin-1 in a subject is converted to UTF-8 through the fallback charsets, not dropped.
@Test func rawLatin1Subject() {
    // "Grüße à l'été" in ISO-8859-1.
    let raw: [UInt8] = [0x47, 0x72, 0xFC, 0xDF, 0x65, 0x20, 0xE0, 0x20, 0x6C, 0x27, 0xE9, 0x74, 0xE9]
    #expect(MIMEParser.parseHeaders(HeaderBlock.rawLines(subjectPrefix + raw)).summary.subject == "Grüße à l'été")
}

/// Bytes 0x80–0x9F are read as Windows-1252 (smart quotes, euro sign), which is what such mailers mean.
@Test func rawWindows1252Subject() {
    let raw: [UInt8] = [0x93, 0x68, 0x69, 0x94, 0x20, 0x96, 0x20, 0x80, 0x31, 0x30, 0x30]
    #expect(MIMEParser.parseHeaders(HeaderBlock.rawLines(subjectPrefix + raw)).summary.subject == "“hi” – €100")
}

/// Raw 8-bit in an address display name and in an unknown header is converted too.
@Test func rawLatin1NameAndHeader() {
    let result = MIMEParser.parseHeaders(
        HeaderBlock.rawLines(
            Array("From: J".utf8) + [0xFC] + Array("rgen <j@example.de>".utf8),
            Array("X-Note: ".utf8) + [0xE9, 0x74, 0xE9]
        )
    )
    #expect(result.summary.from == [MailAddress(name: "Jürgen", address: "j@example.de")])
    #expect(result.headers.last == MessageHeader(name: "X-Note", value: "été"))
}

/// Bytes that no fallback charset maps still give a valid string and keep the header.
@Test func undecodableBytesKeepTheHeader() {
    let result = MIMEParser.parseHeaders(HeaderBlock.rawLines(subjectPrefix + [0x81, 0x8D, 0xC3, 0x28, 0xFF, 0x41]))
    #expect(result.summary.subject != nil)
    #expect(result.summary.subject?.hasSuffix("A") == true)
    #expect(result.headers.map(\.name) == ["Subject"])
}
