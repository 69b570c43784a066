public import Foundation

/// Runs a program to its end, for the tests that use a second, independent tool (python3, openssl, curl)
/// or the built executable itself.
public enum ChildProcess {
    /// What a run gives back to read.
    public enum Capture: Sendable {
        case standardOutput
        case standardError
        /// Both, interleaved as written.
        case both
        case nothing
    }

    /// Runs `executable arguments...` and returns its exit status and what `capture` names; the rest of
    /// its output is discarded. `environment` nil keeps the test process's own.
    public static func run(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String]? = nil,
        capture: Capture = .standardOutput
    ) throws -> (status: Int32, output: Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let pipe = Pipe()
        let discard = FileHandle.nullDevice
        (process.standardOutput, process.standardError) =
            switch capture {
            case .standardOutput: (pipe, discard)
            case .standardError: (discard, pipe)
            case .both: (pipe, pipe)
            case .nothing: (discard, discard)
            }
        try process.run()
        // Read before waiting: a child that fills the pipe would otherwise never exit.
        let data = capture == .nothing ? Data() : pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, data)
    }
}
