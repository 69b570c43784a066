import CGMime

extension String {
    /// A string GMime lends (`transfer none`); nil for `NULL`. Invalid UTF-8 is repaired with U+FFFD, so
    /// the result is always valid whatever GMime hands over.
    init?(borrowedCString pointer: UnsafePointer<CChar>?) {
        guard let pointer else { return nil }
        self.init(cString: pointer)
    }

    /// A string GMime or GLib gives away (`transfer full`), freed here with `g_free`; nil for `NULL`.
    init?(ownedGLibString pointer: UnsafeMutablePointer<CChar>?) {
        guard let pointer else { return nil }
        defer { g_free(pointer) }
        self.init(cString: pointer)
    }
}
