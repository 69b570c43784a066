import Foundation
import Synchronization
import Testing

@testable import HTTPServer

extension HTTPServerTests {
    /// The test bodies: a 65,521-byte block (a prime, so not a divisor of any chunk size) repeated,
    /// so that a lost, repeated or reordered chunk shows. Built once: debug builds are slow per byte.
    static let streamPattern: [UInt8] = {
        let block = (0..<65_521).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 13) }
        var pattern: [UInt8] = []
        pattern.reserveCapacity(21 * 1024 * 1024)
        while pattern.count < 21 * 1024 * 1024 {
            pattern.append(contentsOf: block)
        }
        return pattern
    }()

    static func pattern(_ range: Range<Int>) -> ArraySlice<UInt8> {
        Self.streamPattern[range]
    }

    /// Compares with memcmp: element-wise `==` on 20 MB takes seconds in a debug build.
    static func matchesPattern(_ bytes: [UInt8], _ range: Range<Int>) -> Bool {
        guard bytes.count == range.count else { return false }
        return bytes.withUnsafeBytes { received in
            Self.streamPattern[range].withUnsafeBytes { expected in
                guard let receivedBase = received.baseAddress, let expectedBase = expected.baseAddress else {
                    return range.isEmpty
                }
                return memcmp(receivedBase, expectedBase, range.count) == 0
            }
        }
    }

    /// A 20 MB body produced in 64 KiB chunks on a worker arrives byte-exact, and the producer was
    /// throttled by the bounded buffer (its writes blocked).
    @Test func streamsTwentyMegabytesWithBackpressure() throws {
        let total = 20 * 1024 * 1024
        let chunk = 64 * 1024
        let blockedWrites = Atomic<Int>(-1)
        let server = try ServerFixture.started { _, responder in
            Thread.detachNewThread {
                responder.respond(
                    HTTPResponse(
                        status: 200,
                        headers: ["Content-Type": "application/octet-stream"],
                        body: .stream(contentLength: total) { writer in
                            for offset in stride(from: 0, to: total, by: chunk) {
                                try Self.pattern(offset..<offset + chunk).withUnsafeBytes { try writer.write($0) }
                            }
                            blockedWrites.store(writer.blockedWriteCount, ordering: .relaxed)
                        }
                    )
                )
            }
        }
        defer { server.stop(gracePeriod: .seconds(1)) }
        let client = try LoopbackHTTPClient(port: server.port)
        try client.sendRequest("GET", "/big")
        // Let the producer run ahead of a client that is not reading yet.
        ServerFixture.sleep(.milliseconds(50))
        let response = try client.readResponse()
        #expect(response.status == 200)
        #expect(response.headers["Content-Length"] == String(total))
        #expect(response.body.count == total)
        #expect(Self.matchesPattern(response.body, 0..<total))
        #expect(ServerFixture.eventually { blockedWrites.load(ordering: .relaxed) >= 0 })
        #expect(blockedWrites.load(ordering: .relaxed) > 0)
    }

    /// A body without Content-Length goes out chunked, and curl reassembles it exactly; the producer
    /// pauses between writes, so the connection suspends and resumes along the way.
    @Test func streamsChunkedBodyToCurl() throws {
        let total = 1024 * 1024 + 123
        let server = try ServerFixture.started { _, responder in
            Thread.detachNewThread {
                responder.respond(
                    HTTPResponse(
                        status: 200,
                        body: .stream(contentLength: nil) { writer in
                            var offset = 0
                            while offset < total {
                                let end = min(offset + 100_000, total)
                                try Self.pattern(offset..<end).withUnsafeBytes { try writer.write($0) }
                                offset = end
                                ServerFixture.sleep(.milliseconds(2))
                            }
                        }
                    )
                )
            }
        }
        defer { server.stop(gracePeriod: .seconds(1)) }
        let result = try Curl.run(["http://127.0.0.1:\(server.port)/chunked"])
        #expect(result.exitCode == 0)
        #expect(result.output.count == total)
        #expect(Self.matchesPattern(result.output, 0..<total))
    }

    /// A stream answered inline, on the MHD thread, still works: its producer gets its own thread.
    @Test func inlineStreamRunsOnItsOwnThread() throws {
        let total = 3 * 1024 * 1024
        let server = try ServerFixture.started(HTTPServerConfiguration(port: 0, threads: 1)) { _, responder in
            responder.respond(
                HTTPResponse(
                    status: 200,
                    body: .stream(contentLength: total) { writer in
                        try Self.pattern(0..<total).withUnsafeBytes { try writer.write($0) }
                    }
                )
            )
        }
        defer { server.stop(gracePeriod: .seconds(1)) }
        let client = try LoopbackHTTPClient(port: server.port)
        try client.sendRequest("GET", "/inline-stream")
        let response = try client.readResponse()
        #expect(Self.matchesPattern(response.body, 0..<total))
    }

    /// A client that disconnects mid-stream makes the producer's write throw ClientGone within about
    /// a second, and the producer thread ends.
    @Test func clientDisconnectStopsProducer() throws {
        let liveProducers = Atomic<Int>(0)
        let outcome = Mutex<(error: (any Error)?, at: ContinuousClock.Instant)?>(nil)
        let server = try ServerFixture.started { _, responder in
            Thread.detachNewThread {
                responder.respond(
                    HTTPResponse(
                        status: 200,
                        body: .stream(contentLength: nil) { writer in
                            liveProducers.add(1, ordering: .relaxed)
                            defer { liveProducers.subtract(1, ordering: .relaxed) }
                            var offset = 0
                            do {
                                while true {
                                    try Self.pattern(offset..<offset + 65_536).withUnsafeBytes { try writer.write($0) }
                                    offset = (offset + 65_536) % (20 * 1024 * 1024)
                                }
                            } catch {
                                outcome.withLock { $0 = (error, ContinuousClock.now) }
                                throw error
                            }
                        }
                    )
                )
            }
        }
        defer { server.stop(gracePeriod: .seconds(1)) }
        let client = try LoopbackHTTPClient(port: server.port)
        try client.sendRequest("GET", "/endless")
        var received = 0
        while received < 1024 * 1024 {
            let bytes = try client.receive()
            #expect(!bytes.isEmpty)
            received += bytes.count
        }
        #expect(liveProducers.load(ordering: .relaxed) == 1)
        let closedAt = ContinuousClock.now
        client.close()

        #expect(ServerFixture.eventually(timeout: .seconds(3)) { liveProducers.load(ordering: .relaxed) == 0 })
        let (error, at) = try #require(outcome.withLock { $0 })
        #expect(error is HTTPBodyWriter.ClientGone)
        #expect(at - closedAt < .seconds(1))
        #expect(ServerFixture.eventually { server.requestsInFlight == 0 })
    }

    /// A producer that throws cuts the body short: with a Content-Length the client sees fewer bytes
    /// than announced and the connection closed, never a complete-looking body.
    @Test func failingProducerTruncatesBody() throws {
        struct ProducerFailure: Error {}
        let server = try ServerFixture.started { _, responder in
            Thread.detachNewThread {
                responder.respond(
                    HTTPResponse(
                        status: 200,
                        body: .stream(contentLength: 100_000) { writer in
                            try Self.pattern(0..<10_000).withUnsafeBytes { try writer.write($0) }
                            throw ProducerFailure()
                        }
                    )
                )
            }
        }
        defer { server.stop(gracePeriod: .seconds(1)) }
        let client = try LoopbackHTTPClient(port: server.port)
        try client.sendRequest("GET", "/broken")
        #expect(throws: LoopbackHTTPClient.Failure.self) { try client.readResponse() }

        // Without a Content-Length the chunked body ends without its last chunk: curl says so.
        let chunkedServer = HTTPServer(configuration: HTTPServerConfiguration(port: 0)) { _, responder in
            Thread.detachNewThread {
                responder.respond(
                    HTTPResponse(
                        status: 200,
                        body: .stream(contentLength: nil) { writer in
                            try Self.pattern(0..<10_000).withUnsafeBytes { try writer.write($0) }
                            throw ProducerFailure()
                        }
                    )
                )
            }
        }
        try chunkedServer.start()
        defer { chunkedServer.stop() }
        let result = try Curl.run(["http://127.0.0.1:\(chunkedServer.port)/broken"])
        #expect(result.exitCode != 0)
        #expect(result.output.count <= 10_000)
    }
}
