/// A user name and password for one login.
///
/// Neither its description nor its mirror (`dump`, `print` of a containing value) shows the password.
public struct POP3Credentials: Hashable, Sendable, CustomStringConvertible, CustomReflectable {
    public var user: String
    public var password: String

    public init(user: String, password: String) {
        self.user = user
        self.password = password
    }

    public var description: String { "POP3Credentials(user: \(self.user), password: <redacted>)" }

    public var customMirror: Mirror { Mirror(self, children: ["user": self.user, "password": "<redacted>"]) }
}
