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
	return st_rows(st, st_prepare(st, "SELECT hash, spam, ham FROM tokens",
	    NULL), token_row, ST_EACH(fn, arg));
}

int
store_token_put(struct store *st, uint64_t hash, uint32_t spam, uint32_t ham)
{
	sqlite3_stmt **s = spam || ham ? &st->token_put : &st->token_del;
	int rc;

	if (*s == NULL && sqlite3_prepare_v2(st->db, spam || ham ?
	    "INSERT OR REPLACE INTO tokens(hash, spam, ham) VALUES (?, ?, ?)" :
	    "DELETE FROM tokens WHERE hash = ?", -1, s, NULL) != SQLITE_OK)
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
	if (sqlite3_prepare_v2(st->db, "SELECT coalesce(sum(spam), 0), "
	    "count(*) FROM trained", -1, &s, NULL) != SQLITE_OK)
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

	if (sqlite3_prepare_v2(st->db, "SELECT spam, tokens FROM trained "
	    "WHERE digest = ?", -1, &s, NULL) != SQLITE_OK)
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

	if (sqlite3_prepare_v2(st->db, "INSERT OR REPLACE INTO trained(digest, "
	    "spam, at, tokens) VALUES (?, ?, ?, ?)", -1, &s, NULL) != SQLITE_OK)
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

	if (sqlite3_prepare_v2(st->db, "DELETE FROM trained WHERE digest = ?",
	    -1, &s, NULL) != SQLITE_OK)
		return st_fail(st, "store");
	sqlite3_bind_int64(s, 1, (int64_t)digest);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : st_fail(st, "store");
}

