/*
 * campaign.c - group backscatter by the spam run that caused it, weighing
 * the evidence rather than uniting on any one shared key.
 *
 * Real runs share much: generic subjects ("Invoice", "Hello"), templates,
 * link hosts on shorteners, botnets. A key shared by two reports is
 * therefore only a hint, and grouping goes in two steps:
 *
 *  1. Fragments: reports that share a key - their original's normalised
 *     subject (whole, without its last word, and its first two words when
 *     it has four or more: a spun subject's variants), a link host - AND bounced
 *     within the same WINDOW of time are joined (not the body's SimHash:
 *     one template carries several runs). One run's bounces come in one
 *     burst of days, however long: a key met in bursts days apart is
 *     shared by runs, and where two of them overlap it says nothing of
 *     which. Such a key joins two reports of a window only with more signs
 *     of one run, none of which disagrees: the same body cluster and the
 *     same link host (for a subject) or subject (for a link host); the
 *     very same body (for a subject); or the same machine that sent the
 *     original (for a subject: its first Received address; a botnet
 *     carries several runs, but two runs that share a subject, their days
 *     and a bot are rare). A subject too short to be a key ("Hello")
 *     joins that way too. Time does not tell runs apart when they
 *     overlap (an outbreak of a night): a key is also shared when it
 *     came with DIVERSE partners whatever the days (a subject with the
 *     link hosts of several runs, one run's rotated hosts counted as
 *     one; a host with several runs' subjects), and where a subject
 *     came with DIVERSE hosts in one window, its join by a machine
 *     asks for the link host too (unite_claimed).
 *  2. Fragments are joined on their words: each fragment is the sum of
 *     its reports' classifier tokens, each weighed by its inverse document
 *     frequency (a token of every run says nothing of which; a token of
 *     one report alone, a bot's name or a Message-ID's, is in no other
 *     and counts not at all), and two
 *     fragments that share a key (now over all time) join when the cosine
 *     of their sums is at least JOIN_COS, if they also have in common
 *     what the key asks (together()): a key of one run, nothing more; a
 *     key runs share, a machine that sent originals of both, and links
 *     to a host in common unless one side names none; a short
 *     subject, a machine and the same days; a body cluster of one burst
 *     (a template), a machine or a link host, unless one of them names no
 *     link. Then a small fragment (under SMALL reports) joins the most
 *     alike larger neighbour: a campaign at ATTACH_COS (APART_COS when
 *     the two lack what their key asks, and then only in the same
 *     days), another small one at JOIN_COS and on the same
 *     terms as step 2.
 *  3. A group with nothing of its own (no body, no link host, only keys
 *     runs share) whose subject a campaign bounced in the same days is a
 *     piece of some run, which one unknown: it is no campaign.
 *
 * Every step is linear or n log n in the reports and their tokens; the
 * pairs compared are those that share a key held by at most CAP
 * fragments (a key in more says nothing of which run).
 *
 * The forged sender and the first foreign hop are not keys: backscatter
 * of many runs forges the same user's address, and one botnet carries
 * many runs; they are shown with a campaign, not used to build it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "verdict.h"

#define SUBJECT_MIN	10	/* shorter normalised subjects are no key */
#define WINDOW		(2 * 86400)	/* step 1: the same two days */
#define SPREAD		1	/* a key in more bursts is shared by runs */
#define BOTS		3	/* reports that make a botnet, and a key's in one */
#define DIVERSE		3	/* partners that make a key shared by runs */
#define HOSTS		32	/* a subject's hosts compared in pairs */
#define SAME_SUBJ	2	/* subjects that make two hosts one run's */
#define NEAR_BITS	10	/* SimHashes this close: one body cluster */
#define BANDS		8
#define REPS		64	/* distinct bodies kept per band value */
#define CAP		50	/* a key in more fragments pairs each... */
#define HUBS		8	/* ...with its HUBS largest only */
#define JOIN_COS	0.6
#define SMALL		5
#define ATTACH_COS	0.2
#define APART_COS	0.4	/* to a campaign no machine of it sent */

/* hosts in too much mail to say anything of a run */
static const char *const common_hosts[] = {
	"www.w3.org", "w3.org", "schemas.microsoft.com", "www.google.com",
	"google.com", "bit.ly", "t.co", "goo.gl", "tinyurl.com",
	"www.facebook.com", "twitter.com", "www.youtube.com", "youtu.be",
	"docs.google.com", "drive.google.com", "www.linkedin.com",
	"aka.ms", "go.microsoft.com", NULL,
};

static size_t
find(size_t *up, size_t i)
{
	while (up[i] != i) {
		up[i] = up[up[i]];
		i = up[i];
	}
	return i;
}

static void
unite(size_t *up, size_t a, size_t b)
{
	a = find(up, a);
	b = find(up, b);
	/* the smaller index stays the root: ids are stable in input order */
	if (a < b)
		up[b] = a;
	else if (b < a)
		up[a] = b;
}

static uint64_t
key_of(char tag, const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull ^ (unsigned char)tag;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	return h ? h : 1;
}

static uint64_t
mix(uint64_t a, uint64_t b)
{
	uint64_t h = a ^ (b + 0x9e3779b97f4a7c15ull + (a << 6) + (a >> 2));

	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ull;
	return h ^ (h >> 29) ? h ^ (h >> 29) : 1;
}

static bool
common(const char *h, size_t n)
{
	for (int i = 0; common_hosts[i]; i++)
		if (strlen(common_hosts[i]) == n &&
		    memcmp(common_hosts[i], h, n) == 0)
			return true;
	return false;
}

/* ---- the keys of one report ---- */

struct keys {
	uint64_t	*k;
	size_t		 n, cap;
};

static void
keys_add(struct keys *ks, uint64_t k)
{
	if (ks->n == ks->cap) {
		ks->cap = ks->cap ? ks->cap * 2 : 8;
		ks->k = xreallocarray(ks->k, ks->cap, sizeof *ks->k);
	}
	ks->k[ks->n++] = k;
}

