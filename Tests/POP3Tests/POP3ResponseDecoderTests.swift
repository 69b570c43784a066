import TestSupport
import Testing

@testable import POP3

// MARK: - Fixtures

/// One body line as the server sends it (dot-stuffed) and as it must come out (un-stuffed).
private let bodyLines: [(wire: [UInt8], decoded: [UInt8])] = [
    (Array("Subject: dots\r\n".utf8), Array("Subject: dots\r\n".utf8)),
    (Array("\r\n".utf8), Array("\r\n".utf8)),
    (Array("..leading dot\r\n".utf8), Array(".leading dot\r\n".utf8)),
    (Array(".x\r\n".utf8), Array("x\r\n".utf8)),
    (Array("..\r\n".utf8), Array(".\r\n".utf8)),
    (Array("...\r\n".utf8), Array("..\r\n".utf8)),
    (Array("a . in the middle and one at the end.\r\n".utf8), Array("a . in the middle and one at the end.\r\n".utf8)),
    (
        Array("8-bit ".utf8) + [0xC3, 0xA9, 0xFF, 0x80, 0x20, 0x00, 0x00, 0x2E] + Array("\r\n".utf8),
        Array("8-bit ".utf8) + [0xC3, 0xA9, 0xFF, 0x80, 0x20, 0x00, 0x00, 0x2E] + Array("\r\n".utf8)
    ),
    (Array("cr inside\r.not a line start\r\n".utf8), Array("cr inside\r.not a line start\r\n".utf8)),
    ([0x00, 0x2E, 0x0D, 0x0A], [0x00, 0x2E, 0x0D, 0x0A]),
    (Array("last line\r\n".utf8), Array("last line\r\n".utf8)),
]

private let statusBytes = Array("+OK 212 octets\r\n".utf8)
private let terminator = Array(".\r\n".utf8)
/// The whole multi-line response on the wire.
private let stuffedWire = statusBytes + bodyLines.flatMap(\.wire) + terminator
/// The body the decoder must deliver for `stuffedWire`.
private let unstuffedBody = bodyLines.flatMap(\.decoded)

private func bytes(_ string: String) -> [UInt8] { Array(string.utf8) }

/// What decoding one multi-line response from a sequence of reads produced.
private struct MultiLineResult: Equatable {
    var status: POP3StatusLine?
    var body: [UInt8]
    var complete: Bool
    var leftover: Int
}

/// Feeds `chunks` one read at a time to a fresh decoder, decoding one multi-line response as far as possible.
private func decodeMultiLine(
    _ chunks: [[UInt8]],
    limits: POP3ResponseDecoder.Limits = .init()
) throws(POP3Error) -> MultiLineResult {
    var decoder = POP3ResponseDecoder(limits: limits)
    var status: POP3StatusLine?
    var body: [UInt8] = []
    var complete = false
    for chunk in chunks {
        decoder.append(chunk)
        if status == nil {
            status = try decoder.decodeStatusLine()
        }
        if status != nil, !complete {
            complete = try decoder.decodeBody(into: &body)
        }
    }
    return MultiLineResult(status: status, body: body, complete: complete, leftover: decoder.bufferedByteCount)
}

private struct ReadFailed: Error, Equatable {}

// MARK: - Multi-line bodies

/// A dot-stuffed multi-line response fed one byte at a time yields the status line and the exact un-stuffed body.
@Test func multiLineResponseFedOneByteAtATime() throws {
    var decoder = POP3ResponseDecoder()
    var status: POP3StatusLine?
    var body: [UInt8] = []
    var completedAt: Int?
    for (offset, byte) in stuffedWire.enumerated() {
        decoder.append([byte])
        if status == nil {
            status = try decoder.decodeStatusLine()
            if status != nil {
                #expect(offset == statusBytes.count - 1, "status line must be returned on its LF, not before")
            }
            continue
        }
        if try decoder.decodeBody(into: &body) {
            completedAt = offset
            break
        }
        // Never emit a byte that later turns out to be a stuffing dot or part of the terminator.
        #expect(Array(unstuffedBody.prefix(body.count)) == body, "at offset \(offset)")
    }
    #expect(status == POP3StatusLine(.ok, text: bytes("212 octets")))
    #expect(completedAt == stuffedWire.count - 1)
    #expect(body == unstuffedBody)
    #expect(decoder.bufferedByteCount == 0)
}

