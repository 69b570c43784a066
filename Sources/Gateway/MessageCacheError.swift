/// Why a `MessageCache` could not be set up: its disk directory is unusable.
public struct MessageCacheError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The directory that was asked for.
    public var directory: String
    /// What the system said, for a person.
    public var detail: String

    public init(directory: String, detail: String) {
        self.directory = directory
        self.detail = detail
    }

    public var description: String { "cache directory \(self.directory): \(self.detail)" }
}
