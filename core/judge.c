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

/* One message to one recipient: sorted, they answer "written to then?" */
struct rdate {
	uint64_t	rcpt;
	int64_t		date;
};

/* A report's MTA (hashed, as rdate's rcpt) and date: sorted the same. */
struct burst {
	struct rdate	at;	/* first: cmp_rdate and rdate_first serve */
	size_t		g;	/* its group (ndr_campaigns'), or none */
};

struct sent_ctx {
	struct store	*st;
	struct rdate	*rd;
	size_t		 nrd, caprd;
	struct ndr_map	 domain;	/* Message-ID domains */
	struct ndr_map	 rdomain;	/* recipients' domains */
	struct burst	*burst;		/* (MTA, date) of reports with their
					 * original that are not legitimate */
	size_t		 nburst;
	struct ndr_map	 mids;		/* Message-IDs (hashes: "maybe") */
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
		*ndr_map_slot(&s->mids, hash_of(mid, true), true) = 1;
	if (mid && (at = strrchr(mid, '@')) != NULL) {
		char d[256];
		size_t n = strcspn(at + 1, ">");
		if (n < sizeof d) {
			memcpy(d, at + 1, n);
			d[n] = '\0';
			*ndr_map_slot(&s->domain, hash(d), true) = 1;
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
				const char *d = strrchr(a, '@');
				if (d && d[1])
					*ndr_map_slot(&s->rdomain, hash(d + 1),
					    true) = 1;
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
	if (ndr_map_slot(&s->mids, hash_of(b, true), false) == NULL)
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

/* In n sorted structs of size stride, each starting with a struct rdate:
 * the index of the first (h, date >= from), or n. */
static size_t
rdate_first(const void *v, size_t n, size_t stride, uint64_t h,
    int64_t from)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct rdate *r = (const struct rdate *)(const void *)
		    ((const char *)v + mid * stride);
		if (r->rcpt < h || (r->rcpt == h && r->date < from))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int64_t
cb_rcpt(void *arg, const char *a, int64_t from, int64_t to)
{
	struct sent_ctx *s = arg;
	uint64_t h = hash(a);
	size_t lo = rdate_first(s->rd, s->nrd, sizeof *s->rd, h, from);

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
	return ndr_map_slot(&((struct sent_ctx *)arg)->domain, hash(d), false) !=
	    NULL;
}

static bool
cb_rcpt_domain(void *arg, const char *d)
{
	return ndr_map_slot(&((struct sent_ctx *)arg)->rdomain, hash(d),
	    false) != NULL;
}

#define BURST	(6 * 3600)

/* The first burst entry of MTA h at or after date. */
static size_t
burst_first(const struct sent_ctx *s, uint64_t h, int64_t date)
{
	return rdate_first(s->burst, s->nburst, sizeof *s->burst, h, date);
}

static size_t
cb_burst(void *arg, const char *mta, int64_t date)
{
	struct sent_ctx *s = arg;
	uint64_t h = hash(mta);
	size_t lo, n = 0;

	lo = burst_first(s, h, date - BURST);
	for (; lo < s->nburst && s->burst[lo].at.rcpt == h &&
	    s->burst[lo].at.date <= date + BURST && n < 100; lo++)
		n++;
	return n;
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

/* One judging of the store: the reports, their outcomes, the groups. */
struct judging {
	struct store_judged	 *j;		/* the reports, n of them */
	size_t			  n;
	struct outcome		 *out;		/* their verdicts */
	struct ndr_verdict	 *v;		/* the one worked on */
	/* the reports not legitimate: their evidence and index in j */
	const struct ndr_evidence **bad;
	size_t			 *who, nb;
	size_t			 *grp, *size;	/* group (its root), size */
	int64_t			 *cid;		/* campaign number, by root */
	size_t			 *order, ng;	/* roots, largest first */
	size_t			 *start, *mem;	/* the members, by root */
	struct store_campaign	 *camp;		/* by order */
	bool			  fresh_only;	/* the judged keep theirs */
};

static void
judging_alloc(struct judging *jd)
{
	size_t n = jd->n ? jd->n : 1;

	/* one verdict worked on at a time (16 signals of text each: a
	 * whole array of them was 16 MB for 5,000 reports, page faults
	 * and all), the outcomes kept */
	jd->v = xcalloc(1, sizeof *jd->v);
	jd->out = xcalloc(n, sizeof *jd->out);
	jd->bad = xcalloc(n, sizeof *jd->bad);
	jd->who = xcalloc(n, sizeof *jd->who);
	jd->grp = xcalloc(n, sizeof *jd->grp);
	jd->size = xcalloc(n, sizeof *jd->size);
	jd->cid = xcalloc(n, sizeof *jd->cid);
	jd->order = xcalloc(n, sizeof *jd->order);
	jd->start = xcalloc(n + 1, sizeof *jd->start);
	jd->mem = xcalloc(n, sizeof *jd->mem);
}

static void
judging_free(struct judging *jd)
{
	for (size_t g = 0; jd->camp && g < jd->ng; g++) {
		free((char *)jd->camp[g].forged);
		free((char *)jd->camp[g].mtas);
		free((char *)jd->camp[g].links);
	}
	free(jd->camp);
	for (size_t i = 0; jd->out && i < jd->n; i++)
		free(jd->out[i].signals);
	free(jd->out);
	free(jd->start);
	free(jd->mem);
	free(jd->order);
	free(jd->v);
	free(jd->bad);
	free(jd->who);
	free(jd->grp);
	free(jd->size);
	free(jd->cid);
}

/* The MTAs and times of the reports that carry their original and are
 * not legitimate, with their groups: what an empty NDR's burst is
 * measured against. */
static void
burst_index(struct sent_ctx *s, const struct judging *jd)
{
	s->burst = xcalloc(jd->nb ? jd->nb : 1, sizeof *s->burst);
	for (size_t k = 0; k < jd->nb; k++) {
		const struct ndr_evidence *e = jd->bad[k];
		if (e->orig_mid && e->mta && e->date > 0)
			s->burst[s->nburst++] = (struct burst){ { hash(e->mta),
			    e->date }, jd->grp[k] };
	}
	if (s->nburst > 1)
		qsort(s->burst, s->nburst, sizeof *s->burst, cmp_rdate);
}

/*
 * An empty NDR carries nothing to group it by but its MTA and time: when
 * its MTA bounced at least BURST_MIN reports of one campaign within
 * BURST of it, and they are most of what that MTA bounced then, it is
 * that campaign's too.
 */
#define BURST_MIN	3

static void
empties_join(const struct sent_ctx *s, struct judging *jd)
{
	for (size_t k = 0; k < jd->nb; k++) {
		const struct ndr_evidence *e = jd->bad[k];
		size_t g[8], cnt[8], ng = 0, all = 0, best = 0;
		if (jd->grp[k] != NDR_NO_CAMPAIGN || e->orig_mid || !e->mta ||
		    e->date <= 0)
			continue;
		uint64_t h = hash(e->mta);
		for (size_t i = burst_first(s, h, e->date - BURST);
		    i < s->nburst && s->burst[i].at.rcpt == h &&
		    s->burst[i].at.date <= e->date + BURST && all < 1000; i++) {
			size_t x = s->burst[i].g, t = 0;
			all++;
			if (x == NDR_NO_CAMPAIGN)
				continue;
			while (t < ng && g[t] != x)
				t++;
			if (t == ng && ng < 8) {
				g[ng] = x;
				cnt[ng++] = 0;
			}
			if (t < ng && ++cnt[t] > cnt[best])
				best = t;
		}
		if (ng && cnt[best] >= BURST_MIN && 2 * cnt[best] > all)
			jd->grp[k] = g[best];
	}
}

/* The legitimate first: they are no campaign's. The rest grouped, each
 * group's members listed by its root (a counting sort), the roots by
 * size. */
static void
legit_then_groups(struct judging *jd, const struct ndr_judge_ctx *c,
    struct sent_ctx *sc)
{
	for (size_t i = 0; i < jd->n; i++) {
		jd->v->nsig = 0;
		if (!ndr_judge_legit(&jd->j[i].ev, c, jd->v)) {
			jd->who[jd->nb] = i;
			jd->bad[jd->nb++] = &jd->j[i].ev;
		} else
			keep(&jd->out[i], jd->v, NDR_LEGIT, 0);
	}
	ndr_campaigns(jd->bad, jd->nb, jd->grp);
	burst_index(sc, jd);
	empties_join(sc, jd);
	for (size_t k = 0; k < jd->nb; k++)
		if (jd->grp[k] != NDR_NO_CAMPAIGN) {
			jd->size[jd->grp[k]]++;
			jd->start[jd->grp[k] + 1]++;
		}
	for (size_t k = 0; k < jd->nb; k++)
		if (jd->grp[k] == k)	/* a root; NDR_NO_CAMPAIGN is none */
			jd->order[jd->ng++] = k;
	qsort_r(jd->order, jd->ng, sizeof *jd->order, cmp_size_desc, jd->size);
	for (size_t k = 0; k < jd->nb; k++)
		jd->start[k + 1] += jd->start[k];
	size_t *fill = xcalloc(jd->nb ? jd->nb : 1, sizeof *fill);
	for (size_t k = 0; k < jd->nb; k++)
		if (jd->grp[k] != NDR_NO_CAMPAIGN)
			jd->mem[jd->start[jd->grp[k]] + fill[jd->grp[k]]++] = k;
	free(fill);
}

/* Campaign numbers that stay: each group takes the one most of its
 * members had, unless a larger group took it first; else a new one. */
static void
number_campaigns(struct judging *jd)
{
	struct ndr_map taken = { 0 }, votes = { 0 };
	int64_t next = 1;

	for (size_t i = 0; i < jd->n; i++)
		if (jd->j[i].campaign >= next)
			next = jd->j[i].campaign + 1;
	jd->camp = xcalloc(jd->ng ? jd->ng : 1, sizeof *jd->camp);
	for (size_t g = 0; g < jd->ng; g++) {
		size_t root = jd->order[g], best_n = 0;
		int64_t best = 0;
		ndr_map_free(&votes);
		memset(&votes, 0, sizeof votes);
		for (size_t m = jd->start[root]; m < jd->start[root + 1]; m++) {
			int64_t old = jd->j[jd->who[jd->mem[m]]].campaign;
			if (old <= 0 || ndr_map_slot(&taken, (uint64_t)old, false))
				continue;
			int64_t *nv = ndr_map_slot(&votes, (uint64_t)old, true);
			if ((size_t)++*nv > best_n ||
			    ((size_t)*nv == best_n && old < best)) {
				best_n = (size_t)*nv;
				best = old;
			}
		}
		if (best == 0)
			best = next++;
		*ndr_map_slot(&taken, (uint64_t)best, true) = 1;
		jd->cid[root] = best;
		jd->camp[g].id = best;
		jd->camp[g].size = (int64_t)jd->size[root];
	}
	ndr_map_free(&votes);
	ndr_map_free(&taken);
}

/* The rest judged, knowing their campaign (not legitimate: asked). */
static void
judge_rest(struct judging *jd, const struct ndr_judge_ctx *c)
{
	for (size_t k = 0; k < jd->nb; k++) {
		size_t i = jd->who[k], root = jd->grp[k];
		if (jd->fresh_only && jd->j[i].verdict != NULL) {
			/* judged before: its verdict stays as it is (only
			 * counted), and its content is not asked for */
			jd->out[i].verdict = ndr_verdict_parse(jd->j[i].verdict);
			continue;
		}
		if (root == NDR_NO_CAMPAIGN)
			ndr_judge_backscatter(&jd->j[i].ev, c, 0, NULL, jd->v);
		else
			ndr_judge_backscatter(&jd->j[i].ev, c, jd->size[root],
			    jd->bad[root]->subject, jd->v);
		keep(&jd->out[i], jd->v, jd->v->verdict, jd->v->score);
	}
}

/* What each campaign shows: when, subject, forged senders, MTAs, links. */
static void
describe_campaigns(struct judging *jd)
{
	for (size_t g = 0; g < jd->ng; g++) {
		size_t root = jd->order[g];
		struct ndr_strv forged = { 0 }, mtas = { 0 }, links = { 0 };
		struct store_campaign *cp = &jd->camp[g];
		for (size_t m = jd->start[root]; m < jd->start[root + 1]; m++) {
			size_t i = jd->who[jd->mem[m]];
			const struct ndr_evidence *e = &jd->j[i].ev;
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
			cp->backscatter += jd->out[i].verdict == NDR_BACKSCATTER;
		}
		cp->forged = joined(&forged);
		cp->mtas = joined(&mtas);
		cp->links = joined(&links);
		strv_free(&forged);
		strv_free(&mtas);
		strv_free(&links);
	}
}

/* Written back: the verdicts that changed, the campaigns. */
static int
write_back(struct judging *jd, struct store *st, struct ndr_judge_stats *stats,
    bool grouped)
{
	int rc = store_begin(st);

	for (size_t i = 0, k = 0; i < jd->n && rc == 0; i++) {
		const struct store_judged *j = &jd->j[i];
		const struct outcome *o = &jd->out[i];
		int64_t camp_id = 0;
		if (k < jd->nb && jd->who[k] == i) {
			if (jd->grp[k] != NDR_NO_CAMPAIGN)
				camp_id = jd->cid[jd->grp[k]];
			k++;
		}
		const char *name = ndr_verdict_name(o->verdict);
		if (o->verdict == NDR_LEGIT)
			stats->legit++;
		else if (o->verdict == NDR_BACKSCATTER)
			stats->backscatter++;
		else
			stats->unsure++;
		/* new reports only: the judged ones stay as the last
		 * whole judging left them (their campaigns with them) */
		if (!grouped && j->verdict != NULL)
			continue;
		if (j->verdict == NULL || strcmp(j->verdict, name) != 0 ||
		    j->campaign != camp_id || j->signals == NULL ||
		    strcmp(j->signals, o->signals) != 0 ||
		    j->score - o->score > 1e-9 || o->score - j->score > 1e-9) {
			stats->changed++;
			rc = store_verdict_put(st, j->folder, j->uid, name,
			    o->score, o->signals, camp_id);
		}
	}
	if (rc == 0 && grouped)
		rc = store_campaigns_put(st, jd->camp, jd->ng);
	if (rc == 0)
		rc = store_commit(st);
	if (rc != 0)
		store_rollback(st);
	stats->campaigns = jd->ng;
	return rc;
}

/* Every report (grouped: campaigns made again), or only those not
 * judged yet. */
static int
judge(struct store *st, const struct ndr_account *acct,
    struct ndr_judge_stats *stats, bool grouped, char *err, size_t errlen)
{
	struct sent_ctx sc = { .st = st };
	struct judging jd = { 0 };
	int rc = -1;

	memset(stats, 0, sizeof *stats);
	if (store_evidence_load_some(st, !grouped, &jd.j, &jd.n) != 0) {
		snprintf(err, errlen, "%s", store_error(st));
		goto out;
	}
	size_t fresh = 0;
	for (size_t i = 0; i < jd.n; i++)
		fresh += jd.j[i].verdict == NULL;
	if (!grouped && fresh == 0) {
		rc = 0;		/* nothing new: nothing to judge */
		goto out;
	}
	/* the classifier whole for the whole store; for a few new reports
	 * (a rescan, a watch round) only their tokens, fetched */
	if (store_each_sent(st, on_sent, &sc) != 0 ||
	    (grouped ? ndr_bayes_open(st, &sc.bayes) :
	    ndr_bayes_open_lazy(st, &sc.bayes)) != 0) {
		snprintf(err, errlen, "%s", store_error(st));
		goto out;
	}
	if (sc.nrd > 1)
		qsort(sc.rd, sc.nrd, sizeof *sc.rd, cmp_rdate);
	struct ndr_judge_ctx c = {
		.addresses = &acct->addresses, .own_relays = &acct->own_relays,
		.batv_key = acct->batv_key, .sent_count = sc.count,
		.sent_first = sc.first, .sent_last = sc.last,
		.sent_mid = cb_mid, .sent_rcpt = cb_rcpt,
		.sent_mid_domain = cb_domain, .sent_rcpt_domain = cb_rcpt_domain,
		.mta_burst = cb_burst, .arg = &sc,
		/* untrained, it would only say 0.5: no signal at all */
		.content = ndr_bayes_trained(sc.bayes) ? cb_content : NULL,
	};
	jd.fresh_only = !grouped;
	judging_alloc(&jd);
	legit_then_groups(&jd, &c, &sc);
	number_campaigns(&jd);
	judge_rest(&jd, &c);
	describe_campaigns(&jd);
	if (ndr_bayes_failed(sc.bayes)) {
		snprintf(err, errlen, "%s", store_error(st));
		rc = -1;
	} else if ((rc = write_back(&jd, st, stats, grouped)) != 0)
		snprintf(err, errlen, "%s", store_error(st));
	judging_free(&jd);
out:
	store_judged_free(jd.j, jd.n);
	free(sc.rd);
	ndr_bayes_free(sc.bayes);
	ndr_map_free(&sc.domain);
	ndr_map_free(&sc.rdomain);
	ndr_map_free(&sc.mids);
	free(sc.burst);
	return rc;
}

/*
 * What verdicts are made from besides the reports and the Sent index: the
 * engine's judging (JUDGE_GEN, raised when it changes how it judges), the
 * account's addresses, relays and BATV key, and the classifier. 0 when
 * the store cannot say.
 */
#define JUDGE_GEN	"judge 1"

static uint64_t
judge_stamp(struct store *st, const struct ndr_account *a)
{
	struct ndr_buf b = { 0 };
	int64_t spam, n, last;

	if (store_trained_stamp(st, &spam, &n, &last) != 0)
		return 0;
	ndr_buf_printf(&b, "%s\n%lld %lld %lld\n%s\n", JUDGE_GEN,
	    (long long)spam, (long long)n, (long long)last, a->batv_key ?
	    a->batv_key : "");
	for (size_t i = 0; i < a->addresses.n; i++)
		ndr_buf_printf(&b, "a %s\n", a->addresses.v[i]);
	for (size_t i = 0; i < a->own_relays.n; i++)
		ndr_buf_printf(&b, "r %s\n", a->own_relays.v[i]);
	uint64_t h = hash_of(b.s, true);
	ndr_buf_free(&b);
	return h;
}

bool
ndr_judge_current(struct store *st, const struct ndr_account *a,
    struct ndr_judge_stats *stats)
{
	char *v = store_meta_get(st, "judged");
	unsigned long long stamp;
	struct ndr_judge_stats js = { 0 };
	bool same = v && sscanf(v, "%llx %zu %zu %zu %zu", &stamp, &js.legit,
	    &js.backscatter, &js.unsure, &js.campaigns) == 5 && stamp != 0 &&
	    stamp == judge_stamp(st, a);

	free(v);
	if (same)
		*stats = js;
	return same;
}

int
ndr_judge_store(struct store *st, const struct ndr_account *acct,
    struct ndr_judge_stats *stats, char *err, size_t errlen)
{
	char v[128];

	if (judge(st, acct, stats, true, err, errlen) != 0)
		return -1;
	/* what these verdicts were made from, for the next scan that
	 * finds nothing new (a failure here only costs a judging) */
	snprintf(v, sizeof v, "%llx %zu %zu %zu %zu",
	    (unsigned long long)judge_stamp(st, acct), stats->legit,
	    stats->backscatter, stats->unsure, stats->campaigns);
	(void)store_meta_set(st, "judged", v);
	return 0;
}

int
ndr_judge_new(struct store *st, const struct ndr_account *acct,
    struct ndr_judge_stats *stats, char *err, size_t errlen)
{
	if (judge(st, acct, stats, false, err, errlen) != 0)
		return -1;
	/* new reports judged without their campaigns made again: the
	 * next whole judging is not to be skipped */
	if (stats->changed)
		(void)store_meta_set(st, "judged", "");
	return 0;
}
