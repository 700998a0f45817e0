/*
 * actions.c - moving, flagging and expunging messages, journalled.
 *
 * Every action is written to the store's journal (pending) before its
 * command is sent, and marked after: done with the UID the message has in
 * its destination (COPYUID), or vanished when another client took it away
 * first. A run that dies between the two, or a command the server
 * refuses, leaves pending rows, which settle.c decides against the
 * server: in the same run when the session still works, else at the
 * next start (imap_reconcile). A Message-ID proves nothing (resends and
 * second deliveries share it). What does: before the command each row
 * records the destination's UIDNEXT (and UIDVALIDITY); a message still
 * in its folder is removed only when the destination holds, at that
 * UIDNEXT or above, a message of the same size whose header block has
 * the same fingerprint (SHA-256) as the one still in the folder: then a
 * copy of these very bytes is safe where it went. Without that proof
 * nothing is removed. A message gone from its folder is not removed by
 * anyone here: the destination is looked in (above UIDNEXT, by
 * Message-ID) only to keep the store's books.
 * MOVE where the server has it; else UID COPY, UID STORE
 * \Deleted and UID EXPUNGE of exactly those UIDs (UIDPLUS); without
 * UIDPLUS the copy is flagged and left for the user to expunge: never a
 * bare EXPUNGE, which would take the user's own deleted messages too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libetpan/libetpan.h>

#include "core/core.h"
#include "core/store.h"
#include "act.h"
#include "imap.h"

#define CHUNK	2000	/* UIDs per command */

/* A set as the list of its UIDs, in order. */
static uint32_t *
set_list(struct mailimap_set *set, size_t *n)
{
	uint32_t *v = NULL;
	size_t len = 0, cap = 0;

	*n = 0;
	if (set == NULL)
		return NULL;
	for (clistiter *it = clist_begin(set->set_list); it;
	    it = clist_next(it)) {
		struct mailimap_set_item *r = clist_content(it);
		uint32_t lo = r->set_first, hi = r->set_last ? r->set_last :
		    r->set_first;
		if (hi < lo || hi - lo > 10000000)
			continue;
		for (uint64_t u = lo; u <= hi; u++) {
			if (len == cap) {
				cap = cap ? cap * 2 : 256;
				v = realloc(v, cap * sizeof *v);
				if (v == NULL)
					abort();
			}
			v[len++] = (uint32_t)u;
		}
	}
	*n = len;
	return v;
}

int
imap_ensure_folder(struct imap_conn *c, const char *name, char *err,
    size_t errlen)
{
	char *wire = mutf7_encode(name);
	clist *list = NULL;
	int r;

	if (wire == NULL) {
		snprintf(err, errlen, "%s: not a valid folder name", name);
		return -1;
	}
	r = mailimap_list(c->s, "", wire, &list);
	if (r == MAILIMAP_NO_ERROR && list && clist_count(list) > 0) {
		mailimap_list_result_free(list);
		free(wire);
		return 0;
	}
	if (list)
		mailimap_list_result_free(list);
	r = mailimap_create(c->s, wire);
	if (r == MAILIMAP_NO_ERROR)
		mailimap_subscribe(c->s, wire);
	free(wire);
	if (r != MAILIMAP_NO_ERROR) {
		snprintf(err, errlen, "cannot create folder %s: %s", name,
		    act_why(c));
		return -1;
	}
	return 0;
}

static int
add_keyword(struct imap_conn *c, struct mailimap_set *set, const char *kw)
{
	struct mailimap_flag_list *fl = mailimap_flag_list_new_empty();
	struct mailimap_store_att_flags *sf;
	int r;

	mailimap_flag_list_add(fl, mailimap_flag_new_flag_keyword(strdup(kw)));
	sf = mailimap_store_att_flags_new_add_flags_silent(fl);
	r = mailimap_uid_store(c->s, set, sf);
	mailimap_store_att_flags_free(sf);
	return r;
}