/* Its subject (whole, and without the junk word runs append) and link
 * hosts. */
static size_t
report_keys(const struct ndr_evidence *e, struct keys *ks, uint64_t *shortk)
{
	size_t nsubj;
	char *norm = ndr_subject_norm(e->subject), *sp;
	size_t nl = strlen(norm), words = 1;

	ks->n = 0;
	/* too short to name a run alone ("Hello"), but with the machine
	 * that sent it, on the same days, it does */
	*shortk = nl > 0 && nl < SUBJECT_MIN ? key_of('s', norm, nl) : 0;
	for (const char *p = norm; *p; p++)
		words += *p == ' ';
	if (nl >= SUBJECT_MIN)
		keys_add(ks, key_of('s', norm, nl));
	if (words >= 4 && (sp = strrchr(norm, ' ')) != NULL &&
	    (size_t)(sp - norm) >= SUBJECT_MIN)
		keys_add(ks, key_of('s', norm, (size_t)(sp - norm)));
	/* its first two words, of a subject of four or more: a spun
	 * subject's variants ("{Meeting|Business} {proposal|partnership}
	 * {for|from} {you|your company}") share them */
	if (words >= 4 && (sp = strchr(norm, ' ')) != NULL &&
	    (sp = strchr(sp + 1, ' ')) != NULL &&
	    (size_t)(sp - norm) >= SUBJECT_MIN)
		keys_add(ks, key_of('s', norm, (size_t)(sp - norm)));
	free(norm);
	nsubj = ks->n;
	for (const char *p = e->links; p && *p; ) {
		size_t hl = strcspn(p, " ");
		if (hl && !common(p, hl))
			keys_add(ks, key_of('l', p, hl));
		p += hl + (p[hl] == ' ');
	}
	return nsubj;
}

/* Each body's SimHash cluster: the first representative within NEAR_BITS
 * (kept per band value, a bounded number each), or itself; NO for none. */
static void
body_clusters(const struct ndr_evidence *const *ev, size_t n, size_t *bc)
{
	size_t *reps = xcalloc((size_t)BANDS * 256 * REPS, sizeof *reps);
	unsigned char *nreps = xcalloc((size_t)BANDS * 256, 1);

	for (size_t i = 0; i < n; i++) {
		uint64_t h = ev[i]->simhash;
		bc[i] = NDR_NO_CAMPAIGN;
		if (h == 0)
			continue;
		for (int b = 0; b < BANDS && bc[i] == NDR_NO_CAMPAIGN; b++) {
			size_t bucket = (size_t)b * 256 + ((h >> (8 * b)) & 0xff);
			size_t *r = reps + bucket * REPS;
			for (unsigned k = 0; k < nreps[bucket]; k++)
				if (ndr_simhash_dist(ev[r[k]]->simhash, h) <=
				    NEAR_BITS) {
					bc[i] = bc[r[k]];
					break;
				}
		}
		if (bc[i] != NDR_NO_CAMPAIGN)
			continue;
		bc[i] = i;
		for (int b = 0; b < BANDS; b++) {
			size_t bucket = (size_t)b * 256 + ((h >> (8 * b)) & 0xff);
			if (nreps[bucket] < REPS)
				reps[bucket * REPS + nreps[bucket]++] = i;
		}
	}
	free(reps);
	free(nreps);
}

/* ---- step 2: fragments as weighed token vectors ---- */

struct entry {
	uint64_t	tok;
	double		w;
};

struct vecs {
	struct entry	*e;	/* by group, each group's by token */
	size_t		*size;	/* group g's members */
	size_t		*start;	/* group g: e[start[g], start[g + 1]) */
	double		*norm;
	int64_t		*tmin, *tmax;	/* its reports' first and last dates */
	size_t		*gid;	/* root -> group number */
	size_t		 ngroups;
};

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* The tokens' weights: log(n / document frequency). */
static void
token_idf(const struct ndr_evidence *const *ev, size_t n,
    struct ndr_map *df)
{
	for (size_t i = 0; i < n; i++)
		for (size_t t = 0; t < ev[i]->ntokens; t++)
			(*ndr_map_slot(df, ev[i]->tokens[t] ?
			    ev[i]->tokens[t] : 1, true))++;
}

/* The words of the machines that carried the originals count nothing
 * in the fragments' likeness: whether one machine sent both is asked
 * apart (together()), and a botnet carries many runs; counted again as
 * words, they made fragments of two runs that one botnet sent, each
 * with nothing but a generic subject, look alike. */
static void
token_machines(const struct ndr_evidence *const *ev, size_t n,
    struct ndr_map *df)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t *t;
		size_t nt = ndr_received_tokens(ev[i]->received, &t);
		for (size_t k = 0; k < nt; k++) {
			int64_t *c = ndr_map_slot(df, t[k] ? t[k] : 1, false);
			if (c)
				*c = 0;
		}
		free(t);
	}
}

/* The count a map holds for key, 0 when none (looked up, not added): in
 * how many reports a token is (0 for a machine's, see above), with how
 * many partners a key came. */
static int64_t
count_of(struct ndr_map *m, uint64_t key)
{
	int64_t *c = ndr_map_slot(m, key ? key : 1, false);

	return c ? *c : 0;
}

static bool
ascending(const uint64_t *v, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (v[i] < v[i - 1])
			return false;
	return true;
}

/* One vector per group of the union-find: its members' tokens summed. */
static void
build_vecs(const struct ndr_evidence *const *ev, size_t n, size_t *up,
    struct ndr_map *df, struct vecs *v)
{
	size_t *order = xcalloc(n ? n : 1, sizeof *order), *cnt;
	uint64_t *buf = NULL;
	size_t bufcap = 0, ne = 0, ecap = 0;

