import CMicroHTTPD
import Glibc

/// The listening socket, created here and accepted on by the `Acceptor`.
///
/// Binding it ourselves rather than through `MHD_OPTION_SOCK_ADDR` gives `start()` the real
/// `errno` (MHD only returns NULL, so "port in use" would be indistinguishable from any other
/// failure), lets an IPv6 socket be IPv6-only, and makes port 0 readable with `getsockname`.
struct ListenSocket {
    let descriptor: Int32
    let port: Int
    let isIPv6: Bool

    static func open(host: String, port: Int) throws(HTTPServerError) -> ListenSocket {
        guard let port16 = UInt16(exactly: port) else { throw .invalidPort(port) }
        guard let address = SocketAddress(literal: host, port: port16) else { throw .invalidHost(host) }
        // Non-blocking, so that the `Acceptor` can take every waiting connection and then poll again.
        let descriptor = socket(
            address.family,
            Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue),
            0
        )
        guard descriptor >= 0 else { throw .socketFailed(operation: "socket", errno: errno) }
        do throws(HTTPServerError) {
            var on: Int32 = 1
            // So that a restart does not wait for the old connections' TIME_WAIT to pass.
            guard setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size)) == 0
            else { throw .socketFailed(operation: "setsockopt(SO_REUSEADDR)", errno: errno) }
            if case .ipv6 = address {
                guard
                    setsockopt(descriptor, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &on, socklen_t(MemoryLayout<Int32>.size))
                        == 0
                else { throw .socketFailed(operation: "setsockopt(IPV6_V6ONLY)", errno: errno) }
            }
            let bound = address.withSockaddr { bind(descriptor, $0, $1) }
            guard bound == 0 else {
                let error = errno
                throw error == EADDRINUSE
                    ? .addressInUse(host: host, port: port) : .cannotBind(host: host, port: port, errno: error)
            }
            guard listen(descriptor, SOMAXCONN) == 0 else { throw .socketFailed(operation: "listen", errno: errno) }
            return ListenSocket(
                descriptor: descriptor,
                port: try self.boundPort(descriptor),
                isIPv6: address.family == AF_INET6
            )
        } catch {
            _ = Glibc.close(descriptor)
            throw error
        }
    }

    /// Closes the socket; MHD never has it (see `Acceptor`), so this is always ours to do.
    func close() {
        _ = Glibc.close(self.descriptor)
    }

    private static func boundPort(_ descriptor: Int32) throws(HTTPServerError) -> Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard result == 0 else { throw .socketFailed(operation: "getsockname", errno: errno) }
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
            }
        default:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    Int(UInt16(bigEndian: $0.pointee.sin6_port))
                }
            }
        }
    }
}
