import Basics
import Glibc
import Logging

/// A swift-log handler that writes one line per record to standard error through `Console` (one
/// write(2) per line, so lines from several threads never mix).
///
/// `text`: `2026-05-04T09:12:01.250Z info request method=GET path=/v1/mailbox status=200 ...`, values
/// quoted (JSON escapes) when they hold a space, a quote, `=` or anything not printable ASCII.
/// `json`: `{"ts":"2026-05-04T09:12:01.250Z","level":"info","msg":"request","method":"GET",...}`,
/// numbers as JSON numbers. Timestamps are UTC with milliseconds.
///
/// Lines are built as bytes, without intermediate strings: with an access line per request this is on
/// every request's path.
struct ConsoleLogHandler: LogHandler {
    enum Format: String, CaseIterable {
        case text
        case json
    }

    let format: Format
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    init(format: Format, level: Logger.Level) {
        self.format = format
        self.logLevel = level
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var metadata = event.metadata ?? [:]
        if !self.metadata.isEmpty {
            metadata.merge(self.metadata) { own, _ in own }
        }
        var line = LogLine(format: self.format)
        line.begin(level: event.level, message: "\(event.message)")
        // The access log's fields lead, in reading order; any others follow, sorted.
        for key in Self.leadingKeys {
            if let value = metadata[key] { line.field(key, value) }
        }
        for key in metadata.keys.filter({ !Self.leadingKeySet.contains($0) }).sorted() {
            if let value = metadata[key] { line.field(key, value) }
        }
        Console.error(line.end())
    }

    /// The access log's fields, in the order a person reads them.
    private static let leadingKeys = [
        "request_id", "method", "path", "route", "status", "bytes", "duration_ms", "client", "problem", "detail",
    ]
    private static let leadingKeySet = Set(leadingKeys)
}

/// One log line being built, in either format.
struct LogLine {
    let format: ConsoleLogHandler.Format
    private(set) var bytes: [UInt8] = []

    init(format: ConsoleLogHandler.Format) {
        self.format = format
        self.bytes.reserveCapacity(384)
    }

    mutating func begin(level: Logger.Level, message: String) {
        switch self.format {
        case .text:
            self.appendTimestamp()
            self.append(" ")
            self.append(level.rawValue)
            self.append(" ")
            // Messages are fixed strings: as they are, unless one holds something a line must not.
            let printable = message.utf8.allSatisfy { (0x20...0x7E).contains($0) && $0 != UInt8(ascii: "=") }
            if printable { self.append(message) } else { self.appendJSONString(message) }
        case .json:
            self.append(#"{"ts":""#)
            self.appendTimestamp()
            self.append(#"","level":""#)
            self.append(level.rawValue)
            self.append(#"","msg":"#)
            self.appendJSONString(message)
        }
    }

    mutating func field(_ key: String, _ value: Logger.Metadata.Value) {
        switch self.format {
        case .text:
            self.append(" ")
            self.append(key)
            self.append("=")
            self.appendText(value)
        case .json:
            self.append(",")
            // A record's own fields keep their names; a metadata key that would clash is prefixed.
            self.appendJSONString(key == "ts" || key == "level" || key == "msg" ? "meta_" + key : key)
            self.append(":")
            self.appendJSON(value)
        }
    }

    mutating func end() -> [UInt8] {
        if self.format == .json { self.append("}") }
        self.append("\n")
        return self.bytes
    }

    private mutating func append(_ text: String) {
        self.bytes.append(contentsOf: text.utf8)
    }

    // MARK: - Text values

    private mutating func appendText(_ value: Logger.Metadata.Value) {
        switch value {
        case .string(let text):
            self.appendText(text)
        case .stringConvertible(let convertible):
            self.appendText(convertible.description)
        case .array(let values):
            // `a,b,c` when every element is plain text without a comma, else the array as quoted JSON.
            let texts = values.map { value -> String? in
                guard case .string(let text) = value, Self.isPlain(text), !text.contains(",") else { return nil }
                return text
            }
            if !texts.isEmpty, texts.allSatisfy({ $0 != nil }) {
                self.append(texts.compactMap { $0 }.joined(separator: ","))
            } else {
                self.appendText(Self.json(value))
            }
        case .dictionary:
            self.appendText(Self.json(value))
        }
    }

    /// As is when plain, else a quoted JSON string.
    private mutating func appendText(_ text: String) {
        if Self.isPlain(text) { self.append(text) } else { self.appendJSONString(text) }
    }

    /// Non-empty printable ASCII without space, `"`, `\` or `=`.
    private static func isPlain(_ text: String) -> Bool {
        !text.isEmpty
            && text.utf8.allSatisfy {
                (0x21...0x7E).contains($0) && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\")
                    && $0 != UInt8(ascii: "=")
            }
    }

    // MARK: - JSON values

    private mutating func appendJSON(_ value: Logger.Metadata.Value) {
        switch value {
        case .string(let text):
            self.appendJSONString(text)
        case .stringConvertible(let convertible):
            switch convertible {
            case let number as Int: self.append(String(number))
            case let number as Double where number.isFinite: self.append(String(number))
            case let flag as Bool: self.append(flag ? "true" : "false")
            default: self.appendJSONString(convertible.description)
            }
        case .array(let values):
            self.append("[")
            for (index, element) in values.enumerated() {
                if index > 0 { self.append(",") }
                self.appendJSON(element)
            }
            self.append("]")
        case .dictionary(let values):
            self.append("{")
            for (index, key) in values.keys.sorted().enumerated() {
                if index > 0 { self.append(",") }
                self.appendJSONString(key)
                self.append(":")
                if let element = values[key] { self.appendJSON(element) }
            }
            self.append("}")
        }
    }

    /// `value` as JSON text, for a nested value in a text line.
    private static func json(_ value: Logger.Metadata.Value) -> String {
        var line = LogLine(format: .json)
        line.appendJSON(value)
        return String(decoding: line.bytes, as: UTF8.self)
    }

    /// A JSON string literal, escaped as the API's bodies are.
    mutating func appendJSONString(_ text: String) {
        JSONWriter.appendString(text, to: &self.bytes)
    }

    // MARK: - Time

    /// Now, UTC, ISO 8601 with milliseconds: `2026-05-04T09:12:01.250Z`.
    private mutating func appendTimestamp() {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        self.appendDigits(Int(parts.tm_year) + 1900, 4)
        self.bytes.append(UInt8(ascii: "-"))
        self.appendDigits(Int(parts.tm_mon) + 1, 2)
        self.bytes.append(UInt8(ascii: "-"))
        self.appendDigits(Int(parts.tm_mday), 2)
        self.bytes.append(UInt8(ascii: "T"))
        self.appendDigits(Int(parts.tm_hour), 2)
        self.bytes.append(UInt8(ascii: ":"))
        self.appendDigits(Int(parts.tm_min), 2)
        self.bytes.append(UInt8(ascii: ":"))
        self.appendDigits(Int(parts.tm_sec), 2)
        self.bytes.append(UInt8(ascii: "."))
        self.appendDigits(now.tv_nsec / 1_000_000, 3)
        self.bytes.append(UInt8(ascii: "Z"))
    }

    /// `value` in decimal, zero-padded to `width` digits.
    private mutating func appendDigits(_ value: Int, _ width: Int) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            self.bytes.append(UInt8(ascii: "0") + UInt8((rest / divisor) % 10))
            rest %= divisor
            divisor /= 10
        }
    }
}