	v->gid = xcalloc(n ? n : 1, sizeof *v->gid);
	v->ngroups = 0;
	for (size_t i = 0; i < n; i++)
		if (find(up, i) == i)
			v->gid[i] = v->ngroups++;
	cnt = xcalloc(v->ngroups + 1, sizeof *cnt);
	v->size = xcalloc(v->ngroups + 1, sizeof *v->size);
	for (size_t i = 0; i < n; i++)
		cnt[v->gid[find(up, i)] + 1]++;
	for (size_t g = 0; g < v->ngroups; g++)
		v->size[g] = cnt[g + 1];
	for (size_t g = 0; g < v->ngroups; g++)
		cnt[g + 1] += cnt[g];
	for (size_t i = 0; i < n; i++)
		order[cnt[v->gid[find(up, i)]]++] = i;
	v->start = xcalloc(v->ngroups + 1, sizeof *v->start);
	v->norm = xcalloc(v->ngroups ? v->ngroups : 1, sizeof *v->norm);
	v->e = NULL;
	/* order now lists the members group by group */
	for (size_t g = 0, k = 0; g < v->ngroups; g++) {
		size_t nb = 0;
		v->start[g] = ne;
		for (; k < n && v->gid[find(up, order[k])] == g; k++) {
			const struct ndr_evidence *e = ev[order[k]];
			if (nb + e->ntokens > bufcap) {
				bufcap = (nb + e->ntokens) * 2;
				buf = xreallocarray(buf, bufcap, sizeof *buf);
			}
			if (e->ntokens)
				memcpy(buf + nb, e->tokens, e->ntokens *
				    sizeof *buf);
			nb += e->ntokens;
		}
		/* a report's tokens are sorted already: a group of one
		 * needs nothing more (most groups) */
		if (nb > 1 && !ascending(buf, nb))
			ndr_sort_u64(buf, nb);
		double sq = 0;
		for (size_t i = 0; i < nb; ) {
			size_t j = i;
			while (j < nb && buf[j] == buf[i])
				j++;
			if (ne == ecap) {
				ecap = ecap ? ecap * 2 : 1024;
				v->e = xreallocarray(v->e, ecap, sizeof *v->e);
			}
			/* a token of one report alone is in no other's:
			 * it would only dilute the likeness of the group
			 * that holds it; a machine's counts nothing */
			int64_t dfi = count_of(df, buf[i]);
			if (dfi < 2) {
				i = j;
				continue;
			}
			/* weighed by log(n / document frequency) */
			double w = (double)(j - i) * log((double)n / (double)dfi);
			v->e[ne++] = (struct entry){ buf[i], w };
			sq += w * w;
			i = j;
		}
		v->norm[g] = sqrt(sq);
	}
	v->start[v->ngroups] = ne;
	v->tmin = xcalloc(v->ngroups ? v->ngroups : 1, sizeof *v->tmin);
	v->tmax = xcalloc(v->ngroups ? v->ngroups : 1, sizeof *v->tmax);
	for (size_t i = 0; i < n; i++) {
		size_t g = v->gid[find(up, i)];
		int64_t d = ev[i]->date;
		if (d > 0 && (v->tmin[g] == 0 || d < v->tmin[g]))
			v->tmin[g] = d;
		if (d > v->tmax[g])
			v->tmax[g] = d;
	}
	free(buf);
	free(cnt);
	free(order);
}

static void
vecs_free(struct vecs *v)
{
	free(v->e);
	free(v->size);
	free(v->start);
	free(v->norm);
	free(v->tmin);
	free(v->tmax);
	free(v->gid);
}

/* Did groups a and b bounce in the same days (a WINDOW apart at most)?
 * Yes when either has no date. */
static bool
same_days(const struct vecs *v, size_t a, size_t b)
{
	if (v->tmin[a] == 0 || v->tmin[b] == 0)
		return true;
	return v->tmin[a] <= v->tmax[b] + WINDOW &&
	    v->tmin[b] <= v->tmax[a] + WINDOW;
}

static double
cosine(const struct vecs *v, size_t a, size_t b)
{
	const struct entry *x = v->e + v->start[a], *xe = v->e + v->start[a + 1];
	const struct entry *y = v->e + v->start[b], *ye = v->e + v->start[b + 1];
	double dot = 0;

	if (v->norm[a] == 0 || v->norm[b] == 0)
		return 0;
	while (x < xe && y < ye) {
		if (x->tok < y->tok)
			x++;
		else if (y->tok < x->tok)
			y++;
		else
			dot += (x++)->w * (y++)->w;
	}
	return dot / (v->norm[a] * v->norm[b]);
}

/* ---- step 2: the machines that sent each group's originals ---- */

struct ipsets {
	uint64_t	*ip;	/* group g's: ip[start[g], start[g + 1]), sorted */
	size_t		*start;
};

static void
ipsets_build(struct ipsets *s, const uint64_t *ipk, size_t n, size_t *up,
    const struct vecs *v)
{
	size_t *cnt = xcalloc(v->ngroups + 1, sizeof *cnt);

	s->ip = xcalloc(n ? n : 1, sizeof *s->ip);
	s->start = xcalloc(v->ngroups + 1, sizeof *s->start);
	for (size_t i = 0; i < n; i++)
		if (ipk[i])
			cnt[v->gid[find(up, i)] + 1]++;
	for (size_t g = 0; g < v->ngroups; g++)
		cnt[g + 1] += cnt[g];
	memcpy(s->start, cnt, (v->ngroups + 1) * sizeof *cnt);
	for (size_t i = 0; i < n; i++)
		if (ipk[i])
			s->ip[cnt[v->gid[find(up, i)]]++] = ipk[i];
	for (size_t g = 0; g < v->ngroups; g++) {
		size_t b = s->start[g], e = s->start[g + 1];
		if (e - b > 1)
			qsort(s->ip + b, e - b, sizeof *s->ip, cmp_u64);
	}
	free(cnt);
}

