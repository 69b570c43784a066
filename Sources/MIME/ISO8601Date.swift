import CGMime

/// Formats a parsed `Date` header the way the API shows it.
enum ISO8601Date {
    /// A `Date` value (unfolded, encoded words decoded) as ISO 8601: `MailDate`'s reading, else GMime's;
    /// nil when neither can read it.
    static func string(parsing text: UnsafePointer<CChar>) -> String? {
        let value = UnsafeRawBufferPointer(start: text, count: strlen(text))
        if let date = MailDate(value) { return date.iso8601 }
        guard let date = g_mime_utils_header_decode_date(text) else { return nil }
        defer { g_date_time_unref(date) }
        return self.string(date)
    }

    /// `2023-11-14T22:13:20+01:00`: the message's own offset, `+00:00` for UTC. Built from the date's
    /// fields rather than with `g_date_time_format`, whose printf machinery cost more than the parse.
    static func string(_ date: OpaquePointer) -> String {
        var year: Int32 = 0
        var month: Int32 = 0
        var day: Int32 = 0
        g_date_time_get_ymd(date, &year, &month, &day)
        // GTimeSpan microseconds; mail offsets are whole minutes.
        let offsetMinutes = Int(g_date_time_get_utc_offset(date) / 60_000_000)
        var text = ""
        text.reserveCapacity(25)
        Self.append(Int(year), digits: 4, to: &text)
        text.append("-")
        Self.append(Int(month), digits: 2, to: &text)
        text.append("-")
        Self.append(Int(day), digits: 2, to: &text)
        text.append("T")
        Self.append(Int(g_date_time_get_hour(date)), digits: 2, to: &text)
        text.append(":")
        Self.append(Int(g_date_time_get_minute(date)), digits: 2, to: &text)
        text.append(":")
        Self.append(Int(g_date_time_get_second(date)), digits: 2, to: &text)
        text.append(offsetMinutes < 0 ? "-" : "+")
        Self.append(abs(offsetMinutes) / 60, digits: 2, to: &text)
        text.append(":")
        Self.append(abs(offsetMinutes) % 60, digits: 2, to: &text)
        return text
    }

    /// The number zero-padded to at least `digits` digits (GDateTime years are 1–9999).
    private static func append(_ number: Int, digits: Int, to text: inout String) {
        let decimal = String(number)
        if decimal.utf8.count < digits {
            text.append(String(repeating: "0", count: digits - decimal.utf8.count))
        }
        text.append(decimal)
    }
}
