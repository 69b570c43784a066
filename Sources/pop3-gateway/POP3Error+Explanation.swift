import POP3

extension POP3Error {
    /// One line a person understands: what went wrong and, where it helps, what to do.
    var explanation: String {
        switch self.code {
        case .tlsFailed:
            let lowered = self.detail.lowercased()
            if lowered.contains("hostname mismatch") || lowered.contains("ip address mismatch") {
                return "the server's certificate is not valid for this host name (\(self.detail))"
            }
            if lowered.contains("certificate") {
                return
                    "the server's certificate is not trusted (\(self.detail)); pass --ca-file if it uses a private CA"
            }
            return "TLS failed: \(self.detail)"
        case .authenticationFailed:
            return "login failed: the server rejected the user name or password (\(self.detail))"
        case .mailboxLocked:
            return "the mailbox is locked by another POP3 session; try again later (\(self.detail))"
        case .loginDelay:
            return "the server wants a pause between logins; try again later (\(self.detail))"
        case .timeout:
            return "timed out waiting for the server (\(self.detail))"
        case .connectionFailed:
            return "cannot connect: \(self.detail)"
        case .startTLSUnavailable:
            return "\(self.detail); use pop3s:// or, to send the password in clear text, --allow-insecure-upstream"
        case .insecureAuthenticationRefused:
            return "\(self.detail); use TLS or --allow-insecure-upstream"
        case .temporaryFailure:
            return "the server reports a temporary problem; try again later (\(self.detail))"
        case .permanentFailure:
            return "the server reports a permanent problem (\(self.detail))"
        case .connectionClosed, .protocolViolation, .responseTooLarge, .invalidArgument, .noAuthenticationMethod,
            .commandFailed:
            return self.description
        }
    }
}
