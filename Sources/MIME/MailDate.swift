/// Reads a `Date` field as mail clients do (RFC 5322 §3.3 with its obsolete forms, §4.3), where GMime 3.2.13
/// gives up or misreads: a lower-case zone name (`cst`), a zone glued to a time without seconds
/// (`00:01+0000`), comments and white space inside the time (`09(comment):   55  :  06`).
///
/// `[day-name ","] day month year hour ":" minute [":" second] [zone]`, where comments count as white
/// space, white space may stand around the colons, and the zone is `+hhmm`/`-hhmm`, `UT`/`GMT`/`Z` or a US
/// zone name, in any case; a missing zone is `+00:00`. Anything else is nil, and the caller falls back to
/// GMime's reading (`ISO8601Date.string(parsing:)`).
struct MailDate: Equatable {
    var year: Int
    var month: Int
    var day: Int
    var hour: Int
    var minute: Int
    var second: Int
    var offsetMinutes: Int

    private enum Token: Equatable {
        case number(Int, digits: Int)
        case word([UInt8])
        case symbol(UInt8)
    }

    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        .map { Array($0.utf8) }
    private static let zones: [[UInt8]: Int] = [
        "ut": 0, "gmt": 0, "z": 0, "edt": -4 * 60, "est": -5 * 60, "cdt": -5 * 60, "cst": -6 * 60, "mdt": -6 * 60,
        "mst": -7 * 60, "pdt": -7 * 60, "pst": -8 * 60,
    ].reduce(into: [:]) { $0[Array($1.key.utf8)] = $1.value }

    /// The date in a field value (unfolded or not); nil when it does not have this shape.
    init?(_ value: some Collection<UInt8>) {
        guard var tokens = Self.tokens(value)?[...] else { return nil }
        // An optional day name and its comma.
        if case .word = tokens.first {
            tokens.removeFirst()
            if tokens.first == .symbol(UInt8(ascii: ",")) { tokens.removeFirst() }
        }
        guard case .number(let day, let dayDigits)? = tokens.popFirst(), dayDigits <= 2,
            case .word(let monthName)? = tokens.popFirst(), monthName.count >= 3,
            let monthIndex = Self.months.firstIndex(where: { $0 == Array(monthName.prefix(3)) }),
            case .number(let rawYear, let yearDigits)? = tokens.popFirst(), yearDigits >= 2, yearDigits <= 4,
            case .number(let hour, _)? = tokens.popFirst(),
            tokens.popFirst() == .symbol(UInt8(ascii: ":")),
            case .number(let minute, _)? = tokens.popFirst()
        else { return nil }
        var second = 0
        if tokens.first == .symbol(UInt8(ascii: ":")) {
            tokens.removeFirst()
            guard case .number(let value, _)? = tokens.popFirst() else { return nil }
            second = value
        }
        var offset = 0
        switch tokens.popFirst() {
        case .symbol(let sign)? where sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"):
            guard case .number(let hhmm, 4)? = tokens.popFirst(), hhmm % 100 < 60 else { return nil }
            offset = (hhmm / 100 * 60 + hhmm % 100) * (sign == UInt8(ascii: "-") ? -1 : 1)
        case .word(let zone)?:
            // Another name (CEST, a military letter...) is left to GMime's reading.
            guard let known = Self.zones[zone] else { return nil }
            offset = known
        case nil:
            break
        default:
            return nil
        }
        // Two-digit years: 00–49 are 2000–2049, 50–99 are 1950–1999; three digits add 1900 (§4.3).
        let year =
            switch yearDigits {
            case 2: rawYear < 50 ? 2000 + rawYear : 1900 + rawYear
            case 3: 1900 + rawYear
            default: rawYear
            }
        let month = monthIndex + 1
        guard year >= 1, day >= 1, day <= Self.days(in: month, of: year), hour < 24, minute < 60, second < 60
        else { return nil }
        self.init(
            year: year,
            month: month,
            day: day,
            hour: hour,
            minute: minute,
            second: second,
            offsetMinutes: offset
        )
    }

    init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, offsetMinutes: Int) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        self.offsetMinutes = offsetMinutes
    }

    private static func days(in month: Int, of year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Numbers, lower-case words and the symbols `, : + -`; comments and white space only separate them.
    /// Nil for any other byte, an unclosed comment, or a number of more than 4 digits.
    private static func tokens(_ value: some Collection<UInt8>) -> [Token]? {
        var tokens: [Token] = []
        var depth = 0
        var escaped = false
        var number: (value: Int, digits: Int)?
        var word: [UInt8]?
        func flush() {
            if let current = number { tokens.append(.number(current.value, digits: current.digits)) }
            if let current = word { tokens.append(.word(current)) }
            number = nil
            word = nil
        }
        for byte in value {
            if depth > 0 {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "(") {
                    depth += 1
                } else if byte == UInt8(ascii: ")") {
                    depth -= 1
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if word != nil { flush() }
                let current = number ?? (0, 0)
                guard current.digits < 4 else { return nil }
                number = (current.value * 10 + Int(byte - UInt8(ascii: "0")), current.digits + 1)
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
                if number != nil { flush() }
                if word == nil { word = [] }
                word?.append(byte | 0x20)
            case UInt8(ascii: ","), UInt8(ascii: ":"), UInt8(ascii: "+"), UInt8(ascii: "-"):
                flush()
                tokens.append(.symbol(byte))
            case UInt8(ascii: "("):
                flush()
                depth = 1
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"):
                flush()
            default:
                return nil
            }
        }
        flush()
        return depth == 0 ? tokens : nil
    }

    /// `2023-11-14T22:13:20+01:00`, in the message's own offset.
    var iso8601: String {
        func padded(_ number: Int, _ digits: Int) -> String {
            let decimal = String(number)
            return String(repeating: "0", count: max(0, digits - decimal.utf8.count)) + decimal
        }
        let sign = self.offsetMinutes < 0 ? "-" : "+"
        let offset = abs(self.offsetMinutes)
        return "\(padded(self.year, 4))-\(padded(self.month, 2))-\(padded(self.day, 2))T\(padded(self.hour, 2)):"
            + "\(padded(self.minute, 2)):\(padded(self.second, 2))\(sign)\(padded(offset / 60, 2)):\(padded(offset % 60, 2))"
    }
}