/// Splitting the dot-stuffed response into two reads at every possible offset always gives the same result.
@Test func multiLineResponseSplitAtEveryOffset() throws {
    let expected = MultiLineResult(
        status: POP3StatusLine(.ok, text: bytes("212 octets")),
        body: unstuffedBody,
        complete: true,
        leftover: 0
    )
    for offset in 0...stuffedWire.count {
        let result = try decodeMultiLine([Array(stuffedWire[..<offset]), Array(stuffedWire[offset...])])
        #expect(result == expected, "split at offset \(offset)")
    }
}

/// The terminator `CRLF.CRLF` split across reads in every one of the 16 ways still ends the body exactly there.
@Test(arguments: 0..<16)
func terminatorSplitAcrossReads(cutMask: Int) throws {
    let head = bytes("+OK\r\nhello")
    let tail = bytes("\r\n.\r\n")
    let next = bytes("+OK next\r\n")
    var chunks: [[UInt8]] = [head]
    var current: [UInt8] = []
    for (index, byte) in tail.enumerated() {
        current.append(byte)
        // Bit `index` set: cut after this byte (the last byte is always followed by a cut).
        if index == tail.count - 1 || cutMask & (1 << index) != 0 {
            chunks.append(current)
            current = []
        }
    }
    chunks[chunks.count - 1] += next

    var decoder = POP3ResponseDecoder()
    var body: [UInt8] = []
    var complete = false
    var status: POP3StatusLine?
    for chunk in chunks {
        #expect(!complete, "body completed before the terminator was whole (mask \(cutMask))")
        decoder.append(chunk)
        if status == nil { status = try decoder.decodeStatusLine() }
        complete = try decoder.decodeBody(into: &body)
    }
    #expect(complete)
    #expect(body == bytes("hello\r\n"))
    #expect(decoder.bufferedByteCount == next.count)
    #expect(try decoder.decodeStatusLine() == POP3StatusLine(.ok, text: bytes("next")))
}

/// A bare-LF terminator `.\n` ends the body and bare-LF line endings are kept exactly as received.
@Test func bareLineFeedBodyAndTerminator() throws {
    let wire = bytes("+OK\none\n..two\nthree\r\n..\n\r\n.\n")
    let expectedBody = bytes("one\n.two\nthree\r\n.\n\r\n")
    for offset in 0...wire.count {
        let result = try decodeMultiLine([Array(wire[..<offset]), Array(wire[offset...])])
        #expect(result == MultiLineResult(status: POP3StatusLine(.ok), body: expectedBody, complete: true, leftover: 0))
    }
}

/// A CR before the LF is part of the body bytes, and a lone CR does not end a line.
@Test func carriageReturnsArePreservedInTheBody() throws {
    let wire = bytes("+OK\r\nA\r\r\nB\r.C\r\n.\r\n")
    let result = try decodeMultiLine([wire])
    #expect(result.body == bytes("A\r\r\nB\r.C\r\n"))
    #expect(result.complete)
}

/// Body bytes delivered through several `decodeBody(into:)` calls into different buffers concatenate to the body.
@Test func bodyDeliveredIntoSeveralBuffers() throws {
    var decoder = POP3ResponseDecoder()
    decoder.append(Array(stuffedWire.prefix(statusBytes.count + 20)))
    #expect(try decoder.decodeStatusLine() == POP3StatusLine(.ok, text: bytes("212 octets")))

    var buffers: [[UInt8]] = []
    var rest = stuffedWire.dropFirst(statusBytes.count + 20)
    var current: [UInt8] = [0xEE]  // pre-existing content must be kept: decodeBody appends
    var complete = try decoder.decodeBody(into: &current)
    buffers.append(current)
    while !complete {
        let chunk = rest.prefix(7)
        rest = rest.dropFirst(7)
        decoder.append(chunk)
        current = []
        complete = try decoder.decodeBody(into: &current)
        buffers.append(current)
    }
    #expect(rest.isEmpty)
    #expect(buffers.count > 3)
    #expect(buffers[0].first == 0xEE)
    #expect(Array(buffers.joined().dropFirst()) == unstuffedBody)
}

