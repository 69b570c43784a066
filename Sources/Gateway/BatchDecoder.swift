/// Decodes a stream of items on helper threads while the caller goes on producing them, e.g. header
/// summaries while the next `TOP` answers arrive, so that decoding overlaps the upstream's latency
/// instead of adding to it.
///
/// Items are handed out in batches. The producer never waits for a helper to pick one up: `finish`
/// decodes whatever no helper has started yet on the producer's own thread, then waits only for the
/// batches already running. So a busy or full helper pool costs parallelism, never progress.
final class BatchDecoder<Input: Sendable, Output: Sendable>: Sendable {
    private struct Batch {
        var start: Int
        var inputs: [Input]
    }

    private struct State {
        var waiting: [Batch] = []
        var running = 0
        var outputs: [Output?] = []
    }

    private let helpers: WorkerPool
    private let batchSize: Int
    private let decode: @Sendable (Input) -> Output
    private let state = ConditionLock(State())
    /// Only the producer touches the batch being filled.
    private nonisolated(unsafe) var filling = Batch(start: 0, inputs: [])

    init(helpers: WorkerPool, batchSize: Int, decode: @escaping @Sendable (Input) -> Output) {
        self.helpers = helpers
        self.batchSize = max(1, batchSize)
        self.decode = decode
        self.filling.inputs.reserveCapacity(self.batchSize)
    }

    /// Queues one item; called by the producer only.
    func add(_ input: Input) {
        self.filling.inputs.append(input)
        guard self.filling.inputs.count == self.batchSize else { return }
        let batch = self.filling
        self.filling = Batch(start: batch.start + batch.inputs.count, inputs: [])
        self.filling.inputs.reserveCapacity(self.batchSize)
        self.state.withLock { $0.waiting.append(batch) }
        // A full helper queue is fine: `finish` decodes the batch then.
        _ = self.helpers.submit { self.decodeWaitingBatch() }
    }

    /// Every output, in the order of `add`; called by the producer once, after the last `add`.
    func finish() -> [Output] {
        let count = self.filling.start + self.filling.inputs.count
        self.state.withLock { state in
            if !self.filling.inputs.isEmpty { state.waiting.append(self.filling) }
            state.outputs.reserveCapacity(count)
        }
        while self.decodeWaitingBatch() {}
        let outputs = self.state.wait(until: { $0.running == 0 }, deadline: nil).outputs
        return outputs.compactMap { $0 }
    }

    /// Decodes one batch nobody has started; false when there is none.
    @discardableResult
    private func decodeWaitingBatch() -> Bool {
        let taken: Batch? = self.state.withLock { state in
            guard !state.waiting.isEmpty else { return nil }
            state.running += 1
            return state.waiting.removeFirst()
        }
        guard let batch = taken else { return false }
        let outputs = batch.inputs.map(self.decode)
        self.state.update { state in
            let end = batch.start + outputs.count
            if state.outputs.count < end { state.outputs += repeatElement(nil, count: end - state.outputs.count) }
            for (offset, output) in outputs.enumerated() { state.outputs[batch.start + offset] = output }
            state.running -= 1
        }
        return true
    }
}
