import CGMime

/// A GMime stream whose writes go to a Swift closure (the sink stream of shim.h), so that GMime's own
/// writers decode a part or write a message straight into Swift, one chunk at a time, without a buffer
/// the size of the output.
enum GMimeSinkStream {
    /// GObject registers a type once per process, by name; a Swift static runs the registration exactly
    /// once (swift_once), which the C helper alone does not guarantee.
    private static let type: GType = {
        GMimeLibrary.initializeOnce()
        return pop3gw_sink_stream_register_type()
    }()

    /// Runs `write` with a stream that hands every chunk written to it to `consume`. `consume` returns
    /// false to stop: the stream then fails the write, and GMime's writer gives up.
    static func withStream<Result>(
        consuming consume: (UnsafeRawBufferPointer) -> Bool,
        _ write: (UnsafeMutablePointer<GMimeStream>) -> Result
    ) -> Result {
        withoutActuallyEscaping(consume) { consume in
            let consumer = Consumer(consume)
            // The stream, which holds `consumer` unretained, is released while `consumer` still lives; GMime's
            // writers release every stream they wrap around it before they return.
            return withExtendedLifetime(consumer) {
                let context = Unmanaged.passUnretained(consumer).toOpaque()
                guard let stream = pop3gw_sink_stream_new(self.type, Self.forwardChunk, context) else {
                    preconditionFailure("GObject could not make a sink stream")
                }
                defer { g_object_unref(stream) }
                return write(stream)
            }
        }
    }

    /// The C callback: finds the consumer again and passes it the chunk; -1 tells GMime to stop.
    private static let forwardChunk: pop3gw_sink_write_function = { context, buffer, length in
        guard let context else { return -1 }
        let consumer = Unmanaged<Consumer>.fromOpaque(context).takeUnretainedValue()
        return consumer.consume(UnsafeRawBufferPointer(start: buffer, count: length)) ? length : -1
    }

    private final class Consumer {
        let consume: (UnsafeRawBufferPointer) -> Bool

        init(_ consume: @escaping (UnsafeRawBufferPointer) -> Bool) {
            self.consume = consume
        }
    }
}