/// Three pipelined responses arriving in one read decode in order, and what follows a body stays buffered.
@Test func pipelinedResponsesInOneRead() throws {
    let first = bytes("+OK\r\n")
    let second = bytes("+OK 2 messages\r\n1 120\r\n2 200\r\n.\r\n")
    let third = bytes("-ERR x\r\n")
    var decoder = POP3ResponseDecoder()
    decoder.append(first + second + third)

    #expect(try decoder.decodeStatusLine() == POP3StatusLine(.ok))
    #expect(decoder.bufferedByteCount == second.count + third.count)
    #expect(try decoder.decodeStatusLine() == POP3StatusLine(.ok, text: bytes("2 messages")))
    var body: [UInt8] = []
    #expect(try decoder.decodeBody(into: &body))
    #expect(body == bytes("1 120\r\n2 200\r\n"))
    #expect(decoder.bufferedByteCount == third.count)
    #expect(try decoder.decodeStatusLine() == POP3StatusLine(.error, text: bytes("x")))
    #expect(decoder.bufferedByteCount == 0)
    #expect(try decoder.decodeStatusLine() == nil)
}

/// After a body that ended with a dot-stuffed line, the next multi-line response starts fresh at a line start.
@Test func consecutiveMultiLineBodies() throws {
    var decoder = POP3ResponseDecoder()
    decoder.append(bytes("+OK\r\nx\r\n..\r\n.\r\n+OK\r\n.y\r\n.\r\n"))
    #expect(try decoder.decodeStatusLine() == POP3StatusLine(.ok))
    var first: [UInt8] = []
    #expect(try decoder.decodeBody(into: &first))
    #expect(first == bytes("x\r\n.\r\n"))
    #expect(try decoder.decodeStatusLine() == POP3StatusLine(.ok))
    var second: [UInt8] = []
    #expect(try decoder.decodeBody(into: &second))
    #expect(second == bytes("y\r\n"))
    #expect(decoder.bufferedByteCount == 0)
}

/// An empty multi-line body (`+OK\r\n.\r\n`) completes with no body bytes, in one read or byte by byte.
@Test func emptyMultiLineBody() throws {
    let wire = bytes("+OK\r\n.\r\n")
    #expect(
        try decodeMultiLine([wire])
            == MultiLineResult(status: POP3StatusLine(.ok), body: [], complete: true, leftover: 0)
    )
    #expect(
        try decodeMultiLine(wire.map { [$0] })
            == MultiLineResult(status: POP3StatusLine(.ok), body: [], complete: true, leftover: 0)
    )
}

/// A lone `.` or `.\r` at a line start is held back until the next byte says whether it ends the body.
@Test func pendingDotIsHeldBack() throws {
    var decoder = POP3ResponseDecoder()
    decoder.append(bytes("+OK\r\nab\r\n."))
    _ = try decoder.decodeStatusLine()
    var body: [UInt8] = []
    #expect(try decoder.decodeBody(into: &body) == false)
    #expect(body == bytes("ab\r\n"))
    #expect(decoder.bufferedByteCount == 1)
    decoder.append(bytes("\r"))
    #expect(try decoder.decodeBody(into: &body) == false)
    #expect(body == bytes("ab\r\n"))
    #expect(decoder.bufferedByteCount == 2)
    decoder.append(bytes("\n"))
    #expect(try decoder.decodeBody(into: &body))
    #expect(body == bytes("ab\r\n"))
    #expect(decoder.bufferedByteCount == 0)
}

/// `decodeBody` on an empty buffer asks for more and delivers nothing.
@Test func decodeBodyWithNothingBuffered() throws {
    var decoder = POP3ResponseDecoder()
    var body: [UInt8] = []
    #expect(try decoder.decodeBody(into: &body) == false)
    #expect(body.isEmpty)
}

/// A 2 MB body line without any LF, fed in 64 KiB reads, comes out byte-exact with its stuffing dot removed.
@Test func twoMegabyteSingleLineInSixtyFourKiBChunks() throws {
    let length = 2 * 1024 * 1024
    var line: [UInt8] = [UInt8(ascii: ".")]
    line.reserveCapacity(length + 1)
    for index in 0..<length {
        let byte = UInt8(truncatingIfNeeded: index &* 31 &+ 7)
        line.append(byte == ASCII.lf ? UInt8(ascii: "?") : byte)
    }
    line[1] = UInt8(ascii: ".")
    let wire = bytes("+OK\r\n") + line + bytes("\r\n.\r\n")
    let expected = Array(line.dropFirst()) + bytes("\r\n")

    var decoder = POP3ResponseDecoder()
    var status: POP3StatusLine?
    var body: [UInt8] = []
    var complete = false
    var chunkCount = 0
    var start = 0
    while start < wire.count {
        #expect(!complete)
        let end = min(start + 64 * 1024, wire.count)
        decoder.append(wire[start..<end])
        start = end
        chunkCount += 1
        if status == nil { status = try decoder.decodeStatusLine() }
        if status != nil { complete = try decoder.decodeBody(into: &body) }
    }
    #expect(chunkCount > 30)
    #expect(status == POP3StatusLine(.ok))
    #expect(complete)
    #expect(body.count == expected.count)
    #expect(body == expected)
    #expect(decoder.bufferedByteCount == 0)
}

