import Basics

@testable import Gateway

/// Runs one request on its own thread, as the gateway's worker pool would, and keeps its result.
final class FakeRequest<Output: Sendable>: Sendable {
    private let outcome: ConditionLock<Result<Output, any Error>?>
    private let thread: PThread

    init(_ body: @escaping @Sendable () throws -> Output) {
        let outcome = ConditionLock<Result<Output, any Error>?>(nil)
        self.outcome = outcome
        self.thread = PThread.essential {
            let result = Result { try body() }
            outcome.update { $0 = result }
        }
    }

    var isFinished: Bool { self.outcome.withLock { $0 != nil } }

    /// Waits for the thread and returns what the request returned or threw.
    func finish() -> Result<Output, any Error> {
        self.thread.join()
        return self.outcome.withLock { $0 } ?? .failure(CancellationError())
    }
}
