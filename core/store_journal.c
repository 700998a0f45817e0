/* store_journal.c - the journal of actions; what clean and review act on. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "engine.h"
#include "store.h"
#include "store_int.h"
#include "verdict.h"

/* ---- the journal of actions ---- */

int
store_journal_batch(struct store *st, int64_t *batch)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(st->db, "SELECT coalesce(max(batch), 0) + 1 "
	    "FROM journal", -1, &s, NULL) != SQLITE_OK)
		return st_fail(st, "store");
	rc = sqlite3_step(s);
	*batch = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : st_fail(st, "store");
}

int
store_journal_add(struct store *st, const struct store_act *a, int64_t *id)
{
	sqlite3_stmt *s;
	int rc;

	if ((s = st_cached(st, "INSERT INTO journal(batch, action, "
	    "folder, uidvalidity, uid, message_id, dest, origin, state, at, "
	    "dest_next, dest_next_uv) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
	    "'pending', ?, ?, ?)")) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, a->batch);
	st_bind_text(s, 2, a->action);
	st_bind_text(s, 3, a->folder);
	sqlite3_bind_int64(s, 4, a->uidvalidity);
	sqlite3_bind_int64(s, 5, a->uid);
	st_bind_text(s, 6, a->message_id);
	st_bind_text(s, 7, a->dest);
	st_bind_text(s, 8, a->origin ? a->origin : a->folder);
	sqlite3_bind_int64(s, 9, a->at);
	sqlite3_bind_int64(s, 10, a->dest_next);
	sqlite3_bind_int64(s, 11, a->dest_next_uv);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return st_fail(st, "store");
	if (id)
		*id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int
store_journal_set(struct store *st, int64_t id, enum store_jstate state,
    uint32_t dest_uidvalidity, uint32_t dest_uid, int64_t when)
{
	sqlite3_stmt *s;
	int rc;

	if ((s = st_cached(st, "UPDATE journal SET state = ?, "
	    "dest_uidvalidity = ?, dest_uid = ?, done_at = ? WHERE id = ?"))
	    == NULL)
		return -1;
	st_bind_text(s, 1, store_jstate_name(state));
	if (dest_uid) {
		sqlite3_bind_int64(s, 2, dest_uidvalidity);
		sqlite3_bind_int64(s, 3, dest_uid);
	}
	sqlite3_bind_int64(s, 4, when);
	sqlite3_bind_int64(s, 5, id);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : st_fail(st, "store");
}

static const char *const jstate_names[JS__N] = {
	"pending", "done", "dropped", "vanished", "copied", "refused"
};

const char *
store_jstate_name(enum store_jstate j)
{
	return (unsigned)j < JS__N ? jstate_names[j] : "pending";
}

static enum store_jstate
jstate_of(const char *name)
{
	for (int j = 0; name && j < JS__N; j++)
		if (strcmp(name, jstate_names[j]) == 0)
			return (enum store_jstate)j;
	return JS_PENDING;
}

static void
act_of(sqlite3_stmt *s, struct store_act *a)
{
	memset(a, 0, sizeof *a);
	a->id = sqlite3_column_int64(s, 0);
	a->batch = sqlite3_column_int64(s, 1);
	a->action = (const char *)sqlite3_column_text(s, 2);
	a->folder = (const char *)sqlite3_column_text(s, 3);
	a->uidvalidity = (uint32_t)sqlite3_column_int64(s, 4);
	a->uid = (uint32_t)sqlite3_column_int64(s, 5);
	a->message_id = (const char *)sqlite3_column_text(s, 6);
	a->dest = (const char *)sqlite3_column_text(s, 7);
	a->origin = (const char *)sqlite3_column_text(s, 8);
	a->state = jstate_of((const char *)sqlite3_column_text(s, 9));
	a->dest_uidvalidity = (uint32_t)sqlite3_column_int64(s, 10);
	a->dest_uid = (uint32_t)sqlite3_column_int64(s, 11);
	a->at = sqlite3_column_int64(s, 12);
	a->done_at = sqlite3_column_int64(s, 13);
	a->dest_next = (uint32_t)sqlite3_column_int64(s, 14);
	a->dest_next_uv = (uint32_t)sqlite3_column_int64(s, 15);
}

#define ACT_COLUMNS "id, batch, action, folder, uidvalidity, uid, " \
	"message_id, dest, origin, state, dest_uidvalidity, dest_uid, at, " \
	"done_at, dest_next, dest_next_uv"

typedef int journal_pending_fn(const struct store_act *, void *);

static int
journal_pending_row(sqlite3_stmt *s, void *arg)
{
	const struct st_each *e = arg;
	struct store_act a;

	act_of(s, &a);
	return ((journal_pending_fn *)e->fn)(&a, e->arg);
}

int
store_journal_pending(struct store *st, int64_t batch,
    journal_pending_fn *fn, void *arg)
{
	return st_rows(st, st_prepare(st, "SELECT " ACT_COLUMNS " FROM journal "
	    "WHERE state = 'pending' AND (?1 = 0 OR batch = ?1) ORDER BY "
	    "batch, folder, uid", "i", batch), journal_pending_row, ST_EACH(fn, arg));
}

int
store_journal_done_after(struct store *st, int64_t after,
    journal_pending_fn *fn, void *arg)
{
	return st_rows(st, st_prepare(st, "SELECT " ACT_COLUMNS " FROM journal "
	    "WHERE id > ?1 AND state = 'done' AND action IN ('quarantine', "
	    "'delete', 'release', 'keep') ORDER BY id", "i", after),
	    journal_pending_row, ST_EACH(fn, arg));
}

int64_t
store_journal_last(struct store *st)
{
	sqlite3_stmt *s;
	int64_t id = -1;

	if (sqlite3_prepare_v2(st->db, "SELECT coalesce(max(id), 0) FROM "
	    "journal", -1, &s, NULL) != SQLITE_OK)
		return st_fail(st, "store");
	if (sqlite3_step(s) == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	else
		st_fail(st, "store");
	sqlite3_finalize(s);
	return id;
}

int
store_msg_move(struct store *st, const char *from, uint32_t uid,
    const char *to, uint32_t to_uidvalidity, uint32_t new_uid)
{
	struct store_folder f, t;
	sqlite3_stmt *s;
	int rc = 0;

	if (store_folder(st, from, &f) != 0)
		return -1;
	if (new_uid == 0 || to == NULL) {	/* where it went is unknown */
		if ((s = st_cached(st, "DELETE FROM messages WHERE "
		    "folder = ? AND uid = ?")) == NULL)
			return -1;
		sqlite3_bind_int64(s, 1, f.id);
		sqlite3_bind_int64(s, 2, uid);
		rc = sqlite3_step(s) == SQLITE_DONE ? 0 : st_fail(st, "store");
		sqlite3_reset(s);
		return rc;
	}
	if (store_folder(st, to, &t) != 0)
		return -1;
	if (t.uidvalidity == 0 && to_uidvalidity) {
		t.uidvalidity = to_uidvalidity;
		if (store_folder_save(st, &t) != 0)
			return -1;
	}
	/* the row and its evidence follow the message; the two keys are
	 * only consistent again at the end of the transaction */
	static const char defer[] = "PRAGMA defer_foreign_keys = ON",
	    move_ev[] = "UPDATE OR REPLACE evidence SET folder = ?, uid = ? "
	    "WHERE folder = ? AND uid = ?",
	    move_v[] = "UPDATE OR REPLACE verdicts SET folder = ?, uid = ? "
	    "WHERE folder = ? AND uid = ?",
	    move_msg[] = "UPDATE OR REPLACE messages SET folder = ?, uid = ? "
	    "WHERE folder = ? AND uid = ?";
	/* once a transaction: setting the pragma expires every prepared
	 * statement, which SQLite then parses again (a sixth of a clean's
	 * CPU when it was set for each message) */
	if (!st->fk_deferred || sqlite3_get_autocommit(st->db)) {
		if ((s = st_cached(st, defer)) == NULL)
			return -1;
		rc = sqlite3_step(s);
		sqlite3_reset(s);
		if (rc != SQLITE_DONE && rc != SQLITE_ROW)
			return st_fail(st, "store");
		st->fk_deferred = !sqlite3_get_autocommit(st->db);
		rc = 0;
	}
	static const char *const move[] = { move_msg, move_ev, move_v };
	for (size_t k = 0; k < sizeof move / sizeof *move && rc == 0; k++) {
		if ((s = st_cached(st, move[k])) == NULL)
			return -1;
		sqlite3_bind_int64(s, 1, t.id);
		sqlite3_bind_int64(s, 2, new_uid);
		sqlite3_bind_int64(s, 3, f.id);
		sqlite3_bind_int64(s, 4, uid);
		rc = sqlite3_step(s) == SQLITE_DONE ? 0 : st_fail(st, "store");
		sqlite3_reset(s);
	}
	return rc;
}

/* ---- what clean and review act on ---- */

typedef int candidate_fn(const struct store_cand *, void *);

static int
candidate_row(sqlite3_stmt *s, void *arg)
{
	const struct st_each *e = arg;
	struct store_cand c = {
		.folder = (const char *)sqlite3_column_text(s, 0),
		.uid = (uint32_t)sqlite3_column_int64(s, 1),
		.message_id = (const char *)sqlite3_column_text(s, 2),
		.verdict = (const char *)sqlite3_column_text(s, 3),
		.score = sqlite3_column_double(s, 4),
		.campaign = sqlite3_column_int64(s, 5),
		.tokens = sqlite3_column_blob(s, 6),
		.ntokens = (size_t)sqlite3_column_bytes(s, 6) /
		    sizeof(uint64_t),
	};

	return ((candidate_fn *)e->fn)(&c, e->arg);
}

int
store_each_candidate(struct store *st, const char *quarantine,
    double threshold, bool unsure,
    candidate_fn *fn, void *arg)
{
	return st_rows(st, st_prepare(st, "SELECT f.name, m.uid, m.message_id, "
	    "v.verdict, v.score, v.campaign, e.tokens FROM evidence e JOIN "
	    "verdicts v ON v.folder = e.folder AND v.uid = e.uid JOIN "
	    "messages m ON m.folder = e.folder AND m.uid = e.uid JOIN folders f "
	    "ON f.id = e.folder WHERE f.name != ?1 AND ((v.verdict = "
	    "'backscatter' AND v.score >= ?2) OR (?3 AND v.verdict = 'unsure')) "
	    "AND (m.flags IS NULL OR instr(m.flags, '$NdrKept') = 0) AND NOT "
	    "EXISTS (SELECT 1 FROM journal j WHERE j.action = 'keep' AND "
	    "j.state = 'done' AND j.folder = f.name AND j.uid = m.uid AND "
	    "j.uidvalidity = f.uidvalidity) AND NOT EXISTS (SELECT 1 FROM "
	    "journal r WHERE r.action = 'release' AND r.state IN ('done', "
	    "'copied') AND ((r.dest = f.name AND r.dest_uid = m.uid AND "
	    "r.dest_uidvalidity = f.uidvalidity) OR r.message_id = "
	    "m.message_id)) ORDER BY f.name, m.uid", "tdb", quarantine,
	    threshold, unsure), candidate_row, ST_EACH(fn, arg));
}

typedef int quarantined_fn(const struct store_quar *, void *);

static int
quarantined_row(sqlite3_stmt *s, void *arg)
{
	const struct st_each *e = arg;
	struct store_quar q = {
		.id = sqlite3_column_int64(s, 0),
		.origin = (const char *)sqlite3_column_text(s, 1),
		.uid = (uint32_t)sqlite3_column_int64(s, 2),
		.uidvalidity = (uint32_t)sqlite3_column_int64(s, 3),
		.message_id = (const char *)sqlite3_column_text(s, 4),
		.since = sqlite3_column_int64(s, 5),
		.verdict = (const char *)sqlite3_column_text(s, 6),
		.score = sqlite3_column_double(s, 7),
		.campaign = sqlite3_column_int64(s, 8),
		.subject = (const char *)sqlite3_column_text(s, 9),
		.tokens = sqlite3_column_blob(s, 10),
		.ntokens = (size_t)sqlite3_column_bytes(s, 10) /
		    sizeof(uint64_t),
	};

	return ((quarantined_fn *)e->fn)(&q, e->arg);
}

int
store_each_quarantined(struct store *st, const char *quarantine,
    quarantined_fn *fn, void *arg)
{
	/* what was moved to the quarantine and is still there (in the
	 * store's view): the latest action on it was the quarantine */
	return st_rows(st, st_prepare(st, "SELECT j.id, j.origin, j.dest_uid, "
	    "j.dest_uidvalidity, j.message_id, j.done_at, v.verdict, v.score, "
	    "v.campaign, e.subject, e.tokens FROM journal j JOIN folders f ON "
	    "f.name = j.dest LEFT JOIN evidence e ON e.folder = f.id AND "
	    "e.uid = j.dest_uid LEFT JOIN verdicts v ON v.folder = f.id AND "
	    "v.uid = j.dest_uid WHERE j.action = 'quarantine' AND j.state = "
	    "'done' AND j.dest = ?1 AND j.dest_uid IS NOT NULL AND NOT EXISTS "
	    "(SELECT 1 FROM journal k WHERE k.folder = j.dest AND k.uid = "
	    "j.dest_uid AND k.uidvalidity = j.dest_uidvalidity AND k.id > j.id "
	    "AND k.state IN ('done', 'pending', 'vanished')) ORDER BY j.id",
	    "t", quarantine), quarantined_row, ST_EACH(fn, arg));
}

