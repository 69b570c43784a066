import ArgumentParser
import POP3
import POP3Client

/// The flags that say which POP3 server to use and how to reach it safely.
struct UpstreamOptions: ParsableArguments {
    @Option(help: "The POP3 server: pop3s://host[:port] (TLS, default 995) or pop3://host[:port] (STLS, default 110).")
    var upstream: String

    @Option(help: "PEM file of CA certificates to trust for the upstream, instead of the system store.")
    var caFile: String?

    @Flag(help: "Allow pop3:// without STLS: the password then crosses the network in clear text.")
    var allowInsecureUpstream = false

    @Flag(help: "Log in with APOP (MD5 challenge) instead of SASL PLAIN or USER/PASS.")
    var apop = false

    @Flag(help: "Never pipeline commands, even when the server offers PIPELINING.")
    var noPipelining = false

    @Option(help: "Seconds allowed for connecting and the TLS handshake.")
    var connectTimeout: Int = 10

    @Option(help: "Seconds allowed for each POP3 command and its answer.")
    var commandTimeout: Int = 120

    func clientConfiguration() throws(POP3Error) -> POP3ClientConfiguration {
        let endpoint = try POP3Endpoint(url: self.upstream, allowInsecure: self.allowInsecureUpstream)
        var configuration = POP3ClientConfiguration(endpoint: endpoint)
        configuration.caFile = self.caFile
        configuration.authentication = self.apop ? .apop : .automatic
        configuration.pipelining = !self.noPipelining
        configuration.connectTimeout = .seconds(self.connectTimeout)
        configuration.commandTimeout = .seconds(self.commandTimeout)
        configuration.readTimeout = .seconds(min(self.commandTimeout, 30))
        return configuration
    }
}
