import Glibc
import POP3

/// A connected TCP socket in non-blocking mode, read and written with blocking semantics bounded by deadlines.
///
/// The descriptor is non-blocking so that every wait goes through `poll(2)` with the remaining time;
/// a blocking descriptor could hang past any deadline.
/// Not thread-safe: one owner uses it from one thread at a time.
final class TCPSocket: ByteStream {
    /// What `wait(for:deadline:timeoutDetail:)` waits for.
    enum Readiness {
        case readable
        case writable
    }

    /// The descriptor, or -1 once closed.
    private(set) var fileDescriptor: Int32

    /// Takes ownership of an already connected descriptor (e.g. from `accept(2)`) and sets it up like
    /// `connect` would: non-blocking, close-on-exec, no Nagle delay. Closed by `close()` or on deinit.
    init(adopting fd: Int32) {
        self.fileDescriptor = fd
        let statusFlags = fcntl(fd, F_GETFL)
        if statusFlags >= 0 {
            _ = fcntl(fd, F_SETFL, statusFlags | O_NONBLOCK)
        }
        let descriptorFlags = fcntl(fd, F_GETFD)
        if descriptorFlags >= 0 {
            _ = fcntl(fd, F_SETFD, descriptorFlags | FD_CLOEXEC)
        }
        Self.disableNagle(fd)
    }

    /// For descriptors made by `connect`, which already have every flag set.
    private init(configured fd: Int32) {
        self.fileDescriptor = fd
    }

    deinit {
        self.close()
    }

