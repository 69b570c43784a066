// Decodes messages with the MIME target, as the gateway does, and prints the throughput.
//
//   mime-bench [--mode summary|headers] [--rounds N] FILE...
//
// Each FILE is one message (its header block is what `summary` reads). Prints one JSON line.

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

var checksum = 0
let clock = ContinuousClock()
let elapsed = clock.measure {
    for _ in 0..<arguments.rounds {
        for input in inputs {
            switch arguments.mode {
            case "summary": checksum &+= MIMEParser.parseSummary(input).subject?.utf8.count ?? 0
            default: checksum &+= MIMEParser.parseHeaders(input).headers.count
            }
        }
    }
}
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
let count = inputs.count * arguments.rounds
print(
    #"{"mode": "\#(arguments.mode)", "messages": \#(count), "seconds": \#(seconds), "#
        + #""microsecondsEach": \#(seconds / Double(max(count, 1)) * 1e6), "checksum": \#(checksum)}"#
)
