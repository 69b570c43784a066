import Foundation
import MIME
import TestSupport
import Testing

/// What Python's `email` package (policy=default) finds in one message: `get_body` for plain and HTML,
/// as `get_content` decodes them (line endings normalised like ours), and the file names of the other leaves.
private struct PythonBody: Decodable, Equatable {
    var text: String?
    var html: String?
    var filenames: [String?]
}

/// Each demo message's bodies, as Python's `email` package gives them.
private func pythonBodies(in mailbox: DemoMailbox) throws -> [String: PythonBody] {
    let program = """
        import email, email.policy, json, os, sys
        folder = sys.argv[1]
        bodies = {}
        for name in sorted(os.listdir(folder)):
            with open(os.path.join(folder, name), "rb") as file:
                message = email.message_from_binary_file(file, policy=email.policy.default)
            def content(kind):
                part = message.get_body((kind,))
                if part is None:
                    return None
                return part.get_content().replace("\\r\\n", "\\n").replace("\\r", "\\n")
            chosen = [message.get_body(("plain",)), message.get_body(("html",))]
            names = []
            stack = [message]
            while stack:
                part = stack.pop(0)
                # A forwarded message is one attachment, as in MIMEParser: not entered.
                if part.get_content_maintype() == "multipart":
                    stack = list(part.iter_parts()) + stack
                elif not any(part is body for body in chosen):
                    names.append(part.get_filename())
            bodies[name] = {"text": content("plain"), "html": content("html"), "filenames": names}
        json.dump(bodies, sys.stdout)
        """
    let output = try Python3.run(["-c", program, mailbox.messageDirectory.path])
    return try JSONDecoder().decode([String: PythonBody].self, from: output)
}

/// Every demo message's text and HTML bodies, and its attachments' file names, equal what Python's
/// `email` package gives (`get_body`, `get_content`, `get_filename`); for Python too, a forwarded message
/// is one leaf. Without python3 or the generator this fails, it does not skip.
@Test func demoMailboxBodiesMatchPython() throws {
    try DemoMailbox.requirePrerequisites()
    let mailbox = try DemoMailbox.write()
    defer { mailbox.remove() }
    let python = try pythonBodies(in: mailbox)
    #expect(Set(python.keys) == Set(mailbox.fileNames))
    for fileName in mailbox.fileNames {
        let message = try [UInt8](Data(contentsOf: mailbox.messageDirectory.appendingPathComponent(fileName)))
        let body = MIMEParser.parseMessage(message).body
        let ours = PythonBody(text: body.text, html: body.html, filenames: body.attachments.map(\.filename))
        #expect(ours == python[fileName], "\(fileName)")
    }
}
