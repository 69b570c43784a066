import Synchronization

/// What the concurrency test's worker threads report: how many parses ran, and which gave another result.
final class ParseTally: Sendable {
    private let parseCount = Mutex(0)
    private let mismatchList = Mutex<[String]>([])

    var parses: Int {
        self.parseCount.withLock { $0 }
    }

    var mismatches: [String] {
        self.mismatchList.withLock { $0 }
    }

    func recordParse() {
        self.parseCount.withLock { $0 += 1 }
    }

    func recordMismatch(_ description: String) {
        self.mismatchList.withLock { $0.append(description) }
    }
}
