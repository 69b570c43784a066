import Basics
import FoundationEssentials
public import MIME
public import POP3
public import POP3Client

/// The gateway's use cases (list, get, raw, attachments, delete) for one upstream server, free of HTTP.
///
/// Every method blocks on POP3 I/O: call it from a worker thread. Each runs on the mailbox's pooled
/// session (one per mailbox, FIFO), and every cached answer is checked against the caller's
/// credentials before it is served.
public final class MailboxService: Sendable {
    public struct Configuration: Sendable {
        public var pool = SessionPoolConfiguration()
        public var cache = MessageCacheConfiguration()
        /// Messages larger than this are refused (413-like), whatever LIST says.
        public var maxMessageSize = 64 * 1024 * 1024
        /// Larger messages are streamed from the POP3 server to the caller instead of being held whole
        /// in memory (and are then not cached); to be decoded they are spooled to a temporary file.
        public var streamingThreshold = 4 * 1024 * 1024
        /// Where large messages are spooled to be decoded (nameless files that vanish when closed);
        /// nil for the system's temporary directory (`TMPDIR`, else /tmp).
        public var spoolDirectory: String?
        /// Whether `readAhead(_:after:limit:)` fetches and caches the next page's summaries in the
        /// background on the idle session, so that paging on finds them ready. It starts only while no
        /// request holds or waits for the session, and never queues or logs in; a request that arrives
        /// meanwhile waits for it as behind any other request for the mailbox.
        public var readAhead = true

        public init() {}

        /// `spoolDirectory`, or the system's temporary directory when it is nil.
        public var effectiveSpoolDirectory: String {
            self.spoolDirectory ?? FileManager.default.temporaryDirectory.path
        }
    }

    public let upstream: String
    public let pool: SessionPool<UpstreamSession>
    public let cache: MessageCache<MessageSummary>
    private let digest: KeyedDigest
    let maxMessageSize: Int
    let streamingThreshold: Int
    /// Where `SpooledMessage`s are created.
    let spoolDirectory: String
    /// Threads that decode listing headers beside the session's own thread: one fewer than the cores.
    /// GMime's objects share GLib's global type locks, so two decoding threads on a 2-core machine
    /// spent more CPU on contention (19 µs a header instead of 10) than they saved.
    private let decoders = WorkerPool(
        threads: max(1, ProcessInfo.processInfo.activeProcessorCount - 1),
        queueLimit: 4096,
        name: "pop3gw-decode"
    )
    /// Runs read-ahead (see `Configuration.readAhead`), nil when it is off. Two threads, a short
    /// queue: when it is full, the read-ahead is skipped.
    private let readAheadWorkers: WorkerPool?
    /// Headers handed to a decoding thread at once: small enough that the last batch of a page is
    /// short, large enough that handing over costs little next to ~10 µs of decoding each.
    private static let decodeBatchSize = 16

    /// Stops the session pool (see `SessionPool.shutdown`), then the read-ahead and decoding threads,
    /// waiting for them to end, so that nothing of the service runs while the process exits.
    ///
    /// - Returns: whether every request and decoding job had finished within `gracePeriod`.
    @discardableResult
    public func shutdown(gracePeriod: Duration) -> Bool {
        let drained = self.pool.shutdown(gracePeriod: gracePeriod)
        let readAheadEnded = self.readAheadWorkers?.shutdown(timeout: .seconds(2)) ?? true
        return self.decoders.shutdown(timeout: .seconds(2)) && readAheadEnded && drained
    }

    public init(connector: POP3Connector, configuration: Configuration = Configuration()) throws(MessageCacheError) {
        let digest = KeyedDigest()
        self.digest = digest
        self.upstream = connector.configuration.endpoint.description
        self.maxMessageSize = configuration.maxMessageSize
        self.streamingThreshold = configuration.streamingThreshold
        self.spoolDirectory = configuration.effectiveSpoolDirectory
        self.readAheadWorkers =
            configuration.readAhead ? WorkerPool(threads: 2, queueLimit: 16, name: "pop3gw-read-ahead") : nil
        self.pool = SessionPool(configuration: configuration.pool, fingerprintDigest: digest) {
            (_, credentials) throws(POP3Error) in
            UpstreamSession(client: try connector.connect(credentials: credentials))
        }
        self.cache = try MessageCache(configuration: configuration.cache, fileNameDigest: digest)
    }

