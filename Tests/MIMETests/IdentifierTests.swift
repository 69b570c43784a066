import MIME
import Testing

/// The Message-ID comes without angle brackets, whether or not the message wrote them.
@Test(arguments: [
    ("Message-ID: <alice-01.plain-ascii@mail.example.com>", "alice-01.plain-ascii@mail.example.com"),
    ("Message-ID: alice-01.plain-ascii@mail.example.com", "alice-01.plain-ascii@mail.example.com"),
    ("Message-Id:   <a@b>   ", "a@b"),
])
func messageID(line: String, id: String) {
    #expect(MIMEParser.parseHeaders(HeaderBlock.lines(line)).summary.messageId == id)
}

/// No Message-ID, or an empty one, is nil.
@Test(arguments: ["Subject: x", "Message-ID:", "Message-ID: <>"])
func missingMessageID(line: String) {
    #expect(MIMEParser.parseHeaders(HeaderBlock.lines(line)).summary.messageId == nil)
}

/// References lists every id in order, across folded lines; In-Reply-To gives its (first) id.
@Test func referencesAndInReplyTo() {
    let summary = MIMEParser.parseHeaders(
        HeaderBlock.lines(
            "In-Reply-To: <alice-09.text-calendar@mail.example.com> (Bob's message)",
            "References: <alice-05.multipart-alternative@mail.example.com>",
            " <alice-06.multipart-mixed@mail.example.com>",
            "\t<alice-09.text-calendar@mail.example.com>"
        )
    ).summary
    #expect(summary.inReplyTo == "alice-09.text-calendar@mail.example.com")
    #expect(
        summary.references == [
            "alice-05.multipart-alternative@mail.example.com",
            "alice-06.multipart-mixed@mail.example.com",
            "alice-09.text-calendar@mail.example.com",
        ]
    )
}

/// Words outside angle brackets are not message ids: old-style In-Reply-To prose gives nil.
@Test func proseIsNoMessageID() {
    let summary = MIMEParser.parseHeaders(
        HeaderBlock.lines("In-Reply-To: Your message of Tue, 14 Nov 2023", "References: garbage words")
    ).summary
    #expect(summary.inReplyTo == nil)
    #expect(summary.references.isEmpty)
}