/* UIDNEXT and UIDVALIDITY of a folder not selected (0 when not said). */
static void
dest_next(struct imap_conn *c, const char *wire, uint32_t *uv,
    uint32_t *next)
{
	struct mailimap_status_att_list *al = mailimap_status_att_list_new_empty();
	struct mailimap_mailbox_data_status *st = NULL;

	*uv = *next = 0;
	mailimap_status_att_list_add(al, MAILIMAP_STATUS_ATT_UIDNEXT);
	mailimap_status_att_list_add(al, MAILIMAP_STATUS_ATT_UIDVALIDITY);
	if (mailimap_status(c->s, wire, al, &st) == MAILIMAP_NO_ERROR && st) {
		for (clistiter *it = clist_begin(st->st_info_list); it;
		    it = clist_next(it)) {
			struct mailimap_status_info *i = clist_content(it);
			if (i->st_att == MAILIMAP_STATUS_ATT_UIDNEXT)
				*next = i->st_value;
			else if (i->st_att == MAILIMAP_STATUS_ATT_UIDVALIDITY)
				*uv = i->st_value;
		}
	}
	if (st)
		mailimap_mailbox_data_status_free(st);
	mailimap_status_att_list_free(al);
}

/* Journal the batch: pending for those act_present, vanished for the rest;
 * each pending row with the destination's UIDNEXT (see the top). */
static int
journal(struct store *st, const char *action, const char *folder,
    uint32_t uv, const struct imap_msgref *m, size_t n, const uint32_t *here,
    size_t nhere, const char *dest, uint32_t next, uint32_t next_uv,
    int64_t *batch, int64_t *ids, struct imap_act_stats *sx, char *err,
    size_t errlen)
{
	int64_t now = (int64_t)time(NULL);

	if (store_begin(st) != 0 || store_journal_batch(st, batch) != 0)
		goto bad;
	for (size_t i = 0; i < n; i++) {
		struct store_act a = { .batch = *batch, .action = action,
		    .folder = folder, .uidvalidity = uv, .uid = m[i].uid,
		    .message_id = m[i].message_id, .dest = dest,
		    .origin = m[i].origin, .at = now, .dest_next = next,
		    .dest_next_uv = next_uv };
		if (store_journal_add(st, &a, &ids[i]) != 0)
			goto bad;
		if (!act_has(here, nhere, m[i].uid)) {
			/* another client moved or expunged it first */
			if (store_journal_set(st, ids[i], JS_VANISHED, 0, 0,
			    now) != 0 || store_msg_move(st, folder, m[i].uid,
			    NULL, 0, 0) != 0)
				goto bad;
			ids[i] = 0;
			sx->vanished++;
		}
	}
	if (store_commit(st) != 0)
		goto bad;
	return 0;
bad:
	snprintf(err, errlen, "%s", store_error(st));
	store_rollback(st);
	return -1;
}


static int
cmp_ref(const void *a, const void *b)
{
	return act_cmp_u32(&((const struct imap_msgref *)a)->uid,
	    &((const struct imap_msgref *)b)->uid);
}

/* One chunk of one folder, as it goes. */
struct chunk {
	struct imap_conn	*c;
	struct store		*st;
	enum imap_act		 act;
	const char		*folder, *dest, *action;
	char			*wire;		/* dest as the server names it */
	struct imap_msgref	*m;
	size_t			 n;
	uint32_t		*here;		/* m's UIDs still in folder */
	size_t			 nhere;
	struct mailimap_set	*set;		/* here, as a set */
	int64_t			*ids, batch;	/* the journal's rows */
	/* the answer: COPYUID's mapping, and what was done */
	uint32_t		 dest_uv;
	struct mailimap_set	*src, *dst;
	bool			 moved, copied_only;
};

enum { SENT = 0, LOST = -1, REFUSED = -2 };

