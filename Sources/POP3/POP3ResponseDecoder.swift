/// Turns the bytes a POP3 server sends into status lines and un-stuffed multi-line bodies.
///
/// The decoder is incremental and does no I/O: the transport writes received bytes into it
/// (`receive(minimumSpace:_:)` or `append(_:)`), then the client asks for the next status line
/// or for body bytes. When a frame is incomplete the decoder returns nil/false and keeps what it
/// has, so `CRLF.CRLF` and stuffing dots may be split across any read boundary.
///
/// Lines end at LF; a CR before it is part of the line ending. The end of a multi-line response
/// is a line holding only `.` (`.CRLF`, or `.LF` from servers that send bare LF — poplib agrees).
/// A leading `.` on any other body line is removed (RFC 1939 §3). Body bytes are copied as they
/// are, line endings included, so a message comes out byte-exact.
public struct POP3ResponseDecoder: Sendable {
    public struct Limits: Hashable, Sendable {
        /// The longest status line accepted. RFC 1939 says 512, real servers send more
        /// (poplib allows 2048).
        public var statusLineLength: Int
        /// The most body bytes one multi-line response may deliver.
        public var responseLength: Int

        public init(statusLineLength: Int = 4096, responseLength: Int = 256 * 1024 * 1024) {
            self.statusLineLength = statusLineLength
            self.responseLength = responseLength
        }
    }

    public var limits: Limits

    /// Received bytes live in `storage[readIndex..<writeIndex]`.
    private var storage: [UInt8]
    private var readIndex = 0
    private var writeIndex = 0
    /// Whether the next body byte starts a line (where `.` means stuffing or the end).
    private var bodyAtLineStart = true
    /// Body bytes delivered so far in the current multi-line response.
    private var bodyLength = 0

    public init(limits: Limits = Limits()) {
        self.limits = limits
        self.storage = []
    }

    /// Bytes received but not yet decoded.
    public var bufferedByteCount: Int { self.writeIndex - self.readIndex }

    /// Appends received bytes.
    public mutating func append<Bytes: Collection<UInt8>>(_ bytes: Bytes) {
        let count = bytes.count
        self.reserveSpace(count)
        self.storage.withUnsafeMutableBufferPointer { storage in
            _ = UnsafeMutableBufferPointer(rebasing: storage[self.writeIndex...]).initialize(fromContentsOf: bytes)
        }
        self.writeIndex += count
    }

    /// Lets a transport read straight into the decoder's storage: `read` gets at least
    /// `minimumSpace` writable bytes and returns how many it filled.
    public mutating func receive<Failure: Error>(
        minimumSpace: Int = 16 * 1024,
        _ read: (UnsafeMutableRawBufferPointer) throws(Failure) -> Int
    ) throws(Failure) -> Int {
        self.reserveSpace(minimumSpace)
        let writeIndex = self.writeIndex
        // withUnsafeMutableBytes rethrows untyped errors, so the typed one travels in a Result.
        let result = self.storage.withUnsafeMutableBytes { bytes in
            Result { () throws(Failure) -> Int in
                try read(UnsafeMutableRawBufferPointer(rebasing: bytes[writeIndex...]))
            }
        }
        let filled = try result.get()
        precondition(
            (0...(self.storage.count - writeIndex)).contains(filled),
            "read reported more bytes than it had room for"
        )
        self.writeIndex += filled
        return filled
    }

    /// The next status line, or nil if it has not fully arrived.
    public mutating func decodeStatusLine() throws(POP3Error) -> POP3StatusLine? {
        let limit = self.limits.statusLineLength
        let found: (end: Int, next: Int)? = self.storage.withUnsafeBufferPointer { storage in
            // The line may hold `limit` bytes plus CRLF; written so that a huge limit cannot overflow.
            let buffered = self.bufferedByteCount
            let searchEnd = self.readIndex + (limit >= buffered ? buffered : min(buffered, limit + 2))
            guard let lf = Self.firstLineFeed(in: storage, from: self.readIndex, to: searchEnd) else { return nil }
            return (lf, lf + 1)
        }
        guard let found else {
            if self.bufferedByteCount - 1 > limit {
                throw POP3Error(.responseTooLarge, "status line longer than \(limit) octets")
            }
            return nil
        }
        let line = ASCII.trimmingLineEnding(self.storage[self.readIndex..<found.next])
        guard line.count <= limit else {
            throw POP3Error(.responseTooLarge, "status line longer than \(limit) octets")
        }
        let status = try POP3StatusLine(parsing: line)
        self.consume(upTo: found.next)
        return status
    }

