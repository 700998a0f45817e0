/* store_verdict.c - the evidence of reports, their verdicts, campaigns. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "engine.h"
#include "store.h"
#include "store_int.h"
#include "verdict.h"

/* ---- evidence, verdicts, campaigns ---- */

struct ev_row {
	int64_t				 folder;
	uint32_t			 uid;
	const struct ndr_evidence	*e;
};

static void
bind_evidence(sqlite3_stmt *s, const void *arg)
{
	const struct ev_row *r = arg;
	const struct ndr_evidence *e = r->e;

	sqlite3_bind_int64(s, 1, r->folder);
	sqlite3_bind_int64(s, 2, r->uid);
	sqlite3_bind_int(s, 3, e->kind);
	sqlite3_bind_int(s, 4, e->form);
	sqlite3_bind_int64(s, 5, e->date);
	st_bind_text(s, 6, e->report_to);
	st_bind_text(s, 7, e->rcpts);
	sqlite3_bind_int(s, 8, (int)e->nrcpts);
	st_bind_text(s, 9, e->mta);
	st_bind_text(s, 10, e->orig_mid);
	st_bind_text(s, 11, e->orig_from);
	st_bind_text(s, 12, e->orig_sender);
	sqlite3_bind_int64(s, 13, e->orig_date);
	st_bind_text(s, 14, e->subject);
	st_bind_text(s, 15, e->received);
	st_bind_text(s, 16, e->links);
	sqlite3_bind_int64(s, 17, (int64_t)e->simhash);
	st_bind_text(s, 18, e->excerpt);
	if (e->ntokens)
		sqlite3_bind_blob(s, 19, e->tokens,
		    (int)(e->ntokens * sizeof *e->tokens), SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 19);
	st_bind_text(s, 20, e->reason);
	st_bind_text(s, 21, e->status);
	st_bind_text(s, 22, e->orig_to);
}

int
store_evidence_put(struct store *st, int64_t folder, uint32_t uid,
    const struct ndr_evidence *e)
{
	/* a report read again replaces its row (and its verdict goes with
	 * the old one, by the trigger) */
	const struct ev_row row = { folder, uid, e };
	return st_add_or_replace(st, st->ev_add, st->ev_put, bind_evidence,
	    &row);
}

char *
st_col_dup(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? xstrdup((const char *)t) : NULL;
}

int
store_evidence_load(struct store *st, struct store_judged **out, size_t *n)
{
	return store_evidence_load_some(st, false, out, n);
}

int
store_evidence_load_some(struct store *st, bool unjudged,
    struct store_judged **out, size_t *n)
{
	sqlite3_stmt *s;
	struct store_judged *v = NULL;
	size_t len = 0, cap = 0;
	int step;

