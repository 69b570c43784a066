import Foundation
import FuzzHarness
import Testing

/// One committed fuzz input: a seed from `Fuzz/corpus/<target>/` or a crasher from `Fuzz/crashers/<target>/`.
struct FuzzInputFile: Sendable, CustomTestStringConvertible {
    var target: String
    /// Relative to `Fuzz/`.
    var path: String

    var testDescription: String { self.path }

    /// `Fuzz/`, found from this file's place in `Tests/FuzzRegressionTests/`.
    static let fuzzDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("Fuzz")

    /// The files in `Fuzz/<kind>/<target>/`, sorted; none when the directory does not exist (a target that
    /// never crashed has no crashers).
    static func files(_ kind: String, _ target: String) -> [FuzzInputFile] {
        let directory = self.fuzzDirectory.appendingPathComponent(kind).appendingPathComponent(target)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map {
            FuzzInputFile(target: target, path: "\(kind)/\(target)/\($0)")
        }
    }

    static let corpus = FuzzTargets.names.flatMap { files("corpus", $0) }
    static let crashers = FuzzTargets.names.flatMap { files("crashers", $0) }

    func bytes() throws -> [UInt8] {
        try [UInt8](Data(contentsOf: Self.fuzzDirectory.appendingPathComponent(self.path)))
    }
}

/// Every fuzz target has seeds, so a moved directory cannot make the replay pass by finding nothing.
@Test(arguments: FuzzTargets.names)
func everyTargetHasACorpus(target: String) {
    #expect(FuzzInputFile.files("corpus", target).count >= 10, "Fuzz/corpus/\(target) has too few seeds")
}

/// Every seed of the corpus passes its target's checks.
@Test(arguments: FuzzInputFile.corpus)
func corpusInputPasses(input: FuzzInputFile) throws {
    let target = try #require(FuzzTargets.named(input.target))
    try target.run(try input.bytes())
}

/// Every input that once crashed a fuzz target, or broke one of its invariants, now passes its checks.
@Test(arguments: FuzzInputFile.crashers)
func crasherStaysFixed(input: FuzzInputFile) throws {
    let target = try #require(FuzzTargets.named(input.target))
    try target.run(try input.bytes())
}