    /// Appends the next body bytes of a multi-line response to `body`, un-stuffed.
    ///
    /// Returns true once the terminating `.` line has been consumed (it is not part of the
    /// body); false when more bytes are needed. Call it again with the same or another buffer
    /// until it returns true.
    public mutating func decodeBody(into body: inout [UInt8]) throws(POP3Error) -> Bool {
        var index = self.readIndex
        var runStart = index
        var complete = false
        var atLineStart = self.bodyAtLineStart
        let end = self.writeIndex
        let before = body.count

        self.storage.withUnsafeBufferPointer { storage in
            func flush(upTo runEnd: Int) {
                if runEnd > runStart {
                    body.append(contentsOf: UnsafeBufferPointer(rebasing: storage[runStart..<runEnd]))
                }
            }
            while true {
                if atLineStart {
                    guard index < end else { break }
                    if storage[index] == ASCII.dot {
                        // ".", ".\r": wait to see whether this is the end or a stuffed line.
                        guard index + 1 < end else { break }
                        let next = storage[index + 1]
                        let terminatorLength: Int?
                        if next == ASCII.lf {
                            terminatorLength = 2
                        } else if next == ASCII.cr {
                            guard index + 2 < end else { break }
                            terminatorLength = storage[index + 2] == ASCII.lf ? 3 : nil
                        } else {
                            terminatorLength = nil
                        }
                        flush(upTo: index)
                        if let terminatorLength {
                            index += terminatorLength
                            runStart = index
                            complete = true
                            break
                        }
                        index += 1  // the stuffing dot
                        runStart = index
                    }
                    atLineStart = false
                }
                guard let lf = Self.firstLineFeed(in: storage, from: index, to: end) else {
                    index = end
                    break
                }
                index = lf + 1
                atLineStart = true
            }
            flush(upTo: index)
        }

        self.consume(upTo: index)
        self.bodyLength += body.count - before
        guard self.bodyLength <= self.limits.responseLength else {
            throw POP3Error(.responseTooLarge, "response longer than \(self.limits.responseLength) octets")
        }
        if complete {
            self.bodyAtLineStart = true
            self.bodyLength = 0
            return true
        }
        self.bodyAtLineStart = atLineStart
        return false
    }

    private mutating func consume(upTo index: Int) {
        self.readIndex = index
        if self.readIndex == self.writeIndex {
            self.readIndex = 0
            self.writeIndex = 0
        }
    }

    /// Makes room for `count` more bytes after `writeIndex`, moving unread bytes to the front
    /// before growing.
    private mutating func reserveSpace(_ count: Int) {
        if self.storage.count - self.writeIndex >= count { return }
        let unread = self.bufferedByteCount
        if self.readIndex > 0 {
            self.storage.withUnsafeMutableBufferPointer { storage in
                guard let base = storage.baseAddress else { return }
                (base).update(from: base + self.readIndex, count: unread)
            }
            self.readIndex = 0
            self.writeIndex = unread
        }
        if self.storage.count - self.writeIndex < count {
            var newSize = Swift.max(self.storage.count * 2, 4096)
            while newSize - self.writeIndex < count { newSize *= 2 }
            self.storage.append(contentsOf: repeatElement(0, count: newSize - self.storage.count))
        }
    }

    /// The index of the first LF in `storage[from..<to]`, eight bytes at a time.
    private static func firstLineFeed(in storage: UnsafeBufferPointer<UInt8>, from: Int, to end: Int) -> Int? {
        guard let base = storage.baseAddress else { return nil }
        var index = from
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let pattern = ones &* UInt64(ASCII.lf)
        while index + 8 <= end {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)) ^ pattern
            let zeroBytes = (word &- ones) & ~word & highs
            if zeroBytes != 0 {
                return index + zeroBytes.trailingZeroBitCount / 8
            }
            index += 8
        }
        while index < end {
            if base[index] == ASCII.lf { return index }
            index += 1
        }
        return nil
    }
}
