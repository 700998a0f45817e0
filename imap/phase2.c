/* phase2.c - the scan's phase two: the candidates' content fetched and
 * handed to the engine, on a second session during phase one and on the
 * scan's own after it (see scan.c). */
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

/* A candidate one phase-two FETCH asks for. */
struct pick {
	uint32_t	 uid;
	bool		 seen;		/* answered */
	size_t		 ci;		/* its index in ph->cand */
};

static int
cmp_pick(const void *a, const void *b)
{
	uint32_t u = ((const struct pick *)a)->uid;
	uint32_t v = ((const struct pick *)b)->uid;

	return u < v ? -1 : u > v;
}

/* One phase-two FETCH: what it asks for (sorted by UID), and where
 * the answers go. */
struct asked {
	struct pick	*p;
	size_t		 n;
	struct intake	*eng;
	struct phase	*here;		/* set on the scan's thread only */
};

static void
on_body(struct imap_fetched *f, void *arg)
{
	struct asked *a = arg;
	struct pick key = { .uid = f->uid }, *p;
	struct intake_job *j;

	p = bsearch(&key, a->p, a->n, sizeof *a->p, cmp_pick);
	if (p == NULL || p->seen || f->body == NULL)
		return;		/* not asked for, or a second time */
	p->seen = true;
	j = intake_job_new(f->uid, p->ci, f->body, f->bodylen);
	if (a->eng == NULL) {		/* no thread: read here */
		intake_job_read(j, &a->here->lim);
		store_job(j, a->here);
		return;
	}
	intake_push(a->eng, j);
	if (a->here)
		engine_drain(a->here, false);
}

/* UID FETCH of picks p[0..n) (sorted), their content to the engine. */
static int
fetch_picks(struct imap_conn *c, struct pick *p, size_t n,
    struct intake *eng, struct phase *here, char *err, size_t errlen)
{
	uint32_t *uids = scan_grow(NULL, n + 1, sizeof *uids);
	struct mailimap_set *set;
	struct asked a = { p, n, eng, here };
	int rc;

	for (size_t i = 0; i < n; i++)
		uids[i] = p[i].uid;
	set = imap_uid_set(uids, n);
	free(uids);
	rc = imap_fetch_body(c, set, BODY_CAP, on_body, &a, err, errlen);
	mailimap_set_free(set);
	return rc;
}

/*
 * Phase two on a session of its own. The server reads each candidate's
 * content from its disk, as long again as phase one takes; on the scan's
 * session that would come after phase one, here it comes during it (the
 * server runs a process per session). Started when phase one finds the
 * folder's first candidate with SECOND_AHEAD messages or more still to
 * read (with fewer, a login costs more than it saves), it logs in, opens
 * the folder (the same UIDVALIDITY, or it stops) and asks for the
 * candidates phase one has found so far, SECOND_MIN or more at a time,
 * until phase one is done and none is left. It only fetches: the
 * engine's threads read, and the scan's thread stores. Whatever it did
 * not deliver (no login, a connection lost, a message left out) is asked
 * for again on the scan's session after phase one, as if this session
 * had never been.
 */
struct second {
	pthread_t		 th;
	struct imap_conn	 conn;
	int			(*open)(struct imap_conn *, void *, char *,
				    size_t);
	void			*open_arg;
	const char		*wire;
	uint32_t		 uidvalidity;
	struct intake		*eng;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	struct pick		*q;		/* offered by phase one */
	size_t			 nq, capq, taken;
	bool			 closing;	/* phase one is done */
	bool			 gone;		/* this session gave up */
};

static void *
second_main(void *arg)
{
	struct second *sc = arg;
	struct pick *batch = NULL;
	char err[256];
	bool ok;

	sc->conn.reopen = sc->open;
	sc->conn.reopen_arg = sc->open_arg;
	/* phase two starts only with many messages ahead: compressed, if
	 * the link is slow */
	ok = sc->open(&sc->conn, sc->open_arg, err, sizeof err) == 0 &&
	    imap_compress(&sc->conn, err, sizeof err) == 0 &&
	    mailimap_examine(sc->conn.s, sc->wire) == MAILIMAP_NO_ERROR &&
	    sc->conn.s->imap_selection_info != NULL &&
	    sc->conn.s->imap_selection_info->sel_uidvalidity ==
	    sc->uidvalidity;
	while (ok) {
		size_t n;
		pthread_mutex_lock(&sc->mu);
		while (!sc->closing && sc->nq - sc->taken < SECOND_MIN)
			pthread_cond_wait(&sc->cv, &sc->mu);
		n = sc->nq - sc->taken;
		if (n > SECOND_MAX)
			n = SECOND_MAX;
		batch = scan_grow(batch, n + 1, sizeof *batch);
		memcpy(batch, sc->q + sc->taken, n * sizeof *batch);
		sc->taken += n;
		pthread_mutex_unlock(&sc->mu);
		if (n == 0)
			break;		/* phase one is done, and so is this */
		qsort(batch, n, sizeof *batch, cmp_pick);
		ok = fetch_picks(&sc->conn, batch, n, sc->eng, NULL, err,
		    sizeof err) == 0;
	}
	free(batch);
	pthread_mutex_lock(&sc->mu);
	sc->gone = true;
	pthread_mutex_unlock(&sc->mu);
	if (ok)
		imap_close(&sc->conn);
	else	/* out of step or gone: no LOGOUT to wait for */
		imap_drop(&sc->conn);
	return NULL;
}

