import POP3

/// Fuzzes `POP3ResponseDecoder`: the payload is fed in reads of sizes taken from the input, through
/// `append` and `receive`, as a stream of single- and multi-line responses; optionally the responses
/// drive `POP3SessionStateMachine` through a whole session. Every status line and body also goes through
/// the pure parsers (response codes, STAT, LIST, UIDL, CAPA).
///
/// Invariants: no crash; the transcript (each status line, each un-stuffed body, and how the stream
/// ended: waiting, which bytes are held back, or which error) is exactly what `POP3ReferenceDecoder`
/// makes of the whole stream at once, whatever the read sizes; the state machine keeps its security
/// promises (see `SessionResponsePlan`).
///
/// Input: `options, plan, n, size_1 ... size_n, payload`.
/// - options: bits 0–1 the status-line cap (4096, 8, 32, 512), bits 2–3 the response cap (256 MiB, 16,
///   64, 1024), bit 4 session mode, bit 5 every other read through `receive`, bit 6 a fresh body buffer
///   per `decodeBody` call;
/// - plan: the multi-line mask (`MaskResponsePlan`) or the session options (`SessionResponsePlan`);
/// - n (mod 8) read sizes of 1–256 bytes, used in turn; none means the payload in one read.
public enum POP3DecoderFuzzTarget: FuzzTarget {
    public static let name = "pop3"

    public static func run(_ input: [UInt8]) throws(InvariantViolation) {
        var reader = FuzzInput(input)
        let options = reader.byte()
        let planByte = reader.byte()
        let readSizes = reader.bytes(Int(reader.byte() % 8)).map { Int($0) + 1 }
        let payload = reader.rest()
        let limits = POP3ResponseDecoder.Limits(
            statusLineLength: [4096, 8, 32, 512][Int(options & 3)],
            responseLength: [256 * 1024 * 1024, 16, 64, 1024][Int(options >> 2 & 3)]
        )
        var reads: [ArraySlice<UInt8>] = []
        var start = 0
        while start < payload.count {
            let size = readSizes.isEmpty ? payload.count : readSizes[reads.count % readSizes.count]
            reads.append(payload[start..<min(payload.count, start + size)])
            start += size
        }
        var feeder = IncrementalFeeder(
            limits: limits,
            useReceive: options & 0x20 != 0,
            freshBodyBuffers: options & 0x40 != 0
        )
        let reference = POP3ReferenceDecoder(limits: limits)
        let incremental: POP3Transcript
        let expected: POP3Transcript
        if options & 0x10 != 0 {
            var plan = SessionResponsePlan(options: planByte)
            incremental = try feeder.transcript(of: reads, plan: &plan)
            try plan.connectionClosed()
            var referencePlan = SessionResponsePlan(options: planByte)
            expected = try reference.transcript(payload, plan: &referencePlan)
        } else {
            var plan = MaskResponsePlan(mask: planByte)
            incremental = try feeder.transcript(of: reads, plan: &plan)
            var referencePlan = MaskResponsePlan(mask: planByte)
            expected = try reference.transcript(payload, plan: &referencePlan)
        }
        try expect(
            incremental == expected,
            "read in pieces the stream gives \(incremental), at once \(expected)"
        )
    }
}

/// Feeds reads to a `POP3ResponseDecoder` one at a time and decodes all it can after each, as
/// `POP3Client` does.
private struct IncrementalFeeder {
    var decoder: POP3ResponseDecoder
    let useReceive: Bool
    let freshBodyBuffers: Bool

    init(limits: POP3ResponseDecoder.Limits, useReceive: Bool, freshBodyBuffers: Bool) {
        self.decoder = POP3ResponseDecoder(limits: limits)
        self.useReceive = useReceive
        self.freshBodyBuffers = freshBodyBuffers
    }

    mutating func transcript(
        of reads: [ArraySlice<UInt8>],
        plan: inout some POP3ResponsePlan
    ) throws(InvariantViolation) -> POP3Transcript {
        var transcript = POP3Transcript()
        var pending: (status: POP3StatusLine, body: [UInt8])?
        var fed = 0
        for (index, read) in reads.enumerated() {
            try self.feed(read, throughReceive: self.useReceive && index % 2 == 1)
            fed += read.count
            try expect(self.decoder.bufferedByteCount <= fed, "more bytes buffered than were fed")
            while !plan.isFinished {
                let response: POP3Transcript.Response?
                do {
                    response = try self.decodeNext(&pending, plan: &plan)
                } catch {
                    transcript.ending = .failed(error.code)
                    return transcript
                }
                guard let response else { break }
                transcript.responses.append(response)
                try plan.received(response)
            }
        }
        let buffered = self.decoder.bufferedByteCount
        if plan.isFinished {
            transcript.ending = .sessionEnded(buffered: buffered)
        } else if let pending {
            transcript.ending = .waitingForBody(pending.status, delivered: pending.body, buffered: buffered)
        } else {
            transcript.ending = .waitingForStatus(buffered: buffered)
        }
        return transcript
    }

    /// The next whole response, nil when more bytes are needed; `pending` is the multi-line response
    /// being read, its status line and the body delivered so far.
    private mutating func decodeNext(
        _ pending: inout (status: POP3StatusLine, body: [UInt8])?,
        plan: inout some POP3ResponsePlan
    ) throws(POP3Error) -> POP3Transcript.Response? {
        while true {
            guard let current = pending else {
                guard let status = try self.decoder.decodeStatusLine() else { return nil }
                guard plan.expectsBody(after: status) else { return POP3Transcript.Response(status: status, body: nil) }
                pending = (status, [])
                continue
            }
            var body = self.freshBodyBuffers ? [] : current.body
            let complete = try self.decoder.decodeBody(into: &body)
            let delivered = self.freshBodyBuffers ? current.body + body : body
            pending?.body = delivered
            guard complete else { return nil }
            pending = nil
            return POP3Transcript.Response(status: current.status, body: delivered)
        }
    }

    private mutating func feed(_ read: ArraySlice<UInt8>, throughReceive: Bool) throws(InvariantViolation) {
        guard throughReceive else {
            self.decoder.append(read)
            return
        }
        var offered = 0
        let filled = self.decoder.receive(minimumSpace: read.count) { buffer in
            offered = buffer.count
            buffer.copyBytes(from: read)
            return read.count
        }
        try expect(offered >= read.count, "receive offered \(offered) bytes, asked for \(read.count)")
        try expect(filled == read.count, "receive reported \(filled) bytes, \(read.count) were written")
    }
}
