// Decodes messages with the MIME target, as the gateway does, and prints the throughput.
//
//   mime-bench [--mode summary|headers|message] [--rounds N] FILE...
//
// Each FILE is one message. `summary` reads its header block (parseSummary), `headers` the whole message
// with parseHeaders, `message` does what the gateway does for a message and the download of each of its
// attachments: parseMessage (summary, headers, text and html bodies, attachment list), then
// attachment(_:in:write:) for every attachment, counting the streamed bytes. Files are read into memory
// before timing, and `message` makes one untimed pass first (as Tests/Corpus/python_parse_bench.py does).
// Prints one JSON line; MB is 10^6 bytes.

import Foundation
import MIME

struct Arguments {
    var mode = "summary"
    var rounds = 20
    var files: [String] = []

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--mode": self.mode = iterator.next() ?? self.mode
            case "--rounds": self.rounds = Int(iterator.next() ?? "") ?? self.rounds
            default: self.files.append(argument)
            }
        }
    }
}

/// The header block: everything up to and including the first empty line.
func headerBlock(_ bytes: [UInt8]) -> [UInt8] {
    var index = 0
    while index < bytes.count {
        let end = bytes[index...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
        let line = bytes[index..<end]
        index = end + 1
        if line.isEmpty || line == [UInt8(ascii: "\r")] { break }
    }
    return Array(bytes[..<min(index, bytes.count)])
}

let arguments = Arguments(CommandLine.arguments)
let messages = arguments.files.compactMap { FileManager.default.contents(atPath: $0).map { Array($0) } }
let inputs = arguments.mode == "summary" ? messages.map(headerBlock) : messages
MIMEParser.prepare()

/// What `message` mode produced: attachments streamed and their bytes.
struct Streamed {
    var attachments = 0
    var bytes = 0
}

/// Parses one message and streams each of its attachments; adds what it produced to `streamed`.
func parseAndDownload(_ input: [UInt8], into streamed: inout Streamed) -> Int {
    let parsed = MIMEParser.parseMessage(input)
    var checksum = parsed.headers.count + (parsed.body.text?.utf8.count ?? 0) + (parsed.body.html?.utf8.count ?? 0)
    for attachment in parsed.body.attachments {
        var bytes = 0
        let described = MIMEParser.attachment(attachment.id, in: input) { bytes += $0.count }
        checksum &+= described?.size ?? 0
        streamed.attachments += 1
        streamed.bytes += bytes
    }
    return checksum
}

if arguments.mode == "message" {
    var warmUp = Streamed()
    for input in inputs {
        _ = parseAndDownload(input, into: &warmUp)
    }
}

var checksum = 0
var streamed = Streamed()
let clock = ContinuousClock()
let elapsed = clock.measure {
    for _ in 0..<arguments.rounds {
        for input in inputs {
            switch arguments.mode {
            case "summary": checksum &+= MIMEParser.parseSummary(input).subject?.utf8.count ?? 0
            case "message": checksum &+= parseAndDownload(input, into: &streamed)
            default: checksum &+= MIMEParser.parseHeaders(input).headers.count
            }
        }
    }
}
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
let count = inputs.count * arguments.rounds
let bytes = inputs.reduce(0) { $0 + $1.count } * arguments.rounds
print(
    #"{"mode": "\#(arguments.mode)", "messages": \#(count), "seconds": \#(seconds), "#
        + #""microsecondsEach": \#(seconds / Double(max(count, 1)) * 1e6), "bytes": \#(bytes), "#
        + #""megabytesPerSecond": \#(Double(bytes) / 1e6 / seconds), "attachments": \#(streamed.attachments), "#
        + #""attachmentBytes": \#(streamed.bytes), "checksum": \#(checksum)}"#
)
