/// One thing to fuzz: a function of arbitrary bytes that must neither crash nor break an invariant.
///
/// The same `run` is called by libFuzzer (the executables under `Fuzz/`, built by `scripts/fuzz.sh`) and
/// by `FuzzRegressionTests`, which replays every committed corpus file and crasher through it.
public protocol FuzzTarget {
    /// The short name: the directory under `Fuzz/corpus/` and `Fuzz/crashers/`, and the name
    /// `scripts/fuzz.sh` takes.
    static var name: String { get }

    /// Runs one input; throws when the code under test broke one of the target's invariants.
    static func run(_ input: [UInt8]) throws(InvariantViolation)
}

/// Every fuzz target, for the regression tests and the replay tool.
public enum FuzzTargets {
    public static var all: [any FuzzTarget.Type] {
        [POP3DecoderFuzzTarget.self, MIMEFuzzTarget.self, HTTPInputFuzzTarget.self]
    }

    /// Their names, in the order of `all`.
    public static var names: [String] {
        self.all.map { $0.name }
    }

    public static func named(_ name: String) -> (any FuzzTarget.Type)? {
        self.all.first { $0.name == name }
    }
}

/// An invariant of the code under test that an input broke: a bug, as much as a crash is.
public struct InvariantViolation: Error, CustomStringConvertible {
    public var description: String

    init(_ description: String) {
        self.description = description
    }
}

/// Throws `InvariantViolation(message)` unless `condition` holds.
func expect(_ condition: Bool, _ message: @autoclosure () -> String) throws(InvariantViolation) {
    guard condition else { throw InvariantViolation(message()) }
}
