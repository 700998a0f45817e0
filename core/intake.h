/*
 * intake.h - the scan's way into the engine: imap/ hands in the bytes it
 * fetched, the store gets the rows. Phase one's header fields are read
 * here (ordinary mail stored, a possible report named); phase two's whole
 * messages are read by reader threads and stored in the caller's thread,
 * inside the caller's transaction.
 */
#ifndef NDR_INTAKE_H
#define NDR_INTAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core.h"
#include "verdict.h"

struct store;

/* Where a folder's messages go, and what became of them. */
struct intake_to {
	struct store	*st;
	int64_t		 folder;
	bool		 sent;		/* also to the Sent index */
	unsigned	*by_kind;	/* counted, by enum ndr_kind */
	unsigned	*sent_indexed;
	bool		 again;		/* plain mail the store may hold a row
					 * of (a retry of the unreadable) */
};

/*
 * Phase one: a new message's header fields as the server sent them.
 * Stored as ordinary mail (0), or named a possible report (1) for the
 * caller to fetch whole; -1 when the store failed. flags are the
 * message's, kept with it.
 */
int	intake_head(const struct intake_to *, uint32_t uid, uint32_t size,
	    const char *flags, const char *hdr, size_t len);

/* One message read whole: what the engine made of it. */
struct intake_job {
	struct intake_job	*next;
	uint32_t		 uid;
	size_t			 tag;		/* the caller's */
	char			*body;		/* freed once read */
	size_t			 blen;
	enum ndr_kind		 kind;
	bool			 read, evidence;
	int64_t			 date;
	char			*json, *mid;
	struct ndr_evidence	 ev;
};

/* A job for body (copied) of message uid. */
struct intake_job *intake_job_new(uint32_t uid, size_t tag, const char *body,
	    size_t len);
/* Read it here and now (no reader thread). */
void	intake_job_read(struct intake_job *, const struct ndr_limits *);
/* Store it (and its evidence) with the size and flags phase one saw, as
 * unreadable when it could not be read; then free it. -1 store error. */
int	intake_job_store(const struct intake_to *, struct intake_job *,
	    uint32_t size, const char *flags);

/* The reader threads; NULL when none could start (read in place then). */
struct intake;
struct intake *intake_start(const struct ndr_limits *);
/* Queue a job (any thread); waits while the readers are far behind. */
void	intake_push(struct intake *, struct intake_job *);
/* Until a job is read (and not drained yet), or ms milliseconds. */
void	intake_wait(struct intake *, int ms);
/* The jobs read so far, to fn in the caller's thread; with last, all of
 * them, and the intake is gone. */
void	intake_drain(struct intake *, bool last,
	    void (*fn)(struct intake_job *, void *), void *);

#endif
