import Foundation

/// This process's memory as Linux reports it in `/proc/self/status`.
enum ProcessMemory {
    /// Resident set size now, in bytes.
    static var residentBytes: Int? {
        self.statusField("VmRSS")
    }

    /// The highest resident set size so far (process-wide, all threads), in bytes.
    static var peakResidentBytes: Int? {
        self.statusField("VmHWM")
    }

    /// Sets the peak back to the current resident size (`clear_refs` 5, Linux 4.0 and later), so that a
    /// later peak belongs to what ran in between; false where the kernel or a sandbox does not allow it.
    static func resetPeak() -> Bool {
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? handle.close() }
        do {
            try handle.write(contentsOf: Data("5".utf8))
            return true
        } catch {
            return false
        }
    }

    /// A `kB` field of /proc/self/status, in bytes.
    private static func statusField(_ name: String) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(name + ":") {
            let number = line.dropFirst(name.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" }).first
            return number.flatMap { Int($0) }.map { $0 * 1024 }
        }
        return nil
    }
}
