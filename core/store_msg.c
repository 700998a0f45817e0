/* store_msg.c - the folders' state, the scanned messages, the Sent index,
 * transactions. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "engine.h"
#include "store.h"
#include "store_int.h"
#include "verdict.h"

/*
 * Ordinary mail is kept as runs of UIDs (plain_runs: lo to hi, both in,
 * runs neither overlapping nor touching). A scan puts UIDs in order: the
 * run being made (st->run) grows in memory and is written when a UID
 * does not extend it, and before anything reads or changes the runs.
 */

/* The folder's runs that overlap [lo, hi] (or touch it, with touch), in
 * descending order of lo: *n of them in *out (the caller frees it). */
static int
runs_meeting(struct store *st, int64_t folder, uint32_t lo, uint32_t hi,
    bool touch, uint32_t (**out)[2], size_t *n)
{
	sqlite3_stmt *s = st_cached(st, "SELECT lo, hi FROM plain_runs WHERE "
	    "folder = ? AND lo <= ? ORDER BY lo DESC");
	size_t cap = 0;
	int step;

	*out = NULL;
	*n = 0;
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, folder);
	sqlite3_bind_int64(s, 2, (int64_t)hi + touch);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t rlo = sqlite3_column_int64(s, 0);
		int64_t rhi = sqlite3_column_int64(s, 1);
		if (rhi + touch < (int64_t)lo)
			break;		/* the runs before it end earlier */
		if (*n == cap) {
			cap = cap ? cap * 2 : 4;
			*out = xreallocarray(*out, cap, sizeof **out);
		}
		(*out)[*n][0] = (uint32_t)rlo;
		(*out)[(*n)++][1] = (uint32_t)rhi;
	}
	sqlite3_reset(s);
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		free(*out);
		*out = NULL;
		return st_fail(st, "store");
	}
	return 0;
}

/* A run's row: deleted (hi 0), given a new hi, or added. */
static int
run_set(struct store *st, int64_t folder, uint32_t lo, uint32_t hi,
    bool exists)
{
	sqlite3_stmt *s;
	int rc;

	if (!exists)
		s = st->plain_put;
	else if (hi == 0)
		s = st_cached(st, "DELETE FROM plain_runs WHERE folder = ?1 AND "
		    "lo = ?2 AND ?3 = 0");
	else
		s = st_cached(st, "UPDATE plain_runs SET hi = ?3 WHERE "
		    "folder = ?1 AND lo = ?2");
	if (s == NULL)
		return -1;
	sqlite3_reset(s);
	sqlite3_bind_int64(s, 1, folder);
	sqlite3_bind_int64(s, 2, lo);
	sqlite3_bind_int64(s, 3, hi);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : st_fail(st, "store");
}

/* [lo, hi] added to the folder's ordinary mail, joined with the runs it
 * overlaps or touches */
static int
runs_add(struct store *st, int64_t folder, uint32_t lo, uint32_t hi)
{
	uint32_t (*r)[2];
	size_t n;
	bool kept = false;
	int rc = 0;

	if (runs_meeting(st, folder, lo, hi, true, &r, &n) != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		lo = r[i][0] < lo ? r[i][0] : lo;
		hi = r[i][1] > hi ? r[i][1] : hi;
	}
	/* the one that starts where the joined run starts takes its hi */
	for (size_t i = 0; i < n && rc == 0; i++) {
		bool keep = r[i][0] == lo;
		rc = run_set(st, folder, r[i][0], keep ? hi : 0, true);
		kept |= keep;
	}
	if (rc == 0 && !kept)
		rc = run_set(st, folder, lo, hi, false);
	free(r);
	return rc;
}

/* [lo, hi] taken out of the folder's ordinary mail; *gone: how many UIDs
 * that were in it */
