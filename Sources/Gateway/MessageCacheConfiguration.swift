/// Budgets and the optional disk directory of a `MessageCache`.
public struct MessageCacheConfiguration: Hashable, Sendable {
    /// Bytes of raw messages kept in memory. A message larger than a quarter of it is not kept in
    /// memory at all, so that one big message cannot flush everything else.
    public var memoryBudget = 64 * 1024 * 1024
    /// Where the disk tier keeps its files; nil for no disk tier. Created with mode 0700 if missing.
    public var directory: String?
    /// Bytes of files in `directory`; a file larger than a quarter of it is not written.
    public var diskBudget = 1024 * 1024 * 1024
    /// How many parsed summaries are kept in memory.
    public var maxSummaries = 20_000

    public init() {}
}
