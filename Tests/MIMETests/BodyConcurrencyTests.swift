import Foundation
import MIME
import Testing

/// Messages that exercise the body path: charset conversion (iconv), each transfer decoder, an embedded
/// message written out by GMime, an attachment streamed through the sink stream.
private let samples: [[UInt8]] = [
    MessageLines.crlf(
        "From: a@example.com",
        "Content-Type: multipart/alternative; boundary=a",
        "",
        "--a",
        "Content-Type: text/plain; charset=Shift_JIS",
        "Content-Transfer-Encoding: base64",
        "",
        "k4yLnoKpgueCzIKokm2C54K5gUGCsYLxgsmCv4LNgUI=",
        "--a",
        "Content-Type: text/html; charset=KOI8-R",
        "Content-Transfer-Encoding: base64",
        "",
        "8NLJ18XUIMnaIO3P08vX2Q==",
        "--a--"
    ),
    MessageLines.crlf(
        "From: b@example.com",
        "Content-Type: multipart/mixed; boundary=m",
        "",
        "--m",
        "Content-Type: text/plain; charset=iso-8859-1",
        "Content-Transfer-Encoding: quoted-printable",
        "",
        "Gr=FC=DFe",
        "--m",
        "Content-Type: message/rfc822",
        "",
        "Subject: =?ISO-2022-JP?B?GyRCRWw1fhsoQg==?=",
        "",
        "inner",
        "--m",
        "Content-Type: image/gif; name=\"=?UTF-8?Q?b=C3=BCro.gif?=\"",
        "Content-Transfer-Encoding: base64",
        "",
        "R0lGODlhAQABAAAAACw=",
        "--m--"
    ),
    MessageLines.message(
        headers: ["From: c@example.com", "Content-Type: text/plain"],
        body: [0x63, 0x61, 0x66, 0xE9]
    ),
]

/// 8 threads parsing bodies and streaming attachments at once, 50 rounds each, give what one thread gives.
@Test func concurrentBodyParsesAgree() {
    let threadCount = 8
    let roundsPerThread = 50
    let expected = samples.map { MIMEParser.parseMessage($0) }
    let tally = ParseTally()
    let start = DispatchSemaphore(value: 0)
    let finished = DispatchGroup()
    for threadIndex in 0..<threadCount {
        finished.enter()
        let thread = Thread {
            start.wait()
            for round in 0..<roundsPerThread {
                let index = (threadIndex + round) % samples.count
                let parsed = MIMEParser.parseMessage(samples[index])
                var same = parsed == expected[index]
                for attachment in parsed.body.attachments {
                    let streamed = StreamedAttachment(attachment.id, in: samples[index])
                    same = same && streamed.attachment == attachment && streamed.bytes.count == attachment.size
                }
                if !same {
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
    #expect(tally.parses == threadCount * roundsPerThread)
    #expect(tally.mismatches.isEmpty)
    #expect(expected.map(\.body.text) == ["東京からのお知らせ、こんにちは。", "Grüße", "café"])
    #expect(expected[0].body.html == "Привет из Москвы")
    #expect(expected[1].body.attachments.map(\.message?.subject) == ["東京", nil])
    #expect(expected[1].body.attachments.map(\.filename) == [nil, "büro.gif"])
}
