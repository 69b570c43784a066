import Glibc

/// Finds the parts whose header fields run straight into the content, without the empty line between
/// them, so that the content is read as mail clients read it: the first line after a boundary delimiter
/// that is no header field (nor a continuation line) starts the content. GMime 3.2.13 reads such a part
/// with no content at all (an attachment of size 0, an empty text body).
///
/// Only delimiters of boundaries declared in a header block the repair has seen (the message's own and its
/// parts') count, so a body line that merely starts with `--` is never touched. The repair is an empty line
/// inserted before that first content line, in the line ending of the line before it.
struct PartHeaderRepair {
    /// How much of a line is looked at: delimiters, field names and `boundary=` parameters stand early.
    static let lineHead = 2048
    private static let boundaryKey = Array("boundary=".utf8)

    private var delimiters: Set<[UInt8]> = []
    private var inHeaderBlock = true
    /// In the message's own header block, where GMime skips a line that is no field (and so does this).
    private var atTopLevel = true
    /// Whether the line before ended in CRLF (else LF): the inserted empty line ends the same way.
    private var previousEndedInCRLF = true

    /// Where an empty line goes (an offset in the message) and its bytes, in input order.
    private(set) var insertions: [(offset: Int, bytes: [UInt8])] = []

    /// One line of the message: its first `lineHead` bytes without the line ending, where it starts, and
    /// its line ending (empty for a last line without one).
    mutating func line(_ head: ArraySlice<UInt8>, at start: Int, ending: ArraySlice<UInt8>) {
        defer { if !ending.isEmpty { self.previousEndedInCRLF = ending.count == 2 } }
        if self.inHeaderBlock {
            if head.isEmpty {
                self.inHeaderBlock = false
                self.atTopLevel = false
                return
            }
            if Self.isHeaderLine(head) {
                self.collectBoundary(head)
                return
            }
            if self.atTopLevel { return }
            if !self.isDelimiter(head) {
                // Content right after the fields: the empty line is missing.
                self.insertions.append((start, self.previousEndedInCRLF ? [0x0D, 0x0A] : [0x0A]))
            }
            self.inHeaderBlock = false
        }
        if self.isDelimiter(head) && !self.isCloseDelimiter(head) {
            self.inHeaderBlock = true
        }
    }

    /// A field (`name:` with a name of printable bytes, white space allowed before the colon) or a
    /// continuation line.
    private static func isHeaderLine(_ line: ArraySlice<UInt8>) -> Bool {
        guard let first = line.first else { return false }
        if first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { return true }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return false }
        var name = line[..<colon]
        while name.last == UInt8(ascii: " ") || name.last == UInt8(ascii: "\t") { name = name.dropLast() }
        return !name.isEmpty && name.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }

    /// Whether the line starts with `--` (checked byte by byte: this runs for every line of a message).
    private static func startsWithDashes(_ line: ArraySlice<UInt8>) -> Bool {
        line.count >= 2 && line[line.startIndex] == UInt8(ascii: "-") && line[line.startIndex + 1] == UInt8(ascii: "-")
    }

    /// Whether the line is `--boundary` (or `--boundary--`) of a declared boundary, white space after it allowed.
    private func isDelimiter(_ line: ArraySlice<UInt8>) -> Bool {
        guard !self.delimiters.isEmpty, Self.startsWithDashes(line) else { return false }
        var trimmed = line
        while trimmed.last == UInt8(ascii: " ") || trimmed.last == UInt8(ascii: "\t") { trimmed = trimmed.dropLast() }
        if self.delimiters.contains(Array(trimmed)) { return true }
        return trimmed.count >= 2 && trimmed.suffix(2).elementsEqual([UInt8(ascii: "-"), UInt8(ascii: "-")])
            && self.delimiters.contains(Array(trimmed.dropLast(2)))
    }

    private func isCloseDelimiter(_ line: ArraySlice<UInt8>) -> Bool {
        guard Self.startsWithDashes(line) else { return false }
        var trimmed = line
        while trimmed.last == UInt8(ascii: " ") || trimmed.last == UInt8(ascii: "\t") { trimmed = trimmed.dropLast() }
        return !self.delimiters.contains(Array(trimmed))
    }

    /// Notes the `boundary=` parameter of a header line (quoted or not), as a delimiter `--boundary`.
    private mutating func collectBoundary(_ line: ArraySlice<UInt8>) {
        guard let end = Self.endOfBoundaryKey(in: line) else { return }
        var value = line[end...]
        if value.first == UInt8(ascii: "\"") {
            value = value.dropFirst().prefix { $0 != UInt8(ascii: "\"") }
        } else {
            value = value.prefix { $0 != UInt8(ascii: ";") && $0 > 0x20 }
        }
        guard !value.isEmpty else { return }
        self.delimiters.insert([UInt8(ascii: "-"), UInt8(ascii: "-")] + value)
    }

    /// The index just past `boundary=` (in any case) in the line; nil when it has none. A plain loop: this
    /// looks at every field of every part.
    private static func endOfBoundaryKey(in line: ArraySlice<UInt8>) -> Int? {
        let key = self.boundaryKey
        guard line.count >= key.count else { return nil }
        var start = line.startIndex
        let last = line.endIndex - key.count
        while start <= last {
            var matched = 0
            while matched < key.count {
                let byte = line[start + matched]
                let lower = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
                guard lower == key[matched] else { break }
                matched += 1
            }
            if matched == key.count { return start + key.count }
            start += 1
        }
        return nil
    }

    /// Whether `line` can matter: in a header block every line does, outside one only a delimiter does.
    func needs(_ line: ArraySlice<UInt8>) -> Bool {
        self.inHeaderBlock || Self.startsWithDashes(line)
    }

    /// The insertions for a message in memory.
    static func insertions(in bytes: [UInt8]) -> [(offset: Int, bytes: [UInt8])] {
        var repair = PartHeaderRepair()
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var start = 0
            while start < buffer.count {
                let lineFeed = memchr(base + start, 0x0A, buffer.count - start).map {
                    base.distance(to: $0.assumingMemoryBound(to: UInt8.self))
                }
                var contentEnd = lineFeed ?? buffer.count
                if contentEnd > start, buffer[contentEnd - 1] == UInt8(ascii: "\r") { contentEnd -= 1 }
                let end = lineFeed.map { $0 + 1 } ?? buffer.count
                let head = bytes[start..<min(contentEnd, start + Self.lineHead)]
                if repair.needs(head) { repair.line(head, at: start, ending: bytes[contentEnd..<end]) }
                start = end
            }
        }
        return repair.insertions
    }

    /// `bytes` with the insertions made.
    static func repaired(_ bytes: [UInt8], _ insertions: [(offset: Int, bytes: [UInt8])]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 2 * insertions.count)
        var copied = 0
        for insertion in insertions {
            output += bytes[copied..<insertion.offset]
            output += insertion.bytes
            copied = insertion.offset
        }
        output += bytes[copied...]
        return output
    }
}