    /// `STAT` and `CAPA`.
    public func mailbox(_ credentials: POP3Credentials) throws -> MailboxInfo {
        try self.pool.withSession(for: self.key(credentials), credentials: credentials, retryIdempotent: true) {
            session in
            let status = try session.client.stat()
            let capabilities = session.client.capabilities
            // Without CAPA there is no UIDL capability to read: the listing says whether ids exist.
            let hasUIDs = try capabilities.supportsUIDL || !session.listing().messages.isEmpty
            return MailboxInfo(
                count: status.messageCount,
                size: status.totalSize,
                capabilities: capabilities.lines,
                uidl: hasUIDs
            )
        }
    }

    /// A page of summaries, newest first. `refresh` logs in again to see new mail; otherwise a
    /// session older than the refresh interval does so by itself.
    public func listMessages(
        _ credentials: POP3Credentials,
        limit: Int,
        cursor: String?,
        refresh: Bool
    ) throws -> MessagePage {
        let position = try cursor.map(ListCursor.init(parsing:))
        let fingerprint = CredentialFingerprint(credentials, using: self.digest)
        let key = self.key(credentials)
        return try self.pool.withSession(
            for: key,
            credentials: credentials,
            freshness: refresh ? .forceFresh : .refreshIfOlderThanInterval,
            retryIdempotent: true
        ) { session in
            try self.page(of: session, after: position, limit: limit, key: key, fingerprint: fingerprint)
        }
    }

    /// With `Configuration.readAhead`, fetches and caches the summaries of the page after `page` in the
    /// background, on the mailbox's session if it is idle then (`SessionPool.withIdleSession`); does
    /// nothing after the last page. A full read-ahead queue skips it, and an error only means that the
    /// next page is fetched when it is asked for.
    public func readAhead(_ credentials: POP3Credentials, after page: MessagePage, limit: Int) {
        guard let next = page.nextCursor, let workers = self.readAheadWorkers else { return }
        let key = self.key(credentials)
        _ = workers.submit {
            let fingerprint = CredentialFingerprint(credentials, using: self.digest)
            _ = try? self.pool.withIdleSession(for: key, credentials: credentials) { session in
                let (_, page) = try Self.slice(
                    session.listing().messages,
                    after: ListCursor(parsing: next),
                    limit: limit
                )
                // Usually all cached already (the client paged back, or asked again): then nothing to do.
                let missing = page.filter { message in
                    message.uid != nil
                        && !self.cache.hasSummary(for: self.cacheKey(key, message), fingerprint: fingerprint)
                }
                _ = try self.fetchSummaries(of: missing, on: session, key: key, fingerprint: fingerprint)
            }
        }
    }

    /// The page of `limit` entries after `position` (from the start when nil) of the session's listing,
    /// fetching with pipelined `TOP n 0` (and caching) the summaries the cache does not have.
    private func page(
        of session: UpstreamSession,
        after position: ListCursor?,
        limit: Int,
        key: MailboxKey,
        fingerprint: CredentialFingerprint
    ) throws -> MessagePage {
        let messages = try session.listing().messages
        let (start, page) = Self.slice(messages, after: position, limit: limit)

        var summaries: [String: MessageSummary] = [:]
        summaries.reserveCapacity(page.count)
        var missing: [POP3MessageInfo] = []
        for message in page {
            guard let uid = message.uid else { continue }
            if let summary = self.cache.summary(for: self.cacheKey(key, message), fingerprint: fingerprint) {
                summaries[uid] = summary
            } else {
                missing.append(message)
            }
        }
        for (uid, summary) in try self.fetchSummaries(of: missing, on: session, key: key, fingerprint: fingerprint) {
            summaries[uid] = summary
        }
        let entries = page.compactMap { message in
            message.uid.map { MessageListEntry(id: $0, size: message.size, summary: summaries[$0] ?? .init()) }
        }
        let next = page.last.flatMap { last in
            start + page.count < messages.count ? ListCursor(after: last).encoded : nil
        }
        return MessagePage(total: messages.count, messages: entries, nextCursor: next)
    }

    /// The (at most) `limit` messages after `position` (from the start when nil), and where they start.
    private static func slice(
        _ messages: [POP3MessageInfo],
        after position: ListCursor?,
        limit: Int
    ) -> (start: Int, page: ArraySlice<POP3MessageInfo>) {
        let start = position.map { $0.startIndex(in: messages) } ?? 0
        return (start, messages[start..<min(messages.count, start + limit)])
    }

