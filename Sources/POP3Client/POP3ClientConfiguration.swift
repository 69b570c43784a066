public import POP3

/// Everything about how to reach and talk to one upstream server, the same for every mailbox on it.
public struct POP3ClientConfiguration: Sendable {
    public var endpoint: POP3Endpoint
    /// How to log in; APOP only when asked for.
    public var authentication: POP3SessionStateMachine.Authentication = .automatic
    /// PEM file of CA certificates to trust instead of the system store.
    public var caFile: String?
    /// The name the server certificate must carry; defaults to the endpoint's host.
    public var tlsServerName: String?
    /// Deadline for TCP connect plus TLS handshake.
    public var connectTimeout: Duration = .seconds(10)
    /// Deadline for each read: a server silent this long is gone.
    public var readTimeout: Duration = .seconds(30)
    /// Deadline for one whole command and its answer, so a trickling server cannot hold a worker forever.
    public var commandTimeout: Duration = .seconds(120)
    /// Batch commands when the server advertises PIPELINING (RFC 2449 §6.6).
    public var pipelining = true
    /// How many commands may be in flight at once when pipelining.
    public var pipelineWindow = 64
    /// Caps on status lines and on one response (and so on one message).
    public var limits = POP3ResponseDecoder.Limits()
    /// Told each command's keyword (`RETR`, never its arguments) and how long it took, from sending it
    /// to the end of its answer; for metrics. Called on the session's thread, so it must be quick. In a
    /// pipelined batch a command's time runs from the end of the previous answer (or from sending), so
    /// that the times add up to the batch's. Not called for a command whose answer never came.
    public var commandObserver: (@Sendable (_ keyword: String, _ duration: Duration) -> Void)?

    public init(endpoint: POP3Endpoint) {
        self.endpoint = endpoint
    }
}