/* Did one machine send originals of both groups? */
static bool
ipsets_meet(const struct ipsets *s, size_t a, size_t b)
{
	const uint64_t *x = s->ip + s->start[a], *xe = s->ip + s->start[a + 1];
	const uint64_t *y = s->ip + s->start[b], *ye = s->ip + s->start[b + 1];

	while (x < xe && y < ye) {
		if (*x < *y)
			x++;
		else if (*y < *x)
			y++;
		else
			return true;
	}
	return false;
}

static void
ipsets_free(struct ipsets *s)
{
	free(s->ip);
	free(s->start);
}

/* The lists of keys step 2 pairs groups on, and what each asks the two
 * groups to have in common besides (together): a key of one run,
 * nothing; a key runs share, a machine, and no links to other hosts
 * only (a run's links name its hosts; a template, a free host and a
 * botnet serve many runs); a subject too short to be a key,
 * a machine and the same days; a body cluster of one burst (one template
 * carries several runs), a machine or a link host, unless one of them
 * names no link. Link hosts are kept per group as machines are (ipsets
 * holds any key of a report). */
enum { KEY_RUN, KEY_SHARED, KEY_SHORT, KEY_BODY, NKEYS };

/* Do both groups name links, to no host in common? */
static bool
links_differ(const struct ipsets *lks, size_t a, size_t b)
{
	return lks->start[a] != lks->start[a + 1] &&
	    lks->start[b] != lks->start[b + 1] && !ipsets_meet(lks, a, b);
}

static bool
together(int w, const struct ipsets *ips, const struct ipsets *lks,
    const struct vecs *v, size_t a, size_t b)
{
	switch (w) {
	case KEY_RUN:
		return true;
	case KEY_SHARED:	/* links to different hosts disagree */
		return ipsets_meet(ips, a, b) && !links_differ(lks, a, b);
	case KEY_SHORT:
		return ipsets_meet(ips, a, b) && same_days(v, a, b);
	default:	/* links to different hosts: apart, unless one machine */
		return ipsets_meet(ips, a, b) || ipsets_meet(lks, a, b) ||
		    lks->start[a] == lks->start[a + 1] ||
		    lks->start[b] == lks->start[b + 1];
	}
}

/* ---- step 2: the pairs of groups that share a key ---- */

struct kf {		/* a report's key (over all time), and its group */
	uint64_t	key;
	size_t		g;
};

static int
cmp_kf(const void *a, const void *b)
{
	const struct kf *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return (x->g > y->g) - (x->g < y->g);
}

static int
cmp_pair(const void *a, const void *b)
{
	const size_t *x = a, *y = b;

	if (x[0] != y[0])
		return x[0] < y[0] ? -1 : 1;
	return (x[1] > y[1]) - (x[1] < y[1]);
}

static void
pair_add(size_t **p, size_t *n, size_t *cap, size_t x, size_t y)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 1024;
		*p = xreallocarray(*p, *cap, 2 * sizeof **p);
	}
	(*p)[2 * *n] = x < y ? x : y;
	(*p)[2 * *n + 1] = x < y ? y : x;
	(*n)++;
}

/* The HUBS largest groups of k[0, n) into hub, largest first; how many. */
static size_t
largest(const struct kf *k, size_t n, const struct vecs *v, size_t *hub)
{
	size_t nh = 0;

	for (size_t a = 0; a < n; a++) {
		size_t g = k[a].g, h;
		if (nh == HUBS && v->size[hub[HUBS - 1]] >= v->size[g])
			continue;
		h = nh < HUBS ? nh++ : HUBS - 1;
		hub[h] = g;
		for (; h > 0 && v->size[hub[h]] > v->size[hub[h - 1]]; h--) {
			size_t t = hub[h];
			hub[h] = hub[h - 1];
			hub[h - 1] = t;
		}
	}
	return nh;
}

/* The distinct pairs (group numbers, a < b) that share a key held by at
 * most CAP groups, or a group and one of the HUBS largest of a key held
 * by more; *np pairs, two size_t each. */
static size_t *
shared_pairs(const struct kf *allk, size_t nk, const struct vecs *v,
    size_t *up, size_t *np)
{
	struct kf *k = xcalloc(nk ? nk : 1, sizeof *k);
	size_t *p = NULL, n = 0, cap = 0, m = 0;

	for (size_t i = 0; i < nk; i++)
		k[i] = (struct kf){ allk[i].key, v->gid[find(up, allk[i].g)] };
	if (nk > 1)
		qsort(k, nk, sizeof *k, cmp_kf);
	for (size_t i = 0; i < nk; i++)	/* each (key, group) once */
		if (m == 0 || k[i].key != k[m - 1].key || k[i].g != k[m - 1].g)
			k[m++] = k[i];
	for (size_t i = 0; i < m; ) {
		size_t j = i;
		while (j < m && k[j].key == k[i].key)
			j++;
		/* every pair of a key's groups; of a key in many, each
		 * group with the largest few (where a run's bulk is) */
		if (j - i <= CAP) {
			for (size_t a = i; a < j; a++)
				for (size_t b = a + 1; b < j; b++)
					pair_add(&p, &n, &cap, k[a].g, k[b].g);
		} else {
			size_t hub[HUBS], nh = largest(k + i, j - i, v, hub);
			for (size_t a = i; a < j; a++)
				for (size_t h = 0; h < nh; h++)
					if (k[a].g != hub[h])
						pair_add(&p, &n, &cap, k[a].g,
						    hub[h]);
		}
		i = j;
	}
	free(k);
	if (n > 1)
		qsort(p, n, 2 * sizeof *p, cmp_pair);
	size_t u = 0;
	for (size_t i = 0; i < n; i++)
		if (u == 0 || p[2 * i] != p[2 * (u - 1)] ||
		    p[2 * i + 1] != p[2 * (u - 1) + 1]) {
			p[2 * u] = p[2 * i];
			p[2 * u + 1] = p[2 * i + 1];
			u++;
		}
	*np = u;
	return p;
}