static int
runs_cut(struct store *st, int64_t folder, uint32_t lo, uint32_t hi,
    size_t *gone)
{
	uint32_t (*r)[2];
	size_t n;
	int rc = 0;

	if (runs_meeting(st, folder, lo, hi, false, &r, &n) != 0)
		return -1;
	for (size_t i = 0; i < n && rc == 0; i++) {
		uint32_t rlo = r[i][0], rhi = r[i][1];
		if (gone)
			*gone += (rhi < hi ? rhi : hi) - (rlo > lo ? rlo : lo) + 1;
		/* what is left before lo keeps the row, after hi is a new one */
		rc = run_set(st, folder, rlo, rlo < lo ? lo - 1 : 0, true);
		if (rc == 0 && rhi > hi)
			rc = run_set(st, folder, hi + 1, rhi, false);
	}
	free(r);
	return rc;
}

int
st_plain_flush(struct store *st)
{
	if (!st->run.open)
		return 0;
	st->run.open = false;
	return runs_add(st, st->run.folder, st->run.lo, st->run.hi);
}

/* Transactions are here, not in store.c: a commit writes the run being
 * made first. */
int
store_begin(struct store *st)
{
	st->fk_deferred = false;
	return st_exec(st, "BEGIN IMMEDIATE");
}

int
store_commit(struct store *st)
{
	if (st_plain_flush(st) != 0)
		return -1;
	st->fk_deferred = false;	/* SQLite's ends with the transaction */
	return st_exec(st, "COMMIT");
}

void
store_rollback(struct store *st)
{
	st->run.open = false;	/* put in the transaction: gone with it */
	st->fk_deferred = false;
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

/* A folder's stored UIDs in order, the rows of messages and the runs of
 * ordinary mail merged (each read in the order of its keys: no sort). */
struct uid_walk {
	sqlite3_stmt	*m, *r;
	uint32_t	 mu, lo, hi;	/* the next row's UID; the run's */
	bool		 mok, rok;
	bool		 failed;	/* a step that was not ROW or DONE */
};

static bool
walk_step(struct uid_walk *w, sqlite3_stmt *s)
{
	int step = sqlite3_step(s);

	w->failed |= step != SQLITE_ROW && step != SQLITE_DONE;
	return step == SQLITE_ROW;
}

static void
walk_row(struct uid_walk *w)
{
	w->mok = walk_step(w, w->m);
	if (w->mok)
		w->mu = (uint32_t)sqlite3_column_int64(w->m, 0);
}

static void
walk_run(struct uid_walk *w)
{
	w->rok = walk_step(w, w->r);
	if (w->rok) {
		w->lo = (uint32_t)sqlite3_column_int64(w->r, 0);
		w->hi = (uint32_t)sqlite3_column_int64(w->r, 1);
	}
}

static int
walk_open(struct store *st, int64_t folder, struct uid_walk *w)
{
	memset(w, 0, sizeof *w);
	if (st_plain_flush(st) != 0)
		return -1;
	/* the rows' UIDs from the folder's index alone: its keys */
	if (sqlite3_prepare_v2(st->db, "SELECT uid FROM messages INDEXED BY "
	    "messages_folder WHERE folder = ? ORDER BY uid", -1, &w->m,
	    NULL) != SQLITE_OK || sqlite3_prepare_v2(st->db, "SELECT lo, hi "
	    "FROM plain_runs WHERE folder = ? ORDER BY lo", -1, &w->r,
	    NULL) != SQLITE_OK) {
		sqlite3_finalize(w->m);
		return st_fail(st, "store");
	}
	sqlite3_bind_int64(w->m, 1, folder);
	sqlite3_bind_int64(w->r, 1, folder);
	walk_row(w);
	walk_run(w);
	return 0;
}

/* The next UID, and whether it is ordinary mail; false at the end. */
static bool
walk_next(struct uid_walk *w, uint32_t *uid, bool *plain)
{
	if (w->rok && (!w->mok || w->lo < w->mu)) {
		*uid = w->lo;
		*plain = true;
		if (w->lo++ == w->hi)
			walk_run(w);
		return true;
	}
	if (!w->mok)
		return false;
	*uid = w->mu;
	*plain = false;
	walk_row(w);
	return true;
}

/* 0 when the walk read everything, -1 (st->err) when SQLite failed */
static int
walk_close(struct store *st, struct uid_walk *w)
{
	int rc = w->failed ? st_fail(st, "store") : 0;

	sqlite3_finalize(w->m);
	sqlite3_finalize(w->r);
	w->m = w->r = NULL;
	return rc;
}

int
store_folder(struct store *st, const char *name, struct store_folder *f)
{
	sqlite3_stmt *s = st->folder_get;
	int rc;

	memset(f, 0, sizeof *f);
	sqlite3_reset(s);
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		f->id = sqlite3_column_int64(s, 0);
		f->uidvalidity = (uint32_t)sqlite3_column_int64(s, 1);
		f->highest_uid = (uint32_t)sqlite3_column_int64(s, 2);
		f->highestmodseq = (uint64_t)sqlite3_column_int64(s, 3);
		sqlite3_reset(s);
		return 0;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return st_fail(st, "store");
	s = st->folder_add;
	sqlite3_reset(s);
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return st_fail(st, "store");
	f->id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int
store_folder_save(struct store *st, const struct store_folder *f)
{
	sqlite3_stmt *s = st->folder_save;
	int rc;

	sqlite3_reset(s);
	sqlite3_bind_int64(s, 1, f->uidvalidity);
	sqlite3_bind_int64(s, 2, f->highest_uid);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)f->highestmodseq);
	sqlite3_bind_int64(s, 4, f->id);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : st_fail(st, "store");
}

