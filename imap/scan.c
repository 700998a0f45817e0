/*
 * scan.c - the incremental scan of one folder.
 *
 * Phase one asks, for every UID above the highest already read, in one
 * streamed UID FETCH (read by fetch.c, not libetpan's parser), for the
 * size, the flags and the few header fields that tell a possible report
 * from ordinary mail. Ordinary mail is stored
 * from that alone. Phase two fetches the candidates whole (capped), in
 * batches, and stores what the engine reads in them: on a second session
 * while phase one still reads, so that the server finds the candidates'
 * content while it also sends the next headers (below). When the folder holds
 * fewer messages than the store, the UIDs still there are asked for and the
 * others forgotten (expunged). A new UIDVALIDITY starts the folder over.
 */
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

static void
tick(struct phase *ph)
{
	if (ph->stats->progress && (++ph->done % 1000 == 0 ||
	    ph->done == ph->total))
		ph->stats->progress(ph->name, ph->done, ph->total,
		    ph->stats->progress_arg);
}

static void
on_header(struct imap_fetched *f, void *arg)
{
	struct phase *ph = arg;
	uint32_t uid = f->uid;
	char *flags = f->flags;
	int r;

	f->flags = NULL;	/* ours now */
	if (uid > ph->last)
		ph->last = uid;
	if (uid == 0 || uid <= ph->above) {	/* "N:*" gives the last one */
		free(flags);
		return;
	}
	if (uid > ph->highest)
		ph->highest = uid;
	ph->stats->new_msgs++;
	ph->seen++;
	tick(ph);
	if (ph->eng && ph->seen % 256 == 0)
		engine_drain(ph, false);	/* what phase two read, stored */
	r = intake_head(&ph->to, uid, f->size, flags, f->body, f->bodylen);
	if (r < 0)
		ph->failed = 1;
	if (r == 1) {		/* a possible report: phase two reads it */
		if (ph->ncand == ph->capcand) {
			ph->capcand = ph->capcand ? ph->capcand * 2 : 64;
			ph->cand = realloc(ph->cand, ph->capcand * sizeof *ph->cand);
			if (ph->cand == NULL)
				abort();
		}
		ph->cand[ph->ncand] = (struct want){ uid, f->size, flags, false };
		second_offer(ph, ph->ncand++);
		return;
	}
	free(flags);
}

/* Phase one's FETCH: the candidate fields, and a Sent folder's
 * recipients for its index. */
static int
fetch_headers(struct imap_conn *c, struct mailimap_set *set,
    struct phase *ph, char *err, size_t errlen)
{
	const char *fields[32];
	size_t k = 0;

	for (const char *const *f = ndr_candidate_fields; *f && k < 28; f++)
		fields[k++] = *f;
	if (ph->sent)
		for (const char *const *f = ndr_sent_fields; *f && k < 31; f++)
			fields[k++] = *f;
	fields[k] = NULL;
	if (imap_fetch_fields(c, set, fields, on_header, ph, err, errlen) != 0)
		return -1;
	return ph->failed ? -1 : 0;
}

