import ArgumentParser
import FoundationEssentials
import POP3
import POP3Client

/// `pop3-gateway check`: logs in once and prints what the server says, to diagnose a setup.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Log in to a POP3 server once and print what it reports, as JSON.",
        discussion: """
            The password is read from POP3GW_PASSWORD, else asked for without echo \
            (or read as one line from standard input when that is not a terminal). \
            Nothing is deleted: the session ends with QUIT and no DELE.
            """
    )

    @OptionGroup var upstream: UpstreamOptions

    @Option(help: "The mailbox user name.")
    var user: String

    func run() throws {
        let report: CheckReport
        do {
            let password = try PasswordReader.read(environmentVariable: "POP3GW_PASSWORD", prompt: "Password: ")
            report = try Self.check(
                configuration: self.upstream.clientConfiguration(),
                credentials: POP3Credentials(user: self.user, password: password)
            )
        } catch {
            Console.error("check failed: \(error.explanation)\n")
            throw ExitCode(2)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        Console.output(Array(try encoder.encode(report)) + Array("\n".utf8))
    }

    static func check(
        configuration: POP3ClientConfiguration,
        credentials: POP3Credentials
    ) throws(POP3Error) -> CheckReport {
        let client = try POP3Connector(configuration: configuration).connect(credentials: credentials)
        let status = try client.stat()
        let listing = try client.listing()
        let report = CheckReport(
            upstream: configuration.endpoint.description,
            greeting: client.greeting,
            capabilities: client.capabilities.lines,
            tls: client.tlsVersion.map { CheckReport.TLS(version: $0, peerSubject: client.peerCertificateSubject) },
            pipelining: client.isPipelining,
            messageCount: status.messageCount,
            mailboxSize: status.totalSize,
            firstMessages: listing.prefix(10).map { .init(number: $0.number, size: $0.size, uid: $0.uid) }
        )
        try client.quit()
        return report
    }
}

/// What `check` prints.
struct CheckReport: Codable, Equatable {
    struct TLS: Codable, Equatable {
        var version: String
        var peerSubject: String?
    }

    struct Message: Codable, Equatable {
        var number: Int
        var size: Int
        var uid: String?
    }

    var upstream: String
    var greeting: String
    var capabilities: [String]
    var tls: TLS?
    var pipelining: Bool
    var messageCount: Int
    var mailboxSize: Int
    var firstMessages: [Message]
}
