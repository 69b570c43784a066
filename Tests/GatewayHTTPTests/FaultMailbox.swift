import Foundation
import Synchronization

/// The maildrop behind a `FaultUpstream`, with POP3's commit rule (RFC 1939 §6): a session's DELEs take
/// effect only when its QUIT is answered `+OK`; a session that ends any other way deletes nothing.
///
/// Lets a fault test ask the question that matters after a failed DELETE: is the mail still there?
final class FaultMailbox: Sendable {
    struct Message: Sendable {
        var uid: String
        var content: [UInt8]
    }

    private struct State {
        var messages: [Message]
        var commits = 0
    }

    private let state: Mutex<State>

    init(_ messages: [Message] = FaultMailbox.standardMessages) {
        self.state = Mutex(State(messages: messages))
    }

    /// Two small messages, ids `m1` and `m2`.
    static let standardMessages = [
        Message(uid: "m1", content: Array("Subject: one\r\nFrom: one@example.test\r\n\r\nfirst body\r\n".utf8)),
        Message(uid: "m2", content: Array("Subject: two\r\nFrom: two@example.test\r\n\r\nsecond body\r\n".utf8)),
    ]

    /// What a session sees when it logs in.
    var snapshot: [Message] { self.state.withLock { $0.messages } }

    /// The UIDLs in the maildrop now.
    var uids: [String] { self.state.withLock { $0.messages.map(\.uid) } }

    /// How many QUITs committed deletions.
    var commits: Int { self.state.withLock { $0.commits } }

    /// QUIT `+OK` of a session that marked `uids`: they are gone for good.
    func commit(deleting uids: Set<String>) {
        self.state.withLock { state in
            state.messages.removeAll { uids.contains($0.uid) }
            if !uids.isEmpty { state.commits += 1 }
        }
    }
}

/// One POP3 session's view of a `FaultMailbox`, for a fault script: the snapshot taken at login and the
/// messages marked for deletion.
final class FaultMaildropSession {
    let mailbox: FaultMailbox
    let messages: [FaultMailbox.Message]
    var marked: Set<Int> = []

    init(_ mailbox: FaultMailbox) {
        self.mailbox = mailbox
        self.messages = mailbox.snapshot
    }

    /// The message with this 1-based number, unless it is out of range or marked.
    func message(_ argument: Substring?) -> FaultMailbox.Message? {
        guard let number = argument.flatMap({ Int($0) }), self.messages.indices.contains(number - 1),
            !self.marked.contains(number)
        else { return nil }
        return self.messages[number - 1]
    }

    /// A multi-line answer: `+OK`, the dot-stuffed content, the final `.`.
    static func multiLine(_ content: [UInt8]) -> [UInt8] {
        var wire = Array("+OK\r\n".utf8)
        var atLineStart = true
        for byte in content {
            if atLineStart && byte == UInt8(ascii: ".") { wire.append(byte) }
            wire.append(byte)
            atLineStart = byte == UInt8(ascii: "\n")
        }
        if !atLineStart { wire += Array("\r\n".utf8) }
        return wire + Array(".\r\n".utf8)
    }
}

extension FaultUpstreamConnection {
    /// What a script may do instead of the standard answer to one command keyword: it gets the session and
    /// the command's arguments, and ends the connection by throwing (`FaultUpstreamEnd`).
    typealias Override = @Sendable (FaultUpstreamConnection, FaultMaildropSession, [Substring]) throws -> Void

    /// Serves `mailbox` after login until QUIT or hang-up: STAT, LIST, UIDL, TOP, RETR, DELE, NOOP, RSET and
    /// QUIT (which commits the marked deletions), each unless `overrides` has an answer for its keyword.
    func serve(_ mailbox: FaultMailbox, overrides: [String: Override] = [:]) throws {
        let session = FaultMaildropSession(mailbox)
        while let command = try self.readCommand() {
            let words = command.split(separator: " ")
            let keyword = words.first.map { $0.uppercased() } ?? ""
            let arguments = Array(words.dropFirst())
            if let override = overrides[keyword] {
                try override(self, session, arguments)
                continue
            }
            if try self.answer(keyword, arguments, in: session) { return }
        }
    }

    /// The standard answer; true when the session is over (QUIT).
    private func answer(_ keyword: String, _ arguments: [Substring], in session: FaultMaildropSession) throws -> Bool {
        let live = session.messages.indices.filter { !session.marked.contains($0 + 1) }
        switch keyword {
        case "STAT":
            try self.send("+OK \(live.count) \(live.reduce(0) { $0 + session.messages[$1].content.count })")
        case "LIST", "UIDL":
            let lines = live.map { index in
                let message = session.messages[index]
                return "\(index + 1) " + (keyword == "LIST" ? String(message.content.count) : message.uid)
            }
            try self.send(lines: ["+OK"] + lines + ["."])
        case "TOP", "RETR":
            guard let message = session.message(arguments.first) else {
                try self.send("-ERR no such message")
                return false
            }
            var content = message.content
            if keyword == "TOP", let end = Self.headerEnd(content) { content = Array(content[..<end]) }
            try self.send(bytes: FaultMaildropSession.multiLine(content))
        case "DELE":
            guard session.message(arguments.first) != nil, let number = arguments.first.flatMap({ Int($0) }) else {
                try self.send("-ERR no such message")
                return false
            }
            session.marked.insert(number)
            try self.send("+OK marked")
        case "NOOP":
            try self.send("+OK")
        case "RSET":
            session.marked.removeAll()
            try self.send("+OK")
        case "QUIT":
            session.mailbox.commit(deleting: Set(session.marked.map { session.messages[$0 - 1].uid }))
            try self.send("+OK bye")
            return true
        default:
            try self.send("-ERR unknown command")
        }
        return false
    }

    /// Where the header ends: just past the blank line.
    private static func headerEnd(_ content: [UInt8]) -> Int? {
        let blank = Array("\r\n\r\n".utf8)
        guard content.count >= blank.count else { return nil }
        return (0...(content.count - blank.count)).first { content[$0..<($0 + blank.count)].elementsEqual(blank) }
            .map { $0 + blank.count }
    }
}
