#ifndef POP3GW_COPENSSL_SHIM_H
#define POP3GW_COPENSSL_SHIM_H

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

// OpenSSL spells these as macros over SSL_ctrl / SSL_CTX_ctrl, which Swift cannot import.

/// SSL_set_tlsext_host_name: sets the SNI host name.
static inline int pop3gw_SSL_set_tlsext_host_name(SSL *ssl, const char *name) {
    return (int)SSL_set_tlsext_host_name(ssl, name);
}

/// SSL_CTX_set_min_proto_version: the lowest TLS version the context accepts.
static inline int pop3gw_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_min_proto_version(ctx, version);
}

/// SSL_CTX_set_max_proto_version: the highest TLS version the context accepts.
static inline int pop3gw_SSL_CTX_set_max_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_max_proto_version(ctx, version);
}

/// SSL_CTX_set_mode: turns on the given SSL_MODE_* bits for every SSL made from the context.
static inline long pop3gw_SSL_CTX_set_mode(SSL_CTX *ctx, long mode) {
    return SSL_CTX_set_mode(ctx, mode);
}

/// XN_FLAG_RFC2253: the X509_NAME_print_ex flags for an RFC 2253 distinguished name.
static inline unsigned long pop3gw_XN_FLAG_RFC2253(void) {
    return XN_FLAG_RFC2253;
}

#endif
