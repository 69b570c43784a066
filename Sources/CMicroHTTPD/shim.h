#ifndef POP3GW_CMICROHTTPD_SHIM_H
#define POP3GW_CMICROHTTPD_SHIM_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <microhttpd.h>

/// MHD_start_daemon is variadic, which Swift cannot call: pass every option through one
/// MHD_OPTION_ARRAY instead (the array ends with MHD_OPTION_END).
static inline struct MHD_Daemon *pop3gw_MHD_start_daemon(
    unsigned int flags, uint16_t port, MHD_AcceptPolicyCallback apc, void *apc_cls,
    MHD_AccessHandlerCallback dh, void *dh_cls, struct MHD_OptionItem *options) {
    return MHD_start_daemon(flags, port, apc, apc_cls, dh, dh_cls, MHD_OPTION_ARRAY, options, MHD_OPTION_END);
}

/// Whether this libmicrohttpd was built with TLS (MHD_FEATURE_TLS shares its value with the deprecated
/// MHD_FEATURE_SSL, so Swift's import of the enum is ambiguous about it).
static inline bool pop3gw_MHD_supports_tls(void) {
    return MHD_is_feature_supported(MHD_FEATURE_TLS) == MHD_YES;
}

/// MHD_get_connection_info is variadic, which Swift cannot call: this fetches only the client's
/// address (MHD_CONNECTION_INFO_CLIENT_ADDRESS takes no extra argument); NULL if MHD has none.
static inline const struct sockaddr *pop3gw_MHD_connection_client_address(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    return info == NULL ? NULL : info->client_addr;
}

/// MHD_get_connection_info is variadic, which Swift cannot call: this fetches only the connection's
/// socket (MHD_CONNECTION_INFO_CONNECTION_FD takes no extra argument); -1 if MHD has none.
static inline int pop3gw_MHD_connection_socket(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    return info == NULL ? -1 : info->connect_fd;
}

/// MHD_get_connection_info is variadic, which Swift cannot call: this fetches only the pointer the
/// connection-notification callback stored in the connection's socket context; NULL if none.
static inline void *pop3gw_MHD_connection_socket_context(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info == NULL ? NULL : info->socket_context;
}

/// MHD_CONTENT_READER_END_OF_STREAM is a macro with a cast, which Swift does not import: the
/// content reader returns this when the producer finished normally.
static inline ssize_t pop3gw_MHD_content_reader_end_of_stream(void) {
    return MHD_CONTENT_READER_END_OF_STREAM;
}

/// MHD_CONTENT_READER_END_WITH_ERROR is a macro with a cast, which Swift does not import: the
/// content reader returns this to make MHD close the connection mid-body.
static inline ssize_t pop3gw_MHD_content_reader_end_with_error(void) {
    return MHD_CONTENT_READER_END_WITH_ERROR;
}

/// MHD_SIZE_UNKNOWN may be defined with a cast, which Swift does not import: the response size
/// to pass when a streamed body has no Content-Length (MHD then uses chunked encoding).
static inline uint64_t pop3gw_MHD_size_unknown(void) {
    return MHD_SIZE_UNKNOWN;
}

#endif
