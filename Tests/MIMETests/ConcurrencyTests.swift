import Foundation
import MIME
import Testing

/// Header blocks that exercise every code path: encoded words in several charsets (iconv), raw 8-bit
/// (fallback charsets), groups, dates with offsets (GLib time zones), references.
private let samples: [[UInt8]] = [
    HeaderBlock.lines(
        "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_M=C3=BCnchen?=",
        "From: =?UTF-8?B?SsO8cmdlbiBNw7xsbGVy?= <juergen.mueller@example.de>",
        "Date: Tue, 14 Nov 2023 22:13:20 +0100",
        "Message-ID: <one@example.com>"
    ),
    HeaderBlock.lines(
        "Subject: =?KOI8-R?B?8NLJ18XUIMnaIO3P08vX2Q==?=",
        "To: undisclosed-recipients:;, Team: a@x.y, \"B\" <b@x.y>;",
        "Date: Fri, 19 Jan 2024 21:45:00 +0300",
        "References: <a@x> <b@x>",
        " <c@x>"
    ),
    HeaderBlock.lines(
        "Subject: =?Shift_JIS?B?k4yLnoKpgueCzIKokm2C54K5?=",
        "Cc: =?ISO-8859-1?Q?Fran=E7ois?= <francois@example.fr>",
        "Date: Sat, 20 Jan 2024 10:48:00 -0930",
        "Content-Type: multipart/mixed; boundary=x"
    ),
    HeaderBlock.rawLines(
        Array("Subject: ".utf8) + [0x47, 0x72, 0xFC, 0xDF, 0x65, 0x20, 0x93, 0x71, 0x94],
        Array("From: J".utf8) + [0xFC] + Array("rgen <j@example.de>".utf8),
        Array("Date: 14 Nov 23 22:13 GMT".utf8)
    ),
]

/// 8 threads parsing at once, 200 parses each, give exactly what a single thread gives.
@Test func concurrentParsesAgree() {
    let threadCount = 8
    let parsesPerThread = 200
    let expected = samples.map { MIMEParser.parseHeaders($0) }
    let tally = ParseTally()
    let start = DispatchSemaphore(value: 0)
    let finished = DispatchGroup()
    for threadIndex in 0..<threadCount {
        finished.enter()
        let thread = Thread {
            // Every thread waits here, so all of them parse at the same time.
            start.wait()
            for iteration in 0..<parsesPerThread {
                let index = (threadIndex + iteration) % samples.count
                let result = MIMEParser.parseHeaders(samples[index])
                if result.summary != expected[index].summary || result.headers != expected[index].headers {
                    tally.recordMismatch("thread \(threadIndex), sample \(index)")
                }
                tally.recordParse()
            }
            finished.leave()
        }
        thread.start()
    }
    for _ in 0..<threadCount {
        start.signal()
    }
    finished.wait()
    #expect(tally.parses == threadCount * parsesPerThread)
    #expect(tally.mismatches.isEmpty)
    #expect(expected.allSatisfy { $0.summary.subject != nil && !$0.headers.isEmpty })
}
