/*
 * settle.c - what a refused command or a dead run left pending in the
 * journal, decided against the server (see actions.c): a message leaves
 * its folder only once the same bytes are proven in its destination.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <libetpan/libetpan.h>

#include "core/core.h"
#include "core/store.h"
#include "act.h"
#include "imap.h"

/* ---- what proves that a message in a folder is this one ---- */

struct seen {			/* a message as a folder shows it */
	uint32_t	 uid, size;
	char		 fp[33];	/* its header's fingerprint; "" unknown */
};
struct seen_list {
	struct seen	*v;
	size_t		 n, cap;
	bool		 header;	/* fingerprints asked for */
	uint32_t	 lo;		/* answers below are "N:*"'s last */
};

/* The first 128 bits of the header block's SHA-256, in hex. */
static void
fingerprint(const char *hdr, size_t len, char out[33])
{
	unsigned char d[32];

	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, hdr, len, d) != 0) {
		out[0] = '\0';
		return;
	}
	for (size_t i = 0; i < 16; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void
on_seen(struct imap_fetched *f, void *arg)
{
	struct seen_list *l = arg;

	if (f->uid < l->lo || f->uid == 0)
		return;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = realloc(l->v, l->cap * sizeof *l->v);
		if (l->v == NULL)
			abort();
	}
	struct seen *e = &l->v[l->n++];
	e->uid = f->uid;
	e->size = f->size;
	e->fp[0] = '\0';
	if (l->header && f->body)
		fingerprint(f->body, f->bodylen, e->fp);
}

static int
cmp_seen(const void *a, const void *b)
{
	return act_cmp_u32(&((const struct seen *)a)->uid,
	    &((const struct seen *)b)->uid);
}

/* Size (and, with header, fingerprint) of the selected folder's messages
 * in set, sorted by UID. */
static int
seen_fetch(struct imap_conn *c, struct mailimap_set *set, bool header,
    uint32_t lo, struct seen_list *l, char *err, size_t errlen)
{
	l->header = header;
	l->lo = lo;
	if (imap_fetch_proof(c, set, header, on_seen, l, err, errlen) != 0)
		return -1;
	if (l->n > 1)
		qsort(l->v, l->n, sizeof *l->v, cmp_seen);
	return 0;
}

static const struct seen *
seen_find(const struct seen_list *l, uint32_t uid)
{
	struct seen key = { .uid = uid };

	return l->n ? bsearch(&key, l->v, l->n, sizeof *l->v, cmp_seen) :
	    NULL;
}

/* ---- settling what a failed command or a dead run left pending ---- */

struct pend {
	struct store_act	*v;
	size_t			 n, cap;
};

static int
collect(const struct store_act *a, void *arg)
{
	struct pend *p = arg;

	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 64;
		p->v = realloc(p->v, p->cap * sizeof *p->v);
		if (p->v == NULL)
			abort();
	}
	struct store_act *d = &p->v[p->n++];
	*d = *a;
	d->action = strdup(a->action);
	d->folder = strdup(a->folder);
	d->message_id = a->message_id ? strdup(a->message_id) : NULL;
	d->dest = a->dest ? strdup(a->dest) : NULL;
	d->origin = a->origin ? strdup(a->origin) : NULL;
	return 0;
}

static void
pend_free(struct pend *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free((char *)p->v[i].action);
		free((char *)p->v[i].folder);
		free((char *)p->v[i].message_id);
		free((char *)p->v[i].dest);
		free((char *)p->v[i].origin);
	}
	free(p->v);
	memset(p, 0, sizeof *p);
}

/*
 * A proven copy in the selected folder for each message of src (size and
 * fingerprint known): a message with UID lo or above, of the same size
 * and fingerprint, each matched once (out[i], 0: none).
 */
