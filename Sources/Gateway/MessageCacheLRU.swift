/// A map that remembers use order and the total cost of its entries, for least-recently-used eviction.
///
/// Every operation is O(1): entries sit in a doubly linked list threaded through an array by index,
/// with freed slots reused, so it allocates only when it grows.
struct MessageCacheLRU<Key: Hashable, Value> {
    private struct Entry {
        var key: Key
        var value: Value
        var cost: Int
    }

    /// The use order, apart from the entries so that reordering never copies a key or value.
    private struct Link {
        /// Index of the next more recently used entry, or -1.
        var newer = -1
        /// Index of the next less recently used entry, or -1.
        var older = -1
    }

    private var entries: [Entry?] = []
    private var links: [Link] = []
    private var freeIndices: [Int] = []
    private var indices: [Key: Int] = [:]
    private var newest = -1
    private var oldest = -1
    /// The sum of the entries' costs.
    private(set) var totalCost = 0

    var count: Int { self.indices.count }

    func contains(_ key: Key) -> Bool {
        self.indices[key] != nil
    }

    /// The value for `key`, which becomes the most recently used.
    mutating func value(for key: Key) -> Value? {
        guard let index = self.indices[key] else { return nil }
        self.unlink(index)
        self.linkAsNewest(index)
        return self.entries[index]?.value
    }

    /// The value for `key`, leaving the use order alone.
    func peek(_ key: Key) -> Value? {
        guard let index = self.indices[key] else { return nil }
        return self.entries[index]?.value
    }

    /// Adds or replaces the entry for `key` as the most recently used. Evicting is the caller's job,
    /// with `removeOldest()`, so that it can count and clean up what goes.
    mutating func insert(_ value: Value, for key: Key, cost: Int) {
        self.removeValue(for: key)
        let entry = Entry(key: key, value: value, cost: cost)
        let index: Int
        if let free = self.freeIndices.popLast() {
            index = free
            self.entries[index] = entry
        } else {
            index = self.entries.count
            self.entries.append(entry)
            self.links.append(Link())
        }
        self.indices[key] = index
        self.totalCost += cost
        self.linkAsNewest(index)
    }

    @discardableResult
    mutating func removeValue(for key: Key) -> Value? {
        guard let index = self.indices.removeValue(forKey: key), let entry = self.entries[index] else { return nil }
        self.unlink(index)
        self.entries[index] = nil
        self.freeIndices.append(index)
        self.totalCost -= entry.cost
        return entry.value
    }

    /// Removes and returns the least recently used entry.
    mutating func removeOldest() -> (key: Key, value: Value, cost: Int)? {
        guard self.oldest >= 0, let entry = self.entries[self.oldest] else { return nil }
        self.removeValue(for: entry.key)
        return (entry.key, entry.value, entry.cost)
    }

    /// The keys from least to most recently used (for tests and diagnostics).
    var keysFromOldest: [Key] {
        var keys: [Key] = []
        var index = self.oldest
        while index >= 0, let entry = self.entries[index] {
            keys.append(entry.key)
            index = self.links[index].newer
        }
        return keys
    }

    private mutating func unlink(_ index: Int) {
        let link = self.links[index]
        if link.newer >= 0 {
            self.links[link.newer].older = link.older
        } else {
            self.newest = link.older
        }
        if link.older >= 0 {
            self.links[link.older].newer = link.newer
        } else {
            self.oldest = link.newer
        }
        self.links[index] = Link()
    }

    private mutating func linkAsNewest(_ index: Int) {
        self.links[index] = Link(newer: -1, older: self.newest)
        if self.newest >= 0 {
            self.links[self.newest].newer = index
        }
        self.newest = index
        if self.oldest < 0 {
            self.oldest = index
        }
    }
}
