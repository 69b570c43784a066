import Foundation
import TestSupport

/// Runs the system's `curl` (Debian package `curl`), as a second, independent HTTP client.
enum Curl {
    struct Result {
        var exitCode: Int32
        var output: [UInt8]

        var text: String { String(decoding: self.output, as: UTF8.self) }
    }

    static func run(_ arguments: [String]) throws -> Result {
        let (status, data) = try ChildProcess.run(
            "/usr/bin/curl",
            ["--silent", "--show-error", "--max-time", "10"] + arguments
        )
        return Result(exitCode: status, output: [UInt8](data))
    }
}