static int
locate(struct imap_conn *c, const struct seen *src, size_t n, uint32_t lo,
    uint32_t *out, char *err, size_t errlen)
{
	struct seen_list sizes = { 0 }, full = { 0 };
	struct mailimap_set *set;
	uint32_t *want = NULL;
	size_t nwant = 0;
	int rc = -1;

	memset(out, 0, n * sizeof *out);
	set = mailimap_set_new_interval(lo ? lo : 1, 0);
	rc = seen_fetch(c, set, false, lo, &sizes, err, errlen);
	mailimap_set_free(set);
	if (rc != 0)
		goto out;
	want = calloc(sizes.n + 1, sizeof *want);
	if (want == NULL)
		abort();
	for (size_t k = 0; k < sizes.n; k++)
		for (size_t i = 0; i < n; i++)
			if (src[i].uid && src[i].fp[0] &&
			    src[i].size == sizes.v[k].size) {
				want[nwant++] = sizes.v[k].uid;
				break;
			}
	if (nwant > 0) {
		set = imap_uid_set(want, nwant);
		rc = seen_fetch(c, set, true, lo, &full, err, errlen);
		mailimap_set_free(set);
		if (rc != 0)
			goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (src[i].uid == 0 || src[i].fp[0] == '\0')
			continue;
		for (size_t k = 0; k < full.n; k++)
			if (full.v[k].uid && full.v[k].size == src[i].size &&
			    strcmp(full.v[k].fp, src[i].fp) == 0) {
				out[i] = full.v[k].uid;
				full.v[k].uid = 0;	/* one row each */
				break;
			}
	}
	rc = 0;
out:
	free(sizes.v);
	free(full.v);
	free(want);
	return rc;
}

/* The first UID at lo or above of a message with this Message-ID in the
 * selected folder, 0 none. */
static uint32_t
find_mid_above(struct imap_conn *c, const char *mid, uint32_t lo)
{
	struct mailimap_search_key *key, *all;
	clist *res = NULL;
	uint32_t uid = 0;

	if (mid == NULL)
		return 0;
	all = mailimap_search_key_new_multiple_empty();
	mailimap_search_key_multiple_add(all, mailimap_search_key_new_uid(
	    mailimap_set_new_interval(lo ? lo : 1, 0)));
	mailimap_search_key_multiple_add(all, mailimap_search_key_new_header(
	    strdup("Message-ID"), strdup(mid)));
	key = all;
	if (mailimap_uid_search(c->s, NULL, key, &res) == MAILIMAP_NO_ERROR &&
	    res)
		for (clistiter *it = clist_begin(res); it && !uid;
		    it = clist_next(it)) {
			uint32_t u = *(uint32_t *)clist_content(it);
			if (u >= lo)	/* "N:*" matches the last one too */
				uid = u;
		}
	if (res)
		mailimap_search_result_free(res);
	mailimap_search_key_free(key);
	return uid;
}

/* Open a folder to read it: 1 opened, 0 it is not there, -1 the session
 * failed. */
static int
examine_folder(struct imap_conn *c, const char *name, uint32_t *uv)
{
	char *wire = mutf7_encode(name);
	int r;

	*uv = 0;
	if (wire == NULL)
		return 0;
	r = mailimap_examine(c->s, wire);
	free(wire);
	if (r == MAILIMAP_NO_ERROR) {
		*uv = c->s->imap_selection_info->sel_uidvalidity;
		return 1;
	}
	/* a NO (no such folder) says it holds nothing; anything else
	 * says nothing */
	return r == MAILIMAP_ERROR_EXAMINE && imap_usable(c) ? 0 : -1;
}

/* 1 the server lists the folder, 0 it does not, -1 it did not say. */
static int
folder_listed(struct imap_conn *c, const char *name)
{
	char *wire = mutf7_encode(name);
	clist *list = NULL;
	int r, rc;

	if (wire == NULL)
		return 0;
	r = mailimap_list(c->s, "", wire, &list);
	free(wire);
	rc = r != MAILIMAP_NO_ERROR ? -1 : list && clist_count(list) > 0;
	if (list)
		mailimap_list_result_free(list);
	return rc;
}

/* The state each row ends in, from where its message is now. */
static enum store_jstate
outcome(const struct store_act *a, uint32_t src, uint32_t dst)
{
	if (a->dest == NULL) {		/* purge or keep: no destination */
		if (src && strcmp(a->action, "keep") != 0)
			return JS_DROPPED;	/* not expunged: decided again */
		return JS_DONE;		/* purged, or a keyword the journal
					 * remembers */
	}
	if (src && dst)
		return JS_COPIED;	/* proven copy; no UIDPLUS to finish */
	if (src)
		return JS_DROPPED;	/* never carried out: left in place */
	return dst ? JS_DONE : JS_VANISHED;
}

