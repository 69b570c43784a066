// Fetches every header of a mailbox the way the gateway lists one: log in, UIDL + LIST, then
// TOP n 0 for each message, QUIT. Prints one JSON line per run with the wall-clock seconds.
//
//   POP3GW_PASSWORD=... pop3-headers-bench --upstream pop3s://127.0.0.1:995 --user U \
//       [--ca-file F] [--no-pipelining] [--runs N]

import Foundation
import POP3
import POP3Client

struct Arguments {
    var upstream = ""
    var user = ""
    var caFile: String?
    var pipelining = true
    var runs = 5

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--upstream": self.upstream = iterator.next() ?? ""
            case "--user": self.user = iterator.next() ?? ""
            case "--ca-file": self.caFile = iterator.next()
            case "--no-pipelining": self.pipelining = false
            case "--runs": self.runs = Int(iterator.next() ?? "") ?? self.runs
            default: fatalError("unknown argument \(argument)")
            }
        }
    }
}

func fetchAllHeaders(connector: POP3Connector, credentials: POP3Credentials) throws -> (messages: Int, bytes: Int) {
    let client = try connector.connect(credentials: credentials)
    let listing = try client.listing()
    var bytes = 0
    try client.headers(of: listing.map(\.number)) { _, header in bytes += header?.count ?? 0 }
    try client.quit()
    return (listing.count, bytes)
}

let arguments = Arguments(CommandLine.arguments)
var configuration = POP3ClientConfiguration(endpoint: try POP3Endpoint(url: arguments.upstream))
configuration.caFile = arguments.caFile
configuration.pipelining = arguments.pipelining
let connector = try POP3Connector(configuration: configuration)
let credentials = POP3Credentials(
    user: arguments.user,
    password: ProcessInfo.processInfo.environment["POP3GW_PASSWORD"] ?? ""
)

for _ in 0..<arguments.runs {
    let clock = ContinuousClock()
    var result = (messages: 0, bytes: 0)
    let elapsed = try clock.measure { result = try fetchAllHeaders(connector: connector, credentials: credentials) }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    print(#"{"seconds": \#(seconds), "messages": \#(result.messages), "headerBytes": \#(result.bytes)}"#)
}
