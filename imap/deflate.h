/* deflate.h - COMPRESS=DEFLATE's streams (RFC 4978); private to imap/. */
#ifndef NDR_DEFLATE_H
#define NDR_DEFLATE_H

#include <stdbool.h>

#include <libetpan/libetpan.h>

/* Both directions of the guarded stream s deflated from now on (after the
 * server's OK to COMPRESS DEFLATE); false when zlib cannot start (s as it
 * was). */
bool	deflate_layer(mailstream *s);

#endif
