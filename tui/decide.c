/* decide.c - the one path every decision takes (see decide.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/store.h"
#include "cmd.h"
#include "decide.h"

/* Where a decision sends its message; NULL: it stays (keep, purge). */
static const char *
dest_of(const struct decision *d, const struct account_ctx *ctx,
    const char *trash)
{
	switch (d->act) {
	case IMAP_QUARANTINE:
		return d->dest ? d->dest : ctx->a->quarantine;
	case IMAP_DELETE:
		return d->dest ? d->dest : trash ? trash : "Trash";
	case IMAP_RELEASE:
		return d->dest ? d->dest : d->origin && *d->origin ?
		    d->origin : "INBOX";
	default:
		return NULL;
	}
}

static int
strcmp_null(const char *a, const char *b)
{
	return a == b ? 0 : a == NULL ? -1 : b == NULL ? 1 : strcmp(a, b);
}

struct sort_ctx {
	const struct decision		*d;
	const struct account_ctx	*ctx;
	const char			*trash;
};

/* By action, folder and destination; within a group, as given. */
static int
cmp_group(const void *x, const void *y, void *arg)
{
	const struct sort_ctx *sc = arg;
	size_t i = *(const size_t *)x, j = *(const size_t *)y;
	const struct decision *a = &sc->d[i], *b = &sc->d[j];
	int c;

	if (a->act != b->act)
		return a->act < b->act ? -1 : 1;
	if ((c = strcmp(a->folder, b->folder)) != 0 ||
	    (c = strcmp_null(dest_of(a, sc->ctx, sc->trash),
	    dest_of(b, sc->ctx, sc->trash))) != 0)
		return c;
	return i < j ? -1 : i > j;
}

static bool
same_group(const struct decision *a, const struct decision *b,
    const struct account_ctx *ctx, const char *trash)
{
	return a->act == b->act && strcmp(a->folder, b->folder) == 0 &&
	    strcmp_null(dest_of(a, ctx, trash), dest_of(b, ctx, trash)) == 0;
}

/* One group: one imap_act; each decision's done from the server. */
static void
carry_out(struct imap_conn *c, struct account_ctx *ctx, struct decision *d,
    const size_t *ord, size_t n, const char *trash,
    void (*say)(void *, const char *), void *arg, struct decide_stats *ds)
{
	struct imap_msgref *ref = calloc(n + 1, sizeof *ref);
	const struct decision *g = &d[ord[0]];
	struct imap_act_stats sx = { 0 };
	char err[1024];

	if (ref == NULL)
		abort();
	for (size_t k = 0; k < n; k++) {
		const struct decision *e = &d[ord[k]];
		ref[k] = (struct imap_msgref){ e->uid, e->message_id,
		    e->origin ? e->origin : e->act == IMAP_QUARANTINE ?
		    e->folder : NULL, ord[k], false };
	}
	if (imap_act(c, ctx->st, g->act, g->folder, ref, n,
	    dest_of(g, ctx, trash), &sx, err, sizeof err) != 0) {
		say(arg, err);
		ds->failed++;
	}
	for (size_t k = 0; k < n; k++)
		d[ref[k].tag].done = ref[k].done;
	ds->done[g->act] += sx.done + sx.copied_only;
	ds->vanished += sx.vanished;
	ds->copied_only += sx.copied_only;
	ds->dropped += sx.dropped;
	free(ref);
}

/* What the confirmed decisions teach: quarantine and delete spam, keep
 * and release not spam, purge nothing (learnt when quarantined). */
static int
learn(struct account_ctx *ctx, const struct decision *d, size_t n,
    uint64_t *const *looked, const size_t *nlooked, bool spam)
{
	struct lesson *l = calloc(n + 1, sizeof *l);
	size_t nl = 0;
	int rc;

	if (l == NULL)
		abort();
	for (size_t i = 0; i < n; i++) {
		bool is_spam = d[i].act == IMAP_QUARANTINE ||
		    d[i].act == IMAP_DELETE;
		if (!d[i].done || d[i].act == IMAP_PURGE || is_spam != spam)
			continue;
		l[nl++] = (struct lesson){ d[i].message_id, d[i].tokens ?
		    d[i].tokens : looked[i], d[i].tokens ? d[i].ntokens :
		    nlooked[i] };
	}
	rc = nl ? account_learn(ctx, l, nl, spam) : 0;
	free(l);
	return rc;
}

static int learnt_mark(struct account_ctx *);