static int
cmp_uid(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * The store and the folder disagree on how many messages there are: ask
 * the server for its UIDs, forget the stored ones it no longer has
 * (expunged), and return those it has that the store lacks (a FETCH that
 * said OK without giving them all), sorted.
 */
static int
reconcile(struct imap_conn *c, struct store *st, int64_t folder,
    struct imap_scan_stats *stats, uint32_t **missing, size_t *nmissing,
    char *err, size_t errlen)
{
	uint32_t *uids = NULL;
	size_t n = 0;

	if (c->esearch) {
		if (imap_uids_esearch(c, &uids, &n, err, errlen) != 0)
			return -1;
	} else {
		struct mailimap_search_key *key =
		    mailimap_search_key_new_all();
		clist *res = NULL;
		int r = mailimap_uid_search(c->s, NULL, key, &res);
		mailimap_search_key_free(key);
		if (r != MAILIMAP_NO_ERROR) {
			snprintf(err, errlen, "SEARCH failed: %s",
			    imap_why(c, r));
			return -1;
		}
		uids = calloc(clist_count(res) + 1, sizeof *uids);
		if (uids == NULL)
			abort();
		for (clistiter *it = clist_begin(res); it; it = clist_next(it))
			uids[n++] = *(uint32_t *)clist_content(it);
		mailimap_search_result_free(res);
	}
	if (n > 1)
		qsort(uids, n, sizeof *uids, cmp_uid);
	*missing = calloc(n + 1, sizeof **missing);
	if (*missing == NULL)
		abort();
	size_t gone = 0, judged = 0;
	int rc = store_msg_keep_only(st, folder, uids, n, &gone, &judged,
	    *missing, nmissing);
	free(uids);
	if (rc != 0) {
		free(*missing);
		*missing = NULL;
		snprintf(err, errlen, "%s", store_error(st));
		return -1;
	}
	stats->expunged += (unsigned)gone;
	stats->expunged_judged += (unsigned)judged;
	return 0;
}

/* The folder's UIDs above after, ascending (a UID SEARCH). */
static int
uids_above(struct imap_conn *c, uint32_t after, uint32_t **out, size_t *n)
{
	struct mailimap_set *set = mailimap_set_new_interval(after + 1, 0);
	struct mailimap_search_key *key = mailimap_search_key_new_uid(set);
	clist *res = NULL;

	*out = NULL;
	*n = 0;
	if (mailimap_uid_search(c->s, NULL, key, &res) != MAILIMAP_NO_ERROR) {
		mailimap_search_key_free(key);
		return -1;
	}
	mailimap_search_key_free(key);
	*out = calloc(clist_count(res) + 1, sizeof **out);
	if (*out == NULL)
		abort();
	for (clistiter *it = clist_begin(res); it; it = clist_next(it)) {
		uint32_t u = *(uint32_t *)clist_content(it);
		if (u > after)	/* "N:*" matches the last one too */
			(*out)[(*n)++] = u;
	}
	mailimap_search_result_free(res);
	if (*n > 1)
		qsort(*out, *n, sizeof **out, cmp_uid);
	return 0;
}

/*
 * Phase one on the UIDs in set; when the connection drops on the way, go
 * on past what was delivered: the first UID not delivered is asked for
 * alone, and if the connection drops again it is the message that breaks
 * it: recorded as unreadable, and the scan goes on after it.
 */
static int
headers(struct imap_conn *c, struct phase *ph, struct mailimap_set *set,
    const uint32_t *list, size_t nlist, char *err, size_t errlen)
{
	uint32_t *left = NULL;
	size_t nleft = 0, i = 0;
	int rc;

	ph->last = 0;
	rc = fetch_headers(c, set, ph, err, errlen);
	if (rc != 0 && !ph->failed && recover(c, ph, err, errlen) == 0) {
		/* left: what the set still holds past what was delivered,
		 * from the list when the set is one, else from the server */
		if (list) {
			left = calloc(nlist + 1, sizeof *left);
			if (left == NULL)
				abort();
			for (size_t k = 0; k < nlist; k++)
				if (list[k] > ph->last)
					left[nleft++] = list[k];
		} else if (uids_above(c, ph->last > ph->above ? ph->last :
		    ph->above, &left, &nleft) != 0) {
			free(left);
			return -1;
		}
		rc = 0;
		while (rc == 0 && i < nleft) {
			struct mailimap_set *one = imap_uid_set(&left[i], 1);
			ph->last = 0;
			rc = fetch_headers(c, one, ph, err, errlen);
			mailimap_set_free(one);
			if (rc != 0) {
				struct store_msg m = { .uid = left[i],
				    .kind = "other", .unreadable = true };
				if (ph->failed || recover(c, ph, err, errlen) ||
				    store_msg_put(ph->st, ph->folder, &m))
					break;
				ph->stats->unreadable++;
				if (left[i] > ph->highest)
					ph->highest = left[i];
				rc = 0;
			}
			i++;
			if (rc == 0 && i < nleft) {	/* the rest at once */
				struct mailimap_set *rest =
				    imap_uid_set(&left[i], nleft - i);
				ph->last = 0;
				rc = fetch_headers(c, rest, ph, err, errlen);
				mailimap_set_free(rest);
				if (rc == 0)
					break;
				if (ph->failed || recover(c, ph, err, errlen))
					break;
				while (i < nleft && left[i] <= ph->last)
					i++;
				rc = 0;
			}
		}
	}
	free(left);
	return rc;
}

/* Phase one on set, phase two on its candidates during it (a second
 * session) and after it (what that did not deliver). */
static int
read_set(struct imap_conn *c, struct phase *ph, struct mailimap_set *set,
    const uint32_t *list, size_t nlist, char *err, size_t errlen)
{
	int rc;

	ph->conn = c;
	ph->tried_second = false;
	rc = headers(c, ph, set, list, nlist, err, errlen);
	if (ph->second)
		second_finish(ph, rc != 0 || ph->failed);
	if (ph->eng)	/* all it read stored, also when phase one failed */
		engine_drain(ph, true);
	if (rc == 0 && !ph->failed)
		rc = read_rest(c, ph, err, errlen);
	if (ph->failed) {	/* a write to the store failed: say so */
		snprintf(err, errlen, "%s", store_error(ph->st));
		rc = -1;
	}
	if (rc != 0)
		return rc;
	/* asked for and not given (expunged meanwhile, or the server could
	 * not): stored as unreadable, so the scan goes on */
	for (size_t i = 0; i < ph->ncand; i++) {
		if (!ph->cand[i].stored) {
			struct store_msg m = { .uid = ph->cand[i].uid,
			    .size = ph->cand[i].size, .kind = "other",
			    .unreadable = true };
			if (store_msg_put(ph->st, ph->folder, &m) != 0) {
				snprintf(err, errlen, "%s", store_error(ph->st));
				rc = -1;
			}
			ph->stats->unreadable++;
		}
		free(ph->cand[i].flags);
	}
	ph->ncand = 0;	/* read: the next set starts afresh */
	return rc;
}

/*
 * The folder holds another number of messages than the store: what was
 * expunged is forgotten, and what the store misses is asked for again,
 * one by one; what still does not come is stored as unreadable, so it is
 * not asked for forever and nothing is silently skipped (retried at the
 * next scan, see retry_unreadable).
 */
static int
catch_up(struct imap_conn *c, struct phase *ph, char *err, size_t errlen)
{
	uint32_t *missing = NULL, *have = NULL;
	size_t nmissing = 0, nhave = 0;
	int rc;

	if (reconcile(c, ph->st, ph->folder, ph->stats, &missing, &nmissing,
	    err, errlen) != 0)
		return -1;
	if (nmissing == 0) {
		free(missing);
		return 0;
	}
	struct mailimap_set *set = imap_uid_set(missing, nmissing);
	ph->above = 0;
	rc = read_set(c, ph, set, missing, nmissing, err, errlen);
	mailimap_set_free(set);
	if (rc == 0 && store_msg_uids(ph->st, ph->folder, &have, &nhave))
		rc = -1;
	for (size_t i = 0; rc == 0 && i < nmissing; i++) {
		struct store_msg m = { .uid = missing[i], .kind = "other",
		    .unreadable = true };
		if (bsearch(&missing[i], have, nhave, sizeof *have, cmp_uid))
			continue;
		if (store_msg_put(ph->st, ph->folder, &m) != 0)
			rc = -1;
		else
			ph->stats->unreadable++;
	}
	free(have);
	free(missing);
	return rc;
}

/*
 * The messages an earlier scan stored as unreadable (the server dropped
 * the connection or said NO for them), read again as if new: a bounce
 * is not hidden for good by a bad hour of its server. Those still
 * unreadable stay so, and are asked for at the next scan.
 */
static int
retry_unreadable(struct imap_conn *c, struct phase *ph, const uint32_t *uids,
    size_t n, char *err, size_t errlen)
{
	unsigned before = ph->stats->unreadable;
	struct mailimap_set *set = imap_uid_set(uids, n);
	int rc;

	ph->above = 0;
	ph->to.again = true;	/* their unreadable rows are replaced */
	rc = read_set(c, ph, set, uids, n, err, errlen);
	ph->to.again = false;
	mailimap_set_free(set);
	if (rc == 0) {
		unsigned still = ph->stats->unreadable - before;
		ph->stats->recovered += n > still ? (unsigned)(n - still) : 0;
	}
	return rc;
}

/* The phase's state for folder f, now that the store knows it. */
static void
phase_start(struct phase *ph, const struct imap_folder *f, bool sent,
    const struct store_folder *sf, uint32_t exists)
{
	int64_t known = store_msg_count(ph->st, sf->id, NULL);

	ndr_limits_default(&ph->lim);
	ph->lim.tokens = true;		/* kept with the evidence, to score it */
	ph->lim.tokens_judged = true;	/* and only there */
	ph->folder = sf->id;
	ph->sent = sent;
	ph->to = (struct intake_to){ .st = ph->st, .folder = sf->id,
	    .sent = sent, .by_kind = ph->stats->by_kind,
	    .sent_indexed = &ph->stats->sent };
	ph->name = f->name;
	ph->wire = f->wire;
	/* what is new, for the progress line: a bound, not a count */
	ph->total = known >= 0 && (int64_t)exists > known ?
	    (unsigned)(exists - known) : 0;
}

/* ---- flags another client changed (CONDSTORE) ---- */

struct changed {
	uint32_t	*uids;
	char		**flags;
	size_t		 n, cap;
};

static void
on_changed(struct imap_fetched *f, void *arg)
{
	struct changed *ch = arg;

	if (f->uid == 0 || f->flags == NULL)
		return;
	if (ch->n == ch->cap) {
		ch->cap = ch->cap ? ch->cap * 2 : 256;
		ch->uids = xreallocarray(ch->uids, ch->cap, sizeof *ch->uids);
		ch->flags = xreallocarray(ch->flags, ch->cap,
		    sizeof *ch->flags);
	}
	ch->uids[ch->n] = f->uid;
	ch->flags[ch->n++] = f->flags;
	f->flags = NULL;	/* ours now */
}

/*
 * The flags of the messages the store had, as they are now: those another
 * client changed since the folder's last HIGHESTMODSEQ, and only those
 * (one FETCH ... CHANGEDSINCE, RFC 7162), so that a rescan learns a flag
 * set elsewhere ($NdrKept by another ndrsweep, \Seen by a mail client)
 * without reading every message's flags again.
 */
static int
changed_flags(struct imap_conn *c, struct phase *ph, uint32_t upto,
    uint64_t since, char *err, size_t errlen)
{
	struct changed ch = { 0 };
	struct mailimap_set *set = mailimap_set_new_interval(1, upto);
	int rc = imap_fetch_changed(c, set, since, on_changed, &ch, err,
	    errlen);

	mailimap_set_free(set);
	if (rc == 0 && store_msg_set_flags(ph->st, ph->folder, ch.uids,
	    ch.flags, ch.n) != 0) {
		snprintf(err, errlen, "%s", store_error(ph->st));
		rc = -1;
	}
	if (rc == 0)
		ph->stats->flagged += (unsigned)ch.n;
	for (size_t i = 0; i < ch.n; i++)
		free(ch.flags[i]);
	free(ch.flags);
	free(ch.uids);
	return rc;
}

/* CONDSTORE: the same UIDVALIDITY and HIGHESTMODSEQ mean nothing at all
 * changed (no mail, no expunge, no flag), and with nothing left unread
 * the folder is as the store has it: counted as scanned */
static bool
as_stored(const struct store_folder *sf, uint32_t uidvalidity,
    uint64_t modseq, size_t nunread, uint32_t messages,
    struct imap_scan_stats *stats)
{
	if (modseq == 0 || modseq != sf->highestmodseq ||
	    uidvalidity != sf->uidvalidity || nunread != 0)
		return false;
	stats->messages += messages;
	stats->folders++;
	return true;
}

bool
imap_scan_unchanged(struct store *st, const struct imap_folder *f,
    const struct imap_status *s, struct imap_scan_stats *stats)
{
	struct store_folder sf;
	uint32_t *unread = NULL;
	size_t nunread = 1;
	bool same;

	if (!s->ok || store_begin(st) != 0)
		return false;
	same = store_folder(st, f->name, &sf) == 0 &&
	    store_msg_unreadable(st, sf.id, &unread, &nunread) == 0 &&
	    as_stored(&sf, s->uidvalidity, s->modseq, nunread, s->messages,
	    stats);
	free(unread);
	store_rollback(st);
	return same;
}

int
imap_scan_folder(struct imap_conn *c, struct store *st,
    const struct imap_folder *f, bool sent, struct imap_scan_stats *stats,
    char *err, size_t errlen)
{
	struct store_folder sf;
	struct phase ph = { .st = st, .stats = stats };
	uint32_t uidvalidity, exists, *unread = NULL;
	size_t nunread = 0;
	uint64_t modseq = 0;
	int rc = -1;

	int r = c->condstore ? mailimap_examine_condstore(c->s, f->wire,
	    &modseq) : mailimap_examine(c->s, f->wire);
	if (r != MAILIMAP_NO_ERROR) {
		snprintf(err, errlen, "cannot open folder %s: %s", f->name,
		    imap_why(c, r));
		/* a tagged NO: the session is as it was, in step */
		return r == MAILIMAP_ERROR_EXAMINE ? -2 : -1;
	}
	uidvalidity = c->s->imap_selection_info->sel_uidvalidity;
	exists = c->s->imap_selection_info->sel_exists;
	ph.uidvalidity = uidvalidity;
	if (store_begin(st) != 0 || store_folder(st, f->name, &sf) != 0)
		goto store_err;
	if (sf.uidvalidity != uidvalidity) {
		if (sf.uidvalidity != 0)
			stats->resets++;
		if (store_folder_reset(st, &sf, uidvalidity) != 0)
			goto store_err;
	}
	/* what the server could not give before is asked for again */
	if (store_msg_unreadable(st, sf.id, &unread, &nunread) != 0)
		goto store_err;
	if (as_stored(&sf, uidvalidity, modseq, nunread, exists, stats)) {
		store_rollback(st);
		return 0;
	}
	/* many new messages: compressed, if the link is slow (a
	 * rescan's few round trips are not worth two more) */
	if (exists >= COMPRESS_MIN_NEW && (int64_t)exists - COMPRESS_MIN_NEW >=
	    store_msg_count(st, sf.id, NULL) && imap_compress(c, err, errlen) != 0)
		goto out;
	phase_start(&ph, f, sent, &sf, exists);
	ph.above = ph.highest = sf.highest_uid;

	if (exists > 0) {
		struct mailimap_set *set = mailimap_set_new_interval(
		    sf.highest_uid + 1, 0);
		rc = read_set(c, &ph, set, NULL, 0, err, errlen);
		mailimap_set_free(set);
		if (rc != 0)
			goto out;
	}
	rc = -1;	/* until it is all committed */
	if ((int64_t)exists != store_msg_count(st, sf.id, NULL) &&
	    catch_up(c, &ph, err, errlen) != 0)
		goto out;
	if (nunread > 0 && retry_unreadable(c, &ph, unread, nunread, err,
	    errlen) != 0)
		goto out;
	if (modseq != 0 && sf.highestmodseq != 0 && sf.highest_uid > 0 &&
	    modseq != sf.highestmodseq && changed_flags(c, &ph,
	    sf.highest_uid, sf.highestmodseq, err, errlen) != 0)
		goto out;
	stats->messages += exists;
	sf.highest_uid = ph.highest;
	sf.highestmodseq = modseq;
	if (store_folder_save(st, &sf) != 0 || store_commit(st) != 0)
		goto store_err;
	stats->folders++;
	rc = 0;
	goto done;
store_err:
	snprintf(err, errlen, "%s", store_error(st));
out:
	store_rollback(st);
done:
	for (size_t i = 0; i < ph.ncand; i++)
		free(ph.cand[i].flags);
	free(ph.cand);
	free(unread);
	return rc;
}

/* ---- every message of a folder, whole (training) ---- */

struct each {
	int		(*fn)(uint32_t, const char *, size_t, void *);
	void		*arg;
	int		 stop;
};

static void
on_whole(struct imap_fetched *f, void *arg)
{
	struct each *e = arg;

	if (e->stop == 0 && f->uid && f->body)
		e->stop = e->fn(f->uid, f->body, f->bodylen, e->arg);
}

int
imap_each_message(struct imap_conn *c, const char *folder,
    int (*fn)(uint32_t uid, const char *raw, size_t len, void *), void *arg,
    char *err, size_t errlen)
{
	char *wire = mutf7_encode(folder), why[512];
	uint32_t *uids = NULL;
	size_t n = 0;
	int rc = 0;

	if (wire == NULL) {
		snprintf(err, errlen, "%s: not a valid folder name", folder);
		return -1;
	}
	if (mailimap_examine(c->s, wire) != MAILIMAP_NO_ERROR) {
		snprintf(err, errlen, "no folder %s on the server", folder);
		free(wire);
		return -1;
	}
	free(wire);
	if (uids_above(c, 0, &uids, &n) != 0) {
		snprintf(err, errlen, "%s: UID SEARCH failed", folder);
		return -1;
	}
	struct each e = { fn, arg, 0 };
	/* in batches, so that fn can stop it early */
	for (size_t i = 0; i < n && rc == 0 && e.stop == 0; i += BATCH) {
		size_t k = n - i < BATCH ? n - i : BATCH;
		struct mailimap_set *set = imap_uid_set(uids + i, k);
		if (imap_fetch_body(c, set, BODY_CAP, on_whole, &e, why,
		    sizeof why) != 0) {
			snprintf(err, errlen, "%s: %s", folder, why);
			rc = -1;
		}
		mailimap_set_free(set);
	}
	free(uids);
	return rc != 0 ? rc : e.stop;
}

struct one {
	char	*raw;
	size_t	 len;
};

static void
on_one(struct imap_fetched *f, void *arg)
{
	struct one *o = arg;

	if (o->raw == NULL && f->body && (o->raw = malloc(f->bodylen + 1))) {
		memcpy(o->raw, f->body, f->bodylen);
		o->raw[f->bodylen] = '\0';
		o->len = f->bodylen;
	}
}

int
imap_fetch_one(struct imap_conn *c, const char *folder, uint32_t uid,
    size_t cap, char **raw, size_t *len, char *err, size_t errlen)
{
	char *wire = mutf7_encode(folder), why[512];
	struct one o = { NULL, 0 };
	int rc;

	*raw = NULL;
	*len = 0;
	if (wire == NULL) {
		snprintf(err, errlen, "%s: not a valid folder name", folder);
		return -1;
	}
	rc = mailimap_examine(c->s, wire);
	free(wire);
	if (rc != MAILIMAP_NO_ERROR) {
		snprintf(err, errlen, "no folder %s on the server", folder);
		return -1;
	}
	struct mailimap_set *set = imap_uid_set(&uid, 1);
	rc = imap_fetch_body(c, set, cap, on_one, &o, why, sizeof why);
	mailimap_set_free(set);
	if (rc != 0) {
		free(o.raw);
		snprintf(err, errlen, "%s: %s", folder, why);
		return -1;
	}
	if (o.raw == NULL) {
		snprintf(err, errlen, "message %u is no longer in %s", uid,
		    folder);
		return 1;
	}
	*raw = o.raw;
	*len = o.len;
	return 0;
}
