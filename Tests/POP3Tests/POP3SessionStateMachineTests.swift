import Foundation
import Testing

@testable import POP3

private typealias Machine = POP3SessionStateMachine
private typealias Action = POP3SessionStateMachine.Action

private func ok(_ text: String = "") -> POP3StatusLine { POP3StatusLine(.ok, text: Array(text.utf8)) }
private func err(_ text: String = "") -> POP3StatusLine { POP3StatusLine(.error, text: Array(text.utf8)) }
private let continuation = POP3StatusLine(.continuation)

private func capabilities(_ body: String) -> POP3Capabilities { POP3Capabilities(parsing: Array(body.utf8)) }

private func makeMachine(
    _ security: Machine.Security,
    authentication: Machine.Authentication = .automatic,
    user: String = "user",
    password: String = "password",
    apopDigest: (@Sendable ([UInt8]) -> String)? = nil
) -> Machine {
    Machine(
        configuration: .init(
            security: security,
            authentication: authentication,
            credentials: POP3Credentials(user: user, password: password),
            apopDigest: apopDigest
        )
    )
}

/// The error of a `.fail` action, nil for any other action.
private func failure(_ action: Action) -> POP3Error? {
    if case .fail(let error) = action { return error }
    return nil
}

/// Whether the action would put a user name or a secret on the wire.
private func sendsCredential(_ action: Action) -> Bool {
    guard case .send(let command) = action else { return false }
    if case .user = command { return true }
    return command.carriesSecret
}

/// RFC 4616 PLAIN message with an empty authzid, base64-encoded independently of the code under test.
private func plainResponse(user: String, password: String) -> String {
    Data([0] + Array(user.utf8) + [0] + Array(password.utf8)).base64EncodedString()
}

/// A machine logged in over implicit TLS with USER/PASS, with the given CAPA body.
private func loggedInMachine(capa: String = "USER\r\n") -> Machine {
    var machine = makeMachine(.implicitTLS)
    _ = machine.greetingReceived(ok())
    _ = machine.capabilitiesReceived(capabilities(capa))
    _ = machine.authenticationResponseReceived(ok())
    _ = machine.authenticationResponseReceived(ok())
    return machine
}

// MARK: - Logging in

/// Implicit TLS with SASL PLAIN advertised logs in with `AUTH PLAIN` and an initial response, then is ready.
@Test func implicitTLSWithSASLPlain() {
    var machine = makeMachine(.implicitTLS)
    let caps = capabilities("CAPA\r\nUSER\r\nSASL PLAIN LOGIN\r\n")
    #expect(machine.greetingReceived(ok("Dovecot ready.")) == .send(.capa))
    #expect(
        machine.capabilitiesReceived(caps) == .send(.auth(mechanism: "PLAIN", initialResponse: "AHVzZXIAcGFzc3dvcmQ="))
    )
    #expect(machine.authenticationResponseReceived(ok("Logged in.")) == .ready(caps))
    #expect(machine.isInTransaction)
    #expect(!machine.hasPendingDeletions)
    #expect(machine.capabilities == caps)
}

/// Without PLAIN advertised the machine logs in with USER then PASS.
@Test(arguments: ["USER\r\nSASL LOGIN CRAM-MD5\r\n", "TOP\r\nUIDL\r\n", ""])
func userPassWhenPlainIsNotAdvertised(capa: String) {
    var machine = makeMachine(.implicitTLS)
    let caps = capabilities(capa)
    #expect(machine.greetingReceived(ok("ready")) == .send(.capa))
    #expect(machine.capabilitiesReceived(caps) == .send(.user("user")))
    #expect(machine.authenticationResponseReceived(ok("send PASS")) == .send(.pass("password")))
    #expect(machine.authenticationResponseReceived(ok("Logged in.")) == .ready(caps))
    #expect(machine.isInTransaction)
}