int
decide(struct imap_conn *c, struct account_ctx *ctx, struct decision *d,
    size_t n, const char *trash, void (*say)(void *, const char *),
    void *arg, struct decide_stats *ds)
{
	size_t *ord = calloc(n + 1, sizeof *ord);
	uint64_t **looked = calloc(n + 1, sizeof *looked);
	size_t *nlooked = calloc(n + 1, sizeof *nlooked);
	int rc = 0;

	if (ord == NULL || looked == NULL || nlooked == NULL)
		abort();
	memset(ds, 0, sizeof *ds);
	for (size_t i = 0; i < n; i++) {
		ord[i] = i;
		d[i].done = false;
		/* the tokens are looked up before the message moves (the
		 * store's row follows it) */
		if (d[i].tokens == NULL && d[i].act != IMAP_PURGE &&
		    store_item_tokens(ctx->st, d[i].folder, d[i].uid,
		    &looked[i], &nlooked[i]) != 0)
			nlooked[i] = 0;
	}
	struct sort_ctx sc = { d, ctx, trash };
	if (n > 1)
		qsort_r(ord, n, sizeof *ord, cmp_group, &sc);
	for (size_t i = 0, j; i < n && imap_usable(c); i = j) {
		for (j = i + 1; j < n && same_group(&d[ord[i]], &d[ord[j]], ctx,
		    trash); j++)
			;
		carry_out(c, ctx, d, ord + i, j - i, trash, say, arg, ds);
	}
	/* learnt, and marked so: a run that dies between its moves and
	 * here leaves the mark behind, and the next run's reconcile
	 * teaches what it did (decide_reconcile) */
	if (learn(ctx, d, n, looked, nlooked, true) != 0 ||
	    learn(ctx, d, n, looked, nlooked, false) != 0 ||
	    learnt_mark(ctx) != 0) {
		say(arg, store_error(ctx->st));
		rc = -1;
	}
	for (size_t i = 0; i < n; i++)
		free(looked[i]);
	free(looked);
	free(nlooked);
	free(ord);
	return rc == 0 && ds->failed == 0 ? 0 : -1;
}

/* The journal's rows up to here are learnt: meta learnt_upto. */
static int
learnt_mark(struct account_ctx *ctx)
{
	int64_t last = store_journal_last(ctx->st);
	char v[32];

	if (last < 0)
		return -1;
	snprintf(v, sizeof v, "%lld", (long long)last);
	return store_meta_set(ctx->st, "learnt_upto", v);
}

/* A done row not learnt yet: where its message is now. */
struct unlearnt {
	struct lesson	*l;
	bool		*spam;
	size_t		 n;
	struct store	*st;
};

static int
on_done(const struct store_act *a, void *arg)
{
	struct unlearnt *u = arg;
	bool keep = strcmp(a->action, "keep") == 0;
	const char *where = keep ? a->folder : a->dest;
	uint32_t uid = keep ? a->uid : a->dest_uid;
	uint64_t *t = NULL;
	size_t nt = 0;

	if (where == NULL || uid == 0 || a->message_id == NULL ||
	    store_item_tokens(u->st, where, uid, &t, &nt) != 0 || nt == 0) {
		free(t);	/* purged, or its tokens unknown: nothing */
		return 0;
	}
	u->l = xreallocarray(u->l, u->n + 1, sizeof *u->l);
	u->spam = xreallocarray(u->spam, u->n + 1, sizeof *u->spam);
	u->l[u->n] = (struct lesson){ xstrdup(a->message_id), t, nt };
	u->spam[u->n++] = strcmp(a->action, "quarantine") == 0 ||
	    strcmp(a->action, "delete") == 0;
	return 0;
}

int
decide_reconcile(struct imap_conn *c, struct account_ctx *ctx,
    struct imap_reconcile_stats *rs, char *err, size_t errlen)
{
	struct unlearnt u = { .st = ctx->st };
	char *upto;
	int rc;

	if ((rc = imap_reconcile(c, ctx->st, rs, err, errlen)) != 0)
		return rc;
	/* a store from before the mark: its history was learnt as it went */
	if ((upto = store_meta_get(ctx->st, "learnt_upto")) == NULL)
		return learnt_mark(ctx) == 0 ? 0 : -1;
	rc = store_journal_done_after(ctx->st, strtoll(upto, NULL, 10),
	    on_done, &u);
	free(upto);
	/* a message learnt before as the same counts once: what was learnt
	 * after all (the run died after learning, before the mark) is no
	 * lesson twice */
	for (int spam = 0; rc == 0 && spam < 2; spam++) {
		struct lesson *l = calloc(u.n + 1, sizeof *l);
		size_t nl = 0;
		if (l == NULL)
			abort();
		for (size_t i = 0; i < u.n; i++)
			if (u.spam[i] == (bool)spam)
				l[nl++] = u.l[i];
		if (nl && account_learn(ctx, l, nl, spam) != 0)
			rc = -1;
		free(l);
	}
	if (rc == 0)
		rc = learnt_mark(ctx);
	if (rc != 0)
		snprintf(err, errlen, "%s", store_error(ctx->st));
	for (size_t i = 0; i < u.n; i++) {
		free((void *)u.l[i].id);
		free((void *)u.l[i].tokens);
	}
	NDR_FREE(u.l, u.spam);
	return rc;
}
