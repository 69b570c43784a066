/// Why `HTTPServer.start()` failed.
public enum HTTPServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `host` is not an IPv4 or IPv6 literal (host names are not resolved: bind to an address).
    case invalidHost(String)
    case invalidPort(Int)
    /// Another socket already listens on this address and port (`EADDRINUSE`).
    case addressInUse(host: String, port: Int)
    /// The address is not one of this machine's (`EADDRNOTAVAIL`), or binding failed otherwise.
    case cannotBind(host: String, port: Int, errno: Int32)
    /// `socket`, `listen` or a socket option failed.
    case socketFailed(operation: String, errno: Int32)
    /// `MHD_start_daemon` returned NULL (out of memory or threads, or an unsupported option).
    case daemonStartFailed
    /// This libmicrohttpd was built without TLS.
    case tlsUnsupported
    /// libmicrohttpd refused the TLS certificate or key (not PEM, or not a matching pair).
    case tlsSetupFailed
    case alreadyRunning

    public var description: String {
        switch self {
        case .invalidHost(let host):
            "cannot listen on '\(host)': not an IPv4 or IPv6 address"
        case .invalidPort(let port):
            "cannot listen on port \(port): not in 0...65535"
        case .addressInUse(let host, let port):
            "cannot listen on \(Self.endpoint(host, port)): the address is already in use"
        case .cannotBind(let host, let port, let errno):
            "cannot listen on \(Self.endpoint(host, port)): bind failed (errno \(errno))"
        case .socketFailed(let operation, let errno):
            "cannot listen: \(operation) failed (errno \(errno))"
        case .daemonStartFailed:
            "libmicrohttpd could not start its daemon"
        case .tlsUnsupported:
            "cannot serve HTTPS: this libmicrohttpd was built without TLS"
        case .tlsSetupFailed:
            "cannot serve HTTPS: the certificate or key was refused (PEM files of one key pair, key unencrypted)"
        case .alreadyRunning:
            "the HTTP server is already running"
        }
    }

    private static func endpoint(_ host: String, _ port: Int) -> String {
        host.contains(":") && !host.hasPrefix("[") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
