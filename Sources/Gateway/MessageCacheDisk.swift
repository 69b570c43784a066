import Glibc
import POP3Client
import Synchronization

/// The disk tier of `MessageCache`: one file per message in one directory, within a byte budget.
///
/// File names are the hex HMAC (`KeyedDigest`) of the key, never the UIDL, which is server-chosen text
/// (docs/pop3-notes.md §17). A file is written under a temporary name and renamed into place, so a
/// reader sees a whole file or none. Each file starts with a header: magic, the key's digest, the
/// fingerprint of the credentials that fetched it, and the payload length. A file whose header does not
/// match its key or whose length does not match its size (truncated, foreign, from another key) is a miss
/// and is deleted; one stored under other credentials is a miss and is kept.
///
/// The digest key is per process (see `MessageCache`), so the files of an earlier process are never
/// matched; they are indexed at start-up, oldest first, and age out through the budget.
///
/// Locking: the index (names, sizes, use order) is under a `Mutex`, held for the short metadata calls
/// that must agree with it (`rename`, `unlink`). Reading and writing file contents happen outside it.
final class MessageCacheDisk: Sendable {
    private static let magic = Array("P3GWMSG1".utf8)
    private static let digestSize = 32
    static let headerSize = 8 + 32 + 32 + 8
    /// Temporary files older than this at start-up were left by a crash and are deleted.
    private static let staleTemporaryAge = 600

    private struct Index {
        var files = MessageCacheLRU<String, Void>()
        var evictions = 0
        var writeFailures = 0
    }

    let directory: String
    let budget: Int
    private let digest: KeyedDigest
    private let index = Mutex(Index())
    private let temporarySequence = Atomic<Int>(0)

