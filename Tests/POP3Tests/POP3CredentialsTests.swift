import Testing

@testable import POP3

private let password = "Tr0ub4dor&3-secret"
private let credentials = POP3Credentials(user: "alice@example.org", password: password)

/// A value that holds credentials the way a caller's own types would.
private struct Holder {
    var name = "upstream"
    var credentials: POP3Credentials
}

/// Every way the credentials can be turned into text for a log or a debugger.
private func renderings() -> [(String, String)] {
    var dumped = ""
    dump(credentials, to: &dumped)
    var dumpedHolder = ""
    dump(Holder(credentials: credentials), to: &dumpedHolder)
    var dumpedConfiguration = ""
    dump(POP3SessionStateMachine.Configuration(security: .startTLS, credentials: credentials), to: &dumpedConfiguration)
    var dumpedMachine = ""
    dump(
        POP3SessionStateMachine(configuration: .init(security: .implicitTLS, credentials: credentials)),
        to: &dumpedMachine
    )
    var printed = ""
    print(credentials, to: &printed)
    var debugPrinted = ""
    debugPrint(credentials, to: &debugPrinted)
    return [
        ("description", credentials.description),
        ("interpolation", "\(credentials)"),
        ("String(describing:)", String(describing: credentials)),
        ("String(reflecting:)", String(reflecting: credentials)),
        ("array", "\([credentials])"),
        ("optional", String(describing: Optional(credentials))),
        ("holder", "\(Holder(credentials: credentials))"),
        ("dump", dumped),
        ("dump(holder)", dumpedHolder),
        ("dump(configuration)", dumpedConfiguration),
        ("dump(machine)", dumpedMachine),
        ("print", printed),
        ("debugPrint", debugPrinted),
    ]
}

/// No textual rendering of credentials (description, interpolation, dump, print) contains the password.
@Test func renderingsNeverContainThePassword() {
    for (how, text) in renderings() {
        #expect(!text.contains(password), "\(how) leaks the password: \(text)")
        #expect(!text.contains("Tr0ub4dor"), "\(how) leaks part of the password")
    }
}

/// The renderings still show the user name and that a password was redacted, so they stay useful.
@Test func renderingsShowUserAndRedaction() {
    #expect(credentials.description == "POP3Credentials(user: alice@example.org, password: <redacted>)")
    for (how, text) in renderings() where how != "dump(machine)" && how != "dump(configuration)" {
        #expect(text.contains("alice@example.org"), "\(how) should show the user: \(text)")
        #expect(text.contains("<redacted>"), "\(how) should show the redaction: \(text)")
    }
}

/// The mirror has exactly the user and a redacted password.
@Test func mirrorRedactsThePassword() {
    let children = Mirror(reflecting: credentials).children.map { ($0.label, "\($0.value)") }
    #expect(children.map(\.0) == ["user", "password"])
    #expect(children.map(\.1) == ["alice@example.org", "<redacted>"])
}

/// The stored password itself is unchanged: redaction is for display only.
@Test func passwordIsStillUsable() {
    #expect(credentials.password == password)
    #expect(credentials == POP3Credentials(user: "alice@example.org", password: password))
    #expect(credentials != POP3Credentials(user: "alice@example.org", password: password + "x"))
}