/* MOVE, or COPY + \Deleted (+ UID EXPUNGE with UIDPLUS). */
static int
send_move(struct chunk *k)
{
	struct imap_conn *c = k->c;

	/* a release is the user's word that the message stays: the
	 * keyword travels with it, so that even a store lost since never
	 * sends it back (the policy skips $NdrKept) */
	if (k->act == IMAP_RELEASE && add_keyword(c, k->set,
	    IMAP_KEPT_KEYWORD) != MAILIMAP_NO_ERROR && !imap_usable(c))
		return LOST;
	if (c->move) {
		if (mailimap_uidplus_uid_move(c->s, k->set, k->wire,
		    &k->dest_uv, &k->src, &k->dst) != MAILIMAP_NO_ERROR)
			return LOST;
		k->moved = true;
		return SENT;
	}
	if ((c->uidplus ? mailimap_uidplus_uid_copy(c->s, k->set, k->wire,
	    &k->dest_uv, &k->src, &k->dst) : mailimap_uid_copy(c->s, k->set,
	    k->wire)) != MAILIMAP_NO_ERROR ||
	    act_flag_deleted(c, k->set) != MAILIMAP_NO_ERROR)
		return LOST;
	if (!c->uidplus) {
		k->copied_only = true;	/* never a bare EXPUNGE */
		return SENT;
	}
	if (mailimap_uid_expunge(c->s, k->set) != MAILIMAP_NO_ERROR)
		return LOST;
	k->moved = true;
	return SENT;
}

/* The command of the chunk's action. */
static int
send_chunk(struct chunk *k, char *err, size_t errlen)
{
	switch (k->act) {
	case IMAP_KEEP:
		/* a server that takes no keywords: the journal remembers */
		if (add_keyword(k->c, k->set, IMAP_KEPT_KEYWORD) !=
		    MAILIMAP_NO_ERROR && k->c->s == NULL)
			return LOST;
		return SENT;
	case IMAP_PURGE:
		if (!k->c->uidplus) {
			snprintf(err, errlen, "the server has no UIDPLUS: "
			    "ndrsweep will not EXPUNGE %s, which would remove "
			    "every message marked deleted there", k->folder);
			return REFUSED;
		}
		if (act_flag_deleted(k->c, k->set) != MAILIMAP_NO_ERROR ||
		    mailimap_uid_expunge(k->c->s, k->set) != MAILIMAP_NO_ERROR)
			return LOST;
		return SENT;
	default:
		return send_move(k);
	}
}

/* Done: the journal's rows and the store's follow the messages. */
static int
record_done(struct chunk *k, struct imap_act_stats *sx, char *err,
    size_t errlen)
{
	size_t nfrom = 0, nto = 0;
	uint32_t *from = set_list(k->src, &nfrom), *to = set_list(k->dst, &nto);
	int64_t now = (int64_t)time(NULL);
	int rc = store_begin(k->st);

	for (size_t i = 0; rc == 0 && i < k->n; i++) {
		struct imap_msgref *m = &k->m[i];
		uint32_t nu = 0;
		if (k->ids[i] == 0)
			continue;
		for (size_t j = 0; k->moved && j < nfrom && j < nto; j++)
			if (from[j] == m->uid)
				nu = to[j];
		if (store_journal_set(k->st, k->ids[i], k->copied_only ?
		    JS_COPIED : JS_DONE, k->dest_uv, nu, now) != 0 ||
		    (k->act != IMAP_KEEP && !k->copied_only && store_msg_move(
		    k->st, k->folder, m->uid, k->act == IMAP_PURGE ? NULL :
		    k->dest, k->dest_uv, nu) != 0))
			rc = -1;
		else if (k->copied_only)
			sx->copied_only++;
		else
			sx->done++;
		m->done = rc == 0;
	}
	if (rc == 0)
		rc = store_commit(k->st);
	if (rc != 0) {
		snprintf(err, errlen, "%s", store_error(k->st));
		store_rollback(k->st);
		for (size_t i = 0; i < k->n; i++)
			k->m[i].done = false;	/* not recorded: not learnt */
	}
	free(from);
	free(to);
	return rc;
}

/* The command may or may not have been carried out: settled now when
 * the session still answers (a NO), else by the next run. */
