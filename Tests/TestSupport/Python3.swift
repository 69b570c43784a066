public import Foundation

/// Runs the machine's `python3`, for the tests that compare with Python's `email` package or run the
/// repository's generators. python3 is a test dependency (`scripts/install-deps.sh --test` installs it), so
/// these throw `Python3Missing` when it is not on the PATH: a failure with the reason, never a skip.
public enum Python3 {
    /// Whether a `python3` is on the PATH.
    public static var isAvailable: Bool {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").contains {
            FileManager.default.isExecutableFile(atPath: "\($0)/python3")
        }
    }

    /// Throws `Python3Missing` unless a `python3` is on the PATH.
    public static func requireAvailable() throws {
        guard self.isAvailable else { throw Python3Missing() }
    }

    /// Runs `python3 arguments...` and returns its standard output; throws when it exits non-zero.
    public static func run(_ arguments: [String]) throws -> Data {
        let (status, data) = try self.launch(arguments, errorsToo: false)
        guard status == 0 else {
            throw Python3Failure(arguments: arguments, status: status)
        }
        return data
    }

    /// Runs python3 and collects its standard output (and standard error with `errorsToo`).
    private static func launch(_ arguments: [String], errorsToo: Bool) throws -> (status: Int32, output: Data) {
        try self.requireAvailable()
        let capture: ChildProcess.Capture = errorsToo ? .both : .standardOutput
        return try ChildProcess.run("/usr/bin/env", ["python3"] + arguments, capture: capture)
    }
}

extension Python3 {
    /// Runs `python3 arguments...` and returns its exit status with its standard output and standard
    /// error interleaved, for a test that shows what went wrong when it fails.
    public static func output(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let (status, data) = try self.launch(arguments, errorsToo: true)
        return (status, String(decoding: data, as: UTF8.self))
    }
}
