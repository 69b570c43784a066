import POP3

/// What decoding a stream of POP3 responses produced: the responses, and how the stream ended. Decoding
/// the same stream in any read sizes must give the same transcript.
struct POP3Transcript: Equatable {
    struct Response: Equatable {
        var status: POP3StatusLine
        /// The un-stuffed body of a multi-line response; nil for a single-line one.
        var body: [UInt8]?
    }

    enum Ending: Equatable {
        /// Waiting for the next status line, with `buffered` bytes of it received.
        case waitingForStatus(buffered: Int)
        /// In the middle of a body: the bytes delivered so far, and the bytes held back (a `.` or `.\r`
        /// at a line start, which may be stuffing or the terminator).
        case waitingForBody(POP3StatusLine, delivered: [UInt8], buffered: Int)
        /// The session ended (`.close` or `.fail`); `buffered` bytes came after it, unread.
        case sessionEnded(buffered: Int)
        /// The decoder refused the stream.
        case failed(POP3Error.Code)
    }

    var responses: [Response] = []
    var ending = Ending.waitingForStatus(buffered: 0)
}

/// Which responses are multi-line: the client knows it from the command it sent, so the decoder is told.
protocol POP3ResponsePlan {
    /// Whether a body follows this status line.
    mutating func expectsBody(after status: POP3StatusLine) -> Bool
    /// A whole response arrived; throws when the code it was fed to broke an invariant.
    mutating func received(_ response: POP3Transcript.Response) throws(InvariantViolation)
    /// True once the session is over: nothing more is decoded.
    var isFinished: Bool { get }
}

/// The plan for a stream of unrelated responses: response `n` is multi-line when it is `+OK` and bit
/// `n % 8` of the mask is set. Each body goes through the listing and capability parsers.
struct MaskResponsePlan: POP3ResponsePlan {
    let mask: UInt8
    private var index = 0

    init(mask: UInt8) {
        self.mask = mask
    }

    func expectsBody(after status: POP3StatusLine) -> Bool {
        status.isOK && self.mask & (1 << (self.index % 8)) != 0
    }

    mutating func received(_ response: POP3Transcript.Response) throws(InvariantViolation) {
        self.index += 1
        try POP3ParserChecks.check(response.status)
        if let body = response.body {
            try POP3ParserChecks.checkListings(body)
        }
    }

    var isFinished: Bool { false }
}