/* ---- every report's keys, made once ---- */

/* Report i's keys are k[r[i].off, r[i].off + r[i].n): its subject keys
 * (the first nsubj), its link hosts (up to nsl), then its body cluster's
 * when it has one. shortk: a subject too short to be a key, or 0. */
struct rkeys {
	uint64_t	*k;
	struct rk {
		size_t	 off, n, nsubj, nsl;
		uint64_t shortk;
	}		*r;
};

static uint64_t
body_key(size_t bc)
{
	return mix(key_of('b', "", 0), bc);
}

static void
rkeys_build(const struct ndr_evidence *const *ev, size_t n, const size_t *bc,
    struct rkeys *rk)
{
	struct keys ks = { 0 }, all = { 0 };

	rk->r = xcalloc(n ? n : 1, sizeof *rk->r);
	for (size_t i = 0; i < n; i++) {
		struct rk *r = &rk->r[i];
		r->nsubj = report_keys(ev[i], &ks, &r->shortk);
		r->nsl = ks.n;
		if (bc[i] != NDR_NO_CAMPAIGN)
			keys_add(&ks, body_key(bc[i]));
		r->off = all.n;
		r->n = ks.n;
		for (size_t k = 0; k < ks.n; k++)
			keys_add(&all, ks.k[k]);
	}
	free(ks.k);
	rk->k = all.k;
}

static void
rkeys_free(struct rkeys *rk)
{
	free(rk->k);
	free(rk->r);
}

/* The report's window of time, WINDOW long. */
static uint64_t
window_of(const struct ndr_evidence *e)
{
	return e->date > 0 ? (uint64_t)(e->date / WINDOW) : 0;
}

/* In how many bursts each key bounced (into spread): a run's bounces come
 * in one burst of days, however long; a key met in bursts apart is shared
 * by runs. */
static void
burst_spread(const struct ndr_evidence *const *ev, size_t n,
    const struct rkeys *rk, struct ndr_map *spread)
{
	struct ndr_map seen = { 0 };
	struct kf *kw = NULL;
	size_t nkw = 0, kwcap = 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t day = window_of(ev[i]);
		const uint64_t *k = rk->k + rk->r[i].off;
		for (size_t j = 0; j < rk->r[i].n; j++) {
			if ((*ndr_map_slot(&seen, mix(k[j], day), true))++ != 0)
				continue;
			if (nkw == kwcap) {
				kwcap = kwcap ? kwcap * 2 : 1024;
				kw = xreallocarray(kw, kwcap, sizeof *kw);
			}
			kw[nkw++] = (struct kf){ k[j], (size_t)day };
		}
	}
	ndr_map_free(&seen);
	if (nkw > 1)
		qsort(kw, nkw, sizeof *kw, cmp_kf);
	for (size_t a = 0; a < nkw; a++)
		if (a == 0 || kw[a].key != kw[a - 1].key ||
		    kw[a].g > kw[a - 1].g + 1)
			(*ndr_map_slot(spread, kw[a].key, true))++;
	free(kw);
}

/*
 * From how many botnets each key was sent (into botnets): one run is sent
 * by one botnet, and a key sent by two (BOTS of its reports from each) is
 * shared by runs. A botnet is what the machines make up that sent one
 * subject of a single burst (spread 1: a run's own), or a machine alone;
 * where every run is sent from one pool of machines, the pool is one
 * botnet and says nothing; where no machine sends twice, none has BOTS
 * reports and says nothing either.
 */
static void
botnet_spread(size_t n, const uint64_t *ipk, const struct rkeys *rk,
    struct ndr_map *spread, struct ndr_map *botnets)
{
	size_t *bot = xcalloc(n ? n : 1, sizeof *bot), *size;
	/* a machine's first report, and a run's own subject's (the keys
	 * told apart by a salt), + 1 */
	struct ndr_map by = { 0 }, pair = { 0 };

	for (size_t i = 0; i < n; i++)
		bot[i] = i;
	for (size_t i = 0; i < n; i++) {
		if (ipk[i] == 0)
			continue;
		int64_t *f = ndr_map_slot(&by, ipk[i], true);
		if (*f == 0)
			*f = (int64_t)i + 1;
		else
			unite(bot, (size_t)*f - 1, i);
		const uint64_t *k = rk->k + rk->r[i].off;
		for (size_t j = 0; j < rk->r[i].nsubj; j++) {
			if (*ndr_map_slot(spread, k[j], true) != 1)
				continue;
			f = ndr_map_slot(&by, mix(k[j], 7), true);
			if (*f == 0)
				*f = (int64_t)i + 1;
			else
				unite(bot, (size_t)*f - 1, i);
		}
	}
	ndr_map_free(&by);
	size = xcalloc(n ? n : 1, sizeof *size);
	for (size_t i = 0; i < n; i++)
		if (ipk[i])
			size[find(bot, i)]++;
	for (size_t i = 0; i < n; i++) {
		size_t b = find(bot, i);
		if (ipk[i] == 0 || size[b] < BOTS)
			continue;
		const uint64_t *k = rk->k + rk->r[i].off;
		for (size_t j = 0; j < rk->r[i].n; j++)
			if (++*ndr_map_slot(&pair, mix(k[j], b + 1), true) ==
			    BOTS)
				(*ndr_map_slot(botnets, k[j], true))++;
	}
	ndr_map_free(&pair);
	free(size);
	free(bot);
}

/* A list of (key, report) over all time, for step 2. */
struct kfs {
	struct kf	*v;
	size_t		 n, cap;
};

static void
kfs_add(struct kfs *l, uint64_t key, size_t i)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 1024;
		l->v = xreallocarray(l->v, l->cap, sizeof *l->v);
	}
	l->v[l->n++] = (struct kf){ key, i };
}

