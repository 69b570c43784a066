import Foundation
import TestSupport

/// Alice's demo mailbox as `scripts/make-test-mail.py --demo` writes it, in a fresh temporary directory.
struct DemoMailbox {
    /// The repository root, found from this file's place in `Tests/MIMETests/`.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()

    static var script: URL {
        self.repositoryRoot.appendingPathComponent("scripts/make-test-mail.py")
    }

    /// The maildir's `cur/` folder, which holds every message.
    let messageDirectory: URL
    /// The message files' names, in POP3 order (the script makes name order the message order).
    let fileNames: [String]
    private let root: URL

    /// Throws, with the reason, unless python3 is on the PATH and the generator script is in the checkout:
    /// the demo mailbox tests need both, so they fail without them rather than skip.
    static func requirePrerequisites() throws {
        try Python3.requireAvailable()
        guard FileManager.default.fileExists(atPath: self.script.path) else {
            throw DemoMailboxError(description: "\(self.script.path) is missing; the demo mailbox tests need it")
        }
    }

    /// Writes the mailbox; remove it with `remove()`.
    static func write() throws -> DemoMailbox {
        try self.requirePrerequisites()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mime-demo-\(UUID().uuidString)")
        let maildir = root.appendingPathComponent("Maildir")
        _ = try Python3.run([self.script.path, "--demo", maildir.path, "--quiet"])
        let messageDirectory = maildir.appendingPathComponent("cur")
        let fileNames = try FileManager.default.contentsOfDirectory(atPath: messageDirectory.path).sorted()
        return DemoMailbox(messageDirectory: messageDirectory, fileNames: fileNames, root: root)
    }

    func remove() {
        try? FileManager.default.removeItem(at: self.root)
    }

    /// A message's header block with its ending empty line, as `TOP n 0` returns it.
    func headerBlock(of fileName: String) throws -> [UInt8] {
        let bytes = try [UInt8](Data(contentsOf: self.messageDirectory.appendingPathComponent(fileName)))
        let end: [UInt8] = Array("\r\n\r\n".utf8)
        guard let start = bytes.indices.first(where: { bytes[$0...].starts(with: end) }) else { return bytes }
        return Array(bytes[..<(start + end.count)])
    }

    /// Each message's subject as Python's `email` package (policy=default) decodes it; nil when it has none.
    func pythonSubjects() throws -> [String: String?] {
        let program = """
            import email.parser, email.policy, json, os, sys
            folder = sys.argv[1]
            subjects = {}
            for name in sorted(os.listdir(folder)):
                with open(os.path.join(folder, name), "rb") as message:
                    headers = email.parser.BytesParser(policy=email.policy.default).parse(message, headersonly=True)
                subject = headers["subject"]
                subjects[name] = None if subject is None else str(subject)
            json.dump(subjects, sys.stdout)
            """
        let output = try Python3.run(["-c", program, self.messageDirectory.path])
        return try JSONDecoder().decode([String: String?].self, from: output)
    }
}