int
store_folder_reset(struct store *st, struct store_folder *f,
    uint32_t uidvalidity)
{
	sqlite3_stmt *s;
	int rc;

	static const char *const sql[] = {
		"DELETE FROM messages WHERE folder = ?",
		"DELETE FROM plain_runs WHERE folder = ?",
		"DELETE FROM sent WHERE folder = ?",
	};

	if (st_plain_flush(st) != 0)
		return -1;
	for (size_t k = 0; k < sizeof sql / sizeof *sql; k++) {
		if (sqlite3_prepare_v2(st->db, sql[k], -1, &s, NULL) !=
		    SQLITE_OK)
			return st_fail(st, "store");
		sqlite3_bind_int64(s, 1, f->id);
		rc = sqlite3_step(s);
		sqlite3_finalize(s);
		if (rc != SQLITE_DONE)
			return st_fail(st, "store");
	}
	f->uidvalidity = uidvalidity;
	f->highest_uid = 0;
	f->highestmodseq = 0;
	return store_folder_save(st, f);
}

/* The row of the UID in the other table, when it is read again. */
static int
drop_other(struct store *st, int64_t folder, uint32_t uid, bool plain)
{
	sqlite3_stmt *s;
	int rc;

	if (!plain)
		return st_plain_flush(st) != 0 ? -1 :
		    runs_cut(st, folder, uid, uid, NULL);
	if ((s = st_cached(st, "DELETE FROM messages WHERE folder = ? AND "
	    "uid = ?")) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, folder);
	sqlite3_bind_int64(s, 2, uid);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : st_fail(st, "store");
}

struct msg_row {
	int64_t			 folder;
	const struct store_msg	*m;
};

static void
bind_msg(sqlite3_stmt *s, const void *arg)
{
	const struct msg_row *r = arg;
	const struct store_msg *m = r->m;

	sqlite3_bind_int64(s, 1, r->folder);
	sqlite3_bind_int64(s, 2, m->uid);
	st_bind_text(s, 3, m->message_id);
	sqlite3_bind_int64(s, 4, m->date);
	sqlite3_bind_int64(s, 5, m->size);
	sqlite3_bind_text(s, 6, m->kind ? m->kind : "other", -1,
	    SQLITE_STATIC);
	st_bind_text(s, 7, m->flags);
	st_bind_text(s, 8, m->report);
	sqlite3_bind_int(s, 9, m->unreadable);
}

