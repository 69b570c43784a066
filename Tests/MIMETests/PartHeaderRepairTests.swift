import Testing

@testable import MIME

private func repaired(_ text: String) -> String {
    let bytes = Array(text.utf8)
    return String(decoding: PartHeaderRepair.repaired(bytes, PartHeaderRepair.insertions(in: bytes)), as: UTF8.self)
}

/// A part whose fields run into the content gets the empty line, in the line ending of the field before it;
/// a part with its empty line, an undeclared `--` line, the message's own header block (where GMime skips
/// an invalid line) and the close delimiter are left alone.
@Test func emptyLineGoesWhereAPartLacksIt() {
    let message =
        "Content-Type: multipart/mixed; boundary=\"b 1\"\r\nbad line\r\n\r\n--b 1\r\nContent-Type: text/plain\r\n"
        + "Hello\r\n--b 1\r\nContent-Type: text/plain\n\nfine\n--other\nnot a field\n--b 1--\r\nepilogue\r\n"
    #expect(
        repaired(message)
            == "Content-Type: multipart/mixed; boundary=\"b 1\"\r\nbad line\r\n\r\n--b 1\r\nContent-Type: text/plain\r\n"
            + "\r\nHello\r\n--b 1\r\nContent-Type: text/plain\n\nfine\n--other\nnot a field\n--b 1--\r\nepilogue\r\n"
    )
    let nested =
        "Content-Type: multipart/mixed; boundary=o\r\n\r\n--o\r\nContent-Type: multipart/alternative;\r\n"
        + " boundary=i\r\n\r\n--i\r\nContent-Transfer-Encoding: base64\r\nAAEC\r\n--i--\r\n--o--\r\n"
    #expect(PartHeaderRepair.insertions(in: Array(nested.utf8)).count == 1)
}
