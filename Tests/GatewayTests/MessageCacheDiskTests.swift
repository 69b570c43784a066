import Foundation
import POP3
import POP3Client
import Testing

@testable import Gateway

/// The message cache's disk tier: round trips between cache instances, damaged and foreign files,
/// file names, the disk budget and removal.
@Suite struct MessageCacheDiskTests {
    static let digest = KeyedDigest()
    static let right = CredentialFingerprint(POP3Credentials(user: "alice", password: "right"), using: digest)
    static let wrong = CredentialFingerprint(POP3Credentials(user: "alice", password: "wrong"), using: digest)

    static func key(_ uidl: String, size: Int = 100) -> MessageCacheKey {
        MessageCacheKey(upstream: "pop3s://mail.example:995", user: "alice", uidl: uidl, size: size)
    }

    /// A fresh empty directory for one test.
    static func makeDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("message-cache-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A cache on `directory` whose memory tier is off (budget 0), so every hit comes from disk.
    static func makeCache(
        _ directory: String,
        memoryBudget: Int = 0,
        diskBudget: Int = 1 << 20,
        fileNameDigest: KeyedDigest = digest
    ) throws -> MessageCache<String> {
        var configuration = MessageCacheConfiguration()
        configuration.memoryBudget = memoryBudget
        configuration.directory = directory
        configuration.diskBudget = diskBudget
        return try MessageCache(configuration: configuration, fileNameDigest: fileNameDigest)
    }

    static func cacheFiles(_ directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".msg") }
    }

    /// A message stored by one cache instance is read back by another on the same directory and digest,
    /// and brought into its memory; a cache with another digest key does not see it.
    @Test func roundTripAcrossInstances() throws {
        let directory = try Self.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let message = (0..<5_000).map { UInt8(truncatingIfNeeded: $0) }
        try Self.makeCache(directory).storeMessage(message, for: Self.key("m1"), fingerprint: Self.right)

        let second = try Self.makeCache(directory, memoryBudget: 1 << 20)
        #expect(second.statistics.diskEntries == 1)
        #expect(second.message(for: Self.key("m1"), fingerprint: Self.right) == message)
        #expect(second.message(for: Self.key("m1"), fingerprint: Self.right) == message)
        #expect(second.statistics.diskHits == 1)
        #expect(second.statistics.memoryHits == 1)
        #expect(second.message(for: Self.key("m1"), fingerprint: Self.wrong) == nil)

        let otherProcess = try Self.makeCache(directory, fileNameDigest: KeyedDigest())
        #expect(otherProcess.message(for: Self.key("m1"), fingerprint: Self.right) == nil)
    }

    /// A truncated file is a miss and is deleted.
    @Test func aTruncatedFileIsAMiss() throws {
        let directory = try Self.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cache = try Self.makeCache(directory)
        cache.storeMessage([UInt8](repeating: 65, count: 1_000), for: Self.key("m1"), fingerprint: Self.right)
        let files = try Self.cacheFiles(directory)
        try #require(files.count == 1)
        #expect(truncate(directory + "/" + files[0], off_t(MessageCacheDisk.headerSize + 999)) == 0)

        #expect(cache.message(for: Self.key("m1"), fingerprint: Self.right) == nil)
        #expect(try Self.cacheFiles(directory).isEmpty)
        #expect(cache.statistics.diskEntries == 0)
    }

    /// A file whose contents belong to another key (copied over, or written by someone else) is a miss.
    @Test func aForeignFileIsAMiss() throws {
        let directory = try Self.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cache = try Self.makeCache(directory)
        cache.storeMessage([1, 2, 3], for: Self.key("m1"), fingerprint: Self.right)
        cache.storeMessage([4, 5, 6], for: Self.key("m2"), fingerprint: Self.right)
        let disk = try MessageCacheDisk(directory: directory, budget: 1 << 20, digest: Self.digest)
        let first = directory + "/" + disk.fileName(for: Self.key("m1"))
        let second = directory + "/" + disk.fileName(for: Self.key("m2"))
        try FileManager.default.removeItem(atPath: first)
        try FileManager.default.copyItem(atPath: second, toPath: first)
        #expect(cache.message(for: Self.key("m1"), fingerprint: Self.right) == nil)
        #expect(cache.message(for: Self.key("m2"), fingerprint: Self.right) == [4, 5, 6])
    }

    /// File names are 64 hex digits of a keyed digest: no UIDL text, and no temporary files left over.
    @Test func fileNamesHideTheUIDL() throws {
        let directory = try Self.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cache = try Self.makeCache(directory)
        cache.storeMessage([1], for: Self.key("UIDL-secret-42"), fingerprint: Self.right)
        cache.storeMessage([2], for: Self.key("../../etc/passwd"), fingerprint: Self.right)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(names.count == 2)
        for name in names {
            #expect(!name.contains("UIDL") && !name.contains("passwd") && !name.contains("secret"))
            #expect(name.count == 68 && name.hasSuffix(".msg"))
            #expect(name.dropLast(4).allSatisfy { $0.isHexDigit && !$0.isUppercase })
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: directory + "/" + names[0])
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }

    /// Beyond the disk budget the least recently used files are deleted.
    @Test func theDiskBudgetEvictsLeastRecentlyUsed() throws {
        let directory = try Self.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fileSize = MessageCacheDisk.headerSize + 100
        let cache = try Self.makeCache(directory, diskBudget: fileSize * 4)
        for index in 1...4 {
            cache.storeMessage([UInt8](repeating: 1, count: 100), for: Self.key("m\(index)"), fingerprint: Self.right)
        }
        #expect(cache.message(for: Self.key("m1"), fingerprint: Self.right) != nil)
        cache.storeMessage([UInt8](repeating: 1, count: 100), for: Self.key("m5"), fingerprint: Self.right)
        #expect(cache.message(for: Self.key("m2"), fingerprint: Self.right) == nil)
        #expect(cache.message(for: Self.key("m1"), fingerprint: Self.right) != nil)
        #expect(try Self.cacheFiles(directory).count == 4)
        #expect(cache.statistics.diskBytes == fileSize * 4)
        #expect(cache.statistics.diskEvictions == 1)
    }

    /// `remove` deletes the file too, and a message too big for memory still round-trips through disk.
    @Test func removeDeletesTheFile() throws {
        let directory = try Self.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cache = try Self.makeCache(directory, memoryBudget: 100)
        let big = [UInt8](repeating: 9, count: 1_000)
        cache.storeMessage(big, for: Self.key("m1"), fingerprint: Self.right)
        #expect(cache.message(for: Self.key("m1"), fingerprint: Self.right) == big)
        #expect(cache.statistics.memoryEntries == 0)
        cache.remove(Self.key("m1"))
        #expect(cache.message(for: Self.key("m1"), fingerprint: Self.right) == nil)
        #expect(try Self.cacheFiles(directory).isEmpty)
    }

    /// A path that is a file, not a directory, is reported as unusable.
    @Test func anUnusableDirectoryIsReported() throws {
        let directory = try Self.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = directory + "/not-a-directory"
        #expect(FileManager.default.createFile(atPath: file, contents: Data([1])))
        #expect(throws: MessageCacheError.self) { try Self.makeCache(file) }
    }

    /// Eight threads sharing a cache with a disk tier always read back what was stored.
    @Test func concurrentAccessWithDisk() throws {
        let directory = try Self.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cache = try Self.makeCache(directory, memoryBudget: 2_000, diskBudget: 20_000)
        let requests = (0..<8).map { thread in
            FakeRequest { () -> Int in
                var wrongReads = 0
                for round in 0..<200 {
                    let index = (thread * 5 + round * 11) % 30
                    let key = Self.key("m\(index)", size: 200 + index)
                    let expected = [UInt8](repeating: UInt8(index), count: 200 + index)
                    if let found = cache.message(for: key, fingerprint: Self.right) {
                        wrongReads += found == expected ? 0 : 1
                    } else {
                        cache.storeMessage(expected, for: key, fingerprint: Self.right)
                    }
                }
                return wrongReads
            }
        }
        for request in requests {
            #expect(try request.finish().get() == 0)
        }
        #expect(cache.statistics.diskBytes <= 20_000)
        #expect(cache.statistics.diskWriteFailures == 0)
    }
}
