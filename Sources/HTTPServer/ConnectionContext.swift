import CMicroHTTPD
import Synchronization

/// What the server keeps with one MHD connection, in its `socket_context` from the connection's start
/// to its close (`RequestDeadlines` puts it there and takes it away): the socket, the client's address,
/// the deadline for the next request, and the application's memo for the connection.
final class ConnectionContext: Sendable {
    let socket: Int32
    /// The client's IP address as text, formatted once for all the connection's requests.
    let remoteAddress: String
    /// Uptime in nanoseconds by which the next request must be in whole; `noDeadline` while a request
    /// is being handled or answered.
    let deadline: Atomic<Int64>
    let memo = ConnectionMemo()

    static let noDeadline = Int64.max

    init(socket: Int32, remoteAddress: String, deadline: Int64) {
        self.socket = socket
        self.remoteAddress = remoteAddress
        self.deadline = Atomic(deadline)
    }

    /// The context of `connection`, if it has one. Unretained: the socket context holds it until MHD
    /// reports the connection closed, which comes after the connection's last request.
    static func of(_ connection: OpaquePointer) -> ConnectionContext? {
        pop3gw_MHD_connection_socket_context(connection).map {
            Unmanaged<ConnectionContext>.fromOpaque($0).takeUnretainedValue()
        }
    }
}