/// A CAPA `-ERR` over implicit TLS falls back to USER/PASS and reports empty capabilities.
@Test func capaErrorOverImplicitTLSUsesUserPass() {
    var machine = makeMachine(.implicitTLS)
    #expect(machine.greetingReceived(ok()) == .send(.capa))
    #expect(machine.capabilitiesReceived(nil) == .send(.user("user")))
    #expect(machine.authenticationResponseReceived(ok()) == .send(.pass("password")))
    #expect(machine.authenticationResponseReceived(ok()) == .ready(POP3Capabilities()))
}

/// A user who allowed plaintext may log in without TLS, and STLS is not attempted.
@Test func plaintextIsAllowedToLogIn() {
    var machine = makeMachine(.plaintext)
    #expect(machine.greetingReceived(ok()) == .send(.capa))
    #expect(machine.capabilitiesReceived(capabilities("STLS\r\nUSER\r\n")) == .send(.user("user")))
    #expect(machine.authenticationResponseReceived(ok()) == .send(.pass("password")))
    #expect(machine.authenticationResponseReceived(ok()) == .ready(capabilities("STLS\r\nUSER\r\n")))

    var plain = makeMachine(.plaintext)
    _ = plain.greetingReceived(ok())
    #expect(
        plain.capabilitiesReceived(capabilities("SASL PLAIN\r\n"))
            == .send(.auth(mechanism: "PLAIN", initialResponse: "AHVzZXIAcGFzc3dvcmQ="))
    )
}

// MARK: - STLS

/// STLS: CAPA with STLS → STLS → handshake → CAPA again, forgetting the old capabilities and using the new ones.
@Test func startTLSPath() {
    var machine = makeMachine(.startTLS)
    let beforeTLS = capabilities("STLS\r\nUSER\r\n")
    let afterTLS = capabilities("USER\r\nSASL PLAIN\r\n")
    #expect(machine.greetingReceived(ok("ready")) == .send(.capa))
    #expect(machine.capabilitiesReceived(beforeTLS) == .send(.stls))
    #expect(machine.startTLSResponseReceived(ok("Begin TLS negotiation now.")) == .startTLS)
    #expect(machine.tlsEstablished() == .send(.capa))
    #expect(machine.capabilities == nil)
    #expect(
        machine.capabilitiesReceived(afterTLS)
            == .send(.auth(mechanism: "PLAIN", initialResponse: "AHVzZXIAcGFzc3dvcmQ="))
    )
    #expect(machine.authenticationResponseReceived(ok()) == .ready(afterTLS))
}

/// Capabilities seen before STLS (possibly forged) are not used after it, even when the new CAPA fails.
@Test(arguments: [capabilities("USER\r\n") as POP3Capabilities?, nil])
func capabilitiesBeforeSTLSAreForgotten(afterTLS: POP3Capabilities?) {
    var machine = makeMachine(.startTLS)
    _ = machine.greetingReceived(ok())
    #expect(machine.capabilitiesReceived(capabilities("STLS\r\nSASL PLAIN\r\nUSER\r\n")) == .send(.stls))
    #expect(machine.startTLSResponseReceived(ok()) == .startTLS)
    #expect(machine.tlsEstablished() == .send(.capa))
    #expect(machine.capabilitiesReceived(afterTLS) == .send(.user("user")))
    #expect(machine.authenticationResponseReceived(ok()) == .send(.pass("password")))
    #expect(machine.authenticationResponseReceived(ok()) == .ready(afterTLS ?? POP3Capabilities()))
}

/// STLS required but not in CAPA fails with `.startTLSUnavailable` and never lets a credential out.
@Test func startTLSWithoutSTLSCapabilityFails() {
    var machine = makeMachine(.startTLS)
    var actions: [Action] = []
    actions.append(machine.greetingReceived(ok()))
    actions.append(machine.capabilitiesReceived(capabilities("USER\r\nSASL PLAIN\r\n")))
    #expect(failure(actions[1])?.code == .startTLSUnavailable)
    // Whatever the server says next, nothing can get a credential out of the machine.
    actions.append(machine.authenticationResponseReceived(ok()))
    actions.append(machine.capabilitiesReceived(capabilities("USER\r\n")))
    actions.append(machine.startTLSResponseReceived(ok()))
    actions.append(machine.tlsEstablished())
    actions.append(machine.authenticationResponseReceived(continuation))
    #expect(actions.first == .send(.capa))
    #expect(!actions.contains(where: sendsCredential))
    #expect(!machine.isInTransaction)
}

