import FoundationEssentials

/// Every flag `--foo-bar` can also be set as `POP3GW_FOO_BAR`, for containers; a flag on the
/// command line wins, because these only supply defaults.
enum Environment {
    static subscript(name: String) -> String? {
        ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    static func string(_ name: String, default value: String) -> String { self[name] ?? value }

    static func int(_ name: String, default value: Int) -> Int { self[name].flatMap { Int($0) } ?? value }

    /// A comma-separated list; empty when unset.
    static func list(_ name: String) -> [String] {
        self[name].map { $0.split(separator: ",").map(String.init) } ?? []
    }

    /// `1`, `true`, `yes` (any case) turn a flag on.
    static func flag(_ name: String) -> Bool {
        guard let value = self[name]?.lowercased() else { return false }
        return ["1", "true", "yes"].contains(value)
    }
}
