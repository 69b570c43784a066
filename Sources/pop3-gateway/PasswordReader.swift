import FoundationEssentials
import POP3

#if canImport(Glibc)
import Glibc
#endif

/// Gets a password without putting it on the command line, where `ps` would show it.
enum PasswordReader {
    static func read(environmentVariable: String, prompt: String) throws(POP3Error) -> String {
        if let password = ProcessInfo.processInfo.environment[environmentVariable] {
            return password
        }
        guard isatty(STDIN_FILENO) == 1 else {
            guard let line = readLine(strippingNewline: true) else {
                throw POP3Error(.invalidArgument, "no password: set \(environmentVariable) or pipe one line")
            }
            return line
        }
        Console.error(prompt)
        var saved = termios()
        tcgetattr(STDIN_FILENO, &saved)
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        defer {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
            Console.error("\n")
        }
        return readLine(strippingNewline: true) ?? ""
    }
}