    /// Fetches the headers of `messages` with pipelined `TOP n 0`, and decodes and caches their
    /// summaries; returns them with their UIDLs, in order.
    private func fetchSummaries(
        of messages: [POP3MessageInfo],
        on session: UpstreamSession,
        key: MailboxKey,
        fingerprint: CredentialFingerprint
    ) throws -> Zip2Sequence<[String], [MessageSummary]> {
        guard !messages.isEmpty else { return zip([], []) }
        let byNumber = Dictionary(uniqueKeysWithValues: messages.map { ($0.number, $0) })
        // Headers are decoded and cached on helper threads while the next TOP answers arrive.
        let decoder = BatchDecoder(helpers: self.decoders, batchSize: Self.decodeBatchSize) {
            (message: POP3MessageInfo, header: [UInt8]?) in
            // TOP is optional and broken on some servers; an unreadable header gives an empty summary.
            let summary = header.map(MIMEParser.parseSummary) ?? MessageSummary()
            self.cache.storeSummary(summary, for: self.cacheKey(key, message), fingerprint: fingerprint)
            return summary
        }
        var fetched: [String] = []
        try session.client.headers(of: messages.map(\.number)) { number, header throws(POP3Error) in
            guard let message = byNumber[number], let uid = message.uid else { return }
            fetched.append(uid)
            decoder.add((message, header))
        }
        return zip(fetched, decoder.finish())
    }

    /// The message decoded: header, bodies and attachments. A cached or small message is decoded in
    /// memory; a large one is spooled to a file and decoded from there (see `fetch`).
    public func message(_ credentials: POP3Credentials, id: String) throws -> MessageDocument {
        let (info, fetched) = try self.fetch(credentials, id: id)
        let parsed =
            switch fetched {
            case .bytes(let raw): MIMEParser.parseMessage(raw)
            case .spooled(let spool): spool.parse()
            }
        return MessageDocument(
            id: id,
            size: info.size,
            summary: parsed.summary,
            headers: parsed.headers,
            body: parsed.body
        )
    }

    /// The message's source, byte for byte, from the cache or by RETR.
    public func raw(_ credentials: POP3Credentials, id: String) throws -> (info: POP3MessageInfo, raw: [UInt8]) {
        let fingerprint = CredentialFingerprint(credentials, using: self.digest)
        let key = self.key(credentials)
        return try self.pool.withSession(for: key, credentials: credentials, retryIdempotent: true) { session in
            guard let info = try session.listing().byUID[id] else { throw MailboxServiceError.messageNotFound }
            let cacheKey = self.cacheKey(key, info)
            if let raw = self.cache.message(for: cacheKey, fingerprint: fingerprint) { return (info, raw) }
            return (info, try self.retrieveWhole(info, on: session, cacheKey: cacheKey, fingerprint: fingerprint))
        }
    }

    /// RETR into memory, then into the cache. Checks the size limit first.
    func retrieveWhole(
        _ info: POP3MessageInfo,
        on session: UpstreamSession,
        cacheKey: MessageCacheKey,
        fingerprint: CredentialFingerprint
    ) throws -> [UInt8] {
        guard info.size <= self.maxMessageSize else {
            throw MailboxServiceError.messageTooLarge(limit: self.maxMessageSize)
        }
        let raw: [UInt8]
        do {
            raw = try session.client.retrieve(info.number)
        } catch let error where error.code == .commandFailed {
            // Listed but gone: another session expunged it (docs/pop3-notes.md §13). The session stays usable.
            throw MailboxServiceError.messageNotFound
        }
        self.cache.storeMessage(raw, for: cacheKey, fingerprint: fingerprint)
        return raw
    }

    /// Where a message's source comes from: memory (cached or small enough to fetch whole), or a
    /// stream for a large uncached one, which `streamRaw` then delivers.
    public enum RawSource: Sendable {
        case bytes([UInt8])
        case stream
    }

    /// The message's size and its source: bytes when cached or below the streaming threshold,
    /// otherwise `.stream`, so that a 50 MB message never sits in memory.
    public func rawSource(
        _ credentials: POP3Credentials,
        id: String
    ) throws -> (info: POP3MessageInfo, source: RawSource) {
        let fingerprint = CredentialFingerprint(credentials, using: self.digest)
        let key = self.key(credentials)
        let (info, cached) = try self.pool.withSession(for: key, credentials: credentials, retryIdempotent: true) {
            session in
            guard let info = try session.listing().byUID[id] else { throw MailboxServiceError.messageNotFound }
            return (info, self.cache.message(for: self.cacheKey(key, info), fingerprint: fingerprint))
        }
        if let cached { return (info, .bytes(cached)) }
        guard info.size <= self.maxMessageSize else {
            throw MailboxServiceError.messageTooLarge(limit: self.maxMessageSize)
        }
        if info.size > self.streamingThreshold { return (info, .stream) }
        return try (info, .bytes(self.raw(credentials, id: id).raw))
    }