/*
 * Where the rows' messages are in their source, with size and
 * fingerprint: by UID, or (the folder renumbered) by Message-ID. A row
 * whose message may be there but cannot be told gets uid 1 and no
 * fingerprint: left alone, never proven.
 */
static int
source_state(struct imap_conn *c, const struct store_act *a, size_t n,
    struct seen *src, char *err, size_t errlen)
{
	struct seen_list got = { 0 };
	uint32_t uv, *uids = calloc(n + 1, sizeof *uids);
	size_t nu = 0;
	bool renumbered;
	int rc = -1;

	if (uids == NULL)
		abort();
	memset(src, 0, n * sizeof *src);
	if (act_select(c, a[0].folder, &uv, err, errlen) != 0) {
		/* the folder is gone: nothing in it */
		rc = imap_usable(c) && folder_listed(c, a[0].folder) == 0 ?
		    0 : -1;
		goto out;
	}
	renumbered = uv != a[0].uidvalidity;
	for (size_t i = 0; i < n; i++)	/* each row's UID in the source */
		src[i].uid = renumbered ? find_mid_above(c, a[i].message_id,
		    1) : a[i].uid;
	for (size_t i = 0; i < n; i++)
		if (src[i].uid)
			uids[nu++] = src[i].uid;
	if (nu > 0) {
		qsort(uids, nu, sizeof *uids, act_cmp_u32);
		struct mailimap_set *set = imap_uid_set(uids, nu);
		rc = seen_fetch(c, set, true, 0, &got, err, errlen);
		mailimap_set_free(set);
		if (rc != 0)
			goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const struct seen *e = src[i].uid ? seen_find(&got, src[i].uid) :
		    NULL;
		if (e)
			src[i] = *e;
		else if (!renumbered)
			src[i].uid = 0;	/* not there */
		/* renumbered and not fetched: there, unproven (no fp) */
	}
	rc = 0;
out:
	free(uids);
	free(got.v);
	return rc;
}

/* Where the destination holds the rows' messages: proven copies of those
 * still in the source, the Message-ID (for the books) of those gone. */
