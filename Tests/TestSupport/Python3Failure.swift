/// `python3` exited with a failure status.
public struct Python3Failure: Error, CustomStringConvertible {
    public var arguments: [String]
    public var status: Int32

    public var description: String {
        "python3 \(self.arguments.prefix(1).joined()) ... exited with status \(self.status)"
    }
}
