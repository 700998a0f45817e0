/*
 * campaign.c - group backscatter by the spam run that caused it.
 *
 * Each bounce gives keys: its original's normalised subject and each link
 * host. Bounces that share a key are joined (union-find). Bodies join by
 * their SimHash: each of its eight 8-bit bands picks a bucket holding up to
 * REPS fingerprints far from each other; a bounce joins the first one
 * near its own (at most NEAR_BITS apart), or becomes one. One pass, a
 * bounded number of comparisons each: linear in the number of bounces,
 * never all pairs.
 *
 * The forged sender and the first foreign hop are not keys: backscatter of
 * many runs forges the same user's address, and one big sending network
 * carries many runs; they are shown with a campaign, not used to build it.
 */
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "verdict.h"

#define SUBJECT_MIN	10	/* shorter normalised subjects are no key */
#define NEAR_BITS	10	/* SimHashes this close are the same body */
#define BANDS		8	/* of 8 bits: 10 bits apart leave one whole
				 * band equal most of the time */
#define REPS		64	/* distinct bodies kept per band value */

/* hosts in too much mail to say anything of a run */
static const char *const common_hosts[] = {
	"www.w3.org", "w3.org", "schemas.microsoft.com", "www.google.com",
	"google.com", "bit.ly", "t.co", "goo.gl", "tinyurl.com",
	"www.facebook.com", "twitter.com", "www.youtube.com", "youtu.be",
	"docs.google.com", "drive.google.com", "www.linkedin.com",
	"aka.ms", "go.microsoft.com", NULL,
};

struct slot {
	uint64_t	key;	/* 0: empty */
	size_t		first;	/* the first bounce with the key */
};

struct table {
	struct slot	*s;
	size_t		 mask;
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

/* The slot of key: found, or empty and ready to take it. */
static struct slot *
lookup(struct table *t, uint64_t key)
{
	size_t i = (size_t)(key ^ (key >> 29)) & t->mask;

	while (t->s[i].key && t->s[i].key != key)
		i = (i + 1) & t->mask;
	return &t->s[i];
}

static void
join_key(struct table *t, size_t *up, uint64_t key, size_t i)
{
	struct slot *s = lookup(t, key);

	if (s->key == 0) {
		s->key = key;
		s->first = i;
	} else
		unite(up, s->first, i);
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

void
ndr_campaigns(const struct ndr_evidence *const *ev, size_t n, size_t *id)
{
	struct table t;
	size_t *up = xcalloc(n ? n : 1, sizeof *up), cap = 64, keys = 0;

	/* at most a subject, the bands and a key per link host each: the
	 * table is made twice that, so it never fills */
	for (size_t i = 0; i < n; i++) {
		keys += 1;
		for (const char *p = ev[i]->links; p && *p; p++)
			keys += *p == ' ';
		keys += ev[i]->links != NULL;
	}
	while (cap < keys * 2)
		cap *= 2;
	t.s = xcalloc(cap, sizeof *t.s);
	/* per band and band value, the representatives' indexes */
	size_t *reps = xcalloc((size_t)BANDS * 256 * REPS, sizeof *reps);
	unsigned char *nreps = xcalloc((size_t)BANDS * 256, 1);
	t.mask = cap - 1;
	for (size_t i = 0; i < n; i++)
		up[i] = i;
	for (size_t i = 0; i < n; i++) {
		const struct ndr_evidence *e = ev[i];
		char *norm = ndr_subject_norm(e->subject), *sp;
		size_t nl = strlen(norm), words = 1;
		bool keyed = e->simhash != 0;
		for (const char *p = norm; *p; p++)
			words += *p == ' ';
		if (nl >= SUBJECT_MIN) {
			join_key(&t, up, key_of('s', norm, nl), i);
			keyed = true;
		}
		/* spam runs append a word of junk: the subject without its
		 * last word is a key too, when enough is left */
		if (words >= 4 && (sp = strrchr(norm, ' ')) != NULL &&
		    (size_t)(sp - norm) >= SUBJECT_MIN)
			join_key(&t, up, key_of('s', norm, (size_t)(sp - norm)), i);
		free(norm);
		for (const char *p = e->links; p && *p; ) {
			size_t hl = strcspn(p, " ");
			if (hl && !common(p, hl)) {
				join_key(&t, up, key_of('l', p, hl), i);
				keyed = true;
			}
			p += hl + (p[hl] == ' ');
		}
		if (!keyed)
			up[i] = NDR_NO_CAMPAIGN;
		if (e->simhash == 0)
			continue;
		bool joined = false;
		for (int b = 0; b < BANDS && !joined; b++) {
			size_t bucket = (size_t)b * 256 +
			    ((e->simhash >> (8 * b)) & 0xff);
			size_t *r = reps + bucket * REPS;
			for (unsigned k = 0; k < nreps[bucket] && !joined; k++)
				if (ndr_simhash_dist(ev[r[k]]->simhash,
				    e->simhash) <= NEAR_BITS) {
					unite(up, r[k], i);
					joined = true;
				}
		}
		if (joined)
			continue;
		for (int b = 0; b < BANDS; b++) {
			size_t bucket = (size_t)b * 256 +
			    ((e->simhash >> (8 * b)) & 0xff);
			if (nreps[bucket] < REPS)
				reps[bucket * REPS + nreps[bucket]++] = i;
		}
	}
	for (size_t i = 0; i < n; i++)
		id[i] = up[i] == NDR_NO_CAMPAIGN ? NDR_NO_CAMPAIGN : find(up, i);
	free(t.s);
	free(reps);
	free(nreps);
	free(up);
}
