import Foundation
import Testing

@testable import POP3Client

/// A POP3 server without UIDL: no message can be addressed across sessions, and the API says so.
@Suite struct GatewayNoUIDLTests {
    /// /v1/mailbox reports `uidl: false` with the real count; the listing is empty rather than
    /// exposing session-local message numbers as ids.
    @Test func serverWithoutUIDL() throws {
        let upstream = try FaultUpstream { connection in
            try connection.send("+OK no-uidl server")
            while let command = try connection.readCommand() {
                switch command.split(separator: " ").first.map({ $0.uppercased() }) {
                case "CAPA": try connection.send("+OK", "USER", "TOP", ".")
                case "USER": try connection.send("+OK")
                case "PASS": try connection.send("+OK")
                case "STAT": try connection.send("+OK 2 300")
                case "LIST": try connection.send("+OK", "1 100", "2 200", ".")
                case "UIDL": try connection.send("-ERR UIDL not supported")
                case "QUIT":
                    try connection.send("+OK bye")
                    return
                default: try connection.send("-ERR")
                }
            }
        }
        defer { upstream.stop() }
        let gateway = try FaultGateway(client: FaultGateway.plaintextClient(port: upstream.port))
        let mailbox = try gateway.request("/v1/mailbox", user: "nouidl", password: "secret")
        #expect(mailbox.status == 200)
        let info = try mailbox.json()
        #expect(info["uidl"] as? Bool == false)
        #expect(info["count"] as? Int == 2)
        let list = try gateway.request("/v1/messages", user: "nouidl", password: "secret")
        #expect(list.status == 200)
        let page = try list.json()
        #expect(page["total"] as? Int == 0)
        #expect((page["messages"] as? [Any])?.isEmpty == true)
    }
}