static int
dest_state(struct imap_conn *c, const struct store_act *a, size_t n,
    const struct seen *src, uint32_t *dst, uint32_t *dest_uv, char *err,
    size_t errlen)
{
	int r;

	if (a[0].dest == NULL)
		return 0;
	if ((r = examine_folder(c, a[0].dest, dest_uv)) < 0) {
		snprintf(err, errlen, "cannot open folder %s: %s", a[0].dest,
		    act_why(c));
		return -1;
	}
	if (r == 0)
		return 0;	/* no such folder: nothing arrived */
	uint32_t lo = a[0].dest_next && a[0].dest_next_uv == *dest_uv ?
	    a[0].dest_next : 1;
	if (locate(c, src, n, lo, dst, err, errlen) != 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (src[i].uid == 0)
			dst[i] = find_mid_above(c, a[i].message_id, lo);
	return 0;
}

/* A proven copy whose original is still there: the move finished (with
 * UIDPLUS; without, the row ends copied). */
static int
finish_moves(struct imap_conn *c, const struct store_act *a, size_t n,
    struct seen *src, const uint32_t *dst, char *err, size_t errlen)
{
	uint32_t *fin = calloc(n + 1, sizeof *fin), uv;
	size_t nfin = 0;
	int rc = 0;

	if (fin == NULL)
		abort();
	for (size_t i = 0; i < n; i++)
		if (src[i].uid && dst[i] && c->uidplus)
			fin[nfin++] = src[i].uid;
	if (nfin) {
		qsort(fin, nfin, sizeof *fin, act_cmp_u32);
		struct mailimap_set *set = imap_uid_set(fin, nfin);
		if (act_select(c, a[0].folder, &uv, err, errlen) != 0 ||
		    act_flag_deleted(c, set) != MAILIMAP_NO_ERROR ||
		    mailimap_uid_expunge(c->s, set) != MAILIMAP_NO_ERROR) {
			snprintf(err, errlen, "cannot finish the move from %s: %s",
			    a[0].folder, act_why(c));
			rc = -1;
		} else
			for (size_t i = 0; i < n; i++)
				if (src[i].uid && dst[i])
					src[i].uid = 0;
		mailimap_set_free(set);
	}
	free(fin);
	return rc;
}

/* The rows' states, and the store following the messages. */
static int
record_states(struct store *st, const struct store_act *a, size_t n,
    const struct seen *src, const uint32_t *dst, uint32_t dest_uv,
    struct imap_reconcile_stats *rs, char *err, size_t errlen)
{
	int64_t now = (int64_t)time(NULL);
	int rc = store_begin(st);

	for (size_t i = 0; rc == 0 && i < n; i++) {
		enum store_jstate state = outcome(&a[i], src[i].uid, dst[i]);
		bool done = state == JS_DONE;
		bool gone = state == JS_VANISHED || (done &&
		    a[i].dest == NULL && strcmp(a[i].action, "keep") != 0);
		if (store_journal_set(st, a[i].id, state, dest_uv, dst[i],
		    now) != 0 || (done && a[i].dest && store_msg_move(st,
		    a[i].folder, a[i].uid, a[i].dest, dest_uv, dst[i]) != 0) ||
		    (gone && store_msg_move(st, a[i].folder, a[i].uid, NULL, 0,
		    0) != 0))
			rc = -1;
		else if (done)
			rs->done++;
		else if (state == JS_DROPPED)
			rs->dropped++;
		else if (state == JS_COPIED)
			rs->copied++;
		else
			rs->vanished++;
	}
	if (rc == 0)
		rc = store_commit(st);
	if (rc != 0) {
		snprintf(err, errlen, "%s", store_error(st));
		store_rollback(st);
	}
	return rc;
}

/* One command's rows: the source, the destination, the moves proven and
 * finished, the states. */
static int
settle_rows(struct imap_conn *c, struct store *st, struct store_act *a,
    size_t n, struct imap_reconcile_stats *rs, char *err, size_t errlen)
{
	struct seen *src = calloc(n + 1, sizeof *src);
	uint32_t *dst = calloc(n + 1, sizeof *dst), dest_uv = 0;
	int rc = -1;

	if (src == NULL || dst == NULL)
		abort();
	if (source_state(c, a, n, src, err, errlen) == 0 &&
	    dest_state(c, a, n, src, dst, &dest_uv, err, errlen) == 0 &&
	    finish_moves(c, a, n, src, dst, err, errlen) == 0)
		rc = record_states(st, a, n, src, dst, dest_uv, rs, err,
		    errlen);
	free(src);
	free(dst);
	return rc;
}

/* Rows of a run that go together: one command's (batch, folder, dest). */
static bool
same_run(const struct store_act *x, const struct store_act *y)
{
	return x->batch == y->batch && strcmp(x->folder, y->folder) == 0 &&
	    (x->dest == NULL) == (y->dest == NULL) &&
	    (x->dest == NULL || strcmp(x->dest, y->dest) == 0);
}

static int
settle_pending(struct imap_conn *c, struct store *st, int64_t batch,
    struct imap_reconcile_stats *rs, char *err, size_t errlen)
{
	struct pend p = { 0 };
	int rc = 0;

	if (store_journal_pending(st, batch, collect, &p) != 0) {
		snprintf(err, errlen, "%s", store_error(st));
		return -1;
	}
	for (size_t i = 0, j; i < p.n && rc == 0; i = j) {
		for (j = i + 1; j < p.n && same_run(&p.v[i], &p.v[j]); j++)
			;
		rc = settle_rows(c, st, p.v + i, j - i, rs, err, errlen);
	}
	pend_free(&p);
	return rc;
}

int
settle_batch(struct imap_conn *c, struct store *st, int64_t batch,
    struct imap_reconcile_stats *rs, char *err, size_t errlen)
{
	return settle_pending(c, st, batch, rs, err, errlen);
}

int
imap_reconcile(struct imap_conn *c, struct store *st,
    struct imap_reconcile_stats *rs, char *err, size_t errlen)
{
	memset(rs, 0, sizeof *rs);
	return settle_pending(c, st, 0, rs, err, errlen);
}