/// STLS answered `-ERR` fails with `.startTLSUnavailable` and sends no credential.
@Test func startTLSRefusedFails() {
    var machine = makeMachine(.startTLS)
    #expect(machine.greetingReceived(ok()) == .send(.capa))
    #expect(machine.capabilitiesReceived(capabilities("STLS\r\nUSER\r\n")) == .send(.stls))
    let action = machine.startTLSResponseReceived(err("TLS not available right now"))
    #expect(failure(action)?.code == .startTLSUnavailable)
    #expect(!sendsCredential(machine.authenticationResponseReceived(ok())))
}

/// A CAPA `-ERR` in STLS mode tries STLS anyway.
@Test func capaErrorInStartTLSModeTriesSTLS() {
    var machine = makeMachine(.startTLS)
    #expect(machine.greetingReceived(ok()) == .send(.capa))
    #expect(machine.capabilitiesReceived(nil) == .send(.stls))
    #expect(machine.startTLSResponseReceived(ok()) == .startTLS)
    #expect(machine.tlsEstablished() == .send(.capa))
    #expect(machine.capabilitiesReceived(nil) == .send(.user("user")))
}

// MARK: - Failures while logging in

/// A `-ERR` greeting fails, mapped by its response code; without a code it is temporary.
@Test(arguments: [
    ("[SYS/TEMP] busy", POP3Error.Code.temporaryFailure, POP3ResponseCode.systemTemporary as POP3ResponseCode?),
    ("", .temporaryFailure, nil),
    ("too many connections", .temporaryFailure, nil),
    ("[SYS/PERM] closed for good", .permanentFailure, .systemPermanent),
    ("[IN-USE] busy", .mailboxLocked, .inUse),
])
func greetingErrorFails(text: String, code: POP3Error.Code, responseCode: POP3ResponseCode?) {
    var machine = makeMachine(.implicitTLS)
    let error = failure(machine.greetingReceived(err(text)))
    #expect(error?.code == code)
    #expect(error?.responseCode == responseCode)
    #expect(!machine.isInTransaction)
}

/// A `-ERR` to PASS is mapped by its response code first, then by its text, else it is an authentication failure.
@Test(arguments: [
    ("[AUTH] bad", POP3Error.Code.authenticationFailed),
    ("[IN-USE] locked", .mailboxLocked),
    ("[LOGIN-DELAY] wait", .loginDelay),
    ("[SYS/PERM] x", .permanentFailure),
    ("[SYS/TEMP] x", .temporaryFailure),
    ("[AUTH] mailbox is locked", .authenticationFailed),
    ("mailbox is locked", .mailboxLocked),
    ("Mailbox LOCKED by another session", .mailboxLocked),
    ("maildrop already in use", .mailboxLocked),
    ("[UTF8] mailbox locked", .mailboxLocked),
    ("nope", .authenticationFailed),
    ("", .authenticationFailed),
])
func loginErrorsAreMapped(text: String, code: POP3Error.Code) {
    var machine = makeMachine(.implicitTLS, password: "hunter2")
    _ = machine.greetingReceived(ok())
    #expect(machine.capabilitiesReceived(capabilities("USER\r\n")) == .send(.user("user")))
    #expect(machine.authenticationResponseReceived(ok()) == .send(.pass("hunter2")))
    let error = failure(machine.authenticationResponseReceived(err(text)))
    #expect(error?.code == code)
    #expect(error.map { !$0.description.contains("hunter2") } == true)
    #expect(!machine.isInTransaction)
}

