import Foundation
import Synchronization
import Testing

@testable import Gateway

@Suite struct BatchDecoderTests {
    /// Outputs come back in the order the inputs went in, whichever thread decoded each batch.
    @Test func keepsInputOrder() {
        let helpers = WorkerPool(threads: 2, queueLimit: 100)
        let decoder = BatchDecoder(helpers: helpers, batchSize: 7) { (number: Int) in number * 2 }
        for number in 0..<1000 { decoder.add(number) }
        #expect(decoder.finish() == (0..<1000).map { $0 * 2 })
    }

    /// Helper threads decode while the producer is still adding.
    @Test func helpersDecodeWhileTheProducerAdds() {
        let helpers = WorkerPool(threads: 1, queueLimit: 100)
        let producer = pthread_self()
        let decodedElsewhere = Mutex(0)
        let decoder = BatchDecoder(helpers: helpers, batchSize: 4) { (number: Int) in
            if pthread_equal(pthread_self(), producer) == 0 { decodedElsewhere.withLock { $0 += 1 } }
            return number
        }
        for number in 0..<8 { decoder.add(number) }
        // Both full batches were handed to the helper; give it time to take them.
        let deadline = Date().addingTimeInterval(5)
        while decodedElsewhere.withLock({ $0 }) < 8 && Date() < deadline { Thread.sleep(forTimeInterval: 0.001) }
        #expect(decodedElsewhere.withLock { $0 } == 8)
        #expect(decoder.finish() == Array(0..<8))
    }

    /// With no room in the helpers' queue, the producer decodes everything itself: slower, never stuck.
    @Test func fullHelperQueueStillFinishes() {
        // A queue limit of 0 refuses every job.
        let helpers = WorkerPool(threads: 1, queueLimit: 0)
        let producer = pthread_self()
        let decoder = BatchDecoder(helpers: helpers, batchSize: 2) { (text: String) in
            #expect(pthread_equal(pthread_self(), producer) != 0)
            return text.uppercased()
        }
        for text in ["a", "b", "c", "d", "e"] { decoder.add(text) }
        #expect(decoder.finish() == ["A", "B", "C", "D", "E"])
    }

    /// Nothing added, nothing returned.
    @Test func emptyStream() {
        let decoder = BatchDecoder(helpers: WorkerPool(threads: 1, queueLimit: 10), batchSize: 16) { (number: Int) in
            number
        }
        #expect(decoder.finish().isEmpty)
    }
}