    /// Opens (creating it with mode 0700 if needed) the directory and indexes the cache files in it.
    init(directory: String, budget: Int, digest: KeyedDigest) throws(MessageCacheError) {
        self.directory = directory
        self.budget = max(0, budget)
        self.digest = digest
        if mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw MessageCacheError(directory: directory, detail: Self.errorText(errno))
        }
        var info = stat()
        guard stat(directory, &info) == 0 else {
            throw MessageCacheError(directory: directory, detail: Self.errorText(errno))
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw MessageCacheError(directory: directory, detail: "not a directory")
        }
        guard access(directory, R_OK | W_OK | X_OK) == 0 else {
            throw MessageCacheError(directory: directory, detail: Self.errorText(errno))
        }
        try self.indexExistingFiles()
    }

    /// The file name for a key: 64 hex digits and `.msg`.
    func fileName(for key: MessageCacheKey) -> String {
        self.digest.hexDigest(key.digestInput) + ".msg"
    }

    var statistics: (bytes: Int, entries: Int, evictions: Int, writeFailures: Int) {
        self.index.withLock { ($0.files.totalCost, $0.files.count, $0.evictions, $0.writeFailures) }
    }

    // MARK: - Reading

    /// The payload stored for `key`, if its file is whole and was stored under `fingerprint`.
    func load(_ key: MessageCacheKey, fingerprint: CredentialFingerprint) -> [UInt8]? {
        let name = self.fileName(for: key)
        // The index knows every file this process may use, so a miss costs no system call.
        guard self.index.withLock({ $0.files.contains(name) }) else { return nil }
        let descriptor = open(self.path(name), O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else {
            self.discard(name)
            return nil
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, let header = Self.read(descriptor, count: Self.headerSize) else {
            self.discard(name)
            return nil
        }
        // The length is trusted only when the file really is that long: nothing is allocated by it otherwise.
        guard let length = self.payloadLength(header, key: key), length == Int(info.st_size) - Self.headerSize
        else {
            self.discard(name)
            return nil
        }
        let storedFingerprint = CredentialFingerprint(bytes: Array(header[40..<72]))
        guard storedFingerprint == fingerprint else { return nil }
        guard let payload = Self.read(descriptor, count: length) else {
            self.discard(name)
            return nil
        }
        self.index.withLock { _ = $0.files.value(for: name) }
        return payload
    }

    /// The payload length the header states, if the header is ours and belongs to `key`.
    private func payloadLength(_ header: [UInt8], key: MessageCacheKey) -> Int? {
        guard Array(header[0..<8]) == Self.magic,
            KeyedDigest.constantTimeEqual(Array(header[8..<40]), self.digest.digest(key.digestInput))
        else { return nil }
        var length: UInt64 = 0
        for (shift, byte) in header[72..<80].enumerated() {
            length |= UInt64(byte) << (8 * UInt64(shift))
        }
        return length <= UInt64(Int.max) ? Int(length) : nil
    }

    // MARK: - Writing

    /// Writes the payload for `key`, replacing any earlier file, and evicts the least recently used
    /// files beyond the budget. Failures are counted and otherwise ignored: the cache is an optimisation.
    func store(_ payload: [UInt8], for key: MessageCacheKey, fingerprint: CredentialFingerprint) {
        let total = Self.headerSize + payload.count
        guard total <= self.budget / 4, fingerprint.bytes.count == Self.digestSize else { return }
        let name = self.fileName(for: key)
        let sequence = self.temporarySequence.wrappingAdd(1, ordering: .relaxed).oldValue
        let temporary = self.path(".tmp-\(getpid())-\(sequence)")
        var header = Self.magic
        header.append(contentsOf: self.digest.digest(key.digestInput))
        header.append(contentsOf: fingerprint.bytes)
        withUnsafeBytes(of: UInt64(payload.count).littleEndian) { header.append(contentsOf: $0) }

        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            self.index.withLock { $0.writeFailures += 1 }
            return
        }
        let written = Self.write(descriptor, header) && Self.write(descriptor, payload)
        // No fsync: after a crash the next process has another digest key and never reads these files.
        guard close(descriptor) == 0, written else {
            unlink(temporary)
            self.index.withLock { $0.writeFailures += 1 }
            return
        }
        self.index.withLock { index in
            guard rename(temporary, self.path(name)) == 0 else {
                unlink(temporary)
                index.writeFailures += 1
                return
            }
            index.files.insert((), for: name, cost: total)
            while index.files.totalCost > self.budget, let victim = index.files.removeOldest() {
                unlink(self.path(victim.key))
                index.evictions += 1
            }
        }
    }

    /// Deletes the file for `key`, if any.
    func remove(_ key: MessageCacheKey) {
        self.discard(self.fileName(for: key))
    }

    private func discard(_ name: String) {
        self.index.withLock { index in
            if index.files.removeValue(for: name) != nil {
                unlink(self.path(name))
            }
        }
    }

    // MARK: - Start-up

    /// Indexes the cache files already in the directory, oldest modification first, then trims to the
    /// budget. Deletes temporary files a crash left behind; leaves every other name alone.
    private func indexExistingFiles() throws(MessageCacheError) {
        guard let stream = opendir(self.directory) else {
            throw MessageCacheError(directory: self.directory, detail: Self.errorText(errno))
        }
        defer { closedir(stream) }
        var found: [(name: String, size: Int, modified: Int)] = []
        let now = time(nil)
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            var info = stat()
            guard lstat(self.path(name), &info) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
            if Self.isCacheFileName(name) {
                found.append((name, Int(info.st_size), info.st_mtim.tv_sec))
            } else if name.hasPrefix(".tmp-") && now - info.st_mtim.tv_sec > Self.staleTemporaryAge {
                unlink(self.path(name))
            }
        }
        found.sort { $0.modified < $1.modified }
        self.index.withLock { index in
            for file in found {
                index.files.insert((), for: file.name, cost: file.size)
            }
            while index.files.totalCost > self.budget, let victim = index.files.removeOldest() {
                unlink(self.path(victim.key))
                index.evictions += 1
            }
        }
    }

    private static func isCacheFileName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard bytes.count == 68, name.hasSuffix(".msg") else { return false }
        return bytes.prefix(64).allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    // MARK: - System calls

    private func path(_ name: String) -> String {
        self.directory + "/" + name
    }

    /// Reads exactly `count` bytes, or nil on error or early end of file.
    private static func read(_ descriptor: Int32, count: Int) -> [UInt8]? {
        var failed = false
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            while initialized < count {
                let result = Glibc.read(descriptor, buffer.baseAddress! + initialized, count - initialized)
                if result > 0 {
                    initialized += result
                } else if result < 0 && errno == EINTR {
                    continue
                } else {
                    failed = true
                    return
                }
            }
        }
        return failed ? nil : bytes
    }

    /// Writes all of `bytes`; false on any error.
    private static func write(_ descriptor: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let result = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if result > 0 {
                    offset += result
                } else if !(result < 0 && errno == EINTR) {
                    return false
                }
            }
            return true
        }
    }

    private static func errorText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
