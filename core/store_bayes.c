/* store_bayes.c - the classifier's token counts and what it was taught. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "engine.h"
#include "store.h"
#include "store_int.h"
#include "verdict.h"

/* ---- the classifier ---- */

/* sql with its "%s" the schema the classifier's tables are in: main, or
 * the shared classifier's (store_share_classifier), prepared. */
static int
cls_prepare(struct store *st, const char *sql, sqlite3_stmt **s)
{
	const char *at = strstr(sql, "%s");
	char buf[256];

	if (at == NULL)
		return sqlite3_prepare_v2(st->db, sql, -1, s, NULL);
	snprintf(buf, sizeof buf, "%.*s%s%s", (int)(at - sql), sql,
	    st->shared ? "cls" : "main", at + 2);
	return sqlite3_prepare_v2(st->db, buf, -1, s, NULL);
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
	sqlite3_stmt *s;

	if (cls_prepare(st, "SELECT hash, spam, ham FROM %s.tokens", &s) !=
	    SQLITE_OK)
		return st_fail(st, "store");
	return st_rows(st, s, token_row, ST_EACH(fn, arg));
}

int
store_token_put(struct store *st, uint64_t hash, uint32_t spam, uint32_t ham)
{
	sqlite3_stmt **s = spam || ham ? &st->token_put : &st->token_del;
	int rc;

	if (*s == NULL && cls_prepare(st, spam || ham ?
	    "INSERT OR REPLACE INTO %s.tokens(hash, spam, ham) VALUES "
	    "(?, ?, ?)" : "DELETE FROM %s.tokens WHERE hash = ?", s) !=
	    SQLITE_OK)
		return st_fail(st, "store");
	sqlite3_reset(*s);
	sqlite3_bind_int64(*s, 1, (int64_t)hash);
	if (spam || ham) {
		sqlite3_bind_int64(*s, 2, spam);
		sqlite3_bind_int64(*s, 3, ham);
	}
	rc = sqlite3_step(*s);
	sqlite3_reset(*s);
	return rc == SQLITE_DONE ? 0 : st_fail(st, "store");
}

int
store_trained_counts(struct store *st, int64_t *spam, int64_t *ham)
{
	sqlite3_stmt *s;
	int rc = -1;

	*spam = *ham = 0;
	if (cls_prepare(st, "SELECT coalesce(sum(spam), 0), count(*) FROM "
	    "%s.trained", &s) != SQLITE_OK)
		return st_fail(st, "store");
	if (sqlite3_step(s) == SQLITE_ROW) {
		*spam = sqlite3_column_int64(s, 0);
		*ham = sqlite3_column_int64(s, 1) - *spam;
		rc = 0;
	} else
		rc = st_fail(st, "store");
	sqlite3_finalize(s);
	return rc;
}

int
store_trained_get(struct store *st, uint64_t digest, bool *spam,
    uint64_t **tokens, size_t *n)
{
	sqlite3_stmt *s;
	int rc;

	if (cls_prepare(st, "SELECT spam, tokens FROM %s.trained WHERE "
	    "digest = ?", &s) != SQLITE_OK)
		return st_fail(st, "store");
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
	sqlite3_finalize(s);
	return rc;
}

int
store_trained_put(struct store *st, uint64_t digest, bool spam,
    const uint64_t *tokens, size_t n, int64_t at)
{
	sqlite3_stmt *s;
	int rc;

	if (cls_prepare(st, "INSERT OR REPLACE INTO %s.trained(digest, spam, "
	    "at, tokens) VALUES (?, ?, ?, ?)", &s) != SQLITE_OK)
		return st_fail(st, "store");
	sqlite3_bind_int64(s, 1, (int64_t)digest);
	sqlite3_bind_int(s, 2, spam);
	sqlite3_bind_int64(s, 3, at);
	sqlite3_bind_blob(s, 4, tokens ? (const void *)tokens : "",
	    (int)(n * sizeof *tokens), SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : st_fail(st, "store");
}

int
store_trained_del(struct store *st, uint64_t digest)
{
	sqlite3_stmt *s;
	int rc;

	if (cls_prepare(st, "DELETE FROM %s.trained WHERE digest = ?", &s) !=
	    SQLITE_OK)
		return st_fail(st, "store");
	sqlite3_bind_int64(s, 1, (int64_t)digest);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : st_fail(st, "store");
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
	/* the same tables as an account's own (store.c's schema 4) */
	if (st_exec(st, "PRAGMA cls.journal_mode = WAL") != 0 ||
	    st_exec(st, "CREATE TABLE IF NOT EXISTS cls.tokens ("
	    "  hash INTEGER PRIMARY KEY,"
	    "  spam INTEGER NOT NULL DEFAULT 0,"
	    "  ham INTEGER NOT NULL DEFAULT 0);"
	    "CREATE TABLE IF NOT EXISTS cls.trained ("
	    "  digest INTEGER PRIMARY KEY,"
	    "  spam INTEGER NOT NULL,"
	    "  at INTEGER NOT NULL,"
	    "  tokens BLOB NOT NULL)") != 0)
		return -1;
	/* statements of the account's own tables are made again */
	sqlite3_finalize(st->token_put);
	sqlite3_finalize(st->token_del);
	st->token_put = st->token_del = NULL;
	st->shared = true;
	return 0;
}
