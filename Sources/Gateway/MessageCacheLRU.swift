/// A map that remembers use order and the total cost of its entries, for least-recently-used eviction.
///
/// Every operation is O(1): entries sit in a doubly linked list threaded through an array by index,
/// with freed slots reused, so it allocates only when it grows.
struct MessageCacheLRU<Key: Hashable, Value> {
    private struct Node {
        var key: Key
        var value: Value
        var cost: Int
        /// Index of the next more recently used node, or -1.
        var newer: Int
        /// Index of the next less recently used node, or -1.
        var older: Int
    }

    private var nodes: [Node?] = []
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
        guard let index = self.indices[key], let node = self.nodes[index] else { return nil }
        self.unlink(index)
        self.linkAsNewest(index)
        return node.value
    }

    /// The value for `key`, leaving the use order alone.
    func peek(_ key: Key) -> Value? {
        guard let index = self.indices[key] else { return nil }
        return self.nodes[index]?.value
    }

    /// Adds or replaces the entry for `key` as the most recently used. Evicting is the caller's job,
    /// with `removeOldest()`, so that it can count and clean up what goes.
    mutating func insert(_ value: Value, for key: Key, cost: Int) {
        self.removeValue(for: key)
        let node = Node(key: key, value: value, cost: cost, newer: -1, older: -1)
        let index: Int
        if let free = self.freeIndices.popLast() {
            index = free
            self.nodes[index] = node
        } else {
            index = self.nodes.count
            self.nodes.append(node)
        }
        self.indices[key] = index
        self.totalCost += cost
        self.linkAsNewest(index)
    }

    @discardableResult
    mutating func removeValue(for key: Key) -> Value? {
        guard let index = self.indices.removeValue(forKey: key), let node = self.nodes[index] else { return nil }
        self.unlink(index)
        self.nodes[index] = nil
        self.freeIndices.append(index)
        self.totalCost -= node.cost
        return node.value
    }

    /// Removes and returns the least recently used entry.
    mutating func removeOldest() -> (key: Key, value: Value, cost: Int)? {
        guard self.oldest >= 0, let node = self.nodes[self.oldest] else { return nil }
        self.removeValue(for: node.key)
        return (node.key, node.value, node.cost)
    }

    /// The keys from least to most recently used (for tests and diagnostics).
    var keysFromOldest: [Key] {
        var keys: [Key] = []
        var index = self.oldest
        while index >= 0, let node = self.nodes[index] {
            keys.append(node.key)
            index = node.newer
        }
        return keys
    }

    private mutating func unlink(_ index: Int) {
        guard let node = self.nodes[index] else { return }
        if node.newer >= 0 {
            self.nodes[node.newer]?.older = node.older
        } else {
            self.newest = node.older
        }
        if node.older >= 0 {
            self.nodes[node.older]?.newer = node.newer
        } else {
            self.oldest = node.newer
        }
        self.nodes[index]?.newer = -1
        self.nodes[index]?.older = -1
    }

    private mutating func linkAsNewest(_ index: Int) {
        self.nodes[index]?.older = self.newest
        self.nodes[index]?.newer = -1
        if self.newest >= 0 {
            self.nodes[self.newest]?.newer = index
        }
        self.newest = index
        if self.oldest < 0 {
            self.oldest = index
        }
    }
}
