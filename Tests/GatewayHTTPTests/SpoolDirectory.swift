import Foundation
import Glibc

/// A private spool directory for one gateway, and what a process still has open in it: a spool file is
/// nameless, so only `/proc/PID/fd` shows it (`<directory>/#123 (deleted)`). The directory goes with the
/// value.
final class SpoolDirectory: Sendable {
    let path: String

    init() throws {
        self.path =
            FileManager.default.temporaryDirectory.appendingPathComponent(
                "pop3gw-spool-test-\(UUID().uuidString)"
            ).path
        try FileManager.default.createDirectory(atPath: self.path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: self.path)
    }

    /// Names left in the directory: always none, since spool files never have one for long.
    var entries: [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: self.path)) ?? []
    }

    /// Descriptors of process `pid` (`self` for this one) open on files in this directory.
    func openFiles(of pid: String = "self") -> Int {
        let fdDirectory = "/proc/\(pid)/fd"
        let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: fdDirectory)) ?? []
        return descriptors.count { descriptor in
            var target = [CChar](repeating: 0, count: 4096)
            let length = readlink("\(fdDirectory)/\(descriptor)", &target, target.count - 1)
            guard length > 0 else { return false }
            let bytes = target.prefix(length).map { UInt8(bitPattern: $0) }
            return String(decoding: bytes, as: UTF8.self).hasPrefix(self.path + "/")
        }
    }
}
