/*
 * judge.c - judge every stored report again: the Sent index, the
 * configuration or the classifier may have changed since the last time.
 *
 * Legitimate bounces are found first and kept out of the campaigns; the
 * rest are grouped, and each is judged knowing its campaign's size. Only
 * what changed is written back, in one transaction. Campaign numbers stay
 * stable from one run to the next: a group keeps the number most of its
 * members had, and merged campaigns keep the larger one's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bayes.h"
#include "config.h"
#include "engine.h"
#include "judge.h"
#include "store.h"
#include "verdict.h"

#define SHOWN	5	/* forged addresses, MTAs, hosts kept per campaign */

/* An open-addressing map of 64-bit hashes to dates. */
struct map {
	uint64_t	*key;
	int64_t		*val;
	size_t		 mask, n;
};

/* FNV-1a of s, ASCII case folded unless exact (Message-IDs) */
static uint64_t
hash_of(const char *s, bool exact)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		h ^= !exact && c >= 'A' && c <= 'Z' ? c + 32 : c;
		h *= 1099511628211ull;
	}
	return h ? h : 1;
}

static uint64_t
hash(const char *s)
{
	return hash_of(s, false);
}

static int64_t *
map_slot(struct map *m, uint64_t k, bool add)
{
	if (add && (m->n + 1) * 2 > m->mask + 1) {
		struct map g = { 0 };
		size_t cap = m->mask ? (m->mask + 1) * 2 : 1024;
		g.key = xcalloc(cap, sizeof *g.key);
		g.val = xcalloc(cap, sizeof *g.val);
		g.mask = cap - 1;
		for (size_t i = 0; m->mask && i <= m->mask; i++)
			if (m->key[i])
				*map_slot(&g, m->key[i], true) = m->val[i];
		free(m->key);
		free(m->val);
		*m = g;
	}
	if (m->mask == 0)
		return NULL;
	size_t i = (size_t)(k ^ (k >> 31)) & m->mask;
	while (m->key[i] && m->key[i] != k)
		i = (i + 1) & m->mask;
	if (m->key[i] == 0) {
		if (!add)
			return NULL;
		m->key[i] = k;
		m->n++;
	}
	return &m->val[i];
}

static void
map_free(struct map *m)
{
	free(m->key);
	free(m->val);
}

/* One message to one recipient: sorted, they answer "written to then?" */
struct rdate {
	uint64_t	rcpt;
	int64_t		date;
};

struct sent_ctx {
	struct store	*st;
	struct rdate	*rd;
	size_t		 nrd, caprd;
	struct map	 domain;	/* Message-ID domains */
	struct map	 mids;		/* Message-IDs (hashes: "maybe") */
	int64_t		 count, first, last;
	struct ndr_bayes *bayes;	/* the classifier, when trained */
};

static int
on_sent(const char *mid, int64_t date, const char *rcpts, void *arg)
{
	struct sent_ctx *s = arg;
	const char *at;

	s->count++;
	if (date > 0) {
		if (s->first == 0 || date < s->first)
			s->first = date;
		if (date > s->last)
			s->last = date;
	}
	if (mid)
		*map_slot(&s->mids, hash_of(mid, true), true) = 1;
	if (mid && (at = strrchr(mid, '@')) != NULL) {
		char d[256];
		size_t n = strcspn(at + 1, ">");
		if (n < sizeof d) {
			memcpy(d, at + 1, n);
			d[n] = '\0';
			*map_slot(&s->domain, hash(d), true) = 1;
		}
	}
	for (const char *p = rcpts; p && *p; ) {
		size_t n = strcspn(p, ",");
		char a[256];
		if (n < sizeof a) {
			memcpy(a, p, n);
			a[n] = '\0';
			trim(a);
			if (*a) {
				if (s->nrd == s->caprd) {
					s->caprd = s->caprd ? s->caprd * 2 : 1024;
					s->rd = xreallocarray(s->rd, s->caprd,
					    sizeof *s->rd);
				}
				s->rd[s->nrd++] = (struct rdate){ hash(a), date };
			}
		}
		p += n + (p[n] == ',');
	}
	return 0;
}