/* Phase one found candidate ci: to the second session, started on the
 * first one. Without it (no way to log in again, no thread), phase two
 * reads them all after phase one. */
void
second_offer(struct phase *ph, size_t ci)
{
	struct second *sc = ph->second;

	if (sc == NULL) {
		if (ph->tried_second || ph->conn == NULL ||
		    ph->conn->reopen == NULL || ph->total < ph->seen +
		    SECOND_AHEAD)
			return;
		ph->tried_second = true;
		if (ph->eng == NULL && (ph->eng = intake_start(&ph->lim)) == NULL)
			return;
		sc = scan_zalloc(1, sizeof *sc);
		sc->open = ph->conn->reopen;
		sc->open_arg = ph->conn->reopen_arg;
		sc->wire = ph->wire;
		sc->uidvalidity = ph->uidvalidity;
		sc->eng = ph->eng;
		pthread_mutex_init(&sc->mu, NULL);
		pthread_cond_init(&sc->cv, NULL);
		if (pthread_create(&sc->th, NULL, second_main, sc) != 0) {
			pthread_cond_destroy(&sc->cv);
			pthread_mutex_destroy(&sc->mu);
			free(sc);
			return;
		}
		ph->second = sc;
	}
	pthread_mutex_lock(&sc->mu);
	if (!sc->gone) {
		if (sc->nq == sc->capq) {
			sc->capq = sc->capq ? sc->capq * 2 : 256;
			sc->q = scan_grow(sc->q, sc->capq, sizeof *sc->q);
		}
		sc->q[sc->nq++] = (struct pick){ ph->cand[ci].uid, false, ci };
		if (sc->nq - sc->taken >= SECOND_MIN)
			pthread_cond_signal(&sc->cv);
	}
	pthread_mutex_unlock(&sc->mu);
}

/* Phase one is done: the second session fetches what is left (nothing
 * when phase one failed: the folder is rolled back), and ends. */
void
second_finish(struct phase *ph, bool failed)
{
	struct second *sc = ph->second;

	pthread_mutex_lock(&sc->mu);
	sc->closing = true;
	if (failed)
		sc->taken = sc->nq;
	pthread_cond_signal(&sc->cv);
	pthread_mutex_unlock(&sc->mu);
	/* what it still fetches is read and stored meanwhile: the reports
	 * read and not stored waited here, 190 MB of them when phase one
	 * ended long before phase two (a million messages) */
	for (bool gone = false; !gone && ph->eng;) {
		intake_wait(ph->eng, 20);
		engine_drain(ph, false);
		pthread_mutex_lock(&sc->mu);
		gone = sc->gone;
		pthread_mutex_unlock(&sc->mu);
	}
	pthread_join(sc->th, NULL);
	pthread_cond_destroy(&sc->cv);
	pthread_mutex_destroy(&sc->mu);
	free(sc->q);
	free(sc);
	ph->second = NULL;
}

/*
 * Phase two on the scan's session: the candidates not stored yet. When
 * the connection drops on the way (Dovecot hangs up on a message it
 * cannot read), it is opened again and the first candidate not delivered
 * is asked for alone: if that drops it too, it is the one the server
 * cannot give, left out (stored as unreadable), and the rest follows.
 */
int
read_rest(struct imap_conn *c, struct phase *ph, char *err, size_t errlen)
{
	struct pick *p = scan_grow(NULL, ph->ncand + 1, sizeof *p);
	size_t n = 0, i = 0;
	int rc = 0;

	for (size_t k = 0; k < ph->ncand; k++)
		if (!ph->cand[k].stored)
			p[n++] = (struct pick){ ph->cand[k].uid, false, k };
	if (n > 1)	/* qsort(NULL, 0) is undefined */
		qsort(p, n, sizeof *p, cmp_pick);
	if (n > 0)
		ph->eng = intake_start(&ph->lim);
	while (i < n) {
		size_t k = n - i < SECOND_MAX ? n - i : SECOND_MAX, j = i;
		if (fetch_picks(c, p + i, k, ph->eng, ph, err, errlen) == 0) {
			i += k;
			continue;
		}
		if (ph->failed || recover(c, ph, err, errlen) != 0) {
			rc = -1;
			break;
		}
		while (j < i + k && p[j].seen)
			j++;
		if (j == i + k) {	/* all came: the rest */
			i = j;
			continue;
		}
		if (fetch_picks(c, p + j, 1, ph->eng, ph, err, errlen) != 0 &&
		    (ph->failed || recover(c, ph, err, errlen) != 0)) {
			rc = -1;
			break;
		}
		i = j + 1;	/* the rest, at once again */
	}
	if (ph->eng)	/* all read and stored, also when the fetch failed */
		engine_drain(ph, true);
	free(p);
	return rc;
}
