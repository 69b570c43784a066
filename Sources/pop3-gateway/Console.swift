import Glibc

/// Writes to standard output and standard error with write(2), unbuffered, so that lines from several
/// threads never interleave within a line and nothing waits in a buffer when the process stops.
enum Console {
    static func output(_ text: String) {
        self.write(Array(text.utf8), to: STDOUT_FILENO)
    }

    static func error(_ text: String) {
        self.write(Array(text.utf8), to: STDERR_FILENO)
    }

    static func output(_ bytes: [UInt8]) {
        self.write(bytes, to: STDOUT_FILENO)
    }

    static func error(_ bytes: [UInt8]) {
        self.write(bytes, to: STDERR_FILENO)
    }

    private static func write(_ bytes: [UInt8], to descriptor: Int32) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count, let base = buffer.baseAddress {
                let written = Glibc.write(descriptor, base + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    // A closed or full stream is not worth failing the gateway for.
                    return
                }
                offset += written
            }
        }
    }
}
