import CGMime
import Glibc

/// A message that GMime parsed from bytes or from a file; owns the GMime objects until it goes out of scope.
///
/// Noncopyable and not Sendable: the GMime objects belong to one parse on one thread and are released in
/// `deinit`, so none of them escapes, crosses a thread or outlives the parse. Only Swift values come out.
/// Pointers GMime returns from its getters (`transfer none`) are borrowed from the message and never freed.
struct GMimeParsedMessage: ~Copyable {
    /// Tried in order on header bytes that are not ASCII and declare no charset. Windows-1252 before
    /// ISO-8859-1 because mailers that send Latin-1 usually mean it (smart quotes, euro sign in 0x80–0x9F);
    /// ISO-8859-1 last because it maps every byte, so no header is ever dropped.
    private static let fallbackCharsets: [StaticString] = ["UTF-8", "windows-1252", "iso-8859-1"]

    let message: UnsafeMutablePointer<GMimeMessage>
    /// Kept as long as the message: GMime 3.2's header lists clone the options, but nothing promises that
    /// every object does, and headers are decoded lazily, long after the parser is gone.
    let options: OpaquePointer
    /// Whether an address field of the input was flattened before GMime saw it (`AddressFieldGuard`).
    let flattenedAddressFields: Bool
    /// The repeated fields renamed before GMime saw them (`RepeatedFields`): offset, first byte as it was.
    let renamedFields: [Int: UInt8]

