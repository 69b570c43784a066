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

#endif
