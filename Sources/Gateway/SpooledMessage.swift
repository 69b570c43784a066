import Glibc
public import MIME
import Synchronization

/// A message downloaded into an anonymous temporary file, so that a large message is parsed and its
/// attachments decoded from disk rather than held in memory.
///
/// The file never has a name that outlives its creation: `O_TMPFILE` makes it nameless from the start
/// (so nothing is left behind even if the process is killed), and where the file system lacks it,
/// `mkstemp` is followed at once by `unlink` (leaving a window of two system calls). No other process
/// can open it by name, and closing the descriptor (deinit) frees the space. Its mode is 0600 whatever
/// the umask.
///
/// GMime moves the descriptor's offset while it reads, so every use holds a lock: one reader at a time.
/// The object is private to the request that spooled it.
public final class SpooledMessage: Sendable {
    private struct State {
        var descriptor: Int32
        var size = 0
    }

    private let state: Mutex<State>

    /// `O_TMPFILE` is `__O_TMPFILE | O_DIRECTORY` in glibc's headers, which Swift does not import (it needs
    /// `_GNU_SOURCE`). `__O_TMPFILE` is 020000000 on every architecture Swift supports on Linux.
    private static let anonymousFileFlag: Int32 = 0o20_000_000 | O_DIRECTORY

    /// Creates the empty spool file in `directory`.
    /// - Parameter tryingTmpfile: false goes straight to the `mkstemp` fallback (for its tests).
    init(directory: String, tryingTmpfile: Bool = true) throws(MailboxServiceError) {
        var descriptor: Int32 = -1
        if tryingTmpfile {
            // O_EXCL: the file can never be given a name (linkat), not even by this process.
            descriptor = open(directory, Self.anonymousFileFlag | O_RDWR | O_EXCL | O_CLOEXEC, 0o600)
        }
        if descriptor < 0 {
            // EISDIR, EOPNOTSUPP or EINVAL: a kernel or file system without O_TMPFILE.
            var template = Array("\(directory)/pop3-gateway-spool.XXXXXX".utf8CString)
            descriptor = template.withUnsafeMutableBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return -1 }
                let descriptor = mkstemp(base)
                if descriptor >= 0 {
                    unlink(base)
                    _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
                }
                return descriptor
            }
        }
        guard descriptor >= 0 else { throw .spoolFailed(errno: errno) }
        guard fchmod(descriptor, 0o600) == 0 else {
            let code = errno
            close(descriptor)
            throw .spoolFailed(errno: code)
        }
        self.state = Mutex(State(descriptor: descriptor))
    }

    /// Creates and drops a spool file in `directory`, so that an unusable directory is reported at start-up
    /// rather than on the first large message.
    public static func checkDirectory(_ directory: String) throws(MailboxServiceError) {
        _ = try SpooledMessage(directory: directory)
    }

    deinit {
        self.state.withLock { _ = close($0.descriptor) }
    }

    /// Bytes spooled so far: the whole message once `MailboxService` hands the spool out.
    public var size: Int {
        self.state.withLock { $0.size }
    }

    /// Appends `bytes` at the end of the file.
    func append(_ bytes: UnsafeRawBufferPointer) throws(MailboxServiceError) {
        try self.state.withLock { (state) throws(MailboxServiceError) in
            var offset = 0
            while offset < bytes.count {
                guard let base = bytes.baseAddress else { return }
                let written = Glibc.write(state.descriptor, base + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw .spoolFailed(errno: errno)
                }
                offset += written
            }
            state.size += bytes.count
        }
    }

    /// The whole message decoded (`MIMEParser.parseMessage(fileDescriptor:)`).
    public func parse() -> (summary: MessageSummary, headers: [MessageHeader], body: MessageBody) {
        self.state.withLock { MIMEParser.parseMessage(fileDescriptor: $0.descriptor) }
    }

    /// The attachment `id` with its decoded size, found by decoding it once without keeping the bytes
    /// (cheaper than `parse`, which decodes every part); nil when the message has no such attachment.
    public func attachment(_ id: String) -> MessageAttachment? {
        self.state.withLock { state in
            MIMEParser.attachment(id, fileDescriptor: state.descriptor) { (_: UnsafeRawBufferPointer) in }
        }
    }

    /// Decodes attachment `id` again and hands `write` the bytes at offsets `range` of its decoded content,
    /// in chunks: bytes before the range are decoded and skipped, and decoding stops once the range is
    /// written.
    /// - Throws: `MailboxServiceError.attachmentNotFound`, or what `write` throws.
    public func writeAttachment(
        _ id: String,
        range: Range<Int>,
        to write: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        try self.state.withLock { (state) throws -> Void in
            var offset = 0
            do {
                let found = try MIMEParser.attachment(id, fileDescriptor: state.descriptor) {
                    (chunk: UnsafeRawBufferPointer) throws(any Error) in
                    let chunkStart = offset
                    offset += chunk.count
                    let wanted = (chunkStart..<offset).clamped(to: range)
                    if !wanted.isEmpty {
                        try write(
                            UnsafeRawBufferPointer(
                                rebasing: chunk[(wanted.lowerBound - chunkStart)..<(wanted.upperBound - chunkStart)]
                            )
                        )
                    }
                    if offset >= range.upperBound { throw RangeWritten() }
                }
                guard found != nil else { throw MailboxServiceError.attachmentNotFound }
            } catch is RangeWritten {
                return
            }
        }
    }

    /// Ends decoding early once the requested range is out.
    private struct RangeWritten: Error {}
}
