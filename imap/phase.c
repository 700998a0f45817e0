/* phase.c - what the parts of a folder's scan share: memory, the
 * engine's results stored, a session opened again (see scan.c). */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libetpan/libetpan.h>

#include "core/core.h"
#include "core/intake.h"
#include "core/store.h"
#include "imap.h"
#include "scan_int.h"

void *
scan_grow(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		abort();
	if ((p = realloc(p, n * size > 0 ? n * size : 1)) == NULL)
		abort();
	return p;
}


void *
scan_zalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		abort();
	return p;
}

/* Stores what the engine read: in the scan's thread. */
void
store_job(struct intake_job *j, void *arg)
{
	struct phase *ph = arg;
	struct want *w = &ph->cand[j->tag];

	if (!j->read)
		ph->stats->unreadable++;
	if (intake_job_store(&ph->to, j, w->size, w->flags) != 0)
		ph->failed = 1;
	ph->stats->fetched++;
	w->stored = true;
}

/* What the engine has read so far, stored; with wait, all of it. */
void
engine_drain(struct phase *ph, bool wait)
{
	intake_drain(ph->eng, wait, store_job, ph);
	if (wait)
		ph->eng = NULL;
}

/* The connection is gone (Dovecot hangs up when it cannot read a message;
 * libetpan's stream is out of step after a reply it cannot parse): open
 * it again and select the folder again. */
int
recover(struct imap_conn *c, struct phase *ph, char *err, size_t errlen)
{
	char why[512];
	int r;

	if (c->reopen == NULL || ++ph->reopens > MAX_REOPENS)
		return -1;
	if ((r = c->reopen(c, c->reopen_arg, why, sizeof why)) != 0) {
		/* -2: the run's bounds; what led here says more */
		if (r != -2)
			snprintf(err, errlen, "%s", why);
		return -1;
	}
	if ((r = mailimap_examine(c->s, ph->wire)) != MAILIMAP_NO_ERROR) {
		snprintf(err, errlen, "cannot open folder %s again: %s",
		    ph->name, imap_why(c, r));
		return -1;
	}
	return 0;
}
