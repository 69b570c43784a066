/// `python3` exited with a failure status.
struct Python3Failure: Error, CustomStringConvertible {
    var arguments: [String]
    var status: Int32

    var description: String {
        "python3 \(self.arguments.prefix(1).joined()) ... exited with status \(self.status)"
    }
}
