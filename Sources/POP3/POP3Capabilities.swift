/// What a server says it can do, from its `CAPA` response (RFC 2449 §5).
///
/// Capability names are case-insensitive; they are kept upper-cased. Only the ones the client acts
/// on get their own property; every line is kept in `lines` for diagnostics.
public struct POP3Capabilities: Hashable, Sendable {
    /// Each capability line as sent (printable ASCII), in order.
    public var lines: [String]
    /// Upper-cased capability names.
    public var names: Set<String>
    /// Upper-cased SASL mechanisms from the `SASL` line.
    public var saslMechanisms: [String]
    /// `LOGIN-DELAY n`, in seconds.
    public var loginDelay: Int?
    /// The `IMPLEMENTATION` text, if any.
    public var implementation: String?

    public init(lines: [String] = []) {
        self.lines = []
        self.names = []
        self.saslMechanisms = []
        for line in lines { self.add(line: Array(line.utf8)) }
    }

    /// Parses the body of a `CAPA` response (one capability per line).
    public init(parsing body: [UInt8]) {
        self.init()
        for line in body.split(separator: ASCII.lf) {
            self.add(line: ASCII.trimmingLineEnding(line))
        }
    }

    public var supportsSTLS: Bool { self.names.contains("STLS") }
    public var supportsPipelining: Bool { self.names.contains("PIPELINING") }
    public var supportsUIDL: Bool { self.names.contains("UIDL") }
    public var supportsTOP: Bool { self.names.contains("TOP") }
    public var supportsUSER: Bool { self.names.contains("USER") }
    public var supportsSASLPlain: Bool { self.saslMechanisms.contains("PLAIN") }

    private mutating func add<Line: Collection<UInt8>>(line: Line) {
        let words = line.split(separator: ASCII.space).map { word in
            String(decoding: word.map(ASCII.uppercased), as: UTF8.self)
        }
        guard let name = words.first else { return }
        self.lines.append(POP3StatusLine.printable(line))
        self.names.insert(name)
        let arguments = words.dropFirst()
        switch name {
        case "SASL":
            self.saslMechanisms.append(contentsOf: arguments)
        case "LOGIN-DELAY":
            self.loginDelay = arguments.first.flatMap { ASCII.parseNumber($0.utf8, maxDigits: 9) }
        case "IMPLEMENTATION":
            let text = line.drop { $0 != ASCII.space }.dropFirst()
            self.implementation = POP3StatusLine.printable(text)
        default:
            break
        }
    }
}
