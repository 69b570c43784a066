/// How recent a pooled session's view of the maildrop must be. POP3 shows each session a snapshot taken
/// at login (mail that arrives later is invisible to it), so seeing new mail takes a new login.
public enum SessionFreshness: Hashable, Sendable {
    /// Any open session will do: fetching or deleting a message the caller already knows by UIDL.
    case any
    /// Log in again when the session is older than `SessionPoolConfiguration.refreshInterval`: listings.
    case refreshIfOlderThanInterval
    /// Always log in again: a listing with `refresh=true`.
    case forceFresh
}