    /// RETR straight into `sink`, chunk by chunk; nothing is cached. Throws `MailboxServiceError`,
    /// `POP3Error`, or what `sink` throws (the session is then dropped: the rest of RETR is unread).
    public func streamRaw(
        _ credentials: POP3Credentials,
        id: String,
        into sink: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        try self.pool.withSession(for: self.key(credentials), credentials: credentials) { session in
            guard let info = try session.listing().byUID[id] else { throw MailboxServiceError.messageNotFound }
            var delivered = 0
            do {
                try session.client.retrieve(info.number) { chunk in
                    delivered += chunk.count
                    // LIST sizes are hints (docs/pop3-notes.md §20): the cap is enforced on what actually arrives.
                    guard delivered <= self.maxMessageSize else {
                        throw MailboxServiceError.messageTooLarge(limit: self.maxMessageSize)
                    }
                    try sink(chunk)
                }
            } catch let error as POP3Error where error.code == .commandFailed {
                throw MailboxServiceError.messageNotFound
            }
        }
    }

    /// DELE then QUIT: returns only once the server confirmed both (POP3 deletes at QUIT).
    public func delete(_ credentials: POP3Credentials, id: String) throws {
        let key = self.key(credentials)
        try self.pool.withSession(for: key, credentials: credentials, freshness: .refreshIfOlderThanInterval) {
            session in
            guard let info = try session.listing().byUID[id] else { throw MailboxServiceError.messageNotFound }
            do {
                try session.client.delete(info.number)
            } catch let error as POP3Error where error.code == .commandFailed {
                throw MailboxServiceError.messageNotFound
            }
            try session.client.quit()
            self.cache.remove(self.cacheKey(key, info))
        }
    }

    /// Logs in and out once with the given credentials: is the upstream there and answering?
    public static func probe(connector: POP3Connector, credentials: POP3Credentials) throws(POP3Error) {
        try connector.connect(credentials: credentials).quit()
    }

    /// The caller's credential fingerprint, as the cache and the pool compute it.
    public func fingerprint(_ credentials: POP3Credentials) -> CredentialFingerprint {
        CredentialFingerprint(credentials, using: self.digest)
    }

    func key(_ credentials: POP3Credentials) -> MailboxKey {
        MailboxKey(upstream: self.upstream, user: credentials.user)
    }

    func cacheKey(_ key: MailboxKey, _ message: POP3MessageInfo) -> MessageCacheKey {
        MessageCacheKey(mailbox: key, uidl: message.uid ?? "", size: message.size)
    }
}

/// Where the next page starts: after the message with this number and UIDL. Opaque to callers.
struct ListCursor: Equatable {
    var number: Int
    var uid: String

    init(after message: POP3MessageInfo) {
        self.number = message.number
        self.uid = message.uid ?? ""
    }

    /// Takes exactly what `encoded` writes (openapi.yaml gives its pattern): a number of at most 18 digits
    /// without sign or leading zero, `-`, and a UIDL as lower-case hex.
    init(parsing text: String) throws(MailboxServiceError) {
        let parts = text.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, (1...18).contains(parts[0].utf8.count), parts[0].utf8.first != UInt8(ascii: "0"),
            parts[0].utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            let number = Int(parts[0]), let bytes = Hex.decode(parts[1].utf8, acceptingUppercase: false),
            case let uid = String(decoding: bytes, as: UTF8.self), POP3Listing.isValidUID(uid)
        else { throw MailboxServiceError.invalidCursor }
        self.number = number
        self.uid = uid
    }

    var encoded: String {
        "\(self.number)-" + Hex.encode(self.uid.utf8)
    }

    /// The index of the first message after the cursor in a newest-first listing: right after its
    /// UIDL, or, if that message is gone, at the first older message number.
    func startIndex(in messages: [POP3MessageInfo]) -> Int {
        if let index = messages.firstIndex(where: { $0.uid == self.uid }) { return index + 1 }
        return messages.firstIndex { $0.number < self.number } ?? messages.count
    }

}