	*out = NULL;
	*n = 0;
	/* unjudged: what a scan brought since the last judging, and the
	 * latest 3,000 judged for the campaigns they are of */
	char sql[1024];
	snprintf(sql, sizeof sql, "SELECT folder, uid, kind, form, date, "
	    "report_to, rcpts, nrcpts, mta, orig_mid, orig_from, orig_sender, "
	    "orig_date, subject, received, links, simhash, NULL, v.verdict, "
	    "v.score, v.signals, v.campaign, tokens, orig_to FROM evidence e "
	    "LEFT JOIN "
	    "verdicts v USING (folder, uid) %s ORDER BY folder, uid", unjudged ?
	    "WHERE v.verdict IS NULL OR (folder, uid) IN (SELECT folder, uid "
	    "FROM evidence JOIN verdicts USING (folder, uid) ORDER BY date "
	    "DESC LIMIT 3000)" : "");
	if (sqlite3_prepare_v2(st->db, sql,
	    -1, &s, NULL) != SQLITE_OK)
		return st_fail(st, "store");
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		if (len == cap) {
			cap = cap ? cap * 2 : 256;
			v = xreallocarray(v, cap, sizeof *v);
		}
		struct store_judged *j = &v[len++];
		struct ndr_evidence *e = &j->ev;
		memset(j, 0, sizeof *j);
		j->folder = sqlite3_column_int64(s, 0);
		j->uid = (uint32_t)sqlite3_column_int64(s, 1);
		e->kind = (enum ndr_kind)sqlite3_column_int(s, 2);
		e->form = (enum ndr_form)sqlite3_column_int(s, 3);
		e->date = sqlite3_column_int64(s, 4);
		e->report_to = st_col_dup(s, 5);
		e->rcpts = st_col_dup(s, 6);
		e->nrcpts = (unsigned)sqlite3_column_int(s, 7);
		e->mta = st_col_dup(s, 8);
		e->orig_mid = st_col_dup(s, 9);
		e->orig_from = st_col_dup(s, 10);
		e->orig_sender = st_col_dup(s, 11);
		e->orig_date = sqlite3_column_int64(s, 12);
		e->subject = st_col_dup(s, 13);
		e->received = st_col_dup(s, 14);
		e->links = st_col_dup(s, 15);
		e->simhash = (uint64_t)sqlite3_column_int64(s, 16);
		/* not the excerpt: nothing judged reads it (the simhash
		 * is of it), and at a million messages its 49,000 copies
		 * were the judging's largest part */
		j->verdict = st_col_dup(s, 18);
		j->score = sqlite3_column_double(s, 19);
		/* a judged report loaded for its campaign keeps its
		 * verdict: its signals (the largest column) are not read */
		j->signals = unjudged && j->verdict ? NULL : st_col_dup(s, 20);
		j->campaign = sqlite3_column_int64(s, 21);
		size_t bytes = (size_t)sqlite3_column_bytes(s, 22);
		if (bytes >= sizeof *e->tokens) {
			e->ntokens = bytes / sizeof *e->tokens;
			e->tokens = xcalloc(e->ntokens, sizeof *e->tokens);
			memcpy(e->tokens, sqlite3_column_blob(s, 22),
			    e->ntokens * sizeof *e->tokens);
		}
		e->orig_to = st_col_dup(s, 23);
	}
	sqlite3_finalize(s);
	if (step != SQLITE_DONE) {
		store_judged_free(v, len);
		return st_fail(st, "store");
	}
	*out = v;
	*n = len;
	return 0;
}

void
store_judged_free(struct store_judged *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		ndr_evidence_free(&v[i].ev);
		free(v[i].verdict);
		free(v[i].signals);
	}
	free(v);
}

int
store_verdict_put(struct store *st, int64_t folder, uint32_t uid,
    const char *verdict, double score, const char *signals, int64_t campaign)
{
	sqlite3_stmt *s = st->verdict_put;
	int rc;

	sqlite3_reset(s);
	st_bind_text(s, 1, verdict);
	sqlite3_bind_double(s, 2, score);
	st_bind_text(s, 3, signals);
	if (campaign > 0)
		sqlite3_bind_int64(s, 4, campaign);
	else
		sqlite3_bind_null(s, 4);
	sqlite3_bind_int64(s, 5, folder);
	sqlite3_bind_int64(s, 6, uid);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc == SQLITE_DONE ? 0 : st_fail(st, "store");
}

int
store_campaigns_put(struct store *st, const struct store_campaign *c,
    size_t n)
{
	sqlite3_stmt *s;
	int rc = 0;

	if (st_exec(st, "DELETE FROM campaigns") != 0)
		return -1;
	if (sqlite3_prepare_v2(st->db, "INSERT INTO campaigns(id, size, "
	    "first_seen, last_seen, subject, forged, mtas, links, backscatter) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", -1, &s, NULL) != SQLITE_OK)
		return st_fail(st, "store");
	for (size_t i = 0; i < n && rc == 0; i++) {
		sqlite3_reset(s);
		sqlite3_bind_int64(s, 1, c[i].id);
		sqlite3_bind_int64(s, 2, c[i].size);
		sqlite3_bind_int64(s, 3, c[i].first_seen);
		sqlite3_bind_int64(s, 4, c[i].last_seen);
		st_bind_text(s, 5, c[i].subject);
		st_bind_text(s, 6, c[i].forged);
		st_bind_text(s, 7, c[i].mtas);
		st_bind_text(s, 8, c[i].links);
		sqlite3_bind_int64(s, 9, c[i].backscatter);
		if (sqlite3_step(s) != SQLITE_DONE)
			rc = st_fail(st, "store");
	}
	sqlite3_finalize(s);
	return rc;
}

