/* store_ui.c - what the interface lists and shows of the store. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "engine.h"
#include "store.h"
#include "store_int.h"
#include "verdict.h"

/* ---- the interface ---- */

typedef int item_fn(const struct store_item *, void *);

static int
item_row(sqlite3_stmt *s, void *arg)
{
	const struct st_each *e = arg;
	struct store_item it = {
		.folder = (const char *)sqlite3_column_text(s, 0),
		.uid = (uint32_t)sqlite3_column_int64(s, 1),
		.message_id = (const char *)sqlite3_column_text(s, 2),
		.date = sqlite3_column_int64(s, 3),
		.kind = (const char *)sqlite3_column_text(s, 4),
		.rcpt = (const char *)sqlite3_column_text(s, 5),
		.reason = (const char *)sqlite3_column_text(s, 6),
		.status = (const char *)sqlite3_column_text(s, 7),
		.verdict = ndr_verdict_parse((const char *)
		    sqlite3_column_text(s, 8)),
		.score = sqlite3_column_double(s, 9),
		.campaign = sqlite3_column_int64(s, 10),
		.subject = (const char *)sqlite3_column_text(s, 11),
		.from = (const char *)sqlite3_column_text(s, 12),
		.mta = (const char *)sqlite3_column_text(s, 13),
		.kept = sqlite3_column_int(s, 14) != 0,
	};

	return ((item_fn *)e->fn)(&it, e->arg);
}

/* A report as the interface lists it (item_row's columns), the user's
 * keep decisions joined; a WHERE and an ORDER BY follow. */
#define ITEM_SELECT "SELECT f.name, m.uid, m.message_id, " \
	"coalesce(nullif(e.date, 0), m.date), m.kind, e.rcpts, " \
	"e.reason, e.status, v.verdict, " \
	"v.score, v.campaign, e.subject, coalesce(e.orig_from, " \
	"e.orig_sender), e.mta, (instr(coalesce(m.flags, ''), '$NdrKept') " \
	"> 0 OR k.kf IS NOT NULL) FROM evidence e JOIN messages m ON " \
	"m.folder = e.folder AND m.uid = e.uid LEFT JOIN verdicts v ON " \
	"v.folder = e.folder AND v.uid = e.uid JOIN folders f ON f.id = " \
	"e.folder LEFT JOIN (SELECT DISTINCT folder AS kf, uid AS ku FROM " \
	"journal WHERE action = 'keep' AND state = 'done') k ON k.kf = " \
	"f.name AND k.ku = m.uid "

int
store_each_item(struct store *st,
    item_fn *fn, void *arg)
{
	return st_rows(st, st_prepare(st, ITEM_SELECT "ORDER BY f.name, m.uid",
	    NULL), item_row, ST_EACH(fn, arg));
}

int
store_each_item_find(struct store *st, const char *needle,
    item_fn *fn, void *arg)
{
	/* the report's Message-ID, its original's (the user's own, when
	 * the user asks after a bounce of it), a failed recipient, the
	 * original's subject and sender; ASCII case ignored */
	return st_rows(st, st_prepare(st, ITEM_SELECT "WHERE instr(lower(coalesce(m.message_id, "
	    "'') || ' ' || coalesce(e.orig_mid, '') || ' ' || coalesce(e.rcpts, "
	    "'') || ' ' || coalesce(e.subject, '') || ' ' || coalesce(e.orig_from, "
	    "'') || ' ' || coalesce(e.orig_sender, '')), lower(?1)) > 0 "
	    "ORDER BY f.name, m.uid", "t", needle), item_row, ST_EACH(fn, arg));
}

static int
text_row(sqlite3_stmt *s, void *arg)
{
	const struct st_each *e = arg;

	return ((int (*)(const char *, uint32_t, void *))e->fn)(
	    (const char *)sqlite3_column_text(s, 0),
	    (uint32_t)sqlite3_column_int64(s, 1), e->arg);
}

int
store_each_text_match(struct store *st, const char *needle,
    int (*fn)(const char *folder, uint32_t uid, void *), void *arg)
{
	/* the excerpt and each recipient's diagnostic; ASCII case ignored
	 * as the other patterns do */
	return st_rows(st, st_prepare(st, "SELECT f.name, m.uid FROM evidence "
	    "e JOIN messages m ON m.folder = e.folder AND m.uid = e.uid JOIN "
	    "folders f ON f.id = e.folder WHERE instr(lower(coalesce("
	    "e.excerpt, '')), lower(?1)) > 0 OR (json_valid(m.report) AND "
	    "EXISTS (SELECT 1 FROM json_each(m.report, '$.recipients') r "
	    "WHERE instr(lower(coalesce(json_extract(r.value, "
	    "'$.diagnostic'), '')), lower(?1)) > 0))", "t", needle), text_row,
	    ST_EACH(fn, arg));
}

