import Foundation
import MIME
import Testing

/// Every demo message has a subject and a sender, and each subject equals what Python's `email` package
/// decodes. Without python3 or the generator this fails, it does not skip.
@Test func demoMailboxMatchesPython() throws {
    try DemoMailbox.requirePrerequisites()
    let mailbox = try DemoMailbox.write()
    defer { mailbox.remove() }
    let pythonSubjects = try mailbox.pythonSubjects()
    #expect(mailbox.fileNames.count == 21)
    #expect(Set(pythonSubjects.keys) == Set(mailbox.fileNames))

    for fileName in mailbox.fileNames {
        let summary = MIMEParser.parseHeaders(try mailbox.headerBlock(of: fileName)).summary
        #expect(summary.subject != nil, "\(fileName): no subject")
        #expect(!summary.from.isEmpty, "\(fileName): no From address")
        let python = pythonSubjects[fileName] ?? nil
        #expect(summary.subject == python, "\(fileName)")
    }
}

/// The listing's fast summary agrees with the full GMime message parse on every demo message.
@Test func demoMailboxSummariesAgree() throws {
    let mailbox = try DemoMailbox.write()
    defer { mailbox.remove() }
    #expect(mailbox.fileNames.count == 21)
    for fileName in mailbox.fileNames {
        let header = try mailbox.headerBlock(of: fileName)
        #expect(MIMEParser.parseSummary(header) == MIMEParser.parseHeaders(header).summary, "\(fileName)")
    }
}
