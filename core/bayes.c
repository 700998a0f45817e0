/*
 * bayes.c - the local classifier: Robinson's token probabilities and
 * Fisher's chi-square combining.
 *
 * For each token seen b times in n_spam spam and g times in n_ham ham:
 *   p = (b / n_spam) / (b / n_spam + g / n_ham)
 *   f = (S * X + (b + g) * p) / (S + b + g)
 * where X is the probability of a token never seen and S the weight of
 * that belief. Tokens with |f - 0.5| < MIN_DEV say nothing and are left
 * out. The rest are combined:
 *   H = Q(-2 sum ln f, 2k), S' = Q(-2 sum ln (1 - f), 2k)
 *   score = (1 + H - S') / 2
 * with Q the upper tail of chi-square and k the tokens used. No token
 * used, or nothing trained: 0.5.
 *
 * The counts live in the store; this keeps them in memory (a hash table)
 * for scoring and for training runs, and writes back only the changed ones.
 * Loaded whole for a run that scores or learns much; fetched token by
 * token (and kept) for one that scores or learns a few messages, such as
 * a watch round: its memory is then what those messages use, not the
 * whole vocabulary, which grows with every message learnt.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine.h"
#include "bayes.h"
#include "store.h"

/*
 * Chosen on a validation split inside the training halves of the
 * SpamAssassin corpus (bench/classifier-cv.sh), never on the half
 * bench/classifier.sh tests on.
 */
#define ROB_X		0.52	/* a token never seen: slightly spammy */
#define ROB_S		0.3	/* how much that belief weighs */
#define MIN_DEV		0.2	/* closer to 0.5 than this says nothing */
#define MAX_CLUES	150	/* the strongest clues of a message only */

struct slot {
	uint64_t	hash;		/* 0: empty (a hash of 0 is stored as 1) */
	uint32_t	spam, ham;
	bool		dirty;
};

struct ndr_bayes {
	struct slot	*s;
	size_t		 mask, n;
	int64_t		 nspam, nham;
	struct store	*lazy;		/* tokens fetched from it as asked */
	bool		 failed;	/* a fetch failed (store_error says) */
};

static uint64_t
key(uint64_t h)
{
	return h ? h : 1;
}

static struct slot *
find(struct ndr_bayes *b, uint64_t h, bool add)
{
	h = key(h);
	if (add && (b->n + 1) * 2 > b->mask + 1) {
		size_t cap = b->mask ? (b->mask + 1) * 2 : 4096;
		struct slot *old = b->s;
		size_t oldcap = b->mask ? b->mask + 1 : 0;
		b->s = xcalloc(cap, sizeof *b->s);
		b->mask = cap - 1;
		b->n = 0;
		for (size_t i = 0; i < oldcap; i++)
			if (old[i].hash)
				*find(b, old[i].hash, true) = old[i];
		free(old);
	}
	if (b->mask == 0)
		return NULL;
	size_t i = (size_t)(h ^ (h >> 32)) & b->mask;
	while (b->s[i].hash && b->s[i].hash != h)
		i = (i + 1) & b->mask;
	if (b->s[i].hash == 0) {
		if (!add)
			return NULL;
		b->s[i].hash = h;
		b->n++;
	}
	return &b->s[i];
}

/*
 * The slot of token h, fetched from the store first in a lazy classifier
 * (a token the store lacks is kept with no counts, so that it is asked
 * once). add: made when unknown. NULL: unknown and not added, or a fetch
 * that failed (b->failed).
 */
static struct slot *
get(struct ndr_bayes *b, uint64_t h, bool add)
{
	struct slot *s = find(b, h, false);
	uint32_t spam, ham;

	if (s || (b->lazy == NULL && !add))
		return s;
	if (b->lazy == NULL)
		return find(b, h, true);
	if (store_token_get(b->lazy, key(h), &spam, &ham) != 0) {
		b->failed = true;
		return NULL;
	}
	s = find(b, h, true);
	s->spam = spam;
	s->ham = ham;
	return s;
}

