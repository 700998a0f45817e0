/*
 * actions.c - moving, flagging and expunging messages, journalled.
 *
 * Every action is written to the store's journal (pending) before its
 * command is sent, and marked after: done with the UID the message has in
 * its destination (COPYUID), or vanished when another client took it away
 * first. A run that dies between the two leaves pending rows, which
 * imap_reconcile() settles against the server at the next start: the
 * message is looked for in its folder and, by Message-ID, in its
 * destination. MOVE where the server has it; else UID COPY, UID STORE
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
#include "imap.h"

#define CHUNK	2000	/* UIDs per command */

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

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

static const char *
why(struct imap_conn *c)
{
	return c->s && c->s->imap_response ? c->s->imap_response :
	    "connection lost";
}

/* The UIDs of uids (sorted) the folder still holds. */
static int
present(struct imap_conn *c, const uint32_t *uids, size_t n, uint32_t **out,
    size_t *nout)
{
	struct mailimap_set *set = imap_uid_set(uids, n);
	struct mailimap_search_key *key = mailimap_search_key_new_uid(set);
	clist *res = NULL;
	int r = mailimap_uid_search(c->s, NULL, key, &res);

	mailimap_search_key_free(key);
	*out = NULL;
	*nout = 0;
	if (r != MAILIMAP_NO_ERROR)
		return -1;
	*out = calloc(clist_count(res) + 1, sizeof **out);
	if (*out == NULL)
		abort();
	for (clistiter *it = clist_begin(res); it; it = clist_next(it))
		(*out)[(*nout)++] = *(uint32_t *)clist_content(it);
	mailimap_search_result_free(res);
	if (*nout > 1)
		qsort(*out, *nout, sizeof **out, cmp_u32);
	return 0;
}

static bool
has(const uint32_t *v, size_t n, uint32_t u)
{
	return bsearch(&u, v, n, sizeof *v, cmp_u32) != NULL;
}

/* Open a folder to change it; its UIDVALIDITY in *uv. */
static int
select_folder(struct imap_conn *c, const char *name, uint32_t *uv,
    char *err, size_t errlen)
{
	char *wire = mutf7_encode(name);
	int r;

	if (wire == NULL) {
		snprintf(err, errlen, "%s: not a valid folder name", name);
		return -1;
	}
	r = mailimap_select(c->s, wire);
	free(wire);
	if (r != MAILIMAP_NO_ERROR) {
		snprintf(err, errlen, "cannot open folder %s: %s", name, why(c));
		return -1;
	}
	*uv = c->s->imap_selection_info->sel_uidvalidity;
	return 0;
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
		    why(c));
		return -1;
	}
	return 0;
}

