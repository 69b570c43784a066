import MIME
import Testing

/// An encoded display name is decoded; the address comes without angle brackets.
@Test func fromWithEncodedDisplayName() {
    let summary = MIMEParser.parseHeaders(
        HeaderBlock.lines("From: =?UTF-8?B?SsO8cmdlbiBNw7xsbGVy?= <juergen.mueller@example.de>")
    ).summary
    #expect(summary.from == [MailAddress(name: "Jürgen Müller", address: "juergen.mueller@example.de")])
}

/// Several recipients keep their order; groups are replaced by their members, an empty group by nothing.
@Test func toWithGroupsIsFlattened() {
    let summary = MIMEParser.parseHeaders(
        HeaderBlock.lines(
            "To: Alice <alice@example.test>, bob@example.com, undisclosed-recipients:;,",
            " Team: a@x.y, \"B\" <b@x.y>;, \"Smith, J.\" <j@s.example>"
        )
    ).summary
    #expect(
        summary.to == [
            MailAddress(name: "Alice", address: "alice@example.test"),
            MailAddress(address: "bob@example.com"),
            MailAddress(address: "a@x.y"),
            MailAddress(name: "B", address: "b@x.y"),
            MailAddress(name: "Smith, J.", address: "j@s.example"),
        ]
    )
}

/// `To: undisclosed-recipients:;` alone gives no recipients at all.
@Test func emptyGroupOnly() {
    #expect(MIMEParser.parseHeaders(HeaderBlock.lines("To: undisclosed-recipients:;")).summary.to.isEmpty)
}

/// A message without From has an empty From list; the other fields are still decoded.
@Test func missingFrom() {
    let summary = MIMEParser.parseHeaders(HeaderBlock.lines("Subject: anonymous", "To: a@b.c")).summary
    #expect(summary.from.isEmpty)
    #expect(summary.subject == "anonymous")
    #expect(summary.to == [MailAddress(address: "a@b.c")])
}

/// Cc and Reply-To are decoded like To; an old-style `addr (Name)` comment gives the name.
@Test func ccAndReplyTo() {
    let summary = MIMEParser.parseHeaders(
        HeaderBlock.lines(
            "From: old-timer@example.edu (Old Timer)",
            "Cc: Carol Jones <carol@example.org>, dave@example.net",
            "Reply-To: =?ISO-8859-1?Q?Fran=E7ois?= <francois@example.fr>"
        )
    ).summary
    #expect(summary.from == [MailAddress(name: "Old Timer", address: "old-timer@example.edu")])
    #expect(
        summary.cc == [
            MailAddress(name: "Carol Jones", address: "carol@example.org"),
            MailAddress(address: "dave@example.net"),
        ]
    )
    #expect(summary.replyTo == [MailAddress(name: "François", address: "francois@example.fr")])
}

/// Unparseable address lists degrade to what could be read, never to a crash.
@Test(arguments: ["From:", "From: ,,,", "From: <>", "From: \"unterminated <a@b.c>", "From: @@@"])
func brokenAddressLists(line: String) {
    let summary = MIMEParser.parseHeaders(HeaderBlock.lines(line)).summary
    #expect(summary.from.allSatisfy { !$0.address.isEmpty })
}