/* A key within one window of time, as partner_spread counts it apart. */
static uint64_t
in_window(uint64_t k, uint64_t day)
{
	return mix(mix(k, day), 3);
}

/*
 * With how many partners each key came (into diverse), whatever the
 * days: a subject with each link host of its reports (one run's hosts
 * counted as one), a link host with
 * each subject (whole: its shorter variants are keys too), a partner
 * counted once it came with the key twice; and a subject's link hosts
 * in each window too (in_window). Runs that
 * overlap in time are told apart by nothing else: one run's subject
 * names its one or two hosts, a subject of a generic pool the hosts of
 * every run that took it; one run's host comes with its one or two
 * subjects, a shortener with the subjects of every run that links
 * through it.
 */
static void
partner_spread(const struct ndr_evidence *const *ev, size_t n,
    const struct rkeys *rk, struct ndr_map *diverse)
{
	struct ndr_map pair = { 0 }, host = { 0 }, hpairs = { 0 };
	size_t nh = 0, *hup;

	/* the link hosts, numbered */
	for (size_t i = 0; i < n; i++)
		for (size_t l = rk->r[i].nsubj; l < rk->r[i].nsl; l++) {
			int64_t *h = ndr_map_slot(&host, rk->k[rk->r[i].off + l],
			    true);
			if (*h == 0)
				*h = (int64_t)++nh;
		}
	hup = xcalloc(nh + 1, sizeof *hup);
	for (size_t h = 0; h <= nh; h++)
		hup[h] = h;
	/* each subject's hosts (those it came with twice, up to HOSTS of
	 * them); two hosts that SAME_SUBJ subjects name are one run's, which
	 * rotates its hosts under its (spun) subjects: they count as one
	 * partner. Two runs that took one subject of a generic pool share
	 * that one. */
	struct kfs sh = { 0 };
	for (size_t i = 0; i < n; i++) {
		const struct rk *r = &rk->r[i];
		const uint64_t *k = rk->k + r->off;
		if (r->nsubj == 0)	/* the subject whole: its variants
					 * are one subject */
			continue;
		for (size_t l = r->nsubj; l < r->nsl; l++)
			if (++*ndr_map_slot(&pair, mix(mix(k[0], k[l]), 9),
			    true) == 2)
				kfs_add(&sh, k[0], (size_t)*ndr_map_slot(&host,
				    k[l], true));
	}
	if (sh.n > 1)
		qsort(sh.v, sh.n, sizeof *sh.v, cmp_kf);
	for (size_t a = 0; a < sh.n; ) {
		size_t b = a;
		while (b < sh.n && sh.v[b].key == sh.v[a].key)
			b++;
		for (size_t x = a; x < b && x < a + HOSTS; x++)
			for (size_t y = x + 1; y < b && y < a + HOSTS; y++) {
				size_t h1 = sh.v[x].g, h2 = sh.v[y].g;
				uint64_t hp = h1 < h2 ? mix(h1, h2) : mix(h2, h1);
				if (++*ndr_map_slot(&hpairs, hp, true) ==
				    SAME_SUBJ)
					unite(hup, h1, h2);
			}
		a = b;
	}
	free(sh.v);
	for (size_t i = 0; i < n; i++) {
		const struct rk *r = &rk->r[i];
		const uint64_t *k = rk->k + r->off;
		uint64_t day = window_of(ev[i]);
		uint64_t sj = r->nsubj ? k[0] : r->shortk;
		for (size_t l = r->nsubj; l < r->nsl; l++) {
			/* the host's community stands for it */
			uint64_t hk = mix(key_of('h', "", 0), find(hup,
			    (size_t)*ndr_map_slot(&host, k[l], true)));
			for (size_t j = 0; j <= r->nsubj; j++) {
				uint64_t s = j < r->nsubj ? k[j] : r->shortk;
				if (s == 0)
					continue;
				if (++*ndr_map_slot(&pair, mix(s, hk),
				    true) == 2)
					(*ndr_map_slot(diverse, s, true))++;
				uint64_t sd = in_window(s, day);
				if (++*ndr_map_slot(&pair, mix(sd, hk),
				    true) == 2)
					(*ndr_map_slot(diverse, sd, true))++;
			}
			if (sj && ++*ndr_map_slot(&pair, mix(mix(k[l], sj), 5),
			    true) == 2)
				(*ndr_map_slot(diverse, k[l], true))++;
		}
	}
	free(hup);
	ndr_map_free(&host);
	ndr_map_free(&hpairs);
	ndr_map_free(&pair);
}

/* Unite report i with the first report of key fk (in first). */
static void
unite_first(struct ndr_map *first, uint64_t fk, size_t *up, size_t i)
{
	int64_t *f = ndr_map_slot(first, fk, true);

	if (*f == 0)
		*f = (int64_t)i + 1;
	else
		unite(up, (size_t)*f - 1, i);
}

/* lk where key k came with DIVERSE hosts in this window (runs meet
 * there: the link host must agree), else 0. */
static uint64_t
host_if_crowded(struct ndr_map *diverse, uint64_t k, uint64_t day,
    uint64_t lk)
{
	return count_of(diverse, in_window(k, day)) >= DIVERSE ? lk : 0;
}

/*
 * unite_first, where the link host may disagree: the first host a key's
 * chain met claims it; a report of another host starts a chain of its
 * own for the key, one naming no host joins the first chain. Two runs a
 * bot sent on the same day under one subject many runs took meet so no
 * more, and a run's reports without links still join it.
 */
static void
unite_claimed(struct ndr_map *first, struct ndr_map *claim, uint64_t fk,
    uint64_t lk, size_t *up, size_t i)
{
	if (lk) {
		int64_t *c = ndr_map_slot(claim, fk, true);
		if (*c == 0)
			*c = (int64_t)lk;
		else if ((uint64_t)*c != lk)
			fk = mix(fk, lk);
	}
	unite_first(first, fk, up, i);
}

