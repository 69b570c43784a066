import Testing

@testable import POP3

private func bytes(_ string: String) -> [UInt8] { Array(string.utf8) }

private func info(_ number: Int, _ size: Int, _ uid: String?) -> POP3MessageInfo {
    POP3MessageInfo(number: number, size: size, uid: uid)
}

// MARK: - STAT

/// A STAT answer gives the message count and total size; extra words after them are ignored.
@Test(arguments: [
    ("2 320", 2, 320),
    ("0 0", 0, 0),
    ("2  320", 2, 320),
    ("2 320 messages in maildrop", 2, 320),
    ("1099511627776 1099511627776", 1 << 40, 1 << 40),
])
func parsesStat(text: String, count: Int, size: Int) throws {
    #expect(try POP3Listing.parseStat(bytes(text)) == POP3MaildropStatus(messageCount: count, totalSize: size))
}

/// A bare `+OK`, a missing field or an absurd number in a STAT answer is a protocol violation.
@Test(arguments: [
    "",
    " ",
    "2",
    "2 ",
    "x 320",
    "2 y",
    "-1 320",
    "2 -320",
    "+2 320",
    "1e9 1",
    "2 1e9",
    "2 320.5",
    "123456789012345678901234567890 1",
    "1 123456789012345678901234567890",
    "1099511627777 1",
    "99999999999999 1",
    "2\t320",
])
func rejectsMalformedStat(text: String) {
    let error = #expect(throws: POP3Error.self) { try POP3Listing.parseStat(bytes(text)) }
    #expect(error?.code == .protocolViolation)
}

// MARK: - LIST

/// A LIST body with gaps in the numbering (1, 3, 7) keeps every entry in order.
@Test func parsesListWithGaps() throws {
    let entries = try POP3Listing.parseList(bytes("1 120\r\n3 200\r\n7 4096\r\n"))
    #expect(entries.map(\.number) == [1, 3, 7])
    #expect(entries.map(\.size) == [120, 200, 4096])
}

/// Bare LF endings, blank lines and text after the size are tolerated in a LIST body.
@Test func parsesLenientList() throws {
    let entries = try POP3Listing.parseList(bytes("1 120\n\r\n2 5 extra\n"))
    #expect(entries.map(\.number) == [1, 2])
    #expect(entries.map(\.size) == [120, 5])
    #expect(try POP3Listing.parseList([]).isEmpty)
}

/// A malformed LIST line is a protocol violation.
@Test(arguments: ["1\r\n", "x 120\r\n", "0 120\r\n", "-1 120\r\n", "1 -5\r\n", "1 1e9\r\n", "1 99999999999999\r\n"])
func rejectsMalformedList(body: String) {
    let error = #expect(throws: POP3Error.self) { try POP3Listing.parseList(bytes("1 10\r\n" + body)) }
    #expect(error?.code == .protocolViolation)
}

// MARK: - UIDL

/// A UIDL body gives each message number its unique id.
@Test func parsesUIDL() throws {
    let entries = try POP3Listing.parseUIDL(bytes("1 whqtswO00WBw418f9t5JxYwZ\r\n2 QhdPYR:00WBw1Ph7x7\n"))
    #expect(entries.map(\.number) == [1, 2])
    #expect(entries.map(\.uid) == ["whqtswO00WBw418f9t5JxYwZ", "QhdPYR:00WBw1Ph7x7"])
}

/// A uid of exactly 70 characters is kept; 71 characters gives that entry a nil uid and leaves the others.
@Test func uidLengthLimit() throws {
    let seventy = String(repeating: "a", count: 70)
    let seventyOne = String(repeating: "b", count: 71)
    let entries = try POP3Listing.parseUIDL(bytes("1 \(seventy)\r\n2 \(seventyOne)\r\n3 ok\r\n"))
    #expect(entries.map(\.number) == [1, 2, 3])
    #expect(entries.map(\.uid) == [seventy, nil, "ok"])
}

/// A uid with a control, space, DEL or non-ASCII byte is nil, and the message stays listed.
@Test(arguments: [
    bytes("abc\u{01}def"),
    bytes("abc\u{7F}"),
    bytes("ab\tcd"),
    bytes("ab cd"),
    bytes("ab\rcd"),
    bytes("caf\u{00E9}"),
    bytes("ab") + [0x00] + bytes("cd"),
])
func invalidUIDBecomesNil(uid: [UInt8]) throws {
    let entries = try POP3Listing.parseUIDL(bytes("4 ") + uid + bytes("\r\n5 good\r\n"))
    #expect(entries.map(\.number) == [4, 5])
    #expect(entries.map(\.uid) == [nil, "good"])
}

