import CGMime

/// GMime's process-wide set-up.
enum GMimeLibrary {
    /// `g_mime_init` guards itself with an unlocked counter, so two threads calling it first could both run
    /// the set-up; a Swift static is initialised exactly once (swift_once), which is the lock GMime lacks.
    private static let initialization: Void = g_mime_init()

    /// Initialises GMime on first use; afterwards GMime objects may be used on any thread, each object on
    /// one thread at a time. GMime is never shut down: its tables live as long as the process.
    static func initializeOnce() {
        _ = self.initialization
    }
}
