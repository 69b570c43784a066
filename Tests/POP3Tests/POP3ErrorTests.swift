import Testing

@testable import POP3

/// Only transient conditions are retryable, and each has its documented back-off.
@Test(arguments: [
    (POP3Error.Code.connectionFailed, true, nil as Int?),
    (.tlsFailed, false, nil),
    (.timeout, true, nil),
    (.connectionClosed, true, nil),
    (.protocolViolation, false, nil),
    (.responseTooLarge, false, nil),
    (.invalidArgument, false, nil),
    (.authenticationFailed, false, nil),
    (.mailboxLocked, true, 5),
    (.loginDelay, true, 60),
    (.temporaryFailure, true, 30),
    (.permanentFailure, false, nil),
    (.startTLSUnavailable, false, nil),
    (.insecureAuthenticationRefused, false, nil),
    (.noAuthenticationMethod, false, nil),
    (.commandFailed, false, nil),
])
func retryPolicy(code: POP3Error.Code, retryable: Bool, retryAfter: Int?) {
    let error = POP3Error(code, "detail")
    #expect(error.isRetryable == retryable)
    #expect(error.retryAfterSeconds == retryAfter)
}

/// The description is the code name followed by the detail.
@Test func descriptionShowsCodeAndDetail() {
    let error = POP3Error(.mailboxLocked, "login refused: [IN-USE] busy", responseCode: .inUse)
    #expect(error.description == "mailboxLocked: login refused: [IN-USE] busy")
    #expect("\(error)" == error.description)
    #expect(error.responseCode == .inUse)
}

/// Errors compare by code, detail and response code.
@Test func equality() {
    #expect(POP3Error(.timeout, "a") == POP3Error(.timeout, "a"))
    #expect(POP3Error(.timeout, "a") != POP3Error(.timeout, "b"))
    #expect(POP3Error(.timeout, "a") != POP3Error(.connectionClosed, "a"))
    #expect(POP3Error(.timeout, "a", responseCode: .inUse) != POP3Error(.timeout, "a"))
}
