/* guard.h - bounds on what a server may send (guard.c); private to imap/. */
#ifndef NDRSWEEP_GUARD_H
#define NDRSWEEP_GUARD_H

#include <stdbool.h>
#include <stddef.h>

#include <libetpan/libetpan.h>

#define GUARD_RATE	2048		/* bytes that buy an answer a second */
#define GUARD_CAP	(16u << 20)	/* bytes of one answer libetpan reads */

/* Watch a socket from now on: its handshake and greeting must be done
 * in wait seconds, and each answer begun in as many (the account's
 * timeout). The slot, or -1 (too many sessions). */
int	guard_watch_fd(int fd, unsigned wait);
void	guard_release(int slot);
/* Wait for an answer again from now (a TLS handshake on the slot). */
void	guard_arm(int slot);
/* A guard around inner (a socket or TLS stream), watched in slot. */
mailstream_low *guard_wrap(mailstream_low *inner, int slot);
/* The stream s is the slot's from now on (the watchdog may cancel it). */
void	guard_stream_set(int slot, mailstream *s);
/* The guard of s reads through inner from now on (after STARTTLS). */
void	guard_rewrap(mailstream *s, mailstream_low *inner);
/* A layer put between the guard and its stream: wrap(inner, arg) gives
 * the stream that takes inner's place and owns it, or NULL (nothing
 * changed: false). */
bool	guard_layer(mailstream *s,
	    mailstream_low *(*wrap)(mailstream_low *, void *), void *arg);
/* The answer to the command just sent has no size cap: its reader
 * (fetch.c) caps each response itself. */
void	guard_lift(mailstream *s);
/* Why the stream failed (it fails for good), or NULL. */
const char *guard_why(mailstream *s);
/* Mark the stream failed: a reader found it out of step. */
void	guard_break(mailstream *s, const char *why);
/* Why the watchdog cut the slot's socket, if it did. */
bool	guard_slot_why(int slot, char *why, size_t len);
/* How many answers were cut for size or time in this process. */
unsigned guard_trips(void);

#endif
