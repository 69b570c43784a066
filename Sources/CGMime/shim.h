#ifndef POP3GW_CGMIME_SHIM_H
#define POP3GW_CGMIME_SHIM_H

#include <gmime/gmime.h>

// GObject's type checks and casts are macros, which Swift cannot import.

/// GMIME_IS_MULTIPART: whether an object is a multipart.
static inline gboolean pop3gw_is_multipart(GMimeObject *object) { return GMIME_IS_MULTIPART(object); }

/// GMIME_IS_PART: whether an object is a leaf part.
static inline gboolean pop3gw_is_part(GMimeObject *object) { return GMIME_IS_PART(object); }

/// GMIME_IS_MESSAGE_PART: whether an object is an embedded message/rfc822.
static inline gboolean pop3gw_is_message_part(GMimeObject *object) { return GMIME_IS_MESSAGE_PART(object); }

/// GMIME_OBJECT: a message as the GMimeObject it derives from (the header-list functions take one).
static inline GMimeObject *pop3gw_message_as_object(GMimeMessage *message) { return GMIME_OBJECT(message); }

/// INTERNET_ADDRESS_IS_MAILBOX + INTERNET_ADDRESS_MAILBOX: the address as a mailbox, NULL if it is a group.
static inline InternetAddressMailbox *pop3gw_address_as_mailbox(InternetAddress *address) {
    return INTERNET_ADDRESS_IS_MAILBOX(address) ? INTERNET_ADDRESS_MAILBOX(address) : NULL;
}

/// INTERNET_ADDRESS_IS_GROUP + INTERNET_ADDRESS_GROUP: the address as a group, NULL if it is a mailbox.
static inline InternetAddressGroup *pop3gw_address_as_group(InternetAddress *address) {
    return INTERNET_ADDRESS_IS_GROUP(address) ? INTERNET_ADDRESS_GROUP(address) : NULL;
}

/// GMIME_IS_MULTIPART + GMIME_MULTIPART: the object as a multipart, NULL if it is none.
static inline GMimeMultipart *pop3gw_object_as_multipart(GMimeObject *object) {
    return GMIME_IS_MULTIPART(object) ? GMIME_MULTIPART(object) : NULL;
}

/// GMIME_IS_PART + GMIME_PART: the object as a leaf part, NULL if it is none.
static inline GMimePart *pop3gw_object_as_part(GMimeObject *object) {
    return GMIME_IS_PART(object) ? GMIME_PART(object) : NULL;
}

/// GMIME_IS_MESSAGE_PART + GMIME_MESSAGE_PART: the object as an embedded message/rfc822, NULL if it is none.
static inline GMimeMessagePart *pop3gw_object_as_message_part(GMimeObject *object) {
    return GMIME_IS_MESSAGE_PART(object) ? GMIME_MESSAGE_PART(object) : NULL;
}

/// GMIME_IS_TEXT_PART: whether a leaf is a text part (GMime makes one for every text/* leaf).
static inline gboolean pop3gw_is_text_part(GMimeObject *object) { return GMIME_IS_TEXT_PART(object); }

/// An fs stream over the whole file (offset 0 to its end, whatever the descriptor's own offset) that does
/// not close the descriptor when it is released: the caller opened it and closes it. GMIME_STREAM_FS is a
/// macro, and g_mime_stream_fs_new alone would take the descriptor over.
static inline GMimeStream *pop3gw_stream_fs_new_borrowed(int fd) {
    GMimeStream *stream = g_mime_stream_fs_new_with_bounds(fd, 0, -1);
    if (stream != NULL) {
        g_mime_stream_fs_set_owner(GMIME_STREAM_FS(stream), FALSE);
    }
    return stream;
}

/// Appends `source` to a concatenation stream made by g_mime_stream_cat_new (GMIME_STREAM_CAT is a macro);
/// the concatenation takes its own reference. 0 on success.
static inline int pop3gw_stream_cat_add(GMimeStream *cat, GMimeStream *source) {
    return g_mime_stream_cat_add_source(GMIME_STREAM_CAT(cat), source);
}