/* Step 1: the fragments (in up), whether each report has a key at all
 * (keyed), and every report's keys over all time, for step 2: those of
 * one run (strong) and those shared by runs (shared). */
static void
fragments(const struct ndr_evidence *const *ev, size_t n, size_t *up,
    const size_t *bc, const uint64_t *ipk, bool *keyed, bool *own,
    uint64_t *skey, struct kfs *strong, struct kfs *shared,
    struct kfs *machine, struct kfs *tmpl, uint64_t *lkey)
{
	struct ndr_map first = { 0 };	/* a key's first report, + 1 */
	struct ndr_map claim = { 0 };	/* the link host that claimed it */
	struct ndr_map spread = { 0 }, botnets = { 0 }, diverse = { 0 };
	struct rkeys rk;

	rkeys_build(ev, n, bc, &rk);
	burst_spread(ev, n, &rk, &spread);
	botnet_spread(n, ipk, &rk, &spread, &botnets);
	partner_spread(ev, n, &rk, &diverse);
	for (size_t i = 0; i < n; i++) {
		const struct rk *r = &rk.r[i];
		const uint64_t *k = rk.k + r->off;
		uint64_t day = window_of(ev[i]);
		/* its link host, the one of fewest partners (a run's own
		 * before a shortener many runs link through; then the least
		 * key): two reports whose hosts differ are not joined on a
		 * key runs share */
		uint64_t lk = 0, sk = r->nsubj ? k[0] : r->shortk;
		int64_t lkd = 0;
		for (size_t j = r->nsubj; j < r->nsl; j++) {
			int64_t d = count_of(&diverse, k[j]);
			if (lk == 0 || d < lkd || (d == lkd && k[j] < lk)) {
				lk = k[j];
				lkd = d;
			}
		}
		if (r->shortk && ipk[i]) {
			unite_claimed(&first, &claim, mix(mix(r->shortk, day),
			    ipk[i]), host_if_crowded(&diverse, r->shortk, day,
			    lk), up, i);
			/* and in step 2, a key that counts only with the
			 * machine: a short subject and a machine in common */
			kfs_add(machine, r->shortk, i);
		}
		keyed[i] = r->n > 0 || (r->shortk && ipk[i]);
		lkey[i] = lk;
		skey[i] = sk;
		/* what is the report's own: a body, a link host, a key of
		 * one run; else all it has says "one of several runs" */
		own[i] = ev[i]->simhash != 0 || lk != 0;
		for (size_t j = 0; j < r->n; j++) {
			bool is_shared =
			    *ndr_map_slot(&spread, k[j], true) > SPREAD ||
			    *ndr_map_slot(&botnets, k[j], true) > 1 ||
			    count_of(&diverse, k[j]) >= DIVERSE;
			own[i] |= !is_shared;
			/* a body cluster pairs fragments in step 2 only, on
			 * the terms of its list: one template carries
			 * several runs */
			if (j >= r->nsl) {
				kfs_add(is_shared ? shared : tmpl, k[j], i);
				continue;
			}
			kfs_add(is_shared ? shared : strong, k[j], i);
			if (!is_shared)
				unite_first(&first, mix(k[j], day), up, i);
			else {
				/* shared by runs: only with more signs of one
				 * run, none of them against it */
				if (bc[i] != NDR_NO_CAMPAIGN)
					unite_first(&first, mix(mix(mix(k[j],
					    day), j < r->nsubj ? lk : sk),
					    bc[i] + 1), up, i);
				/* the very same body: one run, whatever
				 * hosts its links name */
				if (j < r->nsubj && ev[i]->simhash)
					unite_first(&first, mix(mix(k[j], day),
					    ev[i]->simhash), up, i);
				if (j < r->nsubj && ipk[i])
					unite_claimed(&first, &claim,
					    mix(mix(k[j], day), ipk[i]),
					    host_if_crowded(&diverse, k[j], day,
					    lk), up, i);
			}
		}
	}
	rkeys_free(&rk);
	ndr_map_free(&first);
	ndr_map_free(&claim);
	ndr_map_free(&spread);
	ndr_map_free(&botnets);
	ndr_map_free(&diverse);
}

/* Each group's first report (root[g]), by group number. */
static size_t *
group_roots(size_t n, size_t *up, const struct vecs *v)
{
	size_t *root = xcalloc(v->ngroups ? v->ngroups : 1, sizeof *root);

	for (size_t i = 0; i < n; i++)
		if (find(up, i) == i)
			root[v->gid[i]] = i;
	return root;
}