/// A `[LOGIN-DELAY]` refusal waits as long as the server's `LOGIN-DELAY n` says (capped at a day), else 60 s.
@Test(arguments: [
    ("USER\r\nLOGIN-DELAY 900\r\n", 900),
    ("USER\r\nLOGIN-DELAY 300 USER\r\n", 300),
    ("USER\r\nLOGIN-DELAY 0\r\n", 1),
    ("USER\r\nLOGIN-DELAY 999999999\r\n", 86_400),
    ("USER\r\n", 60),
])
func loginDelayRetryAfterIsTheAdvertisedDelay(capa: String, seconds: Int) {
    var machine = makeMachine(.implicitTLS)
    _ = machine.greetingReceived(ok())
    _ = machine.capabilitiesReceived(capabilities(capa))
    _ = machine.authenticationResponseReceived(ok())
    let error = failure(machine.authenticationResponseReceived(err("[LOGIN-DELAY] wait")))
    #expect(error?.code == .loginDelay)
    #expect(error?.retryAfterSeconds == seconds)
}

/// A `-ERR` whose text only contains "lock" inside another word ("blocked") is not a locked mailbox.
@Test func blockedAccountIsNotALockedMailbox() {
    var machine = makeMachine(.implicitTLS)
    _ = machine.greetingReceived(ok())
    _ = machine.capabilitiesReceived(capabilities("USER\r\n"))
    _ = machine.authenticationResponseReceived(ok())
    let error = failure(machine.authenticationResponseReceived(err("account blocked after too many failed logins")))
    #expect(error?.code == .authenticationFailed)
}

/// A `-ERR` to USER or to AUTH PLAIN fails the login as well.
@Test func errorToUserOrAuthFails() {
    var user = makeMachine(.implicitTLS)
    _ = user.greetingReceived(ok())
    _ = user.capabilitiesReceived(capabilities("USER\r\n"))
    #expect(failure(user.authenticationResponseReceived(err("no such user")))?.code == .authenticationFailed)

    var plain = makeMachine(.implicitTLS)
    _ = plain.greetingReceived(ok())
    _ = plain.capabilitiesReceived(capabilities("SASL PLAIN\r\n"))
    #expect(
        failure(plain.authenticationResponseReceived(err("[AUTH] Authentication failed.")))?.code
            == .authenticationFailed
    )
}

/// The server hanging up during authentication means the credentials were refused.
@Test(arguments: [0, 1])
func connectionClosedDuringAuthentication(answeredSteps: Int) {
    var machine = makeMachine(.implicitTLS)
    _ = machine.greetingReceived(ok())
    _ = machine.capabilitiesReceived(capabilities("USER\r\n"))
    for _ in 0..<answeredSteps { _ = machine.authenticationResponseReceived(ok()) }
    #expect(failure(machine.connectionClosed())?.code == .authenticationFailed)
}

/// The server hanging up before the login started is a closed connection, not an authentication failure.
@Test func connectionClosedBeforeAuthentication() {
    var beforeGreeting = makeMachine(.implicitTLS)
    #expect(failure(beforeGreeting.connectionClosed())?.code == .connectionClosed)

    var duringCapa = makeMachine(.startTLS)
    _ = duringCapa.greetingReceived(ok())
    #expect(failure(duringCapa.connectionClosed())?.code == .connectionClosed)
}

// MARK: - APOP

/// APOP sends the user and the digest computed over the greeting timestamp followed by the password.
@Test func apopUsesTheGreetingTimestamp() {
    var machine = makeMachine(
        .implicitTLS,
        authentication: .apop,
        user: "mrose",
        password: "tanstaaf",
        apopDigest: { input in "digest(" + String(decoding: input, as: UTF8.self) + ")" }
    )
    #expect(machine.greetingReceived(ok("POP3 server ready <1896.697170952@dbc.mtview.ca.us>")) == .send(.capa))
    #expect(
        machine.capabilitiesReceived(capabilities("SASL PLAIN\r\nUSER\r\n"))
            == .send(.apop(user: "mrose", digest: "digest(<1896.697170952@dbc.mtview.ca.us>tanstaaf)"))
    )
    #expect(
        machine.authenticationResponseReceived(ok("maildrop has 1 message (369 octets)"))
            == .ready(capabilities("SASL PLAIN\r\nUSER\r\n"))
    )
}

