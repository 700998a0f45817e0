/* policy.c - what the account's policy names (backscatter to the
 * quarantine, the expired out of it) and its carrying out through the
 * decision path: clean's, and watch's for each new message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/core.h"
#include "core/store.h"
#include "imap/imap.h"
#include "cmd.h"
#include "log.h"
#include "decide.h"
#include "policy.h"

#define DAY	86400

static int
add_cand(const struct store_cand *c, void *arg)
{
	struct pick *p = arg;
	char camp[32];

	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 256;
		p->ref = realloc(p->ref, p->cap * sizeof *p->ref);
		p->folder = realloc(p->folder, p->cap * sizeof *p->folder);
		p->tokens = realloc(p->tokens, p->cap * sizeof *p->tokens);
		p->ntokens = realloc(p->ntokens, p->cap * sizeof *p->ntokens);
		if (!p->ref || !p->folder || !p->tokens || !p->ntokens)
			abort();
	}
	p->folder[p->n] = strdup(c->folder);
	p->ref[p->n] = (struct imap_msgref){ c->uid,
	    c->message_id ? strdup(c->message_id) : NULL, p->folder[p->n],
	    p->n, false };
	p->ntokens[p->n] = c->ntokens;
	p->tokens[p->n] = NULL;
	if (c->ntokens) {
		p->tokens[p->n] = malloc(c->ntokens * sizeof(uint64_t));
		if (p->tokens[p->n] == NULL)
			abort();
		memcpy(p->tokens[p->n], c->tokens, c->ntokens * sizeof(uint64_t));
	}
	p->n++;
	if (c->campaign > 0) {
		snprintf(camp, sizeof camp, "%lld", (long long)c->campaign);
		bool seen = false;
		for (size_t i = 0; i < p->campaigns.n && !seen; i++)
			seen = strcmp(p->campaigns.v[i], camp) == 0;
		if (!seen) {
			p->campaigns.v = realloc(p->campaigns.v,
			    (p->campaigns.n + 1) * sizeof *p->campaigns.v);
			if (p->campaigns.v == NULL)
				abort();
			p->campaigns.v[p->campaigns.n++] = strdup(camp);
		}
	}
	return 0;
}

void
pick_free(struct pick *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->folder[i]);
		free((char *)p->ref[i].message_id);
		free(p->tokens[i]);
	}
	for (size_t i = 0; i < p->campaigns.n; i++)
		free(p->campaigns.v[i]);
	free(p->campaigns.v);
	free(p->ref);
	free(p->folder);
	free(p->tokens);
	free(p->ntokens);
	memset(p, 0, sizeof *p);
}

static int
add_expired(const struct store_quar *q, void *arg)
{
	struct expired *e = arg;

	if (q->since >= e->before)
		return 0;
	if (e->n == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 64;
		e->ref = realloc(e->ref, e->cap * sizeof *e->ref);
		if (e->ref == NULL)
			abort();
	}
	e->ref[e->n] = (struct imap_msgref){ q->uid,
	    q->message_id ? strdup(q->message_id) : NULL, NULL, e->n, false };
	e->n++;
	return 0;
}

void
expired_free(struct expired *e)
{
	for (size_t i = 0; i < e->n; i++)
		free((char *)e->ref[i].message_id);
	free(e->ref);
}

int
policy_apply(struct imap_conn *c, struct account_ctx *ctx, struct pick *p,
    struct expired *ex, struct decide_stats *ds)
{
	struct decision *d = calloc(p->n + ex->n + 1, sizeof *d);
	int rc;

	if (d == NULL)
		abort();
	for (size_t i = 0; i < p->n; i++)
		d[i] = (struct decision){ .act = IMAP_QUARANTINE,
		    .folder = p->folder[i], .uid = p->ref[i].uid,
		    .message_id = p->ref[i].message_id,
		    .origin = p->folder[i], .tokens = p->tokens[i],
		    .ntokens = p->ntokens[i] };
	for (size_t k = 0; k < ex->n; k++)
		d[p->n + k] = (struct decision){ .act = IMAP_PURGE,
		    .folder = ctx->a->quarantine, .uid = ex->ref[k].uid,
		    .message_id = ex->ref[k].message_id };
	rc = decide(c, ctx, d, p->n + ex->n, NULL, log_error_line, NULL, ds);
	free(d);
	return rc == 0 ? EXIT_OK : EXIT_PARTIAL;
}

int
policy_picks(struct account_ctx *ctx, struct pick *p, struct expired *ex,
    bool expiry)
{
	const struct ndr_account *a = ctx->a;

	/* no expiry: nothing quarantined before the epoch */
	ex->before = expiry ? (int64_t)time(NULL) - (int64_t)a->retention *
	    DAY : 0;
	if (store_each_candidate(ctx->st, a->quarantine, a->threshold,
	    a->unsure == NDR_UNSURE_QUARANTINE, add_cand, p) != 0 ||
	    (expiry && store_each_quarantined(ctx->st, a->quarantine,
	    add_expired, ex) != 0)) {
		ndr_log(NDR_LOG_ERROR, "%s", store_error(ctx->st));
		return EXIT_CONFIG;
	}
	return EXIT_OK;
}

