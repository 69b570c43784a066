/// Where the session pool reads the time it judges ages by: idle timeout, refresh interval, NOOP after idle.
///
/// A protocol so that tests drive the pool with a clock they advance by hand, with no sleeps.
public protocol PoolClock: Sendable {
    /// Time since an arbitrary fixed origin; never goes backwards.
    func now() -> Duration
}
