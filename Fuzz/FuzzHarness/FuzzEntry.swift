import FoundationEssentials
import Glibc

#if FUZZING
import CLibFuzzer
#endif

/// What the executables under `Fuzz/` do: libFuzzer's entry point when built with `-DFUZZING`, and
/// otherwise a replay of the files (or directories of files) named on the command line.
public enum FuzzEntry {
    /// `LLVMFuzzerTestOneInput`: runs one input and turns a broken invariant into a crash, which libFuzzer
    /// saves as a crasher.
    public static func testOneInput(
        _ target: any FuzzTarget.Type,
        _ data: UnsafePointer<UInt8>?,
        _ size: Int
    ) -> CInt {
        let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
        do {
            try target.run(input)
        } catch {
            fatalError("\(target.name): invariant violated: \(error)")
        }
        return 0
    }

    #if FUZZING
    /// Runs libFuzzer's driver with the command line. SwiftPM links every executable with its module's entry
    /// point as `main` (`--defsym main=<module>_main`, so that tests can link executables), which keeps
    /// libFuzzer's own `main` out: the executable's `main` starts the driver instead.
    public static func runLibFuzzer(
        _ testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> Never {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, testOneInput))
    }
    #endif

    /// The replay tool: runs the files named on the command line and exits with `replay`'s status.
    public static func replayCommandLine(_ target: any FuzzTarget.Type) -> Never {
        exit(self.replay(target, arguments: Array(CommandLine.arguments.dropFirst())))
    }

    /// Runs every file named in `arguments` (a directory stands for the files in it) and prints one line
    /// per file; returns the exit status, 1 when any input broke an invariant.
    public static func replay(_ target: any FuzzTarget.Type, arguments: [String]) -> Int32 {
        guard !arguments.isEmpty else {
            print("usage: replay FILE-OR-DIRECTORY...  (runs each input through the \(target.name) fuzz target)")
            return 2
        }
        var failures = 0
        for path in arguments.flatMap(Self.files) {
            guard let data = FileManager.default.contents(atPath: path) else {
                print("unreadable: \(path)")
                failures += 1
                continue
            }
            do {
                try target.run(Array(data))
                print("ok: \(path)")
            } catch {
                print("FAILED: \(path): \(error)")
                failures += 1
            }
        }
        return failures == 0 ? 0 : 1
    }

    /// The path itself, or the regular files in it when it is a directory, sorted.
    private static func files(_ path: String) -> [String] {
        var isDirectory = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory else {
            return [path]
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.sorted().map { path + "/" + $0 }
    }
}
