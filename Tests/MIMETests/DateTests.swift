import MIME
import Testing

private func date(_ value: String) -> String? {
    MIMEParser.parseHeaders(HeaderBlock.lines("Date: " + value)).summary.date
}

/// An RFC 5322 date comes out as ISO 8601 with the offset it was written in.
@Test(arguments: [
    ("Tue, 14 Nov 2023 22:13:20 +0100", "2023-11-14T22:13:20+01:00"),
    ("Mon, 15 Jan 2024 17:03:00 -0500", "2024-01-15T17:03:00-05:00"),
    ("Tue, 14 Nov 2023 22:13:20 +0530", "2023-11-14T22:13:20+05:30"),
    ("Tue, 14 Nov 2023 22:13:20 +0000", "2023-11-14T22:13:20+00:00"),
    ("14 Nov 2023 22:13:20 +0100", "2023-11-14T22:13:20+01:00"),
    ("Tue, 14 Nov 2023 22:13 +0100", "2023-11-14T22:13:00+01:00"),
    ("Tue, 14 Nov 2023 22:13:20 +0100 (CET)", "2023-11-14T22:13:20+01:00"),
])
func rfc5322Dates(value: String, iso: String) {
    #expect(date(value) == iso)
}

/// Obsolete zone names and two-digit years (RFC 5322 §4.3) are understood.
@Test(arguments: [
    ("Tue, 14 Nov 2023 22:13:20 GMT", "2023-11-14T22:13:20+00:00"),
    ("Tue, 14 Nov 2023 22:13:20 UT", "2023-11-14T22:13:20+00:00"),
    ("Tue, 14 Nov 2023 22:13:20 EST", "2023-11-14T22:13:20-05:00"),
    ("Tue, 14 Nov 23 22:13:20 +0100", "2023-11-14T22:13:20+01:00"),
])
func obsoleteDates(value: String, iso: String) {
    #expect(date(value) == iso)
}

/// A date GMime cannot parse is nil, never a made-up time.
@Test(arguments: [
    "garbage",
    "",
    "99 Foo 2023 99:99:99 +9999",
    "Tue, 31 Feb 2023 22:13:20 +0100",
    "2023-11-14T22:13:20+01:00 but not RFC 5322 \u{1}",
])
func unparseableDateIsNil(value: String) {
    #expect(date(value) == nil)
}

/// A message without a Date header has a nil date.
@Test func missingDateIsNil() {
    #expect(MIMEParser.parseHeaders(HeaderBlock.lines("Subject: undated")).summary.date == nil)
}
