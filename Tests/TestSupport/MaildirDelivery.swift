import Foundation
import Glibc

/// Adds a message to a test user's maildir the way a mail delivery agent does (written in `tmp/`, renamed
/// into `cur/`), for messages the generator does not make; Dovecot sees it at the next login.
public enum MaildirDelivery {
    /// Replaces any earlier file whose name starts with `prefix` by `message`, named
    /// `<prefix>,S=<size>,W=<size>:2,` (the size spares Dovecot a stat). Returns the file's path.
    ///
    /// `prefix` is a maildir base name (`1900000000.M1P1.gatewaytest`): a time stamp later than the
    /// generator's makes the message the newest.
    @discardableResult
    public static func deliver(_ message: [UInt8], user: String, mailDirectory: String, prefix: String) throws -> String
    {
        let maildir = "\(mailDirectory)/\(user)/Maildir"
        try self.remove(prefix: prefix, user: user, mailDirectory: mailDirectory)
        let temporary = "\(maildir)/tmp/\(prefix)"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(message)) else {
            throw DeliveryError(description: "cannot write \(temporary)")
        }
        // Dovecot runs as the maildir's owner; as root the test hands the file over to it.
        var owner = stat()
        if stat("\(maildir)/cur", &owner) == 0 {
            _ = chown(temporary, owner.st_uid, owner.st_gid)
        }
        let final = "\(maildir)/cur/\(prefix),S=\(message.count),W=\(message.count):2,"
        guard rename(temporary, final) == 0 else {
            throw DeliveryError(description: "cannot rename \(temporary) to \(final): errno \(errno)")
        }
        return final
    }

    /// Deletes every file of `user`'s maildir whose name starts with `prefix`.
    public static func remove(prefix: String, user: String, mailDirectory: String) throws {
        let maildir = "\(mailDirectory)/\(user)/Maildir"
        for directory in ["cur", "new", "tmp"] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: "\(maildir)/\(directory)")) ?? []
            for name in names where name.hasPrefix(prefix) {
                try FileManager.default.removeItem(atPath: "\(maildir)/\(directory)/\(name)")
            }
        }
    }
}

/// A message file that could not be put in place.
public struct DeliveryError: Error, CustomStringConvertible {
    public let description: String
}