/// A refused APOP is an authentication failure.
@Test func apopRefused() {
    var machine = makeMachine(
        .implicitTLS,
        authentication: .apop,
        apopDigest: { _ in "0123456789abcdef0123456789abcdef" }
    )
    _ = machine.greetingReceived(ok("<1.2@host>"))
    #expect(machine.capabilitiesReceived(nil) == .send(.apop(user: "user", digest: "0123456789abcdef0123456789abcdef")))
    #expect(failure(machine.authenticationResponseReceived(err("permission denied")))?.code == .authenticationFailed)
}

/// APOP requested without a timestamp in the greeting (or without a digest function) fails with no command sent.
@Test(arguments: [
    ("POP3 server ready", true),
    ("POP3 server ready <>", true),
    ("POP3 server ready <1896.697170952@dbc.mtview.ca.us>", false),
])
func apopWithoutTimestampOrDigest(greeting: String, hasDigest: Bool) {
    var digest: (@Sendable ([UInt8]) -> String)?
    if hasDigest { digest = { _ in "d" } }
    var machine = makeMachine(.implicitTLS, authentication: .apop, apopDigest: digest)
    _ = machine.greetingReceived(ok(greeting))
    let action = machine.capabilitiesReceived(capabilities("USER\r\nSASL PLAIN\r\n"))
    #expect(failure(action)?.code == .noAuthenticationMethod)
}

/// The APOP timestamp is the first `<...>` of printable non-space characters in the greeting.
@Test(arguments: [
    ("POP3 server ready <1896.697170952@dbc.mtview.ca.us>", "<1896.697170952@dbc.mtview.ca.us>" as String?),
    ("<a>", "<a>"),
    ("x <a@b> <c@d>", "<a@b>"),
    ("ready", nil),
    ("<>", nil),
    ("<a b>", nil),
    ("<abc", nil),
    ("abc>", nil),
    ("<a\u{01}b>", nil),
])
func apopTimestampExtraction(greeting: String, timestamp: String?) {
    #expect(Machine.apopTimestamp(in: Array(greeting.utf8)) == timestamp.map { Array($0.utf8) })
}

// MARK: - SASL PLAIN without initial response

/// A PLAIN initial response that makes the AUTH line longer than 255 octets waits for a `+` continuation.
@Test(arguments: [(174, true), (175, false), (600, false)])
func longPlainResponseWaitsForContinuation(passwordLength: Int, fitsOnAuthLine: Bool) throws {
    let password = String(repeating: "p", count: passwordLength)
    var machine = makeMachine(.implicitTLS, password: password)
    let caps = capabilities("SASL PLAIN\r\n")
    let response = plainResponse(user: "user", password: password)
    _ = machine.greetingReceived(ok())
    let action = machine.capabilitiesReceived(caps)
    if fitsOnAuthLine {
        #expect(action == .send(.auth(mechanism: "PLAIN", initialResponse: response)))
        #expect(try POP3Command.auth(mechanism: "PLAIN", initialResponse: response).encoded().count <= 255)
    } else {
        #expect(action == .send(.auth(mechanism: "PLAIN", initialResponse: nil)))
        #expect(machine.authenticationResponseReceived(continuation) == .send(.saslResponse(response)))
        #expect(try POP3Command.saslResponse(response).encoded() == Array((response + "\r\n").utf8))
    }
    #expect(machine.authenticationResponseReceived(ok()) == .ready(caps))
}

/// A continuation nobody asked for (after USER, PASS or a PLAIN initial response) is a protocol violation.
@Test(arguments: [0, 1])
func unexpectedContinuationDuringUserPass(answeredSteps: Int) {
    var machine = makeMachine(.implicitTLS)
    _ = machine.greetingReceived(ok())
    #expect(machine.capabilitiesReceived(capabilities("USER\r\n")) == .send(.user("user")))
    for _ in 0..<answeredSteps { _ = machine.authenticationResponseReceived(ok()) }
    let action = machine.authenticationResponseReceived(continuation)
    #expect(failure(action)?.code == .protocolViolation)
    #expect(!sendsCredential(action))
}