int
store_msg_put(struct store *st, int64_t folder, const struct store_msg *m)
{
	if (m->again && drop_other(st, folder, m->uid, m->plain) != 0)
		return -1;
	if (m->plain) {
		/* the run being made grows, or is written and a new one
		 * begins */
		if (st->run.open && st->run.folder == folder &&
		    m->uid == (uint64_t)st->run.hi + 1) {
			st->run.hi = m->uid;
			return 0;
		}
		if (st_plain_flush(st) != 0)
			return -1;
		st->run.folder = folder;
		st->run.lo = st->run.hi = m->uid;
		st->run.open = true;
		return 0;
	}

	/* OR REPLACE would cost a third more (the evidence it would
	 * cascade to is looked up) */
	const struct msg_row row = { folder, m };
	return st_add_or_replace(st, st->msg_add, st->msg_put, bind_msg, &row);
}

int
store_msg_keep_only(struct store *st, int64_t folder, const uint32_t *uids,
    size_t n, size_t *dropped, size_t *judged, uint32_t *missing,
    size_t *nmissing)
{
	/* the stored UIDs from the folder's index alone (its keys): the
	 * table's rows hold each message's report, and reading them all
	 * was 0.14 s of a 100,000-message rescan; a row is read only for
	 * the messages that went (was it a report?) */
	static const char *const sql[] = {
		"DELETE FROM messages WHERE folder = ? AND uid = ? RETURNING "
		"kind != 'other' OR unreadable",
		"DELETE FROM sent WHERE folder = ? AND uid BETWEEN ? AND ?",
	};
	enum { NSQL = sizeof sql / sizeof *sql };
	sqlite3_stmt *s[NSQL] = { NULL };
	struct uid_walk w;
	struct gone { uint32_t lo, hi; bool plain; } *drop = NULL;
	size_t i = 0, gone = 0, miss = 0, weighed = 0, ndrop = 0, cap = 0;
	uint32_t uid;
	bool plain;
	int rc = 0, step;

	if (walk_open(st, folder, &w) != 0)
		return -1;
	for (int k = 0; k < NSQL; k++) {
		if (sqlite3_prepare_v2(st->db, sql[k], -1, &s[k], NULL) !=
		    SQLITE_OK) {
			rc = st_fail(st, "store");
			goto out;
		}
		sqlite3_bind_int64(s[k], 1, folder);
	}
	/* one walk of the stored UIDs against the sorted list: stored and
	 * not listed are dropped (once the walk is done; ordinary mail a
	 * run at a time), listed and not stored are missing */
	while (walk_next(&w, &uid, &plain)) {
		for (; i < n && uids[i] < uid; i++)
			if (missing)
				missing[miss++] = uids[i];
		if (i < n && uids[i] == uid) {
			i++;
			continue;
		}
		if (plain && ndrop > 0 && drop[ndrop - 1].plain &&
		    drop[ndrop - 1].hi + 1 == uid) {
			drop[ndrop - 1].hi = uid;
			continue;
		}
		if (ndrop == cap) {
			cap = cap ? cap * 2 : 64;
			drop = xreallocarray(drop, cap, sizeof *drop);
		}
		drop[ndrop++] = (struct gone){ uid, uid, plain };
	}
	if (walk_close(st, &w) != 0) {
		rc = -1;
		goto out;
	}
	for (; missing && i < n; i++)
		missing[miss++] = uids[i];
	for (size_t d = 0; d < ndrop && rc == 0; d++) {
		struct gone *g = &drop[d];
		if (g->plain) {
			size_t cut = 0;
			rc = runs_cut(st, folder, g->lo, g->hi, &cut);
			gone += cut;
		} else {
			sqlite3_reset(s[0]);
			sqlite3_bind_int64(s[0], 2, g->lo);
			while ((step = sqlite3_step(s[0])) == SQLITE_ROW)
				weighed += sqlite3_column_int(s[0], 0) != 0;
			if (step != SQLITE_DONE)
				rc = st_fail(st, "store");
			gone++;
		}
		/* a Sent message went: the verdicts are weighed again */
		sqlite3_reset(s[1]);
		sqlite3_bind_int64(s[1], 2, g->lo);
		sqlite3_bind_int64(s[1], 3, g->hi);
		if (rc == 0 && sqlite3_step(s[1]) != SQLITE_DONE)
			rc = st_fail(st, "store");
		else if (rc == 0)
			weighed += (size_t)sqlite3_changes(st->db);
	}
out:
	for (int k = 0; k < NSQL; k++)
		sqlite3_finalize(s[k]);
	sqlite3_finalize(w.m);
	sqlite3_finalize(w.r);
	free(drop);
	if (dropped)
		*dropped = gone;
	if (judged)
		*judged = weighed;
	if (nmissing)
		*nmissing = miss;
	return rc;
}