static int
cb_mid(void *arg, const char *mid, int64_t *date)
{
	struct sent_ctx *s = arg;
	char b[1024];

	snprintf(b, sizeof b, "<%s>", mid);
	/* most are not in Sent: the index asked only when the hash is */
	if (map_slot(&s->mids, hash_of(b, true), false) == NULL)
		return 0;
	return store_sent_find(s->st, b, date) == 1;
}

static int
cmp_rdate(const void *a, const void *b)
{
	const struct rdate *x = a, *y = b;

	if (x->rcpt != y->rcpt)
		return x->rcpt < y->rcpt ? -1 : 1;
	return (x->date > y->date) - (x->date < y->date);
}

static int64_t
cb_rcpt(void *arg, const char *a, int64_t from, int64_t to)
{
	struct sent_ctx *s = arg;
	uint64_t h = hash(a);
	size_t lo = 0, hi = s->nrd;

	/* the first (h, date >= from) */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct rdate *r = &s->rd[mid];
		if (r->rcpt < h || (r->rcpt == h && r->date < from))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < s->nrd && s->rd[lo].rcpt == h && s->rd[lo].date <= to)
		return s->rd[lo].date ? s->rd[lo].date : 1;
	return 0;
}

static double
cb_content(void *arg, const struct ndr_evidence *ev)
{
	return ndr_bayes_score(((struct sent_ctx *)arg)->bayes, ev->tokens,
	    ev->ntokens);
}

static bool
cb_domain(void *arg, const char *d)
{
	return map_slot(&((struct sent_ctx *)arg)->domain, hash(d), false) !=
	    NULL;
}

/* Add each of the ", " or " " separated items of s to v, up to SHOWN. */
static void
gather(struct ndr_strv *v, const char *s, const char *seps)
{
	while (s && *s && v->n < SHOWN) {
		size_t n = strcspn(s, seps);
		if (n) {
			char *item = xstrndup(s, n);
			trim(item);
			if (*item && !strv_has(v, item))
				strv_add(v, item);
			else
				free(item);
		}
		s += n;
		s += strspn(s, seps);
	}
}

static char *
joined(const struct ndr_strv *v)
{
	struct ndr_buf b = { 0 };

	for (size_t i = 0; i < v->n; i++) {
		if (i)
			ndr_buf_adds(&b, ", ");
		ndr_buf_adds(&b, v->v[i]);
	}
	return b.s;
}

/* What a report was judged: a verdict's few bytes, not its 3 KB. */
struct outcome {
	enum ndr_verdict_kind	 verdict;
	double			 score;
	char			*signals;	/* JSON */
};

static void
keep(struct outcome *o, const struct ndr_verdict *v, enum ndr_verdict_kind k,
    double score)
{
	struct ndr_buf b = { 0 };

	ndr_verdict_json(v, &b);
	o->verdict = k;
	o->score = score;
	o->signals = b.s;
}

static int
cmp_size_desc(const void *a, const void *b, void *arg)
{
	const size_t *size = arg;
	size_t x = size[*(const size_t *)a], y = size[*(const size_t *)b];

	return x < y ? 1 : x > y ? -1 : (*(const size_t *)a > *(const size_t *)b) -
	    (*(const size_t *)a < *(const size_t *)b);
}

int
ndr_judge_store(struct store *st, const struct ndr_account *acct,
    struct ndr_judge_stats *stats, char *err, size_t errlen)
{
	struct sent_ctx sc = { .st = st };
	struct store_judged *j = NULL;
	size_t n = 0, nb = 0;
	int rc = -1;