/// A continuation after `AUTH PLAIN` with an initial response is a protocol violation, not a second answer.
@Test func unexpectedContinuationAfterPlainInitialResponse() {
    var machine = makeMachine(.implicitTLS)
    _ = machine.greetingReceived(ok())
    _ = machine.capabilitiesReceived(capabilities("SASL PLAIN\r\n"))
    #expect(failure(machine.authenticationResponseReceived(continuation))?.code == .protocolViolation)
}

// MARK: - CAPA after login

/// CAPA advertising `LOGIN-DELAY 900 USER` is asked again after login and the new answer is reported.
@Test func capaIsReissuedAfterLoginForPerUserLoginDelay() {
    var machine = makeMachine(.implicitTLS)
    let before = capabilities("LOGIN-DELAY 900 USER\r\nUSER\r\n")
    let after = capabilities("LOGIN-DELAY 1800\r\nUSER\r\nTOP\r\n")
    _ = machine.greetingReceived(ok())
    #expect(machine.capabilitiesReceived(before) == .send(.user("user")))
    #expect(machine.authenticationResponseReceived(ok()) == .send(.pass("password")))
    #expect(machine.authenticationResponseReceived(ok()) == .send(.capa))
    #expect(!machine.isInTransaction)
    #expect(machine.capabilitiesReceived(after) == .ready(after))
    #expect(machine.isInTransaction)
    #expect(machine.capabilities?.loginDelay == 1800)
}

/// A failing CAPA after login keeps the capabilities from before login.
@Test func failedCapaAfterLoginKeepsOldCapabilities() {
    var machine = makeMachine(.implicitTLS)
    let before = capabilities("EXPIRE 30 USER\r\nUSER\r\n")
    _ = machine.greetingReceived(ok())
    _ = machine.capabilitiesReceived(before)
    _ = machine.authenticationResponseReceived(ok())
    #expect(machine.authenticationResponseReceived(ok()) == .send(.capa))
    #expect(machine.capabilitiesReceived(nil) == .ready(before))
}

/// Without a per-user LOGIN-DELAY or EXPIRE, the session is ready right after login.
@Test(arguments: ["LOGIN-DELAY 900\r\nUSER\r\n", "USER\r\nEXPIRE NEVER\r\n", "USER\r\n"])
func noCapaAfterLoginOtherwise(capa: String) {
    var machine = makeMachine(.implicitTLS)
    _ = machine.greetingReceived(ok())
    _ = machine.capabilitiesReceived(capabilities(capa))
    _ = machine.authenticationResponseReceived(ok())
    #expect(machine.authenticationResponseReceived(ok()) == .ready(capabilities(capa)))
}

// MARK: - Transaction and QUIT

/// Marked deletions are pending until RSET clears them.
@Test func deletionsAreTracked() {
    var machine = loggedInMachine()
    #expect(machine.isInTransaction)
    #expect(!machine.hasPendingDeletions)
    machine.deletionMarked()
    machine.deletionMarked()
    #expect(machine.hasPendingDeletions)
    #expect(machine.state == .transaction(pendingDeletions: 2))
    machine.deletionsReset()
    #expect(!machine.hasPendingDeletions)
    #expect(machine.state == .transaction(pendingDeletions: 0))
}

/// Deletion events outside the transaction state change nothing.
@Test func deletionsOutsideTransactionAreIgnored() {
    var machine = makeMachine(.implicitTLS)
    machine.deletionMarked()
    #expect(!machine.hasPendingDeletions)
    #expect(machine.state == .awaitingGreeting)
    machine.deletionsReset()
    #expect(machine.state == .awaitingGreeting)
}

/// QUIT answered `+OK` closes the session; deletions stay pending while the answer is awaited.
@Test func quitCommitsAndCloses() {
    var machine = loggedInMachine()
    machine.deletionMarked()
    #expect(machine.quitRequested() == .send(.quit))
    #expect(machine.hasPendingDeletions)
    #expect(!machine.isInTransaction)
    #expect(machine.quitResponseReceived(ok("dewey POP3 server signing off (maildrop empty)")) == .close)
    #expect(!machine.hasPendingDeletions)
    #expect(machine.state == .closed)
}

