/*
 * tokens.c - the words the classifier learns from.
 *
 * The bounced original when the report carries one, the message itself
 * otherwise: subject and body words (UTF-8, 2 to 30 bytes, their case
 * kept: "FREE" says more than "free"; longer runs of another script cut in
 * pieces; long ASCII runs are encodings or hashes and left out), link host
 * names and their domains,
 * and a few headers: the sender's address and domain, Reply-To's domain,
 * X-Mailer or User-Agent, the Message-ID's domain, the content type and
 * charset, List-Id, Precedence and the Received hops (their names and
 * networks, and all their words); the names of HTML
 * tags ("tag:font": spam is written in them). Each token
 * carries a prefix, so a word of the subject is not the same word in the
 * body, and is kept as a 64-bit hash, once per message, sorted.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine.h"

#define WORD_MIN	2
#define WORD_MAX	30
#define PIECE		12	/* bytes of a long run of another script */
#define TOKENS_MAX	3000	/* per message */
#define RECEIVED_HOPS	4	/* the latest (bench/classifier-cv.sh) */
#define BODY_MAX	(64u << 10)	/* bytes of body text read */

struct toks {
	uint64_t	*v;
	size_t		 n, cap;
};

static uint64_t
mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	x ^= x >> 31;
	return x;
}

static uint64_t
hash(const char *prefix, const char *w, size_t n)
{
	uint64_t h = 1469598103934665603ull;

	for (const char *p = prefix; *p; p++) {
		h ^= (unsigned char)*p;
		h *= 1099511628211ull;
	}
	h ^= ':';
	h *= 1099511628211ull;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)w[i];
		h *= 1099511628211ull;
	}
	return mix(h);
}

uint64_t
ndr_token(const char *prefix, const char *word)
{
	return hash(prefix, word, strlen(word));
}

static void
emit(struct toks *t, const char *prefix, const char *w, size_t n)
{
	if (t->n >= TOKENS_MAX * 4)
		return;
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 256;
		t->v = xreallocarray(t->v, t->cap, sizeof *t->v);
	}
	t->v[t->n++] = hash(prefix, w, n);
}

static bool
word_char(unsigned char c)
{
	return isalnum(c) || c >= 0x80;
}

/* The words of text. */
static void
words(struct toks *t, const char *prefix, const char *s, size_t len)
{
	const char *end = s + len, *p = s;

	while (p < end) {
		if (!word_char((unsigned char)*p) && *p != '$') {
			p++;
			continue;
		}
		const char *w = p;
		bool ascii = true, alpha = false;
		while (p < end && (word_char((unsigned char)*p) || *p == '$' ||
		    ((*p == '\'' || *p == '.' || *p == '-') && p + 1 < end &&
		    word_char((unsigned char)p[1])))) {
			ascii &= (unsigned char)*p < 0x80;
			alpha |= !isdigit((unsigned char)*p);
			p++;
		}
		size_t n = (size_t)(p - w);
		if (!alpha && n > 4)		/* long numbers: dates, ids */
			continue;
		if (n < WORD_MIN)
			continue;
		if (n <= WORD_MAX) {
			emit(t, prefix, w, n);
			continue;
		}
		if (ascii)	/* base64, hashes, tracking ids */
			continue;
		/* a script without spaces: pieces, cut between characters */
		for (const char *q = w; q < p; ) {
			const char *cut = q + PIECE < p ? q + PIECE : p, *e = cut;
			while (e > q && e < p && ((unsigned char)*e & 0xc0) ==
			    0x80)
				e--;
			if (e == q)	/* not UTF-8 at all: cut anywhere */
				e = cut;
			emit(t, prefix, q, (size_t)(e - q));
			q = e;
		}
	}
}

static void
header_words(struct toks *t, const char *prefix, const char *s)
{
	if (s)
		words(t, prefix, s, strlen(s));
}

/* A host and its domain (the last two labels): "url:a.b.example.org",
 * "url:example.org"; an IPv4 address alone. */
static void
host(struct toks *t, const char *prefix, const char *h, size_t n)
{
	char buf[256];
	const char *dot;
	int dots = 0;

	if (n == 0 || n >= sizeof buf)
		return;
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)tolower((unsigned char)h[i]);
	buf[n] = '\0';
	emit(t, prefix, buf, n);
	for (dot = buf + n; dot > buf; dot--)
		if (dot[-1] == '.' && ++dots == 2)
			break;
	/* an address (all digits at the end) has no domain: "0.1" of
	 * 127.0.0.1 is no clue */
	const char *last = strrchr(buf, '.');
	bool numeric = last && last[1] && strspn(last + 1, "0123456789") ==
	    strlen(last + 1);
	if (dots == 2 && dot > buf && !numeric)
		emit(t, prefix, dot, strlen(dot));
}