static int
flag_deleted(struct imap_conn *c, struct mailimap_set *set)
{
	struct mailimap_flag_list *fl = mailimap_flag_list_new_empty();
	struct mailimap_store_att_flags *sf;
	int r;

	mailimap_flag_list_add(fl, mailimap_flag_new_deleted());
	sf = mailimap_store_att_flags_new_add_flags_silent(fl);
	r = mailimap_uid_store(c->s, set, sf);
	mailimap_store_att_flags_free(sf);
	return r;
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

/* Journal the batch: pending for those present, vanished for the rest. */
static int
journal(struct store *st, const char *action, const char *folder,
    uint32_t uv, const struct imap_msgref *m, size_t n, const uint32_t *here,
    size_t nhere, const char *dest, int64_t *ids, struct imap_act_stats *sx,
    char *err, size_t errlen)
{
	int64_t batch, now = (int64_t)time(NULL);

	if (store_begin(st) != 0 || store_journal_batch(st, &batch) != 0)
		goto bad;
	for (size_t i = 0; i < n; i++) {
		struct store_act a = { .batch = batch, .action = action,
		    .folder = folder, .uidvalidity = uv, .uid = m[i].uid,
		    .message_id = m[i].message_id, .dest = dest,
		    .origin = m[i].origin, .at = now };
		if (store_journal_add(st, &a, &ids[i]) != 0)
			goto bad;
		if (!has(here, nhere, m[i].uid)) {
			/* another client moved or expunged it first */
			if (store_journal_set(st, ids[i], "vanished", 0, 0,
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
	return cmp_u32(&((const struct imap_msgref *)a)->uid,
	    &((const struct imap_msgref *)b)->uid);
}

/* One chunk of one folder. */
static int
act_chunk(struct imap_conn *c, struct store *st, enum imap_act act,
    const char *folder, struct imap_msgref *m, size_t n, const char *dest,
    struct imap_act_stats *sx, char *err, size_t errlen)
{
	static const char *const names[] = { "quarantine", "delete",
	    "release", "purge", "keep" };
	const char *action = names[act];
	uint32_t uv, *uids = calloc(n + 1, sizeof *uids), *here = NULL;
	uint32_t *from = NULL, *to = NULL, dest_uv = 0;
	int64_t *ids = calloc(n + 1, sizeof *ids);
	size_t nhere = 0, nfrom = 0, nto = 0;
	struct mailimap_set *set = NULL, *src = NULL, *dst = NULL;
	bool moved = false, copied_only = false;
	int rc = -1, r;

	if (uids == NULL || ids == NULL)
		abort();
	if (n > 1)
		qsort(m, n, sizeof *m, cmp_ref);
	for (size_t i = 0; i < n; i++)
		uids[i] = m[i].uid;
	if (select_folder(c, folder, &uv, err, errlen) != 0)
		goto out;
	if (present(c, uids, n, &here, &nhere) != 0) {
		snprintf(err, errlen, "%s: UID SEARCH failed: %s", folder, why(c));
		goto out;
	}
	if (journal(st, action, folder, uv, m, n, here, nhere, dest, ids, sx,
	    err, errlen) != 0)
		goto out;
	if (nhere == 0) {
		rc = 0;
		goto out;
	}
	set = imap_uid_set(here, nhere);
	char *wire = dest ? mutf7_encode(dest) : NULL;
	if (dest && wire == NULL) {
		snprintf(err, errlen, "%s: not a valid folder name", dest);
		goto out;
	}
	switch (act) {
	case IMAP_KEEP:
		r = add_keyword(c, set, IMAP_KEPT_KEYWORD);
		/* a server that takes no keywords: the journal remembers */
		if (r != MAILIMAP_NO_ERROR && c->s == NULL)
			goto lost;
		break;
	case IMAP_PURGE:
		if (!c->uidplus) {
			snprintf(err, errlen, "the server has no UIDPLUS: "
			    "ndrsweep will not EXPUNGE %s, which would remove "
			    "every message marked deleted there", folder);
			goto undo;
		}
		if ((r = flag_deleted(c, set)) != MAILIMAP_NO_ERROR ||
		    (r = mailimap_uid_expunge(c->s, set)) != MAILIMAP_NO_ERROR)
			goto lost;
		break;
	default:
		if (c->move) {
			r = mailimap_uidplus_uid_move(c->s, set, wire, &dest_uv,
			    &src, &dst);
			if (r != MAILIMAP_NO_ERROR)
				goto lost;
			moved = true;
		} else {
			r = c->uidplus ? mailimap_uidplus_uid_copy(c->s, set, wire,
			    &dest_uv, &src, &dst) : mailimap_uid_copy(c->s, set,
			    wire);
			if (r != MAILIMAP_NO_ERROR || (r = flag_deleted(c, set)) !=
			    MAILIMAP_NO_ERROR)
				goto lost;
			if (c->uidplus) {
				if ((r = mailimap_uid_expunge(c->s, set)) !=
				    MAILIMAP_NO_ERROR)
					goto lost;
				moved = true;
			} else
				copied_only = true;
		}
	}
	free(wire);
	wire = NULL;
	from = set_list(src, &nfrom);
	to = set_list(dst, &nto);

	/* done: the rows follow the messages */
	int64_t now = (int64_t)time(NULL);
	if (store_begin(st) != 0)
		goto store_err;
	for (size_t i = 0; i < n; i++) {
		uint32_t nu = 0;
		if (ids[i] == 0)
			continue;
		for (size_t k = 0; moved && k < nfrom && k < nto; k++)
			if (from[k] == m[i].uid)
				nu = to[k];
		if (store_journal_set(st, ids[i], copied_only ? "copied" :
		    "done", dest_uv, nu, now) != 0)
			goto store_err;
		if (act != IMAP_KEEP && !copied_only && store_msg_move(st,
		    folder, m[i].uid, act == IMAP_PURGE ? NULL : dest, dest_uv,
		    nu) != 0)
			goto store_err;
		if (copied_only)
			sx->copied_only++;
		else
			sx->done++;
	}
	if (store_commit(st) != 0)
		goto store_err;
	rc = 0;
	goto out;
lost:
	free(wire);
	/* the command may or may not have been carried out: the pending rows
	 * stay, and the next run settles them against the server */
	snprintf(err, errlen, "%s of %zu messages in %s failed: %s", action,
	    nhere, folder, why(c));
	goto out;
undo:
	free(wire);
	for (size_t i = 0; i < n; i++)
		if (ids[i])
			store_journal_set(st, ids[i], "refused", 0, 0,
			    (int64_t)time(NULL));
	goto out;
store_err:
	snprintf(err, errlen, "%s", store_error(st));
	store_rollback(st);
out:
	if (set)
		mailimap_set_free(set);
	if (src)
		mailimap_set_free(src);
	if (dst)
		mailimap_set_free(dst);
	free(from);
	free(to);
	free(here);
	free(uids);
	free(ids);
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

/* ---- settling what a dead run left pending ---- */

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
	d->state = NULL;
	return 0;
}

/* The UID of the message with this Message-ID in the selected folder. */
static uint32_t
find_mid(struct imap_conn *c, const char *mid)
{
	struct mailimap_search_key *key;
	clist *res = NULL;
	uint32_t uid = 0;

	if (mid == NULL)
		return 0;
	key = mailimap_search_key_new_header(strdup("Message-ID"), strdup(mid));
	if (mailimap_uid_search(c->s, NULL, key, &res) == MAILIMAP_NO_ERROR &&
	    res && clist_count(res) > 0)
		uid = *(uint32_t *)clist_content(clist_begin(res));
	if (res)
		mailimap_search_result_free(res);
	mailimap_search_key_free(key);
	return uid;
}

static int
settle(struct imap_conn *c, struct store *st, struct store_act *a,
    struct imap_reconcile_stats *rs, char *err, size_t errlen)
{
	uint32_t uv, dest_uv = 0, found = 0, *here = NULL;
	size_t nhere = 0;
	bool in_source;
	const char *state;
	int64_t now = (int64_t)time(NULL);

	if (select_folder(c, a->folder, &uv, err, errlen) != 0)
		return -1;
	if (uv == a->uidvalidity) {
		if (present(c, &a->uid, 1, &here, &nhere) != 0) {
			snprintf(err, errlen, "%s: UID SEARCH failed", a->folder);
			return -1;
		}
		in_source = nhere > 0;
		free(here);
	} else	/* renumbered: only the Message-ID can tell */
		in_source = find_mid(c, a->message_id) != 0;
	if (a->dest) {
		char *wire = mutf7_encode(a->dest);
		if (wire && mailimap_examine(c->s, wire) == MAILIMAP_NO_ERROR) {
			dest_uv = c->s->imap_selection_info->sel_uidvalidity;
			found = find_mid(c, a->message_id);
		}
		free(wire);
	}
	if (in_source && a->dest && found && c->uidplus) {
		/* copied, not yet expunged: finish it */
		struct mailimap_set *set = mailimap_set_new_single(a->uid);
		if (select_folder(c, a->folder, &uv, err, errlen) != 0 ||
		    flag_deleted(c, set) != MAILIMAP_NO_ERROR ||
		    mailimap_uid_expunge(c->s, set) != MAILIMAP_NO_ERROR) {
			mailimap_set_free(set);
			snprintf(err, errlen, "cannot finish the move from %s: %s",
			    a->folder, why(c));
			return -1;
		}
		mailimap_set_free(set);
		in_source = false;
	}
	if (in_source && a->dest && found)
		state = "copied";	/* no UIDPLUS: left to the user */
	else if (in_source && strcmp(a->action, "keep") != 0)
		state = "dropped";	/* never sent: the policy decides again */
	else if (in_source)
		state = "done";		/* a keyword: the journal is enough */
	else if (!a->dest)
		state = "done";		/* purged */
	else
		state = found ? "done" : "vanished";
	if (store_begin(st) != 0 ||
	    store_journal_set(st, a->id, state, dest_uv, found, now) != 0 ||
	    (strcmp(state, "done") == 0 && strcmp(a->action, "keep") != 0 &&
	    store_msg_move(st, a->folder, a->uid, a->dest, dest_uv, found) !=
	    0) || (strcmp(state, "vanished") == 0 && store_msg_move(st,
	    a->folder, a->uid, NULL, 0, 0) != 0) || store_commit(st) != 0) {
		snprintf(err, errlen, "%s", store_error(st));
		store_rollback(st);
		return -1;
	}
	if (strcmp(state, "done") == 0)
		rs->done++;
	else if (strcmp(state, "dropped") == 0)
		rs->dropped++;
	else if (strcmp(state, "copied") == 0)
		rs->copied++;
	else
		rs->vanished++;
	return 0;
}

int
imap_reconcile(struct imap_conn *c, struct store *st,
    struct imap_reconcile_stats *rs, char *err, size_t errlen)
{
	struct pend p = { 0 };
	int rc = 0;

	memset(rs, 0, sizeof *rs);
	if (store_journal_each(st, "state = 'pending'", 0, collect, &p) != 0) {
		snprintf(err, errlen, "%s", store_error(st));
		return -1;
	}
	for (size_t i = 0; i < p.n && rc == 0; i++)
		rc = settle(c, st, &p.v[i], rs, err, errlen);
	for (size_t i = 0; i < p.n; i++) {
		free((char *)p.v[i].action);
		free((char *)p.v[i].folder);
		free((char *)p.v[i].message_id);
		free((char *)p.v[i].dest);
		free((char *)p.v[i].origin);
	}
	free(p.v);
	return rc;
}
