/* evidence.c - what a report shows of the original: the verdict's input. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "verdict.h"

#define SIMHASH_MIN_WORDS	8	/* fewer: no fingerprint */

static char *
address_of(const char *s)
{
	return s ? find_address(s, strlen(s), NULL, NULL) : NULL;
}

/* Every address in s, lowercase, ", " between; NULL when none. */
static char *
addresses_of(const char *s)
{
	struct ndr_buf b = { 0 };
	size_t len = s ? strlen(s) : 0, end;

	for (char *a; s && (a = find_address(s, len, NULL, &end)) != NULL;
	    s += end, len -= end) {
		if (b.len)
			ndr_buf_adds(&b, ", ");
		ndr_buf_adds(&b, a);
		free(a);
		if (end == 0 || b.len > 1024)
			break;
	}
	return b.s;
}

/* "<id@host>" or "id@host" as id@host; NULL when there is none */
static char *
mid_of(const char *s)
{
	const char *b, *e;

	if (s == NULL)
		return NULL;
	while (*s == ' ' || *s == '\t')
		s++;
	if ((b = strchr(s, '<')) != NULL && (e = strchr(b, '>')) != NULL &&
	    e > b + 1)
		return xstrndup(b + 1, (size_t)(e - b - 1));
	if (*s == '\0' || strchr(s, '@') == NULL)
		return NULL;
	e = s + strcspn(s, " \t\r\n");
	return xstrndup(s, (size_t)(e - s));
}

static char *
join(const struct ndr_strv *v, const char *sep)
{
	struct ndr_buf b = { 0 };

	for (size_t i = 0; i < v->n; i++) {
		if (i)
			ndr_buf_adds(&b, sep);
		ndr_buf_adds(&b, v->v[i]);
	}
	return b.s;
}

void
ndr_evidence_of(const struct ndr_report *r, struct ndr_evidence *ev)
{
	const struct ndr_original *o = &r->original;
	struct ndr_buf rc = { 0 };

	memset(ev, 0, sizeof *ev);
	ev->kind = r->kind;
	ev->form = o->form;
	ev->date = r->date;
	ev->report_to = r->to ? xstrdup(r->to) : NULL;
	for (size_t i = 0; i < r->nrcpts; i++) {
		if (r->rcpts[i].address == NULL)
			continue;
		if (rc.len)
			ndr_buf_adds(&rc, ", ");
		ndr_buf_adds(&rc, r->rcpts[i].address);
		ev->nrcpts++;
	}
	ev->rcpts = rc.s;
	if (r->nrcpts) {
		ev->reason = ndr_reason_name(r->rcpts[0].reason);
		ev->status = r->rcpts[0].status ? xstrdup(r->rcpts[0].status) :
		    NULL;
	}
	ev->mta = r->reporting_mta ? xstrdup(r->reporting_mta) : NULL;
	ev->orig_mid = mid_of(o->message_id);
	ev->orig_from = address_of(o->from);
	ev->orig_sender = address_of(o->return_path);
	ev->orig_to = addresses_of(o->to);
	ev->orig_date = ndr_date(o->date);
	/* an auto-reply answers at once: its date is the original's, near
	 * enough */
	if (ev->orig_date == 0 && r->kind == NDR_KIND_AUTOREPLY)
		ev->orig_date = r->date;
	ev->subject = o->subject ? xstrdup(o->subject) : NULL;
	ev->received = o->received.n ? join(&o->received, "\n") : NULL;
	ev->links = o->links.n ? join(&o->links, " ") : NULL;
	ev->excerpt = o->excerpt ? xstrdup(o->excerpt) : NULL;
	ev->simhash = ndr_simhash(o->excerpt);
	if (r->ntokens) {
		ev->tokens = xcalloc(r->ntokens, sizeof *ev->tokens);
		memcpy(ev->tokens, r->tokens, r->ntokens * sizeof *ev->tokens);
		ev->ntokens = r->ntokens;
	}
}

void
ndr_evidence_free(struct ndr_evidence *ev)
{
	NDR_FREE(ev->report_to, ev->rcpts, ev->mta, ev->orig_mid,
	    ev->orig_from, ev->orig_sender, ev->orig_to, ev->subject,
	    ev->received, ev->links, ev->excerpt, ev->status, ev->tokens);
	memset(ev, 0, sizeof *ev);
}

static uint64_t
fnv64(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	return h;
}

/* a word with a digit, or long and without vowels, is a spammer's
 * per-message token: it says nothing of the run */
static bool
random_token(const char *w, size_t n)
{
	size_t digits = 0, vowels = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)w[i];
		if (isdigit(c))
			digits++;
		else if (strchr("aeiouy", c))
			vowels++;
	}
	return digits > 0 || (n >= 8 && vowels * 6 < n);
}

static bool
word_byte(unsigned char c)
{
	return isalnum(c) || c >= 0x80;
}

char *
ndr_subject_norm(const char *s)
{
	struct ndr_buf b = { 0 };
	char *low;
	const char *p;

	if (s == NULL)
		return xstrdup("");
	low = utf8_fold(s);
	p = low;
	for (;;) {	/* reply and forward prefixes, [tags] */
		while (*p == ' ' || *p == '\t')
			p++;
		size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz");
		if (n > 0 && n <= 3 && p[n] == ':') {
			p += n + 1;
			continue;
		}
		if (*p == '[' && strchr(p, ']')) {
			p = strchr(p, ']') + 1;
			continue;
		}
		break;
	}
	while (*p) {
		if (!word_byte((unsigned char)*p)) {
			p++;
			continue;
		}
		const char *w = p;
		while (*p && word_byte((unsigned char)*p))
			p++;
		if (b.len)
			ndr_buf_addc(&b, ' ');
		if (random_token(w, (size_t)(p - w)))
			ndr_buf_addc(&b, '#');
		else
			ndr_buf_add(&b, w, (size_t)(p - w));
	}
	free(low);
	return b.s ? b.s : xstrdup("");
}

uint64_t
ndr_simhash(const char *text)
{
	int acc[64] = { 0 };
	unsigned words = 0;
	uint64_t h = 0;
	const char *p = text;

	if (text == NULL)
		return 0;
	while (*p) {
		if (!word_byte((unsigned char)*p)) {
			p++;
			continue;
		}
		const char *w = p;
		char lw[32];
		size_t n;
		while (*p && word_byte((unsigned char)*p))
			p++;
		n = (size_t)(p - w);
		if (n < 3 || n >= sizeof lw || random_token(w, n))
			continue;
		for (size_t i = 0; i < n; i++)
			lw[i] = (char)tolower((unsigned char)w[i]);
		uint64_t x = fnv64(lw, n);
		/* FNV's low bits are weak: mix them (splitmix64's finaliser) */
		x ^= x >> 30;
		x *= 0xbf58476d1ce4e5b9ull;
		x ^= x >> 27;
		x *= 0x94d049bb133111ebull;
		x ^= x >> 31;
		for (int i = 0; i < 64; i++)
			acc[i] += (x >> i) & 1 ? 1 : -1;
		words++;
	}
	if (words < SIMHASH_MIN_WORDS)
		return 0;
	for (int i = 0; i < 64; i++)
		if (acc[i] > 0)
			h |= 1ull << i;
	return h ? h : 1;
}

int
ndr_simhash_dist(uint64_t a, uint64_t b)
{
	return __builtin_popcountll(a ^ b);
}
