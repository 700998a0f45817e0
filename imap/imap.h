/* imap.h - ndrsweep's IMAP side: names on the wire, sessions, the scan. */
#ifndef NDRSWEEP_IMAP_H
#define NDRSWEEP_IMAP_H

/*
 * Folder names travel in modified UTF-7 (RFC 3501, 5.1.3): printable ASCII
 * as itself ("&" as "&-"), anything else as "&" + modified base64 of its
 * UTF-16 + "-". Both return a new string, or NULL for input that is not
 * valid UTF-8 (encode) or valid modified UTF-7 (decode).
 */
char	*mutf7_encode(const char *utf8);
char	*mutf7_decode(const char *mutf7);

#endif
