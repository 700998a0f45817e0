/* store_bayes.c - the classifier's token counts and what it was taught. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "engine.h"
#include "store.h"
#include "store_int.h"
#include "verdict.h"

/* ---- the classifier ---- */

/*
 * The classifier's statement tmpl (a string literal) with its "%s" the
 * schema its tables are in: main, or the shared classifier's
 * (store_share_classifier); kept prepared (learning asks for some of them
 * once a message). NULL and st->err when SQLite refuses it.
 */
static sqlite3_stmt *
cls_stmt(struct store *st, const char *tmpl)
{
	const char *at = strstr(tmpl, "%s");
	char buf[256];

	snprintf(buf, sizeof buf, "%.*s%s%s", (int)(at - tmpl), tmpl,
	    st->shared ? "cls" : "main", at + 2);
	return st_cached_as(st, tmpl, buf);
}

typedef int token_fn(uint64_t, uint32_t, uint32_t, void *);

static int
token_row(sqlite3_stmt *s, void *arg)
{
	const struct st_each *e = arg;

	return ((token_fn *)e->fn)((uint64_t)sqlite3_column_int64(s, 0),
	    (uint32_t)sqlite3_column_int64(s, 1),
	    (uint32_t)sqlite3_column_int64(s, 2), e->arg);
}

int
store_each_token(struct store *st, token_fn *fn, void *arg)
{
	char sql[64];
	sqlite3_stmt *s;

	/* once a load: not kept (st_rows lets it go) */
	snprintf(sql, sizeof sql, "SELECT hash, spam, ham FROM %s.tokens",
	    st->shared ? "cls" : "main");
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return st_fail(st, "store");
	return st_rows(st, s, token_row, ST_EACH(fn, arg));
}

int
store_token_get(struct store *st, uint64_t hash, uint32_t *spam, uint32_t *ham)
{
	sqlite3_stmt *s = cls_stmt(st, "SELECT spam, ham FROM %s.tokens "
	    "WHERE hash = ?");
	int rc;

	*spam = *ham = 0;
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, (int64_t)hash);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*spam = (uint32_t)sqlite3_column_int64(s, 0);
		*ham = (uint32_t)sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : st_fail(st, "store");
}

int
store_token_put(struct store *st, uint64_t hash, uint32_t spam, uint32_t ham)
{
	sqlite3_stmt *s = cls_stmt(st, spam || ham ?
	    "INSERT OR REPLACE INTO %s.tokens(hash, spam, ham) VALUES "
	    "(?, ?, ?)" : "DELETE FROM %s.tokens WHERE hash = ?");
	int rc;

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, (int64_t)hash);
	if (spam || ham) {
		sqlite3_bind_int64(s, 2, spam);
		sqlite3_bind_int64(s, 3, ham);
	}
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : st_fail(st, "store");
}

int
store_trained_counts(struct store *st, int64_t *spam, int64_t *ham)
{
	int64_t n, last;

	if (store_trained_stamp(st, spam, &n, &last) != 0) {
		*ham = 0;
		return -1;
	}
	*ham = n - *spam;
	return 0;
}

int
store_trained_stamp(struct store *st, int64_t *spam, int64_t *n,
    int64_t *last)
{
	sqlite3_stmt *s;
	int rc = -1;

	*spam = *n = *last = 0;
	if ((s = cls_stmt(st, "SELECT coalesce(sum(spam), 0), count(*), "
	    "coalesce(max(at), 0) FROM %s.trained")) == NULL)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW) {
		*spam = sqlite3_column_int64(s, 0);
		*n = sqlite3_column_int64(s, 1);
		*last = sqlite3_column_int64(s, 2);
		rc = 0;
	} else
		rc = st_fail(st, "store");
	sqlite3_reset(s);
	return rc;
}

int
store_trained_get(struct store *st, uint64_t digest, bool *spam,
    uint64_t **tokens, size_t *n)
{
	sqlite3_stmt *s;
	int rc;

	if ((s = cls_stmt(st, "SELECT spam, tokens FROM %s.trained WHERE "
	    "digest = ?")) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, (int64_t)digest);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*spam = sqlite3_column_int(s, 0) != 0;
		if (tokens) {
			size_t bytes = (size_t)sqlite3_column_bytes(s, 1);
			*n = bytes / sizeof **tokens;
			*tokens = xcalloc(*n ? *n : 1, sizeof **tokens);
			if (bytes)
				memcpy(*tokens, sqlite3_column_blob(s, 1),
				    *n * sizeof **tokens);
		}
		rc = 1;
	} else
		rc = rc == SQLITE_DONE ? 0 : st_fail(st, "store");
	sqlite3_reset(s);
	return rc;
}

int
store_trained_put(struct store *st, uint64_t digest, bool spam,
    const uint64_t *tokens, size_t n, int64_t at)
{
	sqlite3_stmt *s;
	int rc;

	if ((s = cls_stmt(st, "INSERT OR REPLACE INTO %s.trained(digest, "
	    "spam, at, tokens) VALUES (?, ?, ?, ?)")) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, (int64_t)digest);
	sqlite3_bind_int(s, 2, spam);
	sqlite3_bind_int64(s, 3, at);
	sqlite3_bind_blob(s, 4, tokens ? (const void *)tokens : "",
	    (int)(n * sizeof *tokens), SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);	/* tokens are the caller's */
	return rc == SQLITE_DONE ? 0 : st_fail(st, "store");
}

int
store_trained_del(struct store *st, uint64_t digest)
{
	sqlite3_stmt *s;
	int rc;

	if ((s = cls_stmt(st, "DELETE FROM %s.trained WHERE digest = ?")) ==
	    NULL)
		return -1;
	sqlite3_bind_int64(s, 1, (int64_t)digest);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : st_fail(st, "store");
}


/* Is the shared classifier's file in WAL mode? */
static bool
cls_wal(struct store *st)
{
	sqlite3_stmt *s;
	bool wal = false;

	if (sqlite3_prepare_v2(st->db, "PRAGMA cls.journal_mode", -1, &s,
	    NULL) != SQLITE_OK)
		return false;
	if (sqlite3_step(s) == SQLITE_ROW)
		wal = strcmp((const char *)sqlite3_column_text(s, 0), "wal") == 0;
	sqlite3_finalize(s);
	return wal;
}

int
store_share_classifier(struct store *st, const char *path)
{
	sqlite3_stmt *s;
	int rc;

	if (st->shared)
		return 0;
	if (sqlite3_prepare_v2(st->db, "ATTACH DATABASE ? AS cls", -1, &s,
	    NULL) != SQLITE_OK)
		return st_fail(st, "shared classifier");
	sqlite3_bind_text(s, 1, path, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return st_fail(st, "shared classifier");
	/* several accounts' runs attach it at once (--all): the file's mode
	 * is set by one of them (SQLite answers "locked" to the others, at
	 * once, without waiting) and seen by the rest, once it is done: they
	 * look again for as long as a busy store is waited for (CI saw one
	 * of three accounts fail, "database is locked", while another was
	 * still at it) */
	for (int waited = 0; !cls_wal(st); waited += 10) {
		if (st_exec(st, "PRAGMA cls.journal_mode = WAL") == 0)
			break;
		if (waited >= BUSY_MS)
			return -1;
		nanosleep(&(struct timespec){ 0, 10 * 1000000L }, NULL);
	}
	if (st_exec(st, ST_CLASSIFIER_TABLES("cls.")) != 0)
		return -1;
	/* statements kept for the account's own tables are made again */
	st_cache_drop(st);
	st->shared = true;
	return 0;
}
