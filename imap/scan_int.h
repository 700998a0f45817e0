/* scan_int.h - a folder's scan, shared by its files; private to imap/. */
#ifndef NDRSWEEP_SCAN_INT_H
#define NDRSWEEP_SCAN_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "core/intake.h"
#include "imap.h"

#define BATCH		100		/* messages per FETCH when training */
#define SECOND_MIN	64		/* the second session waits for as many */
#define SECOND_MAX	1000		/* and asks for at most as many at once */
#define SECOND_AHEAD	2000		/* phase one has as many left to read */
#define COMPRESS_MIN_NEW 1000		/* new messages worth COMPRESS's round
					 * trips (imap_compress) */
#define BODY_CAP	(2u << 20)	/* what the engine reads of one */

struct want {
	uint32_t	 uid, size;
	char		*flags;
	bool		 stored;	/* phase two stored what it read */
};

struct second;

struct phase {
	struct store		*st;
	int64_t			 folder;
	bool			 sent;		/* index it as a Sent folder */
	uint32_t		 above;		/* UIDs <= this were read */
	uint32_t		 highest;
	struct want		*cand;
	size_t			 ncand, capcand;
	struct imap_scan_stats	*stats;
	int			 failed;
	const char		*name, *wire;
	unsigned		 done, total;	/* for the progress line */
	unsigned		 seen;		/* new messages phase one read */
	uint32_t		 last;		/* the last UID delivered */
	unsigned		 reopens;	/* connections opened again */
	struct ndr_limits	 lim;		/* the engine's, with tokens */
	struct intake		*eng;		/* phase two's reader threads */
	struct intake_to	 to;		/* where the intake stores */
	struct second		*second;	/* phase two's own session */
	const struct imap_conn	*conn;		/* the scan's session */
	uint32_t		 uidvalidity;
	bool			 tried_second;
};


#define MAX_REOPENS	50	/* per folder: past that the server is broken */

/* phase.c */
void	*scan_grow(void *, size_t n, size_t size);	/* aborts when out of memory */
void	*scan_zalloc(size_t n, size_t size);
/* What the engine read, stored (the intake's callback). */
void	 store_job(struct intake_job *, void *phase);
/* What the engine has read so far, stored; with wait, all of it. */
void	 engine_drain(struct phase *, bool wait);
/* The session opened again, and the folder (within the run's bounds). */
int	 recover(struct imap_conn *, struct phase *, char *err, size_t errlen);
/* phase2.c */
/* Phase one found candidate ci: to the second session, started when
 * enough is left to read. */
void	 second_offer(struct phase *, size_t ci);
void	 second_finish(struct phase *, bool failed);
/* Phase two on the scan's session: the candidates not stored yet. */
int	 read_rest(struct imap_conn *, struct phase *, char *err,
	    size_t errlen);

#endif
