/// The demo mailbox could not be written.
struct DemoMailboxError: Error, CustomStringConvertible {
    var description: String
}
