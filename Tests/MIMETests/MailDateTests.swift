import Testing

@testable import MIME

/// Dates as mail carries them, each with the ISO 8601 form the API gives; nil where `MailDate` leaves the
/// reading to GMime.
@Test(
    arguments: [
        ("Mon, 1 Jul 2024 10:00:00 +0200", "2024-07-01T10:00:00+02:00"),
        ("Mon, 1 Jul 2024 10:00:00 cst", "2024-07-01T10:00:00-06:00"),
        ("1 jul 2024 10:00:00 GMT", "2024-07-01T10:00:00+00:00"),
        ("Mon, 1 Jul 2024 00:01+0000", "2024-07-01T00:01:00+00:00"),
        ("Mon, 1 Jul 2024 09(comment):   55  :  06 +0200", "2024-07-01T09:55:06+02:00"),
        ("Mon, 4 Mar 2024 09:05:00 -0800 (PST)", "2024-03-04T09:05:00-08:00"),
        ("Tue, 29 Feb 2000 23:59:59 -0930", "2000-02-29T23:59:59-09:30"),
        ("Fri, 13 Oct 99 12:00 EDT", "1999-10-13T12:00:00-04:00"),
        ("Fri, 13 Oct 101 12:00:00 +0000", "2001-10-13T12:00:00+00:00"),
        ("(lead) Sun,\r\n 5 May 2024 12:00:00 +0100", "2024-05-05T12:00:00+01:00"),
        ("Mon, 1 Jul 2024 10:00", "2024-07-01T10:00:00+00:00"),
    ] as [(String, String)]
)
func readsMailDates(value: String, iso8601: String) {
    #expect(MailDate(Array(value.utf8))?.iso8601 == iso8601, "\(value)")
}

/// What is not a date, or not a date this reading is sure of, is nil.
@Test(arguments: [
    "sometime last week", "", "Mon, 30 Feb 2024 10:00:00 +0000", "Mon, 1 Jul 2024 24:00:00 +0000",
    "Mon, 1 Jul 2024 10:00:00 CEST", "Mon, 1 Jul 2024 10:00:00 +02", "Mon, 1 Jul 2024 10:00:00 +0260",
    "1 July 12345 10:00:00 +0000", "Mon, 1 Jul 2024 10:00:00 (unclosed", "Mon, 1 Jul 2024 10:00:00 +0000 ü",
])
func refusesWhatItCannotRead(value: String) {
    #expect(MailDate(Array(value.utf8)) == nil, "\(value)")
}
