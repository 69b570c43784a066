import POP3

/// Invariants of the pure parsers a status line or a body goes through after the decoder.
enum POP3ParserChecks {
    static func check(_ status: POP3StatusLine) throws(InvariantViolation) {
        try self.checkPrintable(status.printableText)
        if case .other(let code) = status.responseCode {
            try expect(
                !code.isEmpty && !code.utf8.contains { (0x61...0x7A).contains($0) },
                "code \(code) is lower-case"
            )
        }
        if let stat = try? POP3Listing.parseStat(status.text) {
            try expect(stat.messageCount >= 0 && stat.totalSize >= 0, "negative STAT \(stat)")
        }
        let error = POP3SessionStateMachine.error(from: status, default: .commandFailed, "fuzz")
        try expect(error.responseCode == status.responseCode, "error lost the response code")
    }

    /// A body read as every listing it could be: LIST, UIDL, both merged, and CAPA.
    static func checkListings(_ body: [UInt8]) throws(InvariantViolation) {
        let list = try? POP3Listing.parseList(body)
        for entry in list ?? [] {
            try expect(entry.number > 0 && entry.size >= 0, "LIST entry \(entry) out of range")
        }
        let uidl = try? POP3Listing.parseUIDL(body)
        for entry in uidl ?? [] {
            try expect(entry.number > 0, "UIDL number \(entry.number) out of range")
            if let uid = entry.uid {
                try expect(POP3Listing.isValidUID(uid), "UIDL kept an invalid id")
            }
        }
        if let list, let uidl, let merged = try? POP3Listing.merge(list: list, uidl: uidl) {
            try expect(merged.count == list.count, "merge lost or added messages")
            try expect(zip(merged, merged.dropFirst()).allSatisfy { $0.number < $1.number }, "merge is not sorted")
        }
        let capabilities = POP3Capabilities(parsing: body)
        // Capability names are ASCII (RFC 2449): only a–z are upper-cased; other bytes stay as they came.
        for name in capabilities.names {
            try expect(!name.utf8.contains { (0x61...0x7A).contains($0) }, "capability \(name) is not upper-cased")
        }
        for line in capabilities.lines + [capabilities.implementation ?? ""] {
            try self.checkPrintable(line)
        }
        if let delay = capabilities.loginDelay {
            try expect(delay >= 0, "negative LOGIN-DELAY")
        }
    }

    /// Text for logs is printable ASCII, cut at 200 characters (plus "...").
    static func checkPrintable(_ text: String) throws(InvariantViolation) {
        try expect(text.utf8.count <= 203, "printable text longer than 203 bytes")
        try expect(text.utf8.allSatisfy { (0x20...0x7E).contains($0) }, "printable text has unprintable bytes")
    }
}
