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
	if (learn(ctx, d, n, looked, nlooked, true) != 0 ||
	    learn(ctx, d, n, looked, nlooked, false) != 0) {
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

/* A settled action to learn: its message where it is now. */
struct settled {
	struct lesson	*l;
	bool		*spam;
	char		**dest;
	uint32_t	*uid;
	size_t		 n;
};

static void
on_settled(void *arg, const char *action, const char *message_id,
    const char *dest, uint32_t dest_uid)
{
	struct settled *s = arg;
	bool spam = strcmp(action, "quarantine") == 0 ||
	    strcmp(action, "delete") == 0;

	if (dest == NULL || dest_uid == 0 || message_id == NULL ||
	    (!spam && strcmp(action, "release") != 0))
		return;
	s->l = xreallocarray(s->l, s->n + 1, sizeof *s->l);
	s->spam = xreallocarray(s->spam, s->n + 1, sizeof *s->spam);
	s->dest = xreallocarray(s->dest, s->n + 1, sizeof *s->dest);
	s->uid = xreallocarray(s->uid, s->n + 1, sizeof *s->uid);
	s->l[s->n] = (struct lesson){ xstrdup(message_id), NULL, 0 };
	s->spam[s->n] = spam;
	s->dest[s->n] = xstrdup(dest);
	s->uid[s->n] = dest_uid;
	s->n++;
}

int
decide_reconcile(struct imap_conn *c, struct account_ctx *ctx,
    struct imap_reconcile_stats *rs, char *err, size_t errlen)
{
	struct settled s = { 0 };
	int rc;

	rs->settled = on_settled;
	rs->settled_arg = &s;
	rc = imap_reconcile(c, ctx->st, rs, err, errlen);
	for (int spam = 0; spam < 2; spam++) {
		struct lesson *l = calloc(s.n + 1, sizeof *l);
		size_t nl = 0;
		if (l == NULL)
			abort();
		for (size_t i = 0; i < s.n; i++) {
			uint64_t *t = NULL;
			size_t nt = 0;
			if (s.spam[i] != (bool)spam || store_item_tokens(ctx->st,
			    s.dest[i], s.uid[i], &t, &nt) != 0 || nt == 0) {
				free(t);
				continue;
			}
			l[nl++] = (struct lesson){ s.l[i].id, t, nt };
		}
		if (nl && account_learn(ctx, l, nl, spam) != 0 && rc == 0) {
			snprintf(err, errlen, "%s", store_error(ctx->st));
			rc = -1;
		}
		for (size_t i = 0; i < nl; i++)
			free((void *)l[i].tokens);
		free(l);
	}
	for (size_t i = 0; i < s.n; i++) {
		free((void *)s.l[i].id);
		free(s.dest[i]);
	}
	NDR_FREE(s.l, s.spam, s.dest, s.uid);
	rs->settled = NULL;
	rs->settled_arg = NULL;
	return rc;
}
