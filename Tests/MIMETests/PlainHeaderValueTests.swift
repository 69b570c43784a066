import Foundation
import MIME
import TestSupport
import Testing

// The listing's summary recognises plain subjects, mailboxes and content types itself and leaves every
// other value to GMime (PlainHeaderValue, ContentTypePrefix). These tests hold the two paths to the same
// answers: `parseSummary` takes the shortcuts, `parseHeaders` builds a whole GMime message.

/// Values at the edge of what the shortcuts accept.
@Test(arguments: [
    "From: Yusuf Nakamura <yusuf.nakamura@mail.example.de>",
    "From: user@example.com",
    "From: <user@example.com>",
    "From:    Spaced   <a@b.c>   ",
    "From: Two  Spaces <a@b.c>",
    "From: J. R. Smith <jr@example.org>",
    "From: \"Quoted Name\" <q@example.org>",
    "From: Name (comment) <c@example.org>",
    "From: a@b.c (Old Style)",
    "From: =?UTF-8?Q?Caf=C3=A9?= <cafe@example.fr>",
    "From: Eq=?Name <e@example.org>",
    "From: A <a@b.c>, B <b@c.d>",
    "From: Group: a@b.c;",
    "From: Name <user@xn--mller-kva.example>",
    "From: Name <USER@XN--MLLER-KVA.EXAMPLE>",
    "From: Name <a..b@c.d>",
    "From: Name <.a@c.d>",
    "From: Name <a@c.d.>",
    "From: Name <a@[127.0.0.1]>",
    "From: Name <a@b.c> trailing",
    "From: Name <a@b.c>>",
    "From: Name <<a@b.c>",
    "From: Name\t<a@b.c>",
    "From: Name <a@b.c>\r\n\t(folded)",
    "From: Name\r\n <a@b.c>",
    "From: <>",
    "From: @b.c",
    "From: a@",
    "From: O'Brien & Sons <ob+tag@example.ie>",
    "From: foo!bar#baz <x_y{z}~@example.com>",
    "To: a@b.c",
    "Cc: \"\" <a@b.c>",
    "Reply-To: Reply Here <r@example.net>",
    "Subject: Fwd: invoice #1",
    "Subject:    padded subject   ",
    "Subject: two  inner  spaces",
    "Subject: =?UTF-8?B?w6k=?=",
    "Subject: =? not encoded ?=",
    "Subject: a=b?c",
    "Subject: folded\r\n subject",
    "Subject:\ttab",
    "Subject: ",
    "Subject:",
    "Content-Type: text/plain; charset=us-ascii",
    "Content-Type: TEXT/HTML",
    "Content-Type: text/",
    "Content-Type: text/ plain",
    "Content-Type: text /plain",
    "Content-Type: textual/plain",
    "Content-Type: multipart/mixed; boundary=x",
    "Content-Type: Multipart/Mixed",
    "Content-Type: multipart/mixed",
    "Content-Type: multipart/mixedx; boundary=x",
    "Content-Type: multipart/mixed garbage",
    "Content-Type: multipart/mixed(comment)",
    "Content-Type: (comment) multipart/mixed",
    "Content-Type: multipart/alternative; boundary=x",
    "Content-Type: application/pdf",
    "Content-Type: ",
])
func shortcutsAgreeWithGMime(line: String) {
    let block = HeaderBlock.lines(line)
    #expect(MIMEParser.parseSummary(block) == MIMEParser.parseHeaders(block).summary)
}

/// Random values from pieces that sit on both sides of every shortcut's checks.
@Test func randomValuesAgreeWithGMime() {
    var generator = SeededGenerator(seed: 0x5EED_CAFE)
    let names = [
        "", "Alice", "Bob Smith", "J. R.", "O'Brien", "A  B", " lead", "trail ", "\"Q\"", "(c)", "x=?y",
        "=?UTF-8?Q?a?=",
        "Ünï", "9 Lives", "Dr. No", "x-y z", "A.B", "a.", "a- b", "a#b", "a`b", "a{b", "a.b.c", "a,b", "a;b", "a:b",
        "a\\b", "a\tb", "[x]", "@", "<", ">", "_~{}", "Mr.", ".",
    ]
    let locals = ["a", "a.b", "a..b", ".a", "a.", "A+tag", "o'b", "x_y", "\"q\"", "a b", "é", "a=?b", "", "a@b"]
    let domains = [
        "b.c", "example.com", "EXAMPLE.COM", "xn--mller-kva.de", "XN--A.b", "b..c", ".b", "b.", "[1.2.3.4]", "b-c.d",
        "", "b_c.d", "b c", "bé.de",
    ]
    let forms = ["%n <%l@%d>", "%l@%d", "<%l@%d>", "%n<%l@%d>", "%n <%l@%d> x", "%l@%d (%n)", "%n <%l@%d>, %l@%d"]
    let subjects = ["plain", "  padded  ", "a  b", "=?UTF-8?B?w6k=?=", "a=?b", "x?=y", "tab\there", "é", "", " "]
    for _ in 0..<5000 {
        let address = forms.randomElement(using: &generator)!
            .replacingOccurrences(of: "%n", with: names.randomElement(using: &generator)!)
            .replacingOccurrences(of: "%l", with: locals.randomElement(using: &generator)!)
            .replacingOccurrences(of: "%d", with: domains.randomElement(using: &generator)!)
        let field = ["From", "To", "Cc", "Reply-To"].randomElement(using: &generator)!
        let block = HeaderBlock.lines(
            "\(field): \(address)",
            "Subject: \(subjects.randomElement(using: &generator)!)\(subjects.randomElement(using: &generator)!)"
        )
        let summary = MIMEParser.parseSummary(block)
        let expected = MIMEParser.parseHeaders(block).summary
        #expect(summary == expected, "\(address)")
        if summary != expected { return }
    }
}