/// A UIDL line without a uid or with a bad message number is a protocol violation.
@Test(arguments: ["1\r\n", "1 \r\n", "0 abc\r\n", "-1 abc\r\n", "x abc\r\n", "99999999999999 abc\r\n"])
func rejectsMalformedUIDL(body: String) {
    let error = #expect(throws: POP3Error.self) { try POP3Listing.parseUIDL(bytes("1 ok\r\n" + body)) }
    #expect(error?.code == .protocolViolation)
}

/// `isValidUID` accepts 1–70 characters in 0x21–0x7E and nothing else.
@Test(arguments: [
    ("a", true),
    ("!", true),
    ("~", true),
    (String(repeating: "x", count: 70), true),
    ("whqtswO00WBw418f9t5JxYwZ", true),
    ("", false),
    (String(repeating: "x", count: 71), false),
    ("a b", false),
    ("a\u{7F}", false),
    ("a\u{1F}", false),
    ("\u{00E9}", false),
])
func validUIDs(uid: String, valid: Bool) {
    #expect(POP3Listing.isValidUID(uid) == valid)
    #expect(POP3Listing.isValidUID(Array(uid.utf8)) == valid)
}

// MARK: - Merge

/// LIST and UIDL are joined by message number and the result is sorted by number.
@Test func mergeJoinsAndSorts() throws {
    let merged = try POP3Listing.merge(
        list: [(7, 700), (1, 100), (3, 300)],
        uidl: [(3, "c"), (1, "a"), (7, "g")]
    )
    #expect(merged == [info(1, 100, "a"), info(3, 300, "c"), info(7, 700, "g")])
}

/// A LIST entry with no UIDL line has a nil uid; a UIDL line for a message LIST did not report is ignored.
@Test func mergeWithMissingAndExtraUIDs() throws {
    let merged = try POP3Listing.merge(
        list: [(1, 100), (2, 200), (3, 300)],
        uidl: [(1, "a"), (3, nil), (9, "ghost")]
    )
    #expect(merged == [info(1, 100, "a"), info(2, 200, nil), info(3, 300, nil)])
}

/// The same uid on two different messages is kept on both entries.
@Test func mergeKeepsDuplicateUIDs() throws {
    let merged = try POP3Listing.merge(list: [(1, 10), (2, 20)], uidl: [(1, "same"), (2, "same")])
    #expect(merged == [info(1, 10, "same"), info(2, 20, "same")])
}

/// A message number listed twice by LIST is a protocol violation.
@Test func mergeRejectsDuplicateListNumbers() {
    let error = #expect(throws: POP3Error.self) {
        try POP3Listing.merge(list: [(1, 10), (2, 20), (1, 30)], uidl: [(1, "a"), (2, "b")])
    }
    #expect(error?.code == .protocolViolation)
}

/// A message number listed twice by UIDL is a protocol violation, whether or not the uids are valid.
@Test(arguments: [("a" as String?, "b" as String?), ("a", "a"), (nil, nil), (nil, "b"), ("a", nil)])
func mergeRejectsDuplicateUIDLNumbers(first: String?, second: String?) {
    let error = #expect(throws: POP3Error.self) {
        try POP3Listing.merge(list: [(1, 10), (2, 20)], uidl: [(2, first), (1, "x"), (2, second)])
    }
    #expect(error?.code == .protocolViolation)
}

/// Parsing real LIST and UIDL bodies and merging them gives the full listing.
@Test func parseAndMergeEndToEnd() throws {
    let list = try POP3Listing.parseList(bytes("1 120\r\n3 200\r\n7 4096\r\n"))
    let uidl = try POP3Listing.parseUIDL(bytes("7 g7\r\n1 a1\r\n3 \(String(repeating: "z", count: 71))\r\n"))
    #expect(
        try POP3Listing.merge(list: list, uidl: uidl) == [info(1, 120, "a1"), info(3, 200, nil), info(7, 4096, "g7")]
    )
}
