import Basics
import CMicroHTTPD

/// The C callbacks given to MHD, and what they do on MHD's threads.
///
/// Every closure pointer MHD passes back is either the `DaemonContext` (kept alive by
/// `RunningDaemon` for the daemon's whole life, so used unretained), a `RequestContext` (owned
/// through `con_cls`, see there), a `BodyStream` (owned by the MHD response, see `queue`) or a
/// `ConnectionContext` (owned through `socket_context`, see `RequestDeadlines`).
enum MHDCallbacks {
    typealias URILogCallback =
        @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?, OpaquePointer?) -> UnsafeMutableRawPointer?
    typealias CompletedCallback =
        @convention(c) (
            UnsafeMutableRawPointer?, OpaquePointer?, UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
            MHD_RequestTerminationCode
        ) -> Void

    typealias ConnectionNoticeCallback =
        @convention(c) (
            UnsafeMutableRawPointer?, OpaquePointer?, UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
            MHD_ConnectionNotificationCode
        ) -> Void

    /// A connection opened or closed: starts or ends its request deadline.
    static let connectionNotice: ConnectionNoticeCallback = { cls, connection, socketContext, code in
        guard let cls, let connection, let socketContext else { return }
        let daemon = Unmanaged<DaemonContext>.fromOpaque(cls).takeUnretainedValue()
        switch code {
        case .CONNECTION_NOTIFY_STARTED:
            daemon.requestDeadlines.connectionStarted(connection, socketContext: socketContext)
        default:
            daemon.requestDeadlines.connectionClosed(socketContext: socketContext)
        }
    }

    /// Called once per request with the raw target, before MHD percent-decodes it: creates the request's
    /// context, which becomes its `con_cls`.
    static let uriLog: URILogCallback = { cls, uri, _ in
        guard let cls else { return nil }
        let daemon = Unmanaged<DaemonContext>.fromOpaque(cls).takeUnretainedValue()
        let exchange = ResponseExchange(daemon: daemon)
        let request = RequestContext(target: uri.map { String(cString: $0) } ?? "", exchange: exchange)
        daemon.register(exchange)
        return Unmanaged.passRetained(request).toOpaque()
    }

    /// The request is over (sent, failed, timed out, or the daemon is stopping): ends a stream still
    /// producing and releases the context.
    static let completed: CompletedCallback = { cls, connection, requestState, _ in
        guard let cls, let requestState, let state = requestState.pointee else { return }
        requestState.pointee = nil
        let daemon = Unmanaged<DaemonContext>.fromOpaque(cls).takeUnretainedValue()
        if let connection {
            daemon.requestDeadlines.requestEnded(connection)
        }
        let request = Unmanaged<RequestContext>.fromOpaque(state).takeRetainedValue()
        request.exchange.finish()
        daemon.unregister(request.exchange)
    }

    static let access: MHD_AccessHandlerCallback = {
        cls,
        connection,
        _,
        method,
        _,
        uploadData,
        uploadDataSize,
        requestState in
        guard let cls, let connection, let uploadDataSize, let state = requestState?.pointee else {
            return .NO
        }
        let daemon = Unmanaged<DaemonContext>.fromOpaque(cls).takeUnretainedValue()
        let request = Unmanaged<RequestContext>.fromOpaque(state).takeUnretainedValue()
        return MHDCallbacks.handle(
            request,
            daemon: daemon,
            connection: connection,
            method: method,
            uploadData: uploadData,
            uploadDataSize: uploadDataSize
        )
    }

    static let contentReader: MHD_ContentReaderCallback = { cls, _, buffer, capacity in
        guard let cls, let buffer else { return pop3gw_MHD_content_reader_end_with_error() }
        return Unmanaged<BodyStream>.fromOpaque(cls).takeUnretainedValue().read(into: buffer, capacity: capacity)
    }

    /// MHD is done with the response: releases the stream's reference taken in `queue`, and ends the
    /// producer if it is still writing.
    static let freeContentReader: MHD_ContentReaderFreeCallback = { cls in
        guard let cls else { return }
        Unmanaged<BodyStream>.fromOpaque(cls).takeRetainedValue().requestEnded()
    }

    /// MHD calls the access handler after the header fields, once per piece of body, once when the
    /// request is complete, and once more after each resume until a response is queued.
    private static func handle(
        _ request: RequestContext,
        daemon: DaemonContext,
        connection: OpaquePointer,
        method: UnsafePointer<CChar>?,
        uploadData: UnsafePointer<CChar>?,
        uploadDataSize: UnsafeMutablePointer<Int>
    ) -> MHD_Result {
        switch request.phase {
        case .awaitingHeaders:
            request.phase = .receivingBody
            request.method = method.map { String(cString: $0) } ?? ""
            request.headers = Self.requestHeaders(connection)
            let connectionContext = ConnectionContext.of(connection)
            request.remoteAddress =
                connectionContext?.remoteAddress
                ?? pop3gw_MHD_connection_client_address(connection).map(SocketAddress.text(of:)) ?? ""
            request.memo = connectionContext?.memo
            request.requestID = RequestID.make(from: request.headers[RequestID.headerName])
            let limit = daemon.configuration.maxBodyBytes
            if let declared = request.headers["Content-Length"].flatMap({ Int($0) }), declared > limit {
                // Answered before the body arrives: MHD then discards it and closes the connection, and
                // a client that sent `Expect: 100-continue` never sends it.
                request.exchange.respond(Self.bodyTooLarge(limit: limit))
            } else if daemon.isStopping {
                request.exchange.respond(.shuttingDown)
            }
            guard request.exchange.hasAnswer else { return .YES }
            request.phase = .dispatched
            daemon.requestDeadlines.requestReceived(connection)
            return Self.queueOrSuspend(request, daemon: daemon, connection: connection)

        case .receivingBody:
            let size = uploadDataSize.pointee
            if size > 0 {
                Self.accumulate(uploadData, size: size, into: request, limit: daemon.configuration.maxBodyBytes)
                // Everything is consumed, even what is dropped: MHD would otherwise offer it again.
                uploadDataSize.pointee = 0
                return .YES
            }
            request.phase = .dispatched
            daemon.requestDeadlines.requestReceived(connection)
            if !request.exchange.hasAnswer {
                if request.bodyTooLarge {
                    request.exchange.respond(Self.bodyTooLarge(limit: daemon.configuration.maxBodyBytes))
                } else if daemon.isStopping {
                    request.exchange.respond(.shuttingDown)
                } else {
                    let body = request.body
                    request.body = []
                    request.exchange.handlerWillRun()
                    // Built in the call: a request built into a constant first is copied whole once more.
                    daemon.handler(
                        HTTPRequest(
                            method: request.method,
                            target: request.target,
                            headers: request.headers,
                            body: body,
                            remoteAddress: request.remoteAddress,
                            id: request.requestID,
                            connection: request.memo
                        ),
                        HTTPResponder(exchange: request.exchange)
                    )
                }
            }
            return Self.queueOrSuspend(request, daemon: daemon, connection: connection)

        case .dispatched:
            return Self.queueOrSuspend(request, daemon: daemon, connection: connection)
        }
    }

    private static func accumulate(
        _ uploadData: UnsafePointer<CChar>?,
        size: Int,
        into request: RequestContext,
        limit: Int
    ) {
        guard !request.bodyTooLarge, let uploadData else { return }
        guard request.body.count + size <= limit else {
            request.bodyTooLarge = true
            request.body = []
            return
        }
        request.body.append(contentsOf: UnsafeRawBufferPointer(start: uploadData, count: size))
    }

    private static func queueOrSuspend(
        _ request: RequestContext,
        daemon: DaemonContext,
        connection: OpaquePointer
    ) -> MHD_Result {
        switch request.exchange.takeResponseOrSuspend(connection) {
        case .queue(let response):
            return Self.queue(response, requestID: request.requestID, daemon: daemon, connection: connection)
        case .wait:
            return .YES
        case .close:
            return .NO
        }
    }

    /// Builds the MHD response and queues it; MHD_NO (close the connection) if MHD refuses. Adds
    /// `X-Request-Id` unless the application set it.
    private static func queue(
        _ prepared: PreparedResponse,
        requestID: String,
        daemon: DaemonContext,
        connection: OpaquePointer
    ) -> MHD_Result {
        let response: OpaquePointer?
        switch prepared.body {
        case .bytes(let bytes):
            response = bytes.withUnsafeBytes { buffer in
                // MUST_COPY: MHD keeps its own copy, so the array's storage need not outlive this call.
                MHD_create_response_from_buffer(
                    buffer.count,
                    UnsafeMutableRawPointer(mutating: buffer.baseAddress),
                    .RESPMEM_MUST_COPY
                )
            }
        case .stream(let stream, let contentLength):
            stream.attach(to: connection)
            // The response owns one reference, released by `freeContentReader` when MHD destroys it.
            let owned = Unmanaged.passRetained(stream).toOpaque()
            response = MHD_create_response_from_callback(
                contentLength.flatMap { UInt64(exactly: $0) } ?? pop3gw_MHD_size_unknown(),
                Self.streamBlockSize,
                Self.contentReader,
                owned,
                Self.freeContentReader
            )
            if response == nil {
                Unmanaged<BodyStream>.fromOpaque(owned).release()
                stream.requestEnded()
            }
        }
        guard let response else { return .NO }
        defer { MHD_destroy_response(response) }
        Self.add(
            prepared.headers,
            requestID: requestID.isEmpty || prepared.headers.contains(RequestID.headerName) ? nil : requestID,
            // Drains keep-alive connections while the daemon stops.
            closing: daemon.isStopping,
            to: response
        )
        let status = (100...999).contains(prepared.status) ? UInt32(prepared.status) : 500
        return MHD_queue_response(connection, status, response)
    }

    /// The buffer MHD allocates per streamed response for the content reader to fill.
    private static let streamBlockSize = 64 * 1024

    /// Adds the fields, except those that could split the response (CR, LF or NUL in the name or value),
    /// an empty name and an application `Content-Length` (MHD computes it itself); then `X-Request-Id`
    /// and `Connection: close` if asked. They go to MHD, which copies them, from one NUL-separated
    /// buffer on the stack: passed one by one, every small Swift string would be copied to the heap
    /// for its C string, some ten allocations per answer.
    private static func add(_ headers: HTTPHeaders, requestID: String?, closing: Bool, to response: OpaquePointer) {
        // Room for all of them (the refused ones included), each string with its NUL.
        var bytes = requestID.map { RequestID.headerName.utf8.count + $0.utf8.count + 2 } ?? 0
        if closing { bytes += "Connection".utf8.count + "close".utf8.count + 2 }
        for (name, value) in headers {
            bytes += name.utf8.count + value.utf8.count + 2
        }
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: bytes) { buffer in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            /// Appends `text` and a NUL to the buffer; nil, appending nothing, if it holds a CR, LF or NUL.
            func cString(_ text: String) -> UnsafeMutablePointer<CChar>? {
                let start = base + offset
                guard let copied = text.utf8.withContiguousStorageIfAvailable({ Self.copyChecked($0, to: start) })
                else {
                    // A string without contiguous UTF-8 of its own (lazily bridged): made native first.
                    var native = text
                    native.makeContiguousUTF8()
                    return cString(native)
                }
                guard let copied else { return nil }
                offset += copied
                return start
            }
            func add(_ name: String, _ value: String) {
                let mark = offset
                guard !name.isEmpty, let name = cString(name), let value = cString(value) else {
                    offset = mark
                    return
                }
                // MHD refuses some fields (its own Content-Length, malformed ones): those are dropped.
                _ = MHD_add_response_header(response, name, value)
            }
            for (name, value) in headers where !HTTPHeaders.namesMatch(name, "Content-Length") {
                add(name, value)
            }
            if let requestID { add(RequestID.headerName, requestID) }
            if closing { add("Connection", "close") }
        }
    }

    /// Copies `utf8` and a NUL to `target` in the same pass that checks it: the bytes written, or nil if
    /// `utf8` holds a CR, LF or NUL.
    private static func copyChecked(
        _ utf8: UnsafeBufferPointer<UInt8>,
        to target: UnsafeMutablePointer<CChar>
    ) -> Int? {
        for (index, byte) in utf8.enumerated() {
            guard byte != UInt8(ascii: "\r"), byte != UInt8(ascii: "\n"), byte != 0 else { return nil }
            target[index] = CChar(bitPattern: byte)
        }
        target[utf8.count] = 0
        return utf8.count + 1
    }

    private static func requestHeaders(_ connection: OpaquePointer) -> HTTPHeaders {
        var headers = HTTPHeaders()
        // Room for what a browser sends, so that the array is allocated once rather than grown field by field.
        headers.reserveCapacity(16)
        withUnsafeMutablePointer(to: &headers) { pointer in
            _ = MHD_get_connection_values_n(
                connection,
                .HEADER_KIND,
                { cls, _, key, keySize, value, valueSize in
                    guard let cls, let key else { return .YES }
                    let name = String(decoding: UnsafeRawBufferPointer(start: key, count: keySize), as: UTF8.self)
                    let text = value.map {
                        String(decoding: UnsafeRawBufferPointer(start: $0, count: valueSize), as: UTF8.self)
                    }
                    cls.assumingMemoryBound(to: HTTPHeaders.self).pointee.add(name: name, value: text ?? "")
                    return .YES
                },
                pointer
            )
        }
        return headers
    }

    private static func bodyTooLarge(limit: Int) -> HTTPResponse {
        HTTPResponse(
            problem: Problem(
                status: 413,
                code: "body_too_large",
                title: "Content Too Large",
                detail: "The request body is larger than the limit of \(limit) bytes."
            )
        )
    }
}
