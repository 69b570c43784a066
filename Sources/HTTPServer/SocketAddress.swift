import CMicroHTTPD
import Glibc

/// An IPv4 or IPv6 socket address, parsed from a literal and printed back as text.
enum SocketAddress {
    case ipv4(sockaddr_in)
    case ipv6(sockaddr_in6)

    /// Parses `127.0.0.1`, `::1` or `[::1]`; nil for anything else (names are not resolved).
    init?(literal: String, port: UInt16) {
        var host = literal
        if host.hasPrefix("["), host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
        }
        var address4 = in_addr()
        if inet_pton(AF_INET, host, &address4) == 1 {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            address.sin_addr = address4
            self = .ipv4(address)
            return
        }
        var address6 = in6_addr()
        if inet_pton(AF_INET6, host, &address6) == 1 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            address.sin6_addr = address6
            self = .ipv6(address)
            return
        }
        return nil
    }

    var family: Int32 {
        switch self {
        case .ipv4: AF_INET
        case .ipv6: AF_INET6
        }
    }

    func withSockaddr<Result>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> Result) -> Result {
        switch self {
        case .ipv4(var address):
            withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    body($0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        case .ipv6(var address):
            withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    body($0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        }
    }

    /// The IP address of `address` as text (`127.0.0.1`, `::1`); empty for other families.
    static func text(of address: UnsafePointer<sockaddr>) -> String {
        switch Int32(address.pointee.sa_family) {
        case AF_INET:
            // Every request asks: formatted by hand, as a small string (no allocation).
            let raw = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr.s_addr }
            return withUnsafeBytes(of: raw) { octets in
                String(unsafeUninitializedCapacity: 15) { text in
                    var count = 0
                    for (index, octet) in octets.enumerated() {
                        if index > 0 {
                            text[count] = UInt8(ascii: ".")
                            count += 1
                        }
                        if octet >= 100 {
                            text[count] = UInt8(ascii: "0") + octet / 100
                            count += 1
                        }
                        if octet >= 10 {
                            text[count] = UInt8(ascii: "0") + octet / 10 % 10
                            count += 1
                        }
                        text[count] = UInt8(ascii: "0") + octet % 10
                        count += 1
                    }
                    return count
                }
            }
        case AF_INET6:
            return address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { ipv6 in
                withUnsafeTemporaryAllocation(of: CChar.self, capacity: Int(INET6_ADDRSTRLEN)) { buffer in
                    withUnsafePointer(to: ipv6.pointee.sin6_addr) {
                        inet_ntop(AF_INET6, $0, buffer.baseAddress, socklen_t(buffer.count))
                    }.map { String(cString: $0) } ?? ""
                }
            }
        default:
            return ""
        }
    }
}