/// QUIT answered `-ERR` fails with `.commandFailed`, keeping the server's response code.
@Test func quitErrorFails() {
    var machine = loggedInMachine()
    machine.deletionMarked()
    #expect(machine.quitRequested() == .send(.quit))
    let error = failure(machine.quitResponseReceived(err("[SYS/TEMP] some deleted messages not removed")))
    #expect(error?.code == .commandFailed)
    #expect(error?.responseCode == .systemTemporary)
}

/// The connection closing while quitting with nothing deleted is a clean close; with deletions it is a failure.
@Test func connectionClosedWhileQuitting() {
    var clean = loggedInMachine()
    #expect(clean.quitRequested() == .send(.quit))
    #expect(clean.connectionClosed() == .close)

    var withDeletions = loggedInMachine()
    withDeletions.deletionMarked()
    #expect(withDeletions.quitRequested() == .send(.quit))
    #expect(failure(withDeletions.connectionClosed())?.code == .connectionClosed)
}

/// QUIT requested before login hangs up without sending QUIT.
@Test func quitBeforeLoginJustCloses() {
    var machine = makeMachine(.implicitTLS)
    _ = machine.greetingReceived(ok())
    #expect(machine.quitRequested() == .close)
    #expect(machine.state == .closed)
}

/// After an I/O error the session is failed and QUIT just closes.
@Test func errorCaughtFailsTheSession() {
    var machine = loggedInMachine()
    let error = POP3Error(.timeout, "read timed out")
    #expect(machine.errorCaught(error) == .fail(error))
    #expect(!machine.isInTransaction)
    #expect(machine.quitRequested() == .close)
    #expect(machine.connectionClosed() == .close)
}

// MARK: - Events in the wrong state

/// An event the machine can receive from the server or the transport.
enum SessionMachineEvent: String, CaseIterable, Sendable {
    case greeting
    case capabilities
    case startTLSResponse
    case tlsEstablished
    case authenticationResponse
    case quitResponse

    fileprivate func apply(to machine: inout POP3SessionStateMachine) -> POP3SessionStateMachine.Action {
        switch self {
        case .greeting: return machine.greetingReceived(ok())
        case .capabilities: return machine.capabilitiesReceived(POP3Capabilities(lines: ["USER"]))
        case .startTLSResponse: return machine.startTLSResponseReceived(ok())
        case .tlsEstablished: return machine.tlsEstablished()
        case .authenticationResponse: return machine.authenticationResponseReceived(ok())
        case .quitResponse: return machine.quitResponseReceived(ok())
        }
    }
}

/// Before the greeting, every other event is a protocol violation.
@Test(arguments: SessionMachineEvent.allCases.filter { $0 != .greeting })
func eventsBeforeGreetingAreViolations(event: SessionMachineEvent) {
    var machine = makeMachine(.startTLS)
    #expect(failure(event.apply(to: &machine))?.code == .protocolViolation)
}

/// In the transaction state, every login-phase or QUIT event is a protocol violation.
@Test(arguments: SessionMachineEvent.allCases)
func eventsInTransactionAreViolations(event: SessionMachineEvent) {
    var machine = loggedInMachine()
    #expect(failure(event.apply(to: &machine))?.code == .protocolViolation)
    #expect(!machine.isInTransaction)
}

/// While waiting for the STLS answer, only the STLS answer is accepted.
@Test(arguments: SessionMachineEvent.allCases.filter { $0 != .startTLSResponse })
func eventsWhileAwaitingSTLSAreViolations(event: SessionMachineEvent) {
    var machine = makeMachine(.startTLS)
    _ = machine.greetingReceived(ok())
    #expect(machine.capabilitiesReceived(capabilities("STLS\r\n")) == .send(.stls))
    let action = event.apply(to: &machine)
    #expect(failure(action)?.code == .protocolViolation)
    #expect(!sendsCredential(action))
}
