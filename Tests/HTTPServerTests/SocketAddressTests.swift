import Glibc
import Testing

@testable import HTTPServer

@Suite struct SocketAddressTests {
    /// IPv4 is formatted by hand; it must agree with inet_ntop on every octet width.
    @Test(arguments: ["0.0.0.0", "127.0.0.1", "10.0.100.9", "192.168.42.255", "255.255.255.255", "1.22.133.4"])
    func ipv4Text(_ literal: String) throws {
        let address = try #require(SocketAddress(literal: literal, port: 8080))
        #expect(address.withSockaddr { pointer, _ in SocketAddress.text(of: pointer) } == literal)
    }

    @Test(arguments: ["::1", "::", "2001:db8::42", "fe80::1:2:3:4"])
    func ipv6Text(_ literal: String) throws {
        let address = try #require(SocketAddress(literal: literal, port: 8080))
        #expect(address.withSockaddr { pointer, _ in SocketAddress.text(of: pointer) } == literal)
    }
}