static void
links(struct toks *t, const char *s, size_t n)
{
	const char *p = s, *end = s + n, *h;
	size_t len;

	while ((h = next_link_host(p, end, &len)) != NULL) {
		host(t, "url", h, len);
		p = h + len;
	}
}

static void
address(struct toks *t, const char *prefix_addr, const char *prefix_dom,
    const char *v)
{
	char *a = v ? find_address(v, strlen(v), NULL, NULL) : NULL;
	const char *at;

	if (a == NULL)
		return;
	if (prefix_addr)
		emit(t, prefix_addr, a, strlen(a));
	if ((at = strrchr(a, '@')) != NULL)
		host(t, prefix_dom, at + 1, strlen(at + 1));
	free(a);
}

/* "from helo (name [1.2.3.4]) by ...": the names, and the /16 */
static void
received(struct toks *t, const char *v)
{
	const char *by = strstr(v, " by "), *p = v, *lb, *rb;
	size_t n = by ? (size_t)(by - v) : strlen(v);

	if (strncasecmp(v, "from ", 5) != 0)
		return;
	for (p = v + 5; p < v + n; ) {
		while (p < v + n && (*p == ' ' || *p == '(' || *p == ')' ||
		    *p == '['))
			p++;
		const char *e = p;
		while (e < v + n && (isalnum((unsigned char)*e) || *e == '-' ||
		    *e == '.'))
			e++;
		if (e > p && memchr(p, '.', (size_t)(e - p)) &&
		    !isdigit((unsigned char)*p))
			host(t, "rcvd", p, (size_t)(e - p));
		p = e > p ? e : p + 1;
	}
	if ((lb = memchr(v, '[', n)) != NULL &&
	    (rb = memchr(lb, ']', n - (size_t)(lb - v))) != NULL) {
		const char *d1 = memchr(lb, '.', (size_t)(rb - lb));
		const char *d2 = d1 ? memchr(d1 + 1, '.', (size_t)(rb - d1 - 1)) :
		    NULL;
		if (d2)
			emit(t, "ip", lb + 1, (size_t)(d2 - lb - 1));
	}
}

static void
header(struct toks *t, const char *name, const char *value, int *hops)
{
	char *d;

	if (value == NULL)
		return;

	if (strcasecmp(name, "Subject") == 0) {
		d = hdr_decode(value);
		header_words(t, "subj", d);
		free(d);
	} else if (strcasecmp(name, "From") == 0) {
		d = hdr_decode(value);
		address(t, "from", "fromdom", d);
		/* the display name's words */
		const char *lt = strchr(d, '<');
		if (lt) {
			char *name_part = xstrndup(d, (size_t)(lt - d));
			header_words(t, "fromname", name_part);
			free(name_part);
		}
		free(d);
	} else if (strcasecmp(name, "Reply-To") == 0)
		address(t, NULL, "replydom", value);
	else if (strcasecmp(name, "Return-Path") == 0)
		address(t, NULL, "retdom", value);
	else if (strcasecmp(name, "X-Mailer") == 0 ||
	    strcasecmp(name, "User-Agent") == 0)
		header_words(t, "mailer", value);
	else if (strcasecmp(name, "Message-ID") == 0) {
		const char *at = strrchr(value, '@');
		if (at)
			host(t, "middom", at + 1, strcspn(at + 1, ">"));
	} else if (strcasecmp(name, "Content-Type") == 0 ||
	    strcasecmp(name, "List-Id") == 0 ||
	    strcasecmp(name, "Precedence") == 0) {
		char prefix[16];
		snprintf(prefix, sizeof prefix, "%c%c", tolower(name[0]),
		    tolower(name[strlen(name) - 1]));
		header_words(t, prefix, value);
	} else if (strcasecmp(name, "Received") == 0) {
		if ((*hops)++ < RECEIVED_HOPS) {
			received(t, value);
			/* and every word of it: the software, "with ESMTP" */
			header_words(t, "rcvdw", value);
		}
	}
}

static void
body(struct toks *t, const char *s, size_t n)
{
	words(t, "", s, n < BODY_MAX ? n : BODY_MAX);
}

/* The names of an HTML text's tags: "tag:font" (their attributes and
 * values, tried, said nothing more). */
static void
tags(struct toks *t, const char *s, size_t n)
{
	const char *p = s, *end = s + n;

	while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
		char tag[WORD_MAX + 1];
		size_t tl = 0;
		if (++p < end && *p == '/')
			p++;
		while (p < end && isalnum((unsigned char)*p) && tl < WORD_MAX)
			tag[tl++] = (char)tolower((unsigned char)*p++);
		if (tl > 0 && (p == end || !isalnum((unsigned char)*p)))
			emit(t, "tag", tag, tl);
	}
}