	memset(stats, 0, sizeof *stats);
	if (store_each_sent(st, on_sent, &sc) != 0 ||
	    store_evidence_load(st, &j, &n) != 0) {
		snprintf(err, errlen, "%s", store_error(st));
		goto out;
	}
	if (sc.nrd)
		if (sc.nrd > 1)
			qsort(sc.rd, sc.nrd, sizeof *sc.rd, cmp_rdate);
	if (ndr_bayes_open(st, &sc.bayes) != 0) {
		snprintf(err, errlen, "%s", store_error(st));
		goto out;
	}
	struct ndr_judge_ctx c = {
		.addresses = &acct->addresses, .own_relays = &acct->own_relays,
		.batv_key = acct->batv_key, .sent_count = sc.count,
		.sent_first = sc.first, .sent_last = sc.last,
		.sent_mid = cb_mid, .sent_rcpt = cb_rcpt,
		.sent_mid_domain = cb_domain, .arg = &sc,
		/* untrained, it would only say 0.5: no signal at all */
		.content = ndr_bayes_trained(sc.bayes) ? cb_content : NULL,
	};
	/* one verdict worked on at a time (16 signals of text each: a
	 * whole array of them was 16 MB for 5,000 reports, page faults
	 * and all), the outcomes kept */
	struct ndr_verdict *v = xcalloc(1, sizeof *v);
	struct outcome *out = xcalloc(n ? n : 1, sizeof *out);
	const struct ndr_evidence **bad = xcalloc(n ? n : 1, sizeof *bad);
	size_t *who = xcalloc(n ? n : 1, sizeof *who);
	size_t *grp = xcalloc(n ? n : 1, sizeof *grp);
	size_t *size = xcalloc(n ? n : 1, sizeof *size);
	int64_t *cid = xcalloc(n ? n : 1, sizeof *cid);

	/* the legitimate first: they are no campaign's */
	for (size_t i = 0; i < n; i++) {
		v->nsig = 0;
		if (!ndr_judge_legit(&j[i].ev, &c, v)) {
			who[nb] = i;
			bad[nb++] = &j[i].ev;
		} else
			keep(&out[i], v, NDR_LEGIT, 0);
	}
	ndr_campaigns(bad, nb, grp);
	for (size_t k = 0; k < nb; k++)
		if (grp[k] != NDR_NO_CAMPAIGN)
			size[grp[k]]++;

	/* campaign numbers: the one most members had, unless a larger
	 * group took it first; else a new one */
	int64_t next = 1;
	for (size_t i = 0; i < n; i++)
		if (j[i].campaign >= next)
			next = j[i].campaign + 1;
	size_t *order = xcalloc(nb ? nb : 1, sizeof *order), ng = 0;
	for (size_t k = 0; k < nb; k++)
		if (grp[k] == k)	/* a root; NDR_NO_CAMPAIGN is none */
			order[ng++] = k;
	qsort_r(order, ng, sizeof *order, cmp_size_desc, size);
	struct map taken = { 0 }, votes = { 0 };
	/* members of each group, by root: a counting sort */
	size_t *start = xcalloc(nb + 1, sizeof *start), *mem = xcalloc(nb ? nb :
	    1, sizeof *mem);
	for (size_t k = 0; k < nb; k++)
		if (grp[k] != NDR_NO_CAMPAIGN)
			start[grp[k] + 1]++;
	for (size_t k = 0; k < nb; k++)
		start[k + 1] += start[k];
	size_t *fill = xcalloc(nb ? nb : 1, sizeof *fill);
	for (size_t k = 0; k < nb; k++)
		if (grp[k] != NDR_NO_CAMPAIGN)
			mem[start[grp[k]] + fill[grp[k]]++] = k;
	free(fill);
	struct store_campaign *camp = xcalloc(ng ? ng : 1, sizeof *camp);
	for (size_t g = 0; g < ng; g++) {
		size_t root = order[g], best_n = 0;
		int64_t best = 0;
		free(votes.key);
		free(votes.val);
		memset(&votes, 0, sizeof votes);
		for (size_t m = start[root]; m < start[root + 1]; m++) {
			int64_t old = j[who[mem[m]]].campaign;
			if (old <= 0 || map_slot(&taken, (uint64_t)old, false))
				continue;
			int64_t *nv = map_slot(&votes, (uint64_t)old, true);
			if ((size_t)++*nv > best_n ||
			    ((size_t)*nv == best_n && old < best)) {
				best_n = (size_t)*nv;
				best = old;
			}
		}
		if (best == 0)
			best = next++;
		*map_slot(&taken, (uint64_t)best, true) = 1;
		cid[root] = best;
		camp[g].id = best;
		camp[g].size = (int64_t)size[root];
	}
	map_free(&votes);
	map_free(&taken);

