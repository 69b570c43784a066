import MIME
import Testing

private func subject(_ lines: String...) -> String? {
    MIMEParser.parseHeaders(HeaderBlock.lines(lines)).summary.subject
}

/// A plain ASCII subject comes out as written.
@Test func plainASCIISubject() {
    #expect(subject("Subject: Welcome to the POP3 gateway demo") == "Welcome to the POP3 gateway demo")
}

/// B and Q encoded words in UTF-8 and ISO-8859-1 are decoded to the same UTF-8 text.
@Test(arguments: [
    ("=?UTF-8?B?R3LDvMOfZSBhdXMgTcO8bmNoZW4=?=", "Grüße aus München"),
    ("=?utf-8?b?R3LDvMOfZSBhdXMgTcO8bmNoZW4=?=", "Grüße aus München"),
    ("=?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_M=C3=BCnchen?=", "Grüße aus München"),
    ("=?ISO-8859-1?B?R3L832UgYXVzIE38bmNoZW4=?=", "Grüße aus München"),
    ("=?iso-8859-1?q?Gr=FC=DFe_aus_M=FCnchen?=", "Grüße aus München"),
    ("Re: =?UTF-8?Q?caf=C3=A9?= tonight", "Re: café tonight"),
])
func encodedWordSubjects(encoded: String, decoded: String) {
    #expect(subject("Subject: " + encoded) == decoded)
}

/// White space between adjacent encoded words is dropped (RFC 2047 §6.2), also across a fold or with none at all.
@Test(arguments: [
    ("=?UTF-8?Q?Hello_?= =?UTF-8?Q?World?=", "Hello World"),
    ("=?UTF-8?Q?Hel?=\r\n =?UTF-8?Q?lo?=", "Hello"),
    ("=?UTF-8?B?SGVs?= =?UTF-8?B?bG8g?= =?ISO-8859-1?Q?W=F6rld?=", "Hello Wörld"),
    ("=?UTF-8?Q?a?==?UTF-8?Q?b?=", "ab"),
    ("=?UTF-8?Q?a?= plain =?UTF-8?Q?b?=", "a plain b"),
])
func adjacentEncodedWordsJoin(encoded: String, decoded: String) {
    #expect(subject("Subject: " + encoded) == decoded)
}

/// A UTF-8 character split across two encoded words (RFC 2047 forbids it, mailers do it) is rejoined.
@Test(arguments: [
    // "€" is E2 82 AC.
    ("=?UTF-8?Q?price_=E2=82?= =?UTF-8?Q?=AC5?=", "price €5"),
    ("=?UTF-8?B?YWLi?= =?UTF-8?B?gqw=?=", "ab€"),
])
func characterSplitAcrossEncodedWords(encoded: String, decoded: String) {
    #expect(subject("Subject: " + encoded) == decoded)
}

/// A padded B word followed by another decodes both (GMime 3.2.13 alone drops the second; EncodedWords
/// works around it).
@Test func paddedBase64WordBeforeAnother() {
    #expect(subject("Subject: =?UTF-8?B?SGVsbG8=?= =?UTF-8?B?IHdvcmxk?=") == "Hello world")
}

/// A malformed encoded word stays as written, and the rest of the subject is still decoded.
@Test(arguments: [
    ("=?UTF-8?X?abc?= x", "=?UTF-8?X?abc?= x"),
    ("=?UTF-8?Q?unterminated", "=?UTF-8?Q?unterminated"),
    ("=?UTF-8?Q?caf=C3=A9?= and =?UTF-8?Q", "café and =?UTF-8?Q"),
    ("=??Q?nocharset?=", "=??Q?nocharset?="),
    ("=?UTF-8??empty?=", "=?UTF-8??empty?="),
])
func malformedEncodedWordStays(encoded: String, decoded: String) {
    #expect(subject("Subject: " + encoded) == decoded)
}

/// A folded subject is unfolded: the line breaks go, the white space that followed them stays.
@Test func foldedSubjectIsUnfolded() {
    let folded = subject(
        "Subject: Re: [tea-party] A rather long subject line that has to be folded over several",
        " header lines because it is longer than seventy-eight characters"
    )
    #expect(
        folded == "Re: [tea-party] A rather long subject line that has to be folded over several header lines"
            + " because it is longer than seventy-eight characters"
    )
    #expect(subject("Subject: one", "\ttwo", " three") == "one\ttwo three")
}

/// No Subject header is nil; an empty one is the empty string, and surrounding blanks are trimmed.
@Test func missingAndEmptySubjects() {
    #expect(subject("From: a@b.c") == nil)
    #expect(subject("Subject:") == "")
    #expect(subject("Subject:    spaced out   ") == "spaced out")
}