// MARK: - Status lines

/// Status lines are recognised with a bare `+OK`, a bare `-ERR`, lower case, and a SASL `+ ` continuation.
@Test(arguments: [
    ("+OK\r\n", POP3StatusLine(.ok)),
    ("-ERR\r\n", POP3StatusLine(.error)),
    ("+ok\r\n", POP3StatusLine(.ok)),
    ("+ok logged in\r\n", POP3StatusLine(.ok, text: Array("logged in".utf8))),
    ("-err no\n", POP3StatusLine(.error, text: Array("no".utf8))),
    ("+OK POP3 ready <1.2@host>\r\n", POP3StatusLine(.ok, text: Array("POP3 ready <1.2@host>".utf8))),
    ("+ \r\n", POP3StatusLine(.continuation)),
    ("+ dGVzdA==\r\n", POP3StatusLine(.continuation, text: Array("dGVzdA==".utf8))),
])
func statusLineVariants(wire: String, expected: POP3StatusLine) throws {
    var decoder = POP3ResponseDecoder()
    decoder.append(wire.utf8)
    #expect(try decoder.decodeStatusLine() == expected)
    #expect(decoder.bufferedByteCount == 0)
}

/// A status line is not returned until its LF has arrived, and nothing is consumed meanwhile.
@Test func incompleteStatusLineWaits() throws {
    var decoder = POP3ResponseDecoder()
    #expect(try decoder.decodeStatusLine() == nil)
    decoder.append(bytes("+OK hel"))
    #expect(try decoder.decodeStatusLine() == nil)
    #expect(decoder.bufferedByteCount == 7)
    decoder.append(bytes("lo\r"))
    #expect(try decoder.decodeStatusLine() == nil)
    decoder.append(bytes("\n"))
    #expect(try decoder.decodeStatusLine() == POP3StatusLine(.ok, text: bytes("hello")))
}

/// A garbage status line such as `HELLO` is a protocol violation.
@Test(arguments: ["HELLO\r\n", "\r\n", "OK\r\n", "+OKAY\r\n", "-ERROR\r\n", " +OK\r\n", "+xyz\r\n"])
func garbageStatusLineIsProtocolViolation(wire: String) {
    var decoder = POP3ResponseDecoder()
    decoder.append(wire.utf8)
    let error = #expect(throws: POP3Error.self) { try decoder.decodeStatusLine() }
    #expect(error?.code == .protocolViolation)
}

/// A status line of exactly `statusLineLength` octets is accepted, with CRLF or with a bare LF.
@Test(arguments: ["\r\n", "\n"])
func statusLineExactlyAtTheCapIsAccepted(ending: String) throws {
    let limit = 40
    let text = String(repeating: "t", count: limit - 4)
    var decoder = POP3ResponseDecoder(limits: .init(statusLineLength: limit))
    decoder.append(bytes("+OK " + text + ending))
    #expect(try decoder.decodeStatusLine() == POP3StatusLine(.ok, text: bytes(text)))
}

/// A status line at the cap whose CR arrived without its LF yet is still waited for, not rejected.
@Test func statusLineAtTheCapWaitsForItsLineFeed() throws {
    let limit = 40
    let text = String(repeating: "t", count: limit - 4)
    var decoder = POP3ResponseDecoder(limits: .init(statusLineLength: limit))
    decoder.append(bytes("+OK " + text + "\r"))
    #expect(try decoder.decodeStatusLine() == nil)
    decoder.append(bytes("\n"))
    #expect(try decoder.decodeStatusLine() == POP3StatusLine(.ok, text: bytes(text)))
}

/// A complete status line one octet over the cap is `.responseTooLarge`.
@Test(arguments: ["\r\n", "\n"])
func statusLineOneOverTheCapIsTooLarge(ending: String) {
    let limit = 40
    var decoder = POP3ResponseDecoder(limits: .init(statusLineLength: limit))
    decoder.append(bytes("+OK " + String(repeating: "t", count: limit - 3) + ending))
    let error = #expect(throws: POP3Error.self) { try decoder.decodeStatusLine() }
    #expect(error?.code == .responseTooLarge)
}