/* Each row of a query over one report (folder, uid bound) to fn as what. */
static int
detail_rows(struct store *st, const char *sql, const char *folder,
    uint32_t uid, const char *what,
    int (*fn)(const char *, const char *const *, int, void *), void *arg,
    int *found)
{
	sqlite3_stmt *s;
	const char *v[8];
	int rc = 0, step, n;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return st_fail(st, "store");
	sqlite3_bind_text(s, 1, folder, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, uid);
	n = sqlite3_column_count(s);
	if (n > 8)
		n = 8;
	while (rc == 0 && (step = sqlite3_step(s)) == SQLITE_ROW) {
		for (int i = 0; i < n; i++)
			v[i] = (const char *)sqlite3_column_text(s, i);
		(*found)++;
		rc = fn(what, v, n, arg);
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = st_fail(st, "store");
	sqlite3_finalize(s);
	return rc;
}

#define DETAIL_JOIN \
	" FROM messages m JOIN folders f ON f.id = m.folder" \
	" LEFT JOIN evidence e ON e.folder = m.folder AND e.uid = m.uid" \
	" LEFT JOIN verdicts v ON v.folder = m.folder AND v.uid = m.uid"
#define DETAIL_WHERE	" WHERE f.name = ?1 AND m.uid = ?2"

int
store_item_detail(struct store *st, const char *folder, uint32_t uid,
    int (*fn)(const char *, const char *const *, int, void *), void *arg)
{
	/* SQLite reads the engine's JSON; arrays join as tables */
	static const struct {
		const char *what, *sql;
	} q[] = {
		{ "report", "SELECT json_extract(m.report, '$.format'), "
		    "json_extract(m.report, '$.from'), json_extract(m.report, "
		    "'$.subject'), json_extract(m.report, '$.reporting_mta'), "
		    "m.kind" DETAIL_JOIN DETAIL_WHERE },
		{ "rcpt", "SELECT json_extract(r.value, '$.address'), "
		    "json_extract(r.value, '$.action'), json_extract(r.value, "
		    "'$.status'), json_extract(r.value, '$.reply_code'), "
		    "json_extract(r.value, '$.reason'), json_extract(r.value, "
		    "'$.diagnostic'), json_extract(r.value, '$.remote_mta')"
		    DETAIL_JOIN ", json_each(CASE WHEN json_valid(m.report) THEN "
		    "m.report ELSE '{}' END, '$.recipients') r" DETAIL_WHERE },
		{ "original", "SELECT json_extract(m.report, '$.original.form'), "
		    "json_extract(m.report, '$.original.message_id'), "
		    "json_extract(m.report, '$.original.from'), "
		    "json_extract(m.report, '$.original.subject'), "
		    "json_extract(m.report, '$.original.date'), "
		    "json_extract(m.report, '$.original.return_path')"
		    DETAIL_JOIN DETAIL_WHERE " AND json_valid(m.report) AND "
		    "json_extract(m.report, '$.original.form') != 'none'" },
		{ "received", "SELECT r.value" DETAIL_JOIN ", json_each(CASE WHEN "
		    "json_valid(m.report) THEN m.report ELSE '{}' END, "
		    "'$.original.received') r" DETAIL_WHERE },
		{ "excerpt", "SELECT e.excerpt" DETAIL_JOIN DETAIL_WHERE
		    " AND e.excerpt IS NOT NULL AND e.excerpt != ''" },
		{ "verdict", "SELECT v.verdict, printf('%.2f', v.score), "
		    "v.campaign" DETAIL_JOIN DETAIL_WHERE " AND v.verdict IS NOT "
		    "NULL" },
		{ "signal", "SELECT json_extract(g.value, '$.name'), "
		    "printf('%+.2f', json_extract(g.value, '$.weight')), "
		    "json_extract(g.value, '$.evidence')" DETAIL_JOIN ", json_each("
		    "CASE WHEN json_valid(v.signals) THEN v.signals ELSE '[]' END) "
		    "g" DETAIL_WHERE },
	};
	int found = 0;

	for (size_t i = 0; i < sizeof q / sizeof *q; i++) {
		int rc = detail_rows(st, q[i].sql, folder, uid, q[i].what, fn,
		    arg, &found);
		if (rc != 0)
			return rc;
		if (found == 0)
			return 1;	/* not even the message */
	}
	return 0;
}

int
store_item_tokens(struct store *st, const char *folder, uint32_t uid,
    uint64_t **tokens, size_t *n)
{
	sqlite3_stmt *s;
	int rc = 0, step;

	*tokens = NULL;
	*n = 0;
	/* asked once per message a commit teaches: prepared once */
	if (st->item_tokens == NULL && sqlite3_prepare_v2(st->db, "SELECT "
	    "e.tokens FROM evidence e JOIN folders f ON f.id = e.folder WHERE "
	    "f.name = ?1 AND e.uid = ?2", -1, &st->item_tokens, NULL) !=
	    SQLITE_OK)
		return st_fail(st, "store");
	s = st->item_tokens;
	sqlite3_reset(s);
	sqlite3_bind_text(s, 1, folder, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, uid);
	if ((step = sqlite3_step(s)) == SQLITE_ROW) {
		size_t bytes = (size_t)sqlite3_column_bytes(s, 0);
		if (bytes >= sizeof(uint64_t)) {
			*n = bytes / sizeof(uint64_t);
			if ((*tokens = malloc(*n * sizeof(uint64_t))) == NULL)
				abort();
			memcpy(*tokens, sqlite3_column_blob(s, 0),
			    *n * sizeof(uint64_t));
		}
	} else if (step != SQLITE_DONE)
		rc = st_fail(st, "store");
	sqlite3_reset(s);
	return rc;
}

