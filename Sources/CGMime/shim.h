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

#endif
