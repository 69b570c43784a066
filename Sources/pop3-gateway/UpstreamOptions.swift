import ArgumentParser
import POP3
import POP3Client

/// The flags that say which POP3 server to use and how to reach it safely.
struct UpstreamOptions: ParsableArguments {
    @Option(
        help: """
            The POP3 server: pop3s://host[:port] (TLS, default 995) or pop3://host[:port] (STLS, default 110). \
            [env: POP3GW_UPSTREAM]
            """
    )
    var upstream: String = Environment.string("POP3GW_UPSTREAM", default: "")

    @Option(
        help:
            "PEM file of CA certificates to trust for the upstream, instead of the system store. [env: POP3GW_CA_FILE]"
    )
    var caFile: String = Environment.string("POP3GW_CA_FILE", default: "")

    @Flag(
        help: """
            Allow pop3:// without STLS: the password then crosses the network in clear text. \
            [env: POP3GW_ALLOW_INSECURE_UPSTREAM]
            """
    )
    var allowInsecureUpstream = Environment.flag("POP3GW_ALLOW_INSECURE_UPSTREAM")

    @Flag(help: "Log in with APOP (MD5 challenge) instead of SASL PLAIN or USER/PASS. [env: POP3GW_APOP]")
    var apop = Environment.flag("POP3GW_APOP")

    @Flag(help: "Never pipeline commands, even when the server offers PIPELINING. [env: POP3GW_NO_PIPELINING]")
    var noPipelining = Environment.flag("POP3GW_NO_PIPELINING")

    @Option(help: "Seconds allowed for connecting and the TLS handshake. [env: POP3GW_CONNECT_TIMEOUT]")
    var connectTimeout: Int = Environment.int("POP3GW_CONNECT_TIMEOUT", default: 10)

    @Option(help: "Seconds allowed for each POP3 command and its answer. [env: POP3GW_COMMAND_TIMEOUT]")
    var commandTimeout: Int = Environment.int("POP3GW_COMMAND_TIMEOUT", default: 120)

    func validate() throws {
        guard !self.upstream.isEmpty else { throw ValidationError("--upstream (or POP3GW_UPSTREAM) is required") }
        guard self.connectTimeout > 0, self.commandTimeout > 0 else { throw ValidationError("timeouts must be > 0") }
    }

    func clientConfiguration() throws(POP3Error) -> POP3ClientConfiguration {
        let endpoint = try POP3Endpoint(url: self.upstream, allowInsecure: self.allowInsecureUpstream)
        var configuration = POP3ClientConfiguration(endpoint: endpoint)
        configuration.caFile = self.caFile.isEmpty ? nil : self.caFile
        configuration.authentication = self.apop ? .apop : .automatic
        configuration.pipelining = !self.noPipelining
        configuration.connectTimeout = .seconds(self.connectTimeout)
        configuration.commandTimeout = .seconds(self.commandTimeout)
        configuration.readTimeout = .seconds(min(self.commandTimeout, 30))
        return configuration
    }
}