    /// Parses a message or a bare header block; nil when GMime finds no message at all (empty input, or a
    /// first line that is not a header).
    init?(parsing bytes: [UInt8]) {
        GMimeLibrary.initializeOnce()
        // The stream copies the bytes, so nothing GMime holds points into Swift memory.
        let defused = AddressFieldGuard.defused(bytes)
        var input = defused ?? bytes
        let repeats = RepeatedFields.repeats(in: input)
        for repeated in repeats { input[repeated.offset] = RepeatedFields.renamedInitial }
        // After the renames, which are all in the message's own header block, before any insertion.
        let insertions = PartHeaderRepair.insertions(in: input)
        if !insertions.isEmpty { input = PartHeaderRepair.repaired(input, insertions) }
        let stream = Self.terminatingHeaderBlock(input).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { g_mime_stream_mem_new_with_buffer($0.baseAddress, $0.count) }
        }
        guard let stream else { return nil }
        // The parser and the parts' content streams hold their own references.
        defer { g_object_unref(stream) }
        self.init(
            stream: stream,
            flattenedAddressFields: defused != nil,
            renamedFields: Dictionary(uniqueKeysWithValues: repeats)
        )
    }

    /// Parses the message that fills a file, from offset 0 to its end, leaving every part's content in the
    /// file: GMime reads a part only when it is decoded, so a message much larger than memory parses in
    /// little memory. Nil when the descriptor cannot be read by offset (a pipe or a socket: GMime seeks back
    /// to each part) or GMime finds no message.
    ///
    /// The descriptor stays the caller's: it is not closed, and must stay open and unchanged while this
    /// value lives. GMime moves its offset (it seeks before each read), so one descriptor must not be used
    /// by two parses at the same time. The file is only read: what `init(parsing:)` changes in the bytes
    /// before GMime sees them (`AddressFieldGuard`, `RepeatedFields`, `PartHeaderRepair`) is laid over the
    /// file's stream as patches.
    init?(fileDescriptor: Int32) {
        GMimeLibrary.initializeOnce()
        guard lseek(fileDescriptor, 0, SEEK_CUR) >= 0, let prepared = Self.patches(fileDescriptor),
            let file = pop3gw_stream_fs_new_borrowed(fileDescriptor)
        else { return nil }
        defer { g_object_unref(file) }
        guard let stream = Self.patched(file, prepared.patches) else { return nil }
        defer { g_object_unref(stream) }
        self.init(
            stream: stream,
            flattenedAddressFields: prepared.flattened,
            renamedFields: Dictionary(uniqueKeysWithValues: prepared.renamed)
        )
    }

    /// `file` with `patches` (byte ranges and what replaces them, in order, apart; an empty range inserts)
    /// laid over it: the file itself without patches, else a concatenation of windows on the file and the
    /// patches' bytes. A new reference, or nil when GMime cannot make the streams.
    private static func patched(
        _ file: UnsafeMutablePointer<GMimeStream>,
        _ patches: [(range: Range<Int>, bytes: [UInt8])]
    ) -> UnsafeMutablePointer<GMimeStream>? {
        guard !patches.isEmpty else { return g_object_ref(file).assumingMemoryBound(to: GMimeStream.self) }
        guard let cat = g_mime_stream_cat_new() else { return nil }
        var position = 0
        func add(_ source: UnsafeMutablePointer<GMimeStream>?) -> Bool {
            guard let source else { return false }
            defer { g_object_unref(source) }
            return pop3gw_stream_cat_add(cat, source) == 0
        }
        for patch in patches {
            if patch.range.lowerBound > position,
                !add(g_mime_stream_substream(file, position, patch.range.lowerBound))
            {
                g_object_unref(cat)
                return nil
            }
            let memory = patch.bytes.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { g_mime_stream_mem_new_with_buffer($0.baseAddress, $0.count) }
            }
            guard add(memory) else {
                g_object_unref(cat)
                return nil
            }
            position = patch.range.upperBound
        }
        // The rest of the file, to its end (-1).
        guard add(g_mime_stream_substream(file, position, -1)) else {
            g_object_unref(cat)
            return nil
        }
        return cat
    }

    private init?(
        stream: UnsafeMutablePointer<GMimeStream>,
        flattenedAddressFields: Bool,
        renamedFields: [Int: UInt8]
    ) {
        guard let options = g_mime_parser_options_new() else { return nil }
        Self.setFallbackCharsets(options)
        guard let parser = g_mime_parser_new_with_stream(stream) else {
            g_mime_parser_options_free(options)
            return nil
        }
        // Each part's content stays a window on the stream (GMime's default, which this relies on): a
        // memory stream is not copied again, and a file is read only while a part is decoded.
        g_mime_parser_set_persist_stream(parser, 1)
        let message = g_mime_parser_construct_message(parser, options)
        g_object_unref(parser)
        guard let message else {
            g_mime_parser_options_free(options)
            return nil
        }
        self.message = message
        self.options = options
        self.flattenedAddressFields = flattenedAddressFields
        self.renamedFields = renamedFields
    }

    deinit {
        g_object_unref(self.message)
        g_mime_parser_options_free(self.options)
    }

    /// What `init(parsing:)` would change in the message in a file, as patches: the over-limit address fields
    /// flattened (`AddressFieldGuard`), the repeated fields renamed (`RepeatedFields`) and the missing empty
    /// lines of part headers inserted (`PartHeaderRepair`). Nil when the file cannot be read.
    private static func patches(
        _ fileDescriptor: Int32
    ) -> (patches: [(range: Range<Int>, bytes: [UInt8])], flattened: Bool, renamed: [(Int, UInt8)])? {
        let chunkSize = 1 << 16
        var guardian = AddressFieldGuard()
        var repeated = RepeatedFields()
        var repair = PartHeaderRepair()
        var lines = FileLines()
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        var offset = 0
        // One pass over the file feeds all three.
        while true {
            let count = chunk.withUnsafeMutableBytes { pread(fileDescriptor, $0.baseAddress, chunkSize, off_t(offset)) }
            guard count >= 0 else { return nil }
            guard count > 0 else { break }
            chunk.withUnsafeBufferPointer { guardian.feed(UnsafeBufferPointer(rebasing: $0[..<count])) }
            if !repeated.isDone {
                chunk.withUnsafeBytes { repeated.feed(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
            }
            lines.feed(chunk[..<count], at: offset, to: &repair)
            offset += count
        }
        guardian.finish()
        lines.finish(at: offset, to: &repair)
        var patches: [(range: Range<Int>, bytes: [UInt8])] = []
        for range in guardian.overLimit {
            var bytes = [UInt8](repeating: 0, count: range.count)
            let read = bytes.withUnsafeMutableBytes {
                pread(fileDescriptor, $0.baseAddress, range.count, off_t(range.lowerBound))
            }
            guard read == range.count else { return nil }
            AddressFieldGuard.flatten(&bytes, in: bytes.indices)
            patches.append((range, bytes))
        }
        // A repeat's name starts a header line, never inside an address field's value.
        patches += repeated.repeats.map { ($0.offset..<($0.offset + 1), [RepeatedFields.renamedInitial]) }
        // The empty lines a part's header block lacks, at the start of a line: never inside another patch.
        patches += repair.insertions.map { ($0.offset..<$0.offset, $0.bytes) }
        patches.sort { $0.range.lowerBound < $1.range.lowerBound }
        return (patches, !guardian.overLimit.isEmpty, repeated.repeats.map { ($0.offset, $0.initial) })
    }

    /// Splits a file read in chunks into the lines `PartHeaderRepair` looks at: each line's first
    /// `PartHeaderRepair.lineHead` bytes, where it starts, and its line ending.
    private struct FileLines {
        private var head: [UInt8] = []
        private var lineStart = 0
        private var pendingCR = false

        mutating func feed(_ chunk: ArraySlice<UInt8>, at offset: Int, to repair: inout PartHeaderRepair) {
            for (index, byte) in zip(offset..., chunk) {
                if byte == UInt8(ascii: "\n") {
                    let ending: [UInt8] = self.pendingCR ? [0x0D, 0x0A] : [0x0A]
                    if repair.needs(self.head[...]) {
                        repair.line(self.head[...], at: self.lineStart, ending: ending[...])
                    }
                    self.head.removeAll(keepingCapacity: true)
                    self.lineStart = index + 1
                    self.pendingCR = false
                    continue
                }
                if self.pendingCR { self.keep(0x0D) }
                self.pendingCR = byte == 0x0D
                if !self.pendingCR { self.keep(byte) }
            }
        }

        /// The last line, when the file does not end with a line feed.
        mutating func finish(at end: Int, to repair: inout PartHeaderRepair) {
            if self.pendingCR { self.keep(0x0D) }
            if self.lineStart < end { repair.line(self.head[...], at: self.lineStart, ending: []) }
        }

        private mutating func keep(_ byte: UInt8) {
            if self.head.count < PartHeaderRepair.lineHead { self.head.append(byte) }
        }
    }

    /// The message as the `GMimeObject` it derives from, for the header functions.
    var object: UnsafeMutablePointer<GMimeObject> {
        pop3gw_message_as_object(self.message)
    }

    /// Hands GMime the fallback charsets as the `NULL`-terminated `const char **` it copies.
    static func setFallbackCharsets(_ options: OpaquePointer) {
        // A StaticString's bytes are NUL-terminated and live as long as the process.
        var charsets: [UnsafePointer<CChar>?] = self.fallbackCharsets.map {
            UnsafeRawPointer($0.utf8Start).assumingMemoryBound(to: CChar.self)
        }
        charsets.append(nil)
        charsets.withUnsafeMutableBufferPointer { g_mime_parser_options_set_fallback_charsets(options, $0.baseAddress) }
    }

    /// The bytes with an empty line after the headers when there is none (a header block cut right after
    /// its last field), so the parser always sees where the headers end. GMime 3.2.13 copes without it,
    /// but this does not rely on that.
    static func terminatingHeaderBlock(_ bytes: [UInt8]) -> [UInt8] {
        let lineFeed = UInt8(ascii: "\n")
        let carriageReturn = UInt8(ascii: "\r")
        // An empty first line ends an empty header block.
        if bytes.first == lineFeed || bytes.starts(with: [carriageReturn, lineFeed]) {
            return bytes
        }
        var index = bytes.startIndex
        while let newline = bytes[index...].firstIndex(of: lineFeed) {
            let next = newline + 1
            if next < bytes.endIndex, bytes[next] == lineFeed {
                return bytes
            }
            if next + 1 < bytes.endIndex, bytes[next] == carriageReturn, bytes[next + 1] == lineFeed {
                return bytes
            }
            index = next
        }
        let crlf: [UInt8] = [carriageReturn, lineFeed]
        return bytes.last == lineFeed ? bytes + crlf : bytes + crlf + crlf
    }
}
