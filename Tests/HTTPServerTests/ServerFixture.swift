import Glibc

@testable import HTTPServer

/// Starts servers on a free loopback port and waits for things, for the tests.
enum ServerFixture {
    /// A started server; the caller stops it (`defer { server.stop(...) }`).
    static func started(
        _ configuration: HTTPServerConfiguration = HTTPServerConfiguration(port: 0),
        handler: @escaping @Sendable (HTTPRequest, HTTPResponder) -> Void
    ) throws -> HTTPServer {
        let server = HTTPServer(configuration: configuration, handler: handler)
        try server.start()
        return server
    }

    /// A started server that answers every request `200 ok`.
    static func answeringOK(
        _ configuration: HTTPServerConfiguration = HTTPServerConfiguration(port: 0)
    ) throws -> HTTPServer {
        try self.started(configuration) { _, responder in
            responder.respond(HTTPResponse(status: 200, body: .bytes(Array("ok".utf8))))
        }
    }

    /// Polls `condition` every 5 ms until it holds or `timeout` passes; returns its last value.
    static func eventually(timeout: Duration = .seconds(3), _ condition: () -> Bool) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition() { return true }
            usleep(5_000)
        }
        return condition()
    }

    /// Sleeps the calling thread (tests block on purpose: they play the worker pool).
    static func sleep(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        usleep(UInt32(seconds * 1_000_000 + attoseconds / 1_000_000_000_000))
    }
}
