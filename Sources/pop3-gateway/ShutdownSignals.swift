import Glibc

/// SIGTERM and SIGINT, taken synchronously: blocked in every thread (so it must be made before any
/// thread starts), then awaited with sigwait on the main thread.
struct ShutdownSignals {
    private var set = sigset_t()

    init() {
        sigemptyset(&self.set)
        sigaddset(&self.set, SIGTERM)
        sigaddset(&self.set, SIGINT)
        pthread_sigmask(SIG_BLOCK, &self.set, nil)
    }

    /// Returns when SIGTERM or SIGINT arrives.
    func wait() {
        var set = self.set
        var signal: Int32 = 0
        sigwait(&set, &signal)
    }
}