static int
load_one(uint64_t hash, uint32_t spam, uint32_t ham, void *arg)
{
	struct slot *s = find(arg, hash, true);

	s->spam = spam;
	s->ham = ham;
	return 0;
}

int
ndr_bayes_open(struct store *st, struct ndr_bayes **out)
{
	if (ndr_bayes_open_lazy(st, out) != 0)
		return -1;
	(*out)->lazy = NULL;	/* every token, now */
	if (store_each_token(st, load_one, *out) != 0) {
		ndr_bayes_free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

int
ndr_bayes_open_lazy(struct store *st, struct ndr_bayes **out)
{
	struct ndr_bayes *b = xcalloc(1, sizeof *b);

	*out = NULL;
	if (store_trained_counts(st, &b->nspam, &b->nham) != 0) {
		ndr_bayes_free(b);
		return -1;
	}
	b->lazy = st;
	*out = b;
	return 0;
}

bool
ndr_bayes_failed(const struct ndr_bayes *b)
{
	return b && b->failed;
}

void
ndr_bayes_free(struct ndr_bayes *b)
{
	if (b == NULL)
		return;
	free(b->s);
	free(b);
}

bool
ndr_bayes_trained(const struct ndr_bayes *b)
{
	return b && b->nspam > 0 && b->nham > 0;
}

/* log Q(x2, 2k), Q the chance of chi-square with 2k degrees of freedom
 * above x2: log(e^-m sum m^i / i!) over i < k, summed in logarithms so
 * that it does not underflow where hundreds of clues agree */
static double
log_chi2q(double x2, size_t k)
{
	double m = x2 / 2, lm = log(m > 0 ? m : 1e-300), term = 0, best = 0,
	    sum = 0;

	/* the largest term first, then the others relative to it */
	for (size_t i = 0; i < k; i++) {
		term = (double)i * lm - lgamma((double)i + 1);
		if (i == 0 || term > best)
			best = term;
	}
	for (size_t i = 0; i < k; i++)
		sum += exp((double)i * lm - lgamma((double)i + 1) - best);
	double r = -m + best + log(sum);
	return r < 0 ? r : 0;
}

static int
cmp_dev(const void *a, const void *b)
{
	double x = fabs(*(const double *)a - 0.5), y = fabs(*(const double *)b -
	    0.5);

	return x < y ? 1 : x > y ? -1 : 0;
}

double
ndr_bayes_score(const struct ndr_bayes *b, const uint64_t *tok, size_t n)
{
	double lnf = 0, ln1f = 0, *f;
	size_t used = 0;

	if (!ndr_bayes_trained(b) || n == 0)
		return 0.5;
	f = xcalloc(n, sizeof *f);
	for (size_t i = 0; i < n; i++) {
		/* what a lazy classifier fetches is a cache: the
		 * classifier is the same after as before */
		const struct slot *s = get((struct ndr_bayes *)b, tok[i], false);
		double fw = ROB_X;
		if (s && s->spam + s->ham > 0) {
			double bad = (double)s->spam / (double)b->nspam;
			double good = (double)s->ham / (double)b->nham;
			double cnt = (double)s->spam + (double)s->ham;
			double p = bad / (bad + good);
			fw = (ROB_S * ROB_X + cnt * p) / (ROB_S + cnt);
		}
		if (fabs(fw - 0.5) >= MIN_DEV)
			f[used++] = fw;
	}
	/* the strongest clues only: a long message's hundreds of tokens
	 * are not independent, and would drive both tails to nothing */
	if (used > MAX_CLUES) {
		if (used > 1)
			qsort(f, used, sizeof *f, cmp_dev);
		used = MAX_CLUES;
	}
	for (size_t i = 0; i < used; i++) {
		double fw = f[i] < 1e-6 ? 1e-6 : f[i] > 1 - 1e-6 ? 1 - 1e-6 :
		    f[i];
		lnf += log(fw);
		ln1f += log(1 - fw);
	}
	free(f);
	if (used == 0)
		return 0.5;
	double lh = log_chi2q(-2 * lnf, used), ls = log_chi2q(-2 * ln1f, used);
	double h = exp(lh), s = exp(ls);
	/* strong clues both ways drive both tails to nothing: the score
	 * stays by 0.5, on the side the evidence leans */
	if (h < 1e-6 && s < 1e-6)
		return 0.5 + 0.01 * tanh((lh - ls) / 10);
	return (1 + h - s) / 2;
}

uint64_t
ndr_bayes_digest(const char *id, const uint64_t *tok, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ n;

	for (const char *p = id; p && *p; p++) {
		h ^= (unsigned char)*p;
		h *= 0x100000001b3ull;
	}
	for (size_t i = 0; i < n; i++) {
		h ^= tok[i] + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
		h *= 0xff51afd7ed558ccdull;
	}
	return h ? h : 1;
}

static int
count(struct ndr_bayes *b, const uint64_t *tok, size_t n, bool spam, int d)
{
	for (size_t i = 0; i < n; i++) {
		struct slot *s = get(b, tok[i], true);
		if (s == NULL)
			return -1;	/* not counted: the caller rolls back */
		uint32_t *c = spam ? &s->spam : &s->ham;
		if (d > 0)
			(*c)++;
		else if (*c > 0)
			(*c)--;
		s->dirty = true;
	}
	if (spam)
		b->nspam += d;
	else
		b->nham += d;
	return 0;
}

int
ndr_bayes_train(struct ndr_bayes *b, struct store *st, const char *id,
    const uint64_t *tok, size_t n, bool spam, enum ndr_train *outcome)
{
	uint64_t digest = ndr_bayes_digest(id, tok, n), *old = NULL;
	size_t nold = 0;
	bool was_spam;
	int r;

	*outcome = NDR_TRAIN_LEARNED;
	if ((r = store_trained_get(st, digest, &was_spam, &old, &nold)) < 0)
		return -1;
	if (r == 1 && was_spam == spam) {
		free(old);
		*outcome = NDR_TRAIN_KNOWN;	/* never counted twice */
		return 0;
	}
	if (r == 1) {		/* a decision reversed: the old one undone */
		*outcome = NDR_TRAIN_REVERSED;
		if (count(b, old, nold, was_spam, -1) != 0) {
			free(old);
			return -1;
		}
	}
	free(old);
	if (count(b, tok, n, spam, +1) != 0)
		return -1;
	return store_trained_put(st, digest, spam, tok, n, (int64_t)time(NULL));
}

int
ndr_bayes_forget(struct ndr_bayes *b, struct store *st, const char *id,
    const uint64_t *tok, size_t n, bool *was)
{
	uint64_t digest = ndr_bayes_digest(id, tok, n), *old = NULL;
	size_t nold = 0;
	bool was_spam;
	int r;

	if ((r = store_trained_get(st, digest, &was_spam, &old, &nold)) <= 0)
		return r;
	r = count(b, old, nold, was_spam, -1);
	free(old);
	if (r != 0)
		return -1;
	if (was)
		*was = was_spam;
	return store_trained_del(st, digest) == 0 ? 1 : -1;
}

int
ndr_bayes_flush(struct ndr_bayes *b, struct store *st)
{
	for (size_t i = 0; b->mask && i <= b->mask; i++) {
		struct slot *s = &b->s[i];
		if (!s->hash || !s->dirty)
			continue;
		if (store_token_put(st, s->hash, s->spam, s->ham) != 0)
			return -1;
		s->dirty = false;
	}
	return 0;
}

void
ndr_bayes_counts(const struct ndr_bayes *b, int64_t *spam, int64_t *ham,
    size_t *tokens)
{
	*spam = b->nspam;
	*ham = b->nham;
	*tokens = b->n;
}