    /// Resolves `host` and connects to the first address that accepts, in `getaddrinfo` order.
    ///
    /// A refused or unreachable address moves on to the next one; the deadline covers all of them and
    /// running out throws `.timeout`. Name resolution itself cannot be bounded by the deadline
    /// (`getaddrinfo` blocks), which is why the detail of a DNS failure names the host.
    static func connect(host: String, port: Int, deadline: Deadline) throws(POP3Error) -> TCPSocket {
        let endpoint = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        guard (1...65535).contains(port) else {
            throw POP3Error(.connectionFailed, "cannot connect to \(endpoint): invalid port")
        }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        // Numeric service: the port must never be looked up in /etc/services.
        hints.ai_flags = AI_NUMERICSERV
        var addresses: UnsafeMutablePointer<addrinfo>? = nil
        let status = getaddrinfo(host, String(port), &hints, &addresses)
        guard status == 0, let firstAddress = addresses else {
            let reason =
                status == EAI_SYSTEM ? Self.errorDescription(errno) : String(cString: gai_strerror(status))
            throw POP3Error(.connectionFailed, "cannot resolve host \(host): \(reason)")
        }
        defer { freeaddrinfo(firstAddress) }

        var lastFailure = "no usable address"
        var candidate: UnsafeMutablePointer<addrinfo>? = firstAddress
        while let address = candidate {
            candidate = address.pointee.ai_next
            let fd = socket(
                address.pointee.ai_family,
                Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue),
                address.pointee.ai_protocol
            )
            guard fd >= 0 else {
                lastFailure = Self.errorDescription(errno)
                continue
            }
            let socket = TCPSocket(configured: fd)
            if let failure = try socket.finishConnecting(to: address.pointee, endpoint: endpoint, deadline: deadline) {
                socket.close()
                lastFailure = failure
                continue
            }
            Self.disableNagle(fd)
            return socket
        }
        throw POP3Error(.connectionFailed, "connection to \(endpoint) failed: \(lastFailure)")
    }

    /// Runs one non-blocking connect to completion. Returns nil when connected, or why this address failed
    /// (so the caller can try the next); throws `.timeout` when the deadline passes first.
    private func finishConnecting(
        to address: addrinfo,
        endpoint: String,
        deadline: Deadline
    ) throws(POP3Error) -> String? {
        if Glibc.connect(self.fileDescriptor, address.ai_addr, address.ai_addrlen) == 0 {
            return nil
        }
        let code = errno
        // EINTR does not abort a connect: it carries on asynchronously, exactly like EINPROGRESS.
        guard code == EINPROGRESS || code == EINTR else {
            return Self.errorDescription(code)
        }
        do {
            try self.wait(for: .writable, deadline: deadline, timeoutDetail: "connection to \(endpoint) timed out")
        } catch {
            self.close()
            throw error
        }
        var socketError: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(self.fileDescriptor, SOL_SOCKET, SO_ERROR, &socketError, &length) == 0 else {
            return Self.errorDescription(errno)
        }
        return socketError == 0 ? nil : Self.errorDescription(socketError)
    }

    /// Reads what is there, waiting until `deadline` for at least one byte. An empty buffer reads nothing.
    func read(into buffer: UnsafeMutableRawBufferPointer, deadline: Deadline) throws(POP3Error) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else {
            return 0
        }
        while true {
            let fd = try self.openDescriptor()
            let count = recv(fd, base, buffer.count, 0)
            if count >= 0 {
                return count
            }
            let code = errno
            switch code {
            case EINTR:
                continue
            case EAGAIN, EWOULDBLOCK:
                try self.wait(for: .readable, deadline: deadline, timeoutDetail: "read timed out")
            default:
                throw POP3Error(.connectionClosed, "read failed: \(Self.errorDescription(code))")
            }
        }
    }

    func write(_ bytes: UnsafeRawBufferPointer, deadline: Deadline) throws(POP3Error) {
        guard let base = bytes.baseAddress else {
            return
        }
        var offset = 0
        while offset < bytes.count {
            let fd = try self.openDescriptor()
            // MSG_NOSIGNAL: a write to a connection the peer has closed must fail with EPIPE, not raise SIGPIPE.
            let count = send(fd, base + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            if count >= 0 {
                offset += count
                continue
            }
            let code = errno
            switch code {
            case EINTR:
                continue
            case EAGAIN, EWOULDBLOCK:
                try self.wait(for: .writable, deadline: deadline, timeoutDetail: "write timed out")
            case EPIPE, ECONNRESET:
                throw POP3Error(.connectionClosed, "connection closed by peer: \(Self.errorDescription(code))")
            default:
                throw POP3Error(.connectionClosed, "write failed: \(Self.errorDescription(code))")
            }
        }
    }

    func close() {
        guard self.fileDescriptor >= 0 else {
            return
        }
        // Not retried on EINTR: on Linux the descriptor is released even then, and a retry could close
        // a descriptor another thread has just been given.
        _ = Glibc.close(self.fileDescriptor)
        self.fileDescriptor = -1
    }

    /// Waits until the socket is readable or writable (or has an error or hang-up pending, which the next
    /// read or write will report), and throws `.timeout` with `timeoutDetail` once the deadline has passed.
    func wait(
        for readiness: Readiness,
        deadline: Deadline,
        timeoutDetail: @autoclosure () -> String
    ) throws(POP3Error) {
        let events = readiness == .readable ? POLLIN : POLLOUT
        var descriptor = pollfd(fd: try self.openDescriptor(), events: Int16(events), revents: 0)
        while true {
            let result = poll(&descriptor, 1, deadline.pollTimeout())
            if result > 0 {
                return
            }
            if result == 0 {
                // pollTimeout() rounds up, so a zero result normally means the time is up; the check
                // guards against a clock that is coarser than a millisecond.
                if deadline.hasPassed {
                    throw POP3Error(.timeout, timeoutDetail())
                }
                continue
            }
            let code = errno
            if code != EINTR {
                throw POP3Error(.connectionClosed, "poll failed: \(Self.errorDescription(code))")
            }
        }
    }

    /// The descriptor, or `.connectionClosed` when `close()` already ran.
    private func openDescriptor() throws(POP3Error) -> Int32 {
        guard self.fileDescriptor >= 0 else {
            throw POP3Error(.connectionClosed, "socket is closed")
        }
        return self.fileDescriptor
    }

    /// POP3 is request/response with small commands: Nagle's algorithm would only add latency.
    private static func disableNagle(_ fd: Int32) {
        var enabled: Int32 = 1
        // Failure (e.g. a non-TCP descriptor in a test) only costs latency, so it is ignored.
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &enabled, socklen_t(MemoryLayout<Int32>.size))
    }

    /// The text of an errno value, e.g. "Connection refused".
    static func errorDescription(_ code: Int32) -> String {
        guard let text = strerror(code) else {
            return "error \(code)"
        }
        return String(cString: text)
    }
}
