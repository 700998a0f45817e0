/* store_msg.c - the folders' state, the scanned messages, the Sent index. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "engine.h"
#include "store.h"
#include "store_int.h"
#include "verdict.h"

/* A folder's stored UIDs in order, both tables merged (each in the order
 * of its keys: SQLite merges them, no sort). ?1 is the folder. */
#define ALL_UIDS \
	"SELECT uid FROM messages INDEXED BY messages_folder WHERE " \
	"folder = ?1 UNION ALL SELECT uid FROM plain WHERE folder = ?1 " \
	"ORDER BY uid"

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
		"DELETE FROM plain WHERE folder = ?",
		"DELETE FROM sent WHERE folder = ?",
	};

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
	sqlite3_stmt *s = st_cached(st, plain ? "DELETE FROM messages WHERE "
	    "folder = ? AND uid = ?" : "DELETE FROM plain WHERE folder = ? "
	    "AND uid = ?");
	int rc;

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, folder);
	sqlite3_bind_int64(s, 2, uid);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : st_fail(st, "store");
}

int
store_msg_put(struct store *st, int64_t folder, const struct store_msg *m)
{
	int rc = SQLITE_CONSTRAINT;

	if (m->again && drop_other(st, folder, m->uid, m->plain) != 0)
		return -1;
	if (m->plain) {
		sqlite3_stmt *s = st->plain_put;
		sqlite3_reset(s);
		sqlite3_bind_int64(s, 1, folder);
		sqlite3_bind_int64(s, 2, m->uid);
		rc = sqlite3_step(s);
		sqlite3_reset(s);
		return rc == SQLITE_DONE ? 0 : st_fail(st, "store");
	}

	/* a plain INSERT first: a scan adds rows, and OR REPLACE costs a
	 * third more (the evidence it would cascade to is looked up); the
	 * row already there is replaced */
	for (int k = 0; k < 2 && rc == SQLITE_CONSTRAINT; k++) {
		sqlite3_stmt *s = k ? st->msg_put : st->msg_add;
		sqlite3_reset(s);
		sqlite3_bind_int64(s, 1, folder);
		sqlite3_bind_int64(s, 2, m->uid);
		st_bind_text(s, 3, m->message_id);
		sqlite3_bind_int64(s, 4, m->date);
		sqlite3_bind_int64(s, 5, m->size);
		sqlite3_bind_text(s, 6, m->kind ? m->kind : "other", -1,
		    SQLITE_STATIC);
		st_bind_text(s, 7, m->flags);
		st_bind_text(s, 8, m->report);
		sqlite3_bind_int(s, 9, m->unreadable);
		rc = sqlite3_step(s);
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
	}
	return rc == SQLITE_DONE ? 0 : st_fail(st, "store");
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
		ALL_UIDS,
		"DELETE FROM messages WHERE folder = ? AND uid = ? RETURNING "
		"kind != 'other' OR unreadable",
		"DELETE FROM sent WHERE folder = ? AND uid = ?",
		"DELETE FROM plain WHERE folder = ? AND uid = ?",
	};
	enum { NSQL = sizeof sql / sizeof *sql };
	sqlite3_stmt *s[NSQL] = { NULL };
	size_t i = 0, gone = 0, miss = 0, weighed = 0, ndrop = 0, cap = 0;
	uint32_t *drop = NULL;
	int rc = 0, step;

	for (int k = 0; k < NSQL; k++) {
		if (sqlite3_prepare_v2(st->db, sql[k], -1, &s[k], NULL) !=
		    SQLITE_OK) {
			rc = st_fail(st, "store");
			goto out;
		}
		sqlite3_bind_int64(s[k], 1, folder);
	}
	/* one walk of the stored UIDs against the sorted list: stored and
	 * not listed are dropped (once the walk is done), listed and not
	 * stored are missing */
	while ((step = sqlite3_step(s[0])) == SQLITE_ROW) {
		uint32_t uid = (uint32_t)sqlite3_column_int64(s[0], 0);
		for (; i < n && uids[i] < uid; i++)
			if (missing)
				missing[miss++] = uids[i];
		if (i < n && uids[i] == uid) {
			i++;
			continue;
		}
		if (ndrop == cap) {
			cap = cap ? cap * 2 : 64;
			drop = xreallocarray(drop, cap, sizeof *drop);
		}
		drop[ndrop++] = uid;
	}
	if (step != SQLITE_DONE) {
		rc = st_fail(st, "store");
		goto out;
	}
	for (; missing && i < n; i++)
		missing[miss++] = uids[i];
	for (size_t d = 0; d < ndrop; d++) {
		bool report = false;
		for (int k = 1; k < NSQL; k++) {
			sqlite3_reset(s[k]);
			sqlite3_bind_int64(s[k], 2, drop[d]);
			while ((step = sqlite3_step(s[k])) == SQLITE_ROW)
				report |= sqlite3_column_int(s[k], 0) != 0;
			if (step != SQLITE_DONE) {
				rc = st_fail(st, "store");
				goto out;
			}
			if (k == 2 && sqlite3_changes(st->db) > 0)
				report = true;	/* a Sent message */
		}
		gone++;
		weighed += report;
	}
out:
	for (int k = 0; k < NSQL; k++)
		sqlite3_finalize(s[k]);
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
	if (sqlite3_prepare_v2(st->db, kind ?
	    "SELECT (SELECT count(*) FROM messages WHERE folder = ?1 AND "
	    "kind = ?2) + (SELECT count(*) FROM plain WHERE folder = ?1 AND "
	    "?2 = 'other')" :
	    "SELECT (SELECT count(*) FROM messages INDEXED BY "
	    "messages_folder WHERE folder = ?1) + (SELECT count(*) FROM "
	    "plain WHERE folder = ?1)", -1, &s, NULL) != SQLITE_OK)
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
	return st_rows(st, st_prepare(st, "SELECT f.name, k, sum(n) FROM "
	    "(SELECT folder, CASE WHEN unreadable THEN 'unreadable' ELSE kind "
	    "END k, count(*) n FROM messages GROUP BY folder, k UNION ALL "
	    "SELECT folder, 'other', count(*) FROM plain GROUP BY folder) "
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
	return uids_where(st, folder, ALL_UIDS, uids, n);
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

