/// One message as `LIST` and `UIDL` describe it in the current session.
public struct POP3MessageInfo: Hashable, Sendable {
    /// The session-local message number: valid only inside the session that listed it.
    public var number: Int
    /// The size the server reports, in octets (a hint: some servers count LF line endings).
    public var size: Int
    /// The unique id, stable across sessions; nil when the server gave none for this message.
    public var uid: String?

    public init(number: Int, size: Int, uid: String?) {
        self.number = number
        self.size = size
        self.uid = uid
    }
}

/// The answer to `STAT`.
public struct POP3MaildropStatus: Hashable, Sendable {
    public var messageCount: Int
    public var totalSize: Int

    public init(messageCount: Int, totalSize: Int) {
        self.messageCount = messageCount
        self.totalSize = totalSize
    }
}

/// Parsers for the listings the server sends. Every number is validated; nothing is allocated
/// from a server-sent count (docs/pop3-notes.md §8).
public enum POP3Listing {
    /// The largest message number or size accepted from a server; anything larger is a lie.
    static let maximumNumber = 1 << 40

    /// Parses `+OK count size` (text after `+OK `).
    public static func parseStat(_ text: [UInt8]) throws(POP3Error) -> POP3MaildropStatus {
        let fields = text.split(separator: ASCII.space, maxSplits: 2)
        guard fields.count >= 2, let count = self.number(fields[0]), let size = self.number(fields[1]) else {
            throw POP3Error(.protocolViolation, "malformed STAT answer: \(POP3StatusLine.printable(text))")
        }
        return POP3MaildropStatus(messageCount: count, totalSize: size)
    }

    /// Parses a multi-line `LIST` body: `number size` per line.
    public static func parseList(_ body: [UInt8]) throws(POP3Error) -> [(number: Int, size: Int)] {
        var entries: [(number: Int, size: Int)] = []
        for line in self.lines(body) {
            let fields = line.split(separator: ASCII.space, maxSplits: 2)
            guard fields.count >= 2, let number = self.number(fields[0]), number > 0,
                let size = self.number(fields[1])
            else {
                throw POP3Error(.protocolViolation, "malformed LIST line: \(POP3StatusLine.printable(line))")
            }
            entries.append((number, size))
        }
        return entries
    }

    /// Parses a multi-line `UIDL` body: `number uid` per line.
    ///
    /// A unique id that breaks RFC 1939 §7 (too long, control or non-ASCII bytes) is returned as nil:
    /// the message stays visible but has no identity, rather than one bad line making the whole
    /// maildrop unreadable or a hostile id reaching a cache key (fetchmail's CVE-2005-2335).
    public static func parseUIDL(_ body: [UInt8]) throws(POP3Error) -> [(number: Int, uid: String?)] {
        var entries: [(number: Int, uid: String?)] = []
        for line in self.lines(body) {
            let fields = line.split(separator: ASCII.space, maxSplits: 1, omittingEmptySubsequences: true)
            guard fields.count == 2, let number = self.number(fields[0]), number > 0 else {
                throw POP3Error(.protocolViolation, "malformed UIDL line: \(POP3StatusLine.printable(line))")
            }
            let uid = fields[1]
            entries.append((number, self.isValidUID(uid) ? String(decoding: uid, as: UTF8.self) : nil))
        }
        return entries
    }

    /// Joins `LIST` and `UIDL` answers into one listing ordered by message number.
    ///
    /// A message with no UIDL line keeps `uid == nil`; a UIDL line for a message that `LIST`
    /// did not report is ignored. Duplicate numbers are a protocol violation.
    public static func merge(
        list: [(number: Int, size: Int)],
        uidl: [(number: Int, uid: String?)]
    ) throws(POP3Error) -> [POP3MessageInfo] {
        var uids: [Int: String?] = [:]
        uids.reserveCapacity(uidl.count)
        for entry in uidl where uids.updateValue(entry.uid, forKey: entry.number) != nil {
            throw POP3Error(.protocolViolation, "UIDL lists message \(entry.number) twice")
        }
        var seen = Set<Int>()
        var messages: [POP3MessageInfo] = []
        messages.reserveCapacity(list.count)
        for entry in list {
            guard seen.insert(entry.number).inserted else {
                throw POP3Error(.protocolViolation, "LIST lists message \(entry.number) twice")
            }
            messages.append(POP3MessageInfo(number: entry.number, size: entry.size, uid: uids[entry.number] ?? nil))
        }
        messages.sort { $0.number < $1.number }
        return messages
    }

    /// A unique id is 1–70 characters in 0x21–0x7E (RFC 1939 §7). Inlinable, so that callers in other
    /// modules get it specialised for their collection type (it runs on every request naming an id).
    @inlinable
    public static func isValidUID<Bytes: Collection<UInt8>>(_ uid: Bytes) -> Bool {
        (1...70).contains(uid.count) && uid.allSatisfy { (0x21...0x7E).contains($0) }
    }

    /// A unique id as a Swift string (the same rule as for bytes).
    public static func isValidUID(_ uid: String) -> Bool { self.isValidUID(uid.utf8) }

    private static func number(_ bytes: ArraySlice<UInt8>) -> Int? {
        guard let value = ASCII.parseNumber(bytes, maxDigits: 13), value <= self.maximumNumber else { return nil }
        return value
    }

    private static func lines(_ body: [UInt8]) -> [ArraySlice<UInt8>] {
        body.split(separator: ASCII.lf).map(ASCII.trimmingLineEnding).filter { !$0.isEmpty }
    }
}
