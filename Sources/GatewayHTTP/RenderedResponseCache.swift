import Gateway
import HTTPServer
import Synchronization

/// Finished answers for single messages (`/v1/messages/{id}` JSON, one entry per `textType`/`maxBytes`
/// selection, and small `/raw` sources), so a warm GET is answered on the HTTP thread: no worker hop,
/// no upstream session, no re-encoding.
///
/// Sound because a message never changes under its UIDL (docs/architecture.md, "The cache"); an entry is
/// served only to the credentials that fetched it (constant-time fingerprint compare) and dropped
/// when the gateway deletes the message.
final class RenderedResponseCache: Sendable {
    struct Key: Hashable {
        var user: String
        var id: String
        /// `j` for the JSON document, `r` for the raw source.
        var kind: Character
        /// Which representation of that kind: the JSON document's `MessageParameters.variant`; empty for raw.
        var variant = ""

        // By hand, for the kind's byte: hashing a `Character` normalises it as a string, on every warm GET.
        func hash(into hasher: inout Hasher) {
            hasher.combine(self.user)
            hasher.combine(self.id)
            hasher.combine(self.kind.asciiValue)
            hasher.combine(self.variant)
        }
    }

    /// A class, so that a hit hands out one reference rather than a copy of every field.
    final class Entry: Sendable {
        let fingerprint: CredentialFingerprint
        let tag: EntityTag
        let headers: HTTPHeaders
        let body: [UInt8]

        init(fingerprint: CredentialFingerprint, tag: EntityTag, headers: HTTPHeaders, body: [UInt8]) {
            self.fingerprint = fingerprint
            self.tag = tag
            self.headers = headers
            self.body = body
        }
    }

    /// An entry and when it was last used; a class, so that a hit updates `lastUse` in place rather
    /// than storing the entry again (a second hash).
    private final class Slot {
        let entry: Entry
        var lastUse: UInt64

        init(_ entry: Entry, lastUse: UInt64) {
            self.entry = entry
            self.lastUse = lastUse
        }
    }

    private struct State {
        var entries: [Key: Slot] = [:]
        var bytes = 0
        var tick: UInt64 = 0
    }

    private let budget: Int
    private let state = Mutex(State())

    init(budget: Int) {
        self.budget = budget
    }

    /// The entry for `key`, if it was made for the same credentials.
    func entry(for key: Key, fingerprint: CredentialFingerprint) -> Entry? {
        self.state.withLock { state in
            guard let slot = state.entries[key], slot.entry.fingerprint == fingerprint else { return nil }
            state.tick += 1
            slot.lastUse = state.tick
            return slot.entry
        }
    }

    func store(_ key: Key, fingerprint: CredentialFingerprint, tag: EntityTag, headers: HTTPHeaders, body: [UInt8]) {
        guard body.count <= self.budget / 8 else { return }
        self.state.withLock { state in
            state.tick += 1
            let slot = Slot(
                Entry(fingerprint: fingerprint, tag: tag, headers: headers, body: body),
                lastUse: state.tick
            )
            state.bytes += body.count - (state.entries.updateValue(slot, forKey: key)?.entry.body.count ?? 0)
            guard state.bytes > self.budget else { return }
            // Evict least recently used down to three quarters, so eviction's sort is rare.
            for (victim, old) in state.entries.sorted(by: { $0.value.lastUse < $1.value.lastUse }) {
                guard state.bytes > self.budget * 3 / 4 else { break }
                state.entries[victim] = nil
                state.bytes -= old.entry.body.count
            }
        }
    }

    /// Forgets every representation of a message (after DELETE). Scans all entries: deletions are rare
    /// next to the warm GETs that a second index would slow down.
    func remove(user: String, id: String) {
        self.state.withLock { state in
            for key in state.entries.keys where key.user == user && key.id == id {
                if let old = state.entries.removeValue(forKey: key) {
                    state.bytes -= old.entry.body.count
                }
            }
        }
    }
}
