import POP3

/// The framing rules of `POP3ResponseDecoder`, written the plain way over the whole stream at once: the
/// model that the incremental decoder, fed in pieces, must agree with.
///
/// A status line ends at the first LF (a CR before it belongs to the line ending) and holds at most
/// `statusLineLength` octets; a body is lines ending in LF, a line `.` or `.\r` ends it, a leading `.` is
/// removed from every other line, and it holds at most `responseLength` octets.
struct POP3ReferenceDecoder {
    let limits: POP3ResponseDecoder.Limits

    /// The transcript of the whole stream, decoded as `plan` says.
    func transcript(_ stream: [UInt8], plan: inout some POP3ResponsePlan) throws(InvariantViolation) -> POP3Transcript {
        var transcript = POP3Transcript()
        var position = 0
        while true {
            if plan.isFinished {
                transcript.ending = .sessionEnded(buffered: stream.count - position)
                return transcript
            }
            let status: POP3StatusLine
            switch self.statusLine(in: stream, from: position) {
            case .incomplete:
                transcript.ending = .waitingForStatus(buffered: stream.count - position)
                return transcript
            case .failed(let code):
                transcript.ending = .failed(code)
                return transcript
            case .line(let line, let next):
                status = line
                position = next
            }
            guard plan.expectsBody(after: status) else {
                let response = POP3Transcript.Response(status: status, body: nil)
                transcript.responses.append(response)
                try plan.received(response)
                continue
            }
            let body = self.body(in: stream, from: position)
            guard body.bytes.count <= self.limits.responseLength else {
                transcript.ending = .failed(.responseTooLarge)
                return transcript
            }
            guard let next = body.next else {
                transcript.ending = .waitingForBody(status, delivered: body.bytes, buffered: body.heldBack)
                return transcript
            }
            position = next
            let response = POP3Transcript.Response(status: status, body: body.bytes)
            transcript.responses.append(response)
            try plan.received(response)
        }
    }

    private enum StatusLineResult {
        case line(POP3StatusLine, next: Int)
        case incomplete
        case failed(POP3Error.Code)
    }

    private func statusLine(in stream: [UInt8], from start: Int) -> StatusLineResult {
        let limit = self.limits.statusLineLength
        guard let lineFeed = stream[start...].firstIndex(of: UInt8(ascii: "\n")) else {
            // Without its LF the line may still turn out valid while it is at most the cap plus a CR.
            return stream.count - start > limit + 1 ? .failed(.responseTooLarge) : .incomplete
        }
        var line = stream[start..<lineFeed]
        if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
        guard line.count <= limit else { return .failed(.responseTooLarge) }
        do {
            return .line(try POP3StatusLine(parsing: line), next: lineFeed + 1)
        } catch {
            return .failed(error.code)
        }
    }

    /// The un-stuffed body from `start`; `next` is where the stream goes on after the terminator, nil when
    /// it has not arrived (then `heldBack` bytes at the end could still be either).
    private func body(in stream: [UInt8], from start: Int) -> (bytes: [UInt8], next: Int?, heldBack: Int) {
        let dot = UInt8(ascii: ".")
        let carriageReturn = UInt8(ascii: "\r")
        var bytes: [UInt8] = []
        var position = start
        while position < stream.count {
            guard let lineFeed = stream[position...].firstIndex(of: UInt8(ascii: "\n")) else {
                // A last, partial line: a lone `.` or `.\r` may yet be the terminator.
                let line = stream[position...]
                if line.elementsEqual([dot]) || line.elementsEqual([dot, carriageReturn]) {
                    return (bytes, nil, line.count)
                }
                bytes += line.first == dot ? line.dropFirst() : line
                return (bytes, nil, 0)
            }
            let line = stream[position...lineFeed]
            position = lineFeed + 1
            let content = line.dropLast()
            if content.elementsEqual([dot]) || content.elementsEqual([dot, carriageReturn]) {
                return (bytes, position, 0)
            }
            bytes += line.first == dot ? line.dropFirst() : line
        }
        return (bytes, nil, 0)
    }
}