/// A status line longer than the cap with no LF throws `.responseTooLarge` as soon as more than cap + CR is buffered.
@Test func overlongStatusLineWithoutLineFeedThrowsOnceOverTheCap() {
    let limit = 32
    var decoder = POP3ResponseDecoder(limits: .init(statusLineLength: limit))
    let line = bytes("+OK ") + [UInt8](repeating: UInt8(ascii: "a"), count: 200)
    var thrownAt: Int?
    for (index, byte) in line.enumerated() {
        decoder.append([byte])
        do {
            #expect(try decoder.decodeStatusLine() == nil)
        } catch {
            #expect(error.code == .responseTooLarge)
            thrownAt = index + 1
            break
        }
    }
    // Up to `limit` bytes (+ a possible CR) the line may still be valid; beyond that it cannot be.
    #expect(
        thrownAt.map { ((limit + 1)...(limit + 2)).contains($0) } == true,
        "thrown with \(String(describing: thrownAt)) bytes buffered"
    )
}

/// A huge read without any LF is rejected at once as a status line, not buffered indefinitely.
@Test func hugeReadWithoutLineFeedIsRejectedAtOnce() {
    var decoder = POP3ResponseDecoder()
    decoder.append([UInt8](repeating: UInt8(ascii: "+"), count: 1024 * 1024))
    let error = #expect(throws: POP3Error.self) { try decoder.decodeStatusLine() }
    #expect(error?.code == .responseTooLarge)
}

/// A status line keeps its 8-bit and control bytes as raw text.
@Test func statusLineKeepsRawBytes() throws {
    var decoder = POP3ResponseDecoder()
    decoder.append(bytes("-ERR ") + [0xC3, 0xA9, 0x01, 0xFF] + bytes("\r\n"))
    #expect(try decoder.decodeStatusLine() == POP3StatusLine(.error, text: [0xC3, 0xA9, 0x01, 0xFF]))
}

// MARK: - Response length cap

/// A body growing past `responseLength` over several reads throws `.responseTooLarge`, and not before.
@Test func responseLengthCapAcrossReads() throws {
    var decoder = POP3ResponseDecoder(limits: .init(responseLength: 100))
    decoder.append(bytes("+OK\r\n"))
    #expect(try decoder.decodeStatusLine() == POP3StatusLine(.ok))
    var body: [UInt8] = []
    let line = bytes("123456789\n")
    for _ in 0..<10 {
        decoder.append(line)
        #expect(try decoder.decodeBody(into: &body) == false)
    }
    #expect(body.count == 100)
    decoder.append(line)
    let error = #expect(throws: POP3Error.self) { try decoder.decodeBody(into: &body) }
    #expect(error?.code == .responseTooLarge)
}

/// A body of exactly `responseLength` octets is accepted.
@Test func responseExactlyAtTheCapIsAccepted() throws {
    let result = try decodeMultiLine(
        [bytes("+OK\r\n") + [UInt8](repeating: UInt8(ascii: "z"), count: 98) + bytes("\r\n.\r\n")],
        limits: .init(responseLength: 100)
    )
    #expect(result.complete)
    #expect(result.body.count == 100)
}

/// A body over `responseLength` is `.responseTooLarge` even when it arrives with its terminator in one read.
@Test func responseOverTheCapInOneReadIsTooLarge() throws {
    var decoder = POP3ResponseDecoder(limits: .init(responseLength: 100))
    decoder.append(bytes("+OK\r\n") + [UInt8](repeating: UInt8(ascii: "z"), count: 200) + bytes("\r\n.\r\n"))
    #expect(try decoder.decodeStatusLine() == POP3StatusLine(.ok))
    var body: [UInt8] = []
    let error = #expect(throws: POP3Error.self) { try decoder.decodeBody(into: &body) }
    #expect(error?.code == .responseTooLarge)
}

// MARK: - Feeding bytes

/// `receive(minimumSpace:_:)` offers at least the asked space, and the bytes written there decode.
@Test func receiveWritesStraightIntoTheBuffer() throws {
    var decoder = POP3ResponseDecoder()
    let first = bytes("+OK 2 3")
    let second = bytes("20\r\n")
    let filled = decoder.receive(minimumSpace: 64) { buffer in
        #expect(buffer.count >= 64)
        buffer.copyBytes(from: first)
        return first.count
    }
    #expect(filled == first.count)
    #expect(decoder.bufferedByteCount == first.count)
    #expect(try decoder.decodeStatusLine() == nil)
    let filledAgain = decoder.receive(minimumSpace: 100_000) { buffer in
        #expect(buffer.count >= 100_000)
        buffer.copyBytes(from: second)
        return second.count
    }
    #expect(filledAgain == second.count)
    #expect(try decoder.decodeStatusLine() == POP3StatusLine(.ok, text: bytes("2 320")))
    #expect(decoder.bufferedByteCount == 0)
}

