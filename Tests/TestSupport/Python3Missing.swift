/// No `python3` on the PATH, where a test needs it.
public struct Python3Missing: Error, CustomStringConvertible {
    public var description: String {
        "python3 is not on PATH; this test needs it (scripts/install-deps.sh --test installs it)"
    }
}