int64_t
store_msg_count(struct store *st, int64_t folder, const char *kind)
{
	sqlite3_stmt *s;
	int64_t n = -1;

	/* plain mail is of kind other */
	if (st_plain_flush(st) != 0)
		return -1;
	if (sqlite3_prepare_v2(st->db, kind ?
	    "SELECT (SELECT count(*) FROM messages WHERE folder = ?1 AND "
	    "kind = ?2) + (SELECT coalesce(sum(hi - lo + 1), 0) FROM "
	    "plain_runs WHERE folder = ?1 AND ?2 = 'other')" :
	    "SELECT (SELECT count(*) FROM messages INDEXED BY "
	    "messages_folder WHERE folder = ?1) + (SELECT coalesce(sum(hi - "
	    "lo + 1), 0) FROM plain_runs WHERE folder = ?1)", -1, &s, NULL) !=
	    SQLITE_OK)
		return st_fail(st, "store");
	sqlite3_bind_int64(s, 1, folder);
	if (kind)
		sqlite3_bind_text(s, 2, kind, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

typedef int msg_fn(const struct store_row *, void *);

static int
msg_row(sqlite3_stmt *s, void *arg)
{
	const struct st_each *e = arg;
	struct store_row r = {
		.folder = (const char *)sqlite3_column_text(s, 0),
		.uid = (uint32_t)sqlite3_column_int64(s, 1),
		.message_id = (const char *)sqlite3_column_text(s, 2),
		.kind = (const char *)sqlite3_column_text(s, 3),
		.report = (const char *)sqlite3_column_text(s, 4),
		.size = sqlite3_column_int64(s, 5),
		.unreadable = sqlite3_column_int(s, 6) != 0,
		.verdict = (const char *)sqlite3_column_text(s, 7),
		.score = sqlite3_column_double(s, 8),
		.signals = (const char *)sqlite3_column_text(s, 9),
		.campaign = sqlite3_column_int64(s, 10),
	};

	return ((msg_fn *)e->fn)(&r, e->arg);
}

int
store_each_msg(struct store *st, bool reports_only, msg_fn *fn, void *arg)
{
	return st_rows(st, st_prepare(st, "SELECT f.name, m.uid, "
	    "m.message_id, m.kind, m.report, m.size, m.unreadable, v.verdict, "
	    "v.score, v.signals, v.campaign FROM messages m JOIN folders f ON "
	    "f.id = m.folder LEFT JOIN verdicts v ON v.folder = m.folder AND "
	    "v.uid = m.uid WHERE ?1 = 0 OR m.kind != 'other' OR m.unreadable "
	    "ORDER BY f.name, m.uid", "b", reports_only), msg_row,
	    ST_EACH(fn, arg));
}

typedef int count_fn(const char *, const char *, int64_t, void *);

static int
count_row(sqlite3_stmt *s, void *arg)
{
	const struct st_each *e = arg;

	return ((count_fn *)e->fn)((const char *)sqlite3_column_text(s, 0),
	    (const char *)sqlite3_column_text(s, 1),
	    sqlite3_column_int64(s, 2), e->arg);
}

int
store_each_count(struct store *st, count_fn *fn, void *arg)
{
	if (st_plain_flush(st) != 0)
		return -1;
	return st_rows(st, st_prepare(st, "SELECT f.name, k, sum(n) FROM "
	    "(SELECT folder, CASE WHEN unreadable THEN 'unreadable' ELSE kind "
	    "END k, count(*) n FROM messages GROUP BY folder, k UNION ALL "
	    "SELECT folder, 'other', sum(hi - lo + 1) FROM plain_runs GROUP BY "
	    "folder) "
	    "JOIN folders f ON f.id = folder GROUP BY f.name, k ORDER BY "
	    "f.name, k", NULL), count_row, ST_EACH(fn, arg));
}

int
store_sent_put(struct store *st, int64_t folder, uint32_t uid,
    const char *message_id, int64_t date, const char *recipients)
{
	int rc = SQLITE_CONSTRAINT;

	for (int k = 0; k < 2 && rc == SQLITE_CONSTRAINT; k++) {
		sqlite3_stmt *s = k ? st->sent_put : st->sent_add;
		sqlite3_reset(s);	/* as store_msg_put: INSERT, then REPLACE */
		sqlite3_bind_int64(s, 1, folder);
		sqlite3_bind_int64(s, 2, uid);
		st_bind_text(s, 3, message_id);
		sqlite3_bind_int64(s, 4, date);
		st_bind_text(s, 5, recipients);
		rc = sqlite3_step(s);
		sqlite3_reset(s);
	}
	return rc == SQLITE_DONE ? 0 : st_fail(st, "store");
}

int
store_sent_find(struct store *st, const char *message_id, int64_t *date)
{
	sqlite3_stmt *s = st->sent_find;
	int rc;

	sqlite3_reset(s);
	sqlite3_bind_text(s, 1, message_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && date)
		*date = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : st_fail(st, "store");
}

int64_t
store_sent_count(struct store *st)
{
	sqlite3_stmt *s;
	int64_t n = -1;

	if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM sent", -1, &s,
	    NULL) != SQLITE_OK)
		return st_fail(st, "store");
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

int
store_msg_set_flags(struct store *st, int64_t folder, const uint32_t *uids,
    char *const *flags, size_t n)
{
	sqlite3_stmt *s;
	int rc = 0;

	if (n == 0)
		return 0;
	if (sqlite3_prepare_v2(st->db, "UPDATE messages SET flags = ? WHERE "
	    "folder = ? AND uid = ?", -1, &s, NULL) != SQLITE_OK)
		return st_fail(st, "store");
	for (size_t i = 0; i < n && rc == 0; i++) {
		sqlite3_reset(s);
		st_bind_text(s, 1, flags[i]);
		sqlite3_bind_int64(s, 2, folder);
		sqlite3_bind_int64(s, 3, uids[i]);
		if (sqlite3_step(s) != SQLITE_DONE)
			rc = st_fail(st, "store");
	}
	sqlite3_finalize(s);
	return rc;
}

static int
uids_where(struct store *st, int64_t folder, const char *sql, uint32_t **uids,
    size_t *n)
{
	sqlite3_stmt *s;
	size_t cap = 0;

	*uids = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return st_fail(st, "store");
	sqlite3_bind_int64(s, 1, folder);
	while (sqlite3_step(s) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 1024;
			*uids = xreallocarray(*uids, cap, sizeof **uids);
		}
		(*uids)[(*n)++] = (uint32_t)sqlite3_column_int64(s, 0);
	}
	sqlite3_finalize(s);
	return 0;
}

int
store_msg_uids(struct store *st, int64_t folder, uint32_t **uids, size_t *n)
{
	struct uid_walk w;
	size_t cap = 0;
	uint32_t uid;
	bool plain;

	*uids = NULL;
	*n = 0;
	if (walk_open(st, folder, &w) != 0)
		return -1;
	while (walk_next(&w, &uid, &plain)) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 1024;
			*uids = xreallocarray(*uids, cap, sizeof **uids);
		}
		(*uids)[(*n)++] = uid;
	}
	return walk_close(st, &w);
}

int
store_msg_unreadable(struct store *st, int64_t folder, uint32_t **uids,
    size_t *n)
{
	/* by the partial index of those rows alone: the planner would
	 * take the primary key and read every row of the folder */
	return uids_where(st, folder, "SELECT uid FROM messages INDEXED BY "
	    "messages_unreadable WHERE folder = ? AND unreadable ORDER BY uid",
	    uids, n);
}