static void
settle_now(struct chunk *k, struct imap_act_stats *sx, char *err,
    size_t errlen)
{
	struct imap_reconcile_stats rs = { 0 };
	char why[256] = "";

	snprintf(err, errlen, "%s of %zu messages in %s failed: %s",
	    k->action, k->nhere, k->folder, act_why(k->c));
	if (imap_usable(k->c) && settle_batch(k->c, k->st, k->batch, &rs, why,
	    sizeof why) == 0) {
		sx->done += rs.done;
		sx->dropped += rs.dropped;
		sx->copied_only += rs.copied;
		sx->vanished += rs.vanished;
	}
}

/* Which of the chunk's messages are still there, and the journal's rows
 * for them, written before anything is sent. */
static int
prepare_chunk(struct chunk *k, struct imap_act_stats *sx, char *err,
    size_t errlen)
{
	uint32_t uv, next = 0, next_uv = 0, *uids;

	if (k->n > 1)
		qsort(k->m, k->n, sizeof *k->m, cmp_ref);
	if ((uids = calloc(k->n + 1, sizeof *uids)) == NULL)
		abort();
	for (size_t i = 0; i < k->n; i++)
		uids[i] = k->m[i].uid;
	if (act_select(k->c, k->folder, &uv, err, errlen) != 0 ||
	    act_present(k->c, uids, k->n, &k->here, &k->nhere) != 0) {
		if (!*err)
			snprintf(err, errlen, "%s: UID SEARCH failed: %s",
			    k->folder, act_why(k->c));
		free(uids);
		return -1;
	}
	free(uids);
	if (k->dest && (k->wire = mutf7_encode(k->dest)) == NULL) {
		snprintf(err, errlen, "%s: not a valid folder name", k->dest);
		return -1;
	}
	if (k->nhere)
		k->set = imap_uid_set(k->here, k->nhere);
	if (k->dest && k->nhere)  /* where a proof will look, after a failure */
		dest_next(k->c, k->wire, &next_uv, &next);
	return journal(k->st, k->action, k->folder, uv, k->m, k->n, k->here,
	    k->nhere, k->dest, next, next_uv, &k->batch, k->ids, sx, err,
	    errlen);
}

static int
act_chunk(struct imap_conn *c, struct store *st, enum imap_act act,
    const char *folder, struct imap_msgref *m, size_t n, const char *dest,
    struct imap_act_stats *sx, char *err, size_t errlen)
{
	static const char *const names[] = { "quarantine", "delete",
	    "release", "purge", "keep" };
	struct chunk k = { .c = c, .st = st, .act = act, .folder = folder,
	    .dest = dest, .action = names[act], .m = m, .n = n };
	int rc = -1;

	if ((k.ids = calloc(n + 1, sizeof *k.ids)) == NULL)
		abort();
	*err = '\0';
	if (prepare_chunk(&k, sx, err, errlen) != 0)
		goto out;
	if (k.nhere == 0) {
		rc = 0;
		goto out;
	}
	switch (send_chunk(&k, err, errlen)) {
	case SENT:
		rc = record_done(&k, sx, err, errlen);
		break;
	case LOST:
		settle_now(&k, sx, err, errlen);
		break;
	case REFUSED:
		for (size_t i = 0; i < n; i++)
			if (k.ids[i])
				store_journal_set(st, k.ids[i], JS_REFUSED, 0, 0,
				    (int64_t)time(NULL));
		break;
	}
out:
	if (k.set)
		mailimap_set_free(k.set);
	if (k.src)
		mailimap_set_free(k.src);
	if (k.dst)
		mailimap_set_free(k.dst);
	free(k.wire);
	free(k.here);
	free(k.ids);
	return rc;
}

int
imap_act(struct imap_conn *c, struct store *st, enum imap_act act,
    const char *folder, struct imap_msgref *m, size_t n, const char *dest,
    struct imap_act_stats *sx, char *err, size_t errlen)
{
	if (act != IMAP_KEEP && act != IMAP_PURGE && dest &&
	    imap_ensure_folder(c, dest, err, errlen) != 0)
		return -1;
	for (size_t i = 0; i < n; i += CHUNK)
		if (act_chunk(c, st, act, folder, m + i, n - i < CHUNK ? n - i :
		    CHUNK, dest, sx, err, errlen) != 0)
			return -1;
	return 0;
}

