import Foundation

/// Runs the system's `curl` (Debian package `curl`), as a second, independent HTTP client.
enum Curl {
    struct Result {
        var exitCode: Int32
        var output: [UInt8]

        var text: String { String(decoding: self.output, as: UTF8.self) }
    }

    static func run(_ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["--silent", "--show-error", "--max-time", "10"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Read before waiting, so that a large body cannot fill the pipe and stall curl.
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(exitCode: process.terminationStatus, output: [UInt8](data))
    }
}