/// A read that fills nothing, or throws, leaves the buffered bytes as they were.
@Test func receiveThatFillsNothingOrThrows() throws {
    var decoder = POP3ResponseDecoder()
    decoder.append(bytes("+OK"))
    #expect(decoder.receive { _ in 0 } == 0)
    #expect(decoder.bufferedByteCount == 3)
    #expect(throws: ReadFailed()) {
        try decoder.receive { (_: UnsafeMutableRawBufferPointer) throws(ReadFailed) -> Int in throw ReadFailed() }
    }
    #expect(decoder.bufferedByteCount == 3)
    decoder.append(bytes(" done\r\n"))
    #expect(try decoder.decodeStatusLine() == POP3StatusLine(.ok, text: bytes("done")))
}

/// `append` accepts any byte collection: a String's UTF-8 view and an array slice with a non-zero start.
@Test func appendAcceptsAnyByteCollection() throws {
    var decoder = POP3ResponseDecoder()
    decoder.append("+OK a".utf8)
    let slice = bytes("xxxb\r\n")[3...]
    decoder.append(slice)
    #expect(try decoder.decodeStatusLine() == POP3StatusLine(.ok, text: bytes("ab")))
}

/// Many pipelined single- and multi-line responses in reads of random sizes, via `append` and `receive`, decode exactly.
@Test(arguments: [1, 2, 3, 42, 1234] as [UInt64])
func randomPipelinedStream(seed: UInt64) throws {
    var random = SeededGenerator(seed: seed)
    var wire: [UInt8] = []
    var expected: [(status: POP3StatusLine, body: [UInt8]?)] = []
    for index in 0..<60 {
        if Bool.random(using: &random) {
            let status = POP3StatusLine(.error, text: bytes("[IN-USE] response \(index)"))
            wire += bytes("-ERR [IN-USE] response \(index)\r\n")
            expected.append((status, nil))
            continue
        }
        wire += bytes("+OK body \(index)\r\n")
        var body: [UInt8] = []
        for _ in 0..<Int.random(in: 0..<20, using: &random) {
            var content: [UInt8] = []
            for _ in 0..<Int.random(in: 0..<300, using: &random) {
                let pick = Int.random(in: 0..<10, using: &random)
                let byte: UInt8 =
                    pick == 0 ? UInt8(ascii: ".") : pick == 1 ? ASCII.cr : UInt8.random(in: 0...255, using: &random)
                content.append(byte == ASCII.lf ? 0 : byte)
            }
            let ending = Bool.random(using: &random) ? bytes("\r\n") : bytes("\n")
            wire += (content.first == ASCII.dot ? [ASCII.dot] : []) + content + ending
            body += content + ending
        }
        wire += Bool.random(using: &random) ? bytes(".\r\n") : bytes(".\n")
        expected.append((POP3StatusLine(.ok, text: bytes("body \(index)")), body))
    }

    var decoder = POP3ResponseDecoder()
    var input = wire[...]
    var decoded: [(status: POP3StatusLine, body: [UInt8]?)] = []
    var pendingStatus: POP3StatusLine?
    var body: [UInt8] = []
    while decoded.count < expected.count {
        if let status = pendingStatus {
            if try decoder.decodeBody(into: &body) {
                decoded.append((status, body))
                pendingStatus = nil
                continue
            }
        } else if let status = try decoder.decodeStatusLine() {
            if expected[decoded.count].body == nil {
                decoded.append((status, nil))
            } else {
                pendingStatus = status
                body = []
            }
            continue
        }
        guard !input.isEmpty else { break }
        let size = min(input.count, Int.random(in: 1...3000, using: &random))
        let chunk = input.prefix(size)
        input = input.dropFirst(size)
        if Bool.random(using: &random) {
            decoder.append(chunk)
        } else {
            let filled = decoder.receive(minimumSpace: size) { buffer in
                buffer.copyBytes(from: chunk)
                return chunk.count
            }
            #expect(filled == size)
        }
    }
    #expect(input.isEmpty)
    #expect(decoder.bufferedByteCount == 0)
    try #require(decoded.count == expected.count)
    for (got, want) in zip(decoded, expected) {
        #expect(got.status == want.status)
        #expect(got.body == want.body)
    }
}
