import Foundation

/// The generated MIME corpus in `Tests/Corpus/`: `NN-name.eml` messages, each with the `NN-name.json` parse
/// result it must give (see the README there).
enum Corpus {
    /// `Tests/Corpus/`, found from this file's place in `Tests/MIMETests/`.
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("Corpus")

    /// The generator, which also checks that the committed files are what it writes.
    static var generator: URL {
        self.directory.appendingPathComponent("make-corpus.py")
    }

    /// How many messages the README promises.
    static let expectedMessageCount = 69

    /// Every `.eml` file name, sorted; empty when the directory cannot be read (a test checks the count).
    static let messageNames: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".eml") }.sorted()
    }()

    /// The message's bytes.
    static func message(_ name: String) throws -> [UInt8] {
        try [UInt8](Data(contentsOf: self.directory.appendingPathComponent(name)))
    }

    /// The expectation written next to the message (`NN-name.json` for `NN-name.eml`).
    static func expectation(for name: String) throws -> CorpusExpectation {
        try self.expectation(at: self.directory.appendingPathComponent(name))
    }

    /// The expectation written next to the message file at `url`.
    static func expectation(at url: URL) throws -> CorpusExpectation {
        let json = url.deletingPathExtension().appendingPathExtension("json")
        return try JSONDecoder().decode(CorpusExpectation.self, from: Data(contentsOf: json))
    }
}