// A sink stream: a write-only GMimeStream that hands every write to a callback, so GMime's own writers
// (g_mime_data_wrapper_write_to_stream decodes a part, g_mime_object_write_to_stream writes a message)
// stream into Swift in chunks, without a buffer the size of the output. A GMime stream is a GObject
// subclass, which Swift cannot declare; g_object_new is variadic.

/// Takes one chunk; returns its length to go on, or -1 to make GMime's writer stop.
typedef ssize_t (*pop3gw_sink_write_function)(void *context, const char *buffer, size_t length);

typedef struct {
    GMimeStream parent_object;
    pop3gw_sink_write_function write;
    void *context;
} Pop3gwSinkStream;

typedef struct {
    GMimeStreamClass parent_class;
} Pop3gwSinkStreamClass;

static ssize_t pop3gw_sink_stream_read(GMimeStream *stream, char *buffer, size_t length) {
    (void)stream, (void)buffer, (void)length;
    return -1;
}

static ssize_t pop3gw_sink_stream_write(GMimeStream *stream, const char *buffer, size_t length) {
    Pop3gwSinkStream *sink = (Pop3gwSinkStream *)stream;
    ssize_t written = sink->write(sink->context, buffer, length);
    if (written > 0) {
        stream->position += written;
    }
    return written;
}

static int pop3gw_sink_stream_succeed(GMimeStream *stream) {
    (void)stream;
    return 0;
}

static gboolean pop3gw_sink_stream_eos(GMimeStream *stream) {
    (void)stream;
    return TRUE;
}

static gint64 pop3gw_sink_stream_seek(GMimeStream *stream, gint64 offset, GMimeSeekWhence whence) {
    (void)stream, (void)offset, (void)whence;
    return -1;
}

static gint64 pop3gw_sink_stream_tell(GMimeStream *stream) { return stream->position; }

static gint64 pop3gw_sink_stream_length(GMimeStream *stream) {
    (void)stream;
    return -1;
}

static GMimeStream *pop3gw_sink_stream_substream(GMimeStream *stream, gint64 start, gint64 end) {
    (void)stream, (void)start, (void)end;
    return NULL;
}

static void pop3gw_sink_stream_class_init(gpointer klass, gpointer data) {
    (void)data;
    GMimeStreamClass *stream_class = GMIME_STREAM_CLASS(klass);
    stream_class->read = pop3gw_sink_stream_read;
    stream_class->write = pop3gw_sink_stream_write;
    stream_class->flush = pop3gw_sink_stream_succeed;
    stream_class->close = pop3gw_sink_stream_succeed;
    stream_class->eos = pop3gw_sink_stream_eos;
    stream_class->reset = pop3gw_sink_stream_succeed;
    stream_class->seek = pop3gw_sink_stream_seek;
    stream_class->tell = pop3gw_sink_stream_tell;
    stream_class->length = pop3gw_sink_stream_length;
    stream_class->substream = pop3gw_sink_stream_substream;
}

/// Registers the sink stream type, or finds it registered. Not thread-safe by itself, and every Swift
/// file that calls it gets its own copy of this static function: call it only through GMimeSinkStream's
/// `static let`, which runs it once per process.
static inline GType pop3gw_sink_stream_register_type(void) {
    GType type = g_type_from_name("Pop3gwSinkStream");
    if (type == 0) {
        type = g_type_register_static_simple(
            GMIME_TYPE_STREAM, g_intern_static_string("Pop3gwSinkStream"), sizeof(Pop3gwSinkStreamClass),
            pop3gw_sink_stream_class_init, sizeof(Pop3gwSinkStream), NULL, 0);
    }
    return type;
}

/// A new sink stream of the registered `type` (transfer full: release it with g_object_unref).
static inline GMimeStream *pop3gw_sink_stream_new(GType type, pop3gw_sink_write_function write, void *context) {
    Pop3gwSinkStream *sink = g_object_new(type, NULL);
    sink->write = write;
    sink->context = context;
    g_mime_stream_construct(GMIME_STREAM(sink), 0, -1);
    return GMIME_STREAM(sink);
}

#endif