/* the text parts inside (or outside) an attached original */
static void
parts(struct toks *t, const struct msg *m, bool original)
{
	size_t read = 0;

	for (size_t i = 0; i < m->nparts && read < BODY_MAX; i++) {
		const struct part *p = &m->parts[i];
		if (p->in_original != original || p->text == NULL ||
		    strncmp(p->ctype, "text/", 5) != 0 ||
		    strcmp(p->ctype, "text/rfc822-headers") == 0)
			continue;
		links(t, p->text, p->len);
		if (strcmp(p->ctype, "text/html") == 0) {
			struct ndr_buf b = { 0 };
			tags(t, p->text, p->len < BODY_MAX ? p->len : BODY_MAX);
			html_to_text(&b, p->text, p->len);
			if (b.s)
				body(t, b.s, b.len);
			read += b.len;
			ndr_buf_free(&b);
		} else {
			body(t, p->text, p->len);
			read += p->len;
		}
	}
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Sorts v[0..n) ascending (qsort's calls through a pointer were 4% of a
 * scan's time). The values are hashes, spread evenly: one pass puts them
 * in 256 runs by their top byte, and each run, a few values long, is
 * sorted by insertion (a long one, of words made to share it, by qsort).
 */
void
ndr_sort_u64(uint64_t *v, size_t n)
{
	size_t start[257] = { 0 }, fill[256];
	uint64_t *tmp;

	if (n < 2)
		return;
	if (n <= 32) {			/* short: insertion alone */
		for (size_t i = 1; i < n; i++) {
			uint64_t x = v[i];
			size_t j = i;
			for (; j > 0 && v[j - 1] > x; j--)
				v[j] = v[j - 1];
			v[j] = x;
		}
		return;
	}
	tmp = xreallocarray(NULL, n, sizeof *tmp);
	for (size_t i = 0; i < n; i++)
		start[(v[i] >> 56) + 1]++;
	for (size_t b = 0; b < 256; b++) {
		start[b + 1] += start[b];
		fill[b] = start[b];
	}
	for (size_t i = 0; i < n; i++)
		tmp[fill[v[i] >> 56]++] = v[i];
	for (size_t b = 0; b < 256; b++) {
		if (start[b + 1] - start[b] > 64) {	/* words made to collide */
			qsort(tmp + start[b], start[b + 1] - start[b],
			    sizeof *tmp, cmp_u64);
			continue;
		}
		for (size_t i = start[b] + 1; i < start[b + 1]; i++) {
			uint64_t x = tmp[i];
			size_t j = i;
			for (; j > start[b] && tmp[j - 1] > x; j--)
				tmp[j] = tmp[j - 1];
			tmp[j] = x;
		}
	}
	memcpy(v, tmp, n * sizeof *v);
	free(tmp);
}

/* The tokens the classifier makes of Received fields (received: one a
 * line, the top first, as evidence keeps them), unsorted, into *v;
 * how many. The words of the machines that carried a message: grouping
 * weighs those apart (a botnet carries many runs). */
size_t
ndr_received_tokens(const char *received, uint64_t **v)
{
	struct toks t = { 0 };
	int hops = 0;

	for (const char *p = received; p && *p; ) {
		size_t n = strcspn(p, "\n");
		char *line = xstrndup(p, n);
		header(&t, "Received", line, &hops);
		free(line);
		p += n + (p[n] == '\n');
	}
	*v = t.v;
	return t.n;
}

void
tokens_read(struct msg *m, struct ndr_report *r)
{
	const struct ndr_original *o = &r->original;
	struct toks t = { 0 };
	int hops = 0;

	if (r->kind != NDR_KIND_OTHER && o->form != NDR_FORM_NONE) {
		header(&t, "Subject", o->subject, &hops);
		header(&t, "From", o->from, &hops);
		header(&t, "Return-Path", o->return_path, &hops);
		header(&t, "X-Mailer", o->x_mailer, &hops);
		header(&t, "Message-ID", o->message_id, &hops);
		for (size_t i = 0; i < o->received.n; i++)
			header(&t, "Received", o->received.v[i], &hops);
		if (o->form == NDR_FORM_FULL && m->orig_parsed)
			parts(&t, m, true);
		else if (o->excerpt) {
			body(&t, o->excerpt, strlen(o->excerpt));
			for (size_t i = 0; i < o->links.n; i++)
				host(&t, "url", o->links.v[i],
				    strlen(o->links.v[i]));
		}
	} else {
		for (size_t i = 0; i < m->top.n; i++)
			header(&t, m->top.v[i].name, m->top.v[i].value, &hops);
		if (m->nparts)
			parts(&t, m, false);
		else
			body(&t, m->text.s, m->text.len);
	}
	if (t.n) {
		ndr_sort_u64(t.v, t.n);
		size_t k = 1;
		for (size_t i = 1; i < t.n; i++)
			if (t.v[i] != t.v[k - 1])
				t.v[k++] = t.v[i];
		t.n = k > TOKENS_MAX ? TOKENS_MAX : k;
	}
	r->tokens = t.v;
	r->ntokens = t.n;
}