void
ndr_campaigns(const struct ndr_evidence *const *ev, size_t n, size_t *id)
{
	size_t *up = xcalloc(n ? n : 1, sizeof *up);
	size_t *bc = xcalloc(n ? n : 1, sizeof *bc), np;
	bool *keyed = xcalloc(n ? n : 1, sizeof *keyed);
	bool *own = xcalloc(n ? n : 1, sizeof *own);
	uint64_t *skey = xcalloc(n ? n : 1, sizeof *skey);
	uint64_t *ipk = xcalloc(n ? n : 1, sizeof *ipk);
	/* keys of one run, keys runs share, keys that count only where one
	 * machine sent originals of both sides in the same days, and body
	 * clusters, which count only where a machine or a link host is
	 * common to both */
	struct kfs keys[NKEYS] = { { 0 }, { 0 }, { 0 }, { 0 } };
	uint64_t *lkey = xcalloc(n ? n : 1, sizeof *lkey);
	struct ipsets lks;
	struct ndr_map df = { 0 };
	struct ipsets ips;
	struct vecs v;
	size_t *p, *root;

	for (size_t i = 0; i < n; i++) {
		char ip[64];
		up[i] = i;
		/* the machine that sent the original: its first address */
		if (ev[i]->received && ndr_first_sender(ev[i]->received, ip,
		    sizeof ip))
			ipk[i] = key_of('i', ip, strlen(ip));
	}
	body_clusters(ev, n, bc);
	fragments(ev, n, up, bc, ipk, keyed, own, skey, &keys[KEY_RUN],
	    &keys[KEY_SHARED],
	    &keys[KEY_SHORT], &keys[KEY_BODY], lkey);
	token_idf(ev, n, &df);
	token_machines(ev, n, &df);

	/* fragments alike in their words join on a key they share, if
	 * they also have in common what its list asks (together()) */
	build_vecs(ev, n, up, &df, &v);
	ipsets_build(&ips, ipk, n, up, &v);
	root = group_roots(n, up, &v);
	ipsets_build(&lks, lkey, n, up, &v);
	/* every list's pairs from the fragments as they are, before any
	 * of them joins: the vectors are the fragments' */
	size_t *pw[NKEYS], npw[NKEYS];
	for (int w = 0; w < NKEYS; w++)
		pw[w] = shared_pairs(keys[w].v, keys[w].n, &v, up, &npw[w]);
	for (int w = 0; w < NKEYS; w++) {
		p = pw[w];
		for (size_t k = 0; k < npw[w]; k++)
			if (together(w, &ips, &lks, &v, p[2 * k],
			    p[2 * k + 1]) &&
			    cosine(&v, p[2 * k], p[2 * k + 1]) >= JOIN_COS)
				unite(up, root[p[2 * k]], root[p[2 * k + 1]]);
		free(p);
	}
	ipsets_free(&ips);
	ipsets_free(&lks);
	free(root);
	vecs_free(&v);

	/* a small group joins its most alike larger neighbour */
	size_t *size = xcalloc(n ? n : 1, sizeof *size);
	for (size_t i = 0; i < n; i++)
		size[find(up, i)]++;
	build_vecs(ev, n, up, &df, &v);
	ipsets_build(&ips, ipk, n, up, &v);
	root = group_roots(n, up, &v);
	size_t *best = xcalloc(v.ngroups ? v.ngroups : 1, sizeof *best);
	double *bcos = xcalloc(v.ngroups ? v.ngroups : 1, sizeof *bcos);
	ipsets_build(&lks, lkey, n, up, &v);
	/* the pairs of each list of keys, those without what the list asks
	 * in common "apart" */
	for (int w = 0; w < NKEYS; w++) {
		p = shared_pairs(keys[w].v, keys[w].n, &v, up, &np);
		for (size_t k = 0; k < np; k++) {
			bool apart = !together(w, &ips, &lks, &v, p[2 * k],
			    p[2 * k + 1]);
			if (apart && w == KEY_SHORT)
				continue;
			double c = cosine(&v, p[2 * k], p[2 * k + 1]);
			for (int s = 0; s < 2; s++) {	/* each side in turn */
				size_t a = p[2 * k + s], b = p[2 * k + 1 - s];
				/* on a shared key, sent by other machines:
				 * only to a campaign of the same days */
				if (apart && (size[root[b]] < SMALL ||
				    !same_days(&v, a, b)))
					continue;
				/* to a campaign, on a little likeness; to
				 * another small group, only on as much as
				 * step 2 asks */
				double need = size[root[b]] < SMALL ? JOIN_COS :
				    apart ? APART_COS : ATTACH_COS;
				if (size[root[a]] < SMALL && size[root[b]] >
				    size[root[a]] && c >= need &&
				    c > bcos[a]) {
					bcos[a] = c;
					best[a] = b + 1;
				}
			}
		}
		free(p);
	}
	size_t *to = xcalloc(v.ngroups ? v.ngroups : 1, sizeof *to);
	for (size_t g = 0; g < v.ngroups; g++)
		to[g] = best[g] ? root[best[g] - 1] : root[g];
	for (size_t g = 0; g < v.ngroups; g++)
		if (best[g])
			unite(up, root[g], to[g]);
	free(to);
	free(best);
	free(bcos);
	free(root);
	ipsets_free(&ips);
	ipsets_free(&lks);
	vecs_free(&v);
	free(size);

	/* a group none of whose reports has anything of its own (no body,
	 * no link, only keys that several runs share) and that a campaign
	 * of the same days could claim (its subject in them): a piece of
	 * that run or of another, which one unknown. Its reports are left
	 * out of any campaign rather than shown as one; where no campaign
	 * could claim them, they are one (a small run of their own). */
	bool *mine = xcalloc(n ? n : 1, sizeof *mine);
	for (size_t i = 0; i < n; i++)
		mine[find(up, i)] |= own[i];
	struct ndr_map claim = { 0 };	/* subject and days of a campaign */
	for (size_t i = 0; i < n; i++)
		if (keyed[i] && skey[i] && mine[find(up, i)])
			*ndr_map_slot(&claim, mix(skey[i], window_of(ev[i])),
			    true) = 1;
	bool *piece = xcalloc(n ? n : 1, sizeof *piece);
	for (size_t i = 0; i < n; i++) {
		uint64_t w = window_of(ev[i]);
		if (!keyed[i] || skey[i] == 0 || mine[find(up, i)])
			continue;
		for (uint64_t d = w ? w - 1 : 0; d <= w + 1; d++)
			if (ndr_map_slot(&claim, mix(skey[i], d), false))
				piece[find(up, i)] = true;
	}
	ndr_map_free(&claim);
	for (size_t i = 0; i < n; i++)
		id[i] = keyed[i] && !piece[find(up, i)] ? find(up, i) :
		    NDR_NO_CAMPAIGN;
	free(piece);
	free(mine);
	free(own);
	free(skey);
	for (int w = 0; w < NKEYS; w++)
		free(keys[w].v);
	free(lkey);
	free(keyed);
	free(ipk);
	free(bc);
	free(up);
	ndr_map_free(&df);
}