typedef int campaign_fn(const struct store_campaign *, void *);

static int
campaign_row(sqlite3_stmt *s, void *arg)
{
	const struct st_each *e = arg;
	struct store_campaign c = {
		.id = sqlite3_column_int64(s, 0),
		.size = sqlite3_column_int64(s, 1),
		.first_seen = sqlite3_column_int64(s, 2),
		.last_seen = sqlite3_column_int64(s, 3),
		.subject = (const char *)sqlite3_column_text(s, 4),
		.forged = (const char *)sqlite3_column_text(s, 5),
		.mtas = (const char *)sqlite3_column_text(s, 6),
		.links = (const char *)sqlite3_column_text(s, 7),
		.backscatter = sqlite3_column_int64(s, 8),
	};

	return ((campaign_fn *)e->fn)(&c, e->arg);
}

int
store_each_campaign(struct store *st, campaign_fn *fn, void *arg)
{
	return st_rows(st, st_prepare(st, "SELECT id, size, first_seen, "
	    "last_seen, subject, forged, mtas, links, backscatter FROM "
	    "campaigns ORDER BY size DESC, id", NULL), campaign_row,
	    ST_EACH(fn, arg));
}

static int
subject_row(sqlite3_stmt *s, void *arg)
{
	const struct st_each *e = arg;

	return ((int (*)(const char *, void *))e->fn)((const char *)
	    sqlite3_column_text(s, 0), e->arg);
}

int
store_campaign_subjects(struct store *st, int64_t campaign,
    int (*fn)(const char *subject, void *), void *arg)
{
	return st_rows(st, st_prepare(st, "SELECT subject FROM evidence JOIN "
	    "verdicts v USING (folder, uid) WHERE v.campaign = ?1 AND subject IS "
	    "NOT NULL AND subject != ''", "i",
	    campaign), subject_row, ST_EACH(fn, arg));
}

int
store_campaign_received(struct store *st, int64_t campaign,
    int (*fn)(const char *received, void *), void *arg)
{
	return st_rows(st, st_prepare(st, "SELECT received FROM evidence "
	    "JOIN verdicts v USING (folder, uid) WHERE v.campaign = ?1 AND "
	    "received IS NOT NULL AND received != ''",
	    "i", campaign), subject_row, ST_EACH(fn, arg));
}

int
store_legit_subjects(struct store *st, int (*fn)(const char *subject, void *),
    void *arg)
{
	return st_rows(st, st_prepare(st, "SELECT DISTINCT subject FROM "
	    "evidence JOIN verdicts v USING (folder, uid) WHERE v.verdict = "
	    "'legit' AND subject IS NOT NULL AND "
	    "subject != ''", NULL), subject_row, ST_EACH(fn, arg));
}

typedef int sent_fn(const char *, int64_t, const char *, void *);

static int
sent_row(sqlite3_stmt *s, void *arg)
{
	const struct st_each *e = arg;

	return ((sent_fn *)e->fn)((const char *)sqlite3_column_text(s, 0),
	    sqlite3_column_int64(s, 1), (const char *)sqlite3_column_text(s, 2),
	    e->arg);
}

int
store_each_sent(struct store *st, sent_fn *fn, void *arg)
{
	return st_rows(st, st_prepare(st, "SELECT message_id, date, "
	    "recipients FROM sent", NULL), sent_row, ST_EACH(fn, arg));
}

int
store_verdict_counts(struct store *st, int64_t *legit, int64_t *backscatter,
    int64_t *unsure)
{
	sqlite3_stmt *s;
	int step;

	*legit = *backscatter = *unsure = 0;
	if (sqlite3_prepare_v2(st->db, "SELECT verdict, count(*) FROM verdicts "
	    "GROUP BY verdict", -1, &s, NULL) !=
	    SQLITE_OK)
		return st_fail(st, "store");
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(s, 0);
		int64_t n = sqlite3_column_int64(s, 1);
		if (strcmp(v, "legit") == 0)
			*legit = n;
		else if (strcmp(v, "backscatter") == 0)
			*backscatter = n;
		else
			*unsure += n;
	}
	sqlite3_finalize(s);
	return step == SQLITE_DONE ? 0 : st_fail(st, "store");
}

