import ArgumentParser

@main
struct GatewayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pop3-gateway",
        abstract: "An HTTP/JSON gateway in front of POP3 mailboxes.",
        version: GatewayVersion.current,
        subcommands: [ServeCommand.self, CheckCommand.self, HealthCommand.self]
    )
}

enum GatewayVersion {
    static let current = "0.1.0"
}