	/* judge, knowing the campaign */
	for (size_t k = 0; k < nb; k++) {
		size_t i = who[k], root = grp[k];
		/* not legitimate (asked above) */
		if (root == NDR_NO_CAMPAIGN)
			ndr_judge_backscatter(&j[i].ev, &c, 0, NULL, v);
		else
			ndr_judge_backscatter(&j[i].ev, &c, size[root],
			    bad[root]->subject, v);
		keep(&out[i], v, v->verdict, v->score);
	}

	/* what each campaign shows */
	for (size_t g = 0; g < ng; g++) {
		size_t root = order[g];
		struct ndr_strv forged = { 0 }, mtas = { 0 }, links = { 0 };
		struct store_campaign *cp = &camp[g];
		for (size_t m = start[root]; m < start[root + 1]; m++) {
			size_t i = who[mem[m]];
			const struct ndr_evidence *e = &j[i].ev;
			int64_t d = e->date;
			if (d > 0 && (cp->first_seen == 0 || d < cp->first_seen))
				cp->first_seen = d;
			if (d > cp->last_seen)
				cp->last_seen = d;
			if (cp->subject == NULL && e->subject)
				cp->subject = e->subject;
			gather(&forged, e->orig_from ? e->orig_from :
			    e->orig_sender, ",");
			gather(&mtas, e->mta, ",");
			gather(&links, e->links, " ");
			cp->backscatter += out[i].verdict == NDR_BACKSCATTER;
		}
		cp->forged = joined(&forged);
		cp->mtas = joined(&mtas);
		cp->links = joined(&links);
		strv_free(&forged);
		strv_free(&mtas);
		strv_free(&links);
	}

	/* write back what changed */
	if (store_begin(st) != 0) {
		snprintf(err, errlen, "%s", store_error(st));
		goto free_all;
	}
	rc = 0;
	for (size_t i = 0, k = 0; i < n && rc == 0; i++) {
		int64_t camp_id = 0;
		if (k < nb && who[k] == i) {
			if (grp[k] != NDR_NO_CAMPAIGN)
				camp_id = cid[grp[k]];
			k++;
		}
		const char *name = ndr_verdict_name(out[i].verdict);
		const char *sig = out[i].signals;
		switch (out[i].verdict) {
		case NDR_LEGIT:
			stats->legit++;
			break;
		case NDR_BACKSCATTER:
			stats->backscatter++;
			break;
		default:
			stats->unsure++;
		}
		if (j[i].verdict == NULL || strcmp(j[i].verdict, name) != 0 ||
		    j[i].campaign != camp_id || j[i].signals == NULL ||
		    strcmp(j[i].signals, sig) != 0 ||
		    j[i].score - out[i].score > 1e-9 ||
		    out[i].score - j[i].score > 1e-9) {
			stats->changed++;
			rc = store_verdict_put(st, j[i].folder, j[i].uid, name,
			    out[i].score, sig, camp_id);
		}
	}
	if (rc == 0)
		rc = store_campaigns_put(st, camp, ng);
	if (rc == 0)
		rc = store_commit(st);
	if (rc != 0) {
		snprintf(err, errlen, "%s", store_error(st));
		store_rollback(st);
	}
	stats->campaigns = ng;
free_all:
	for (size_t g = 0; g < ng; g++) {
		free((char *)camp[g].forged);
		free((char *)camp[g].mtas);
		free((char *)camp[g].links);
	}
	free(camp);
	for (size_t i = 0; i < n; i++)
		free(out[i].signals);
	free(out);
	free(start);
	free(mem);
	free(order);
	free(v);
	free(bad);
	free(who);
	free(grp);
	free(size);
	free(cid);
out:
	store_judged_free(j, n);
	free(sc.rd);
	ndr_bayes_free(sc.bayes);
	map_free(&sc.domain);
	map_free(&sc.mids);
	return rc;
}
