/* header.c - header blocks (RFC 5322 and RFC 3464 fields) and RFC 2047. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <libetpan/libetpan.h>

#include "engine.h"

#define MAX_FIELDS	512	/* a header block with more is hostile */
#define MAX_VALUE	16384	/* bytes kept of one unfolded value */

static size_t
line_end(const char *p, size_t len, size_t i)
{
	const char *nl = memchr(p + i, '\n', len - i);

	return nl ? (size_t)(nl - p) : len;
}

bool
hdr_field_name(const char *p, size_t n)
{
	if (n == 0 || n > 76)
		return false;
	for (size_t i = 0; i < n; i++)
		if (p[i] <= ' ' || p[i] > '~')
			return false;
	return true;
}

/* The field appended to the block's memory; its name and value are
 * offsets into it until hdrs_parse is done (the memory may move). */
static void
add_field(struct hdrs *h, struct ndr_buf *mem, const char *name, size_t nlen,
    const char *val, size_t vlen)
{
	if (h->n >= MAX_FIELDS)
		return;
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 16;
		h->v = xreallocarray(h->v, h->cap, sizeof *h->v);
	}
	vlen = val ? strnlen(val, vlen) : 0;	/* a NUL ends the value */
	while (vlen && isspace((unsigned char)val[vlen - 1]))
		vlen--;
	while (vlen && isspace((unsigned char)*val)) {
		val++;
		vlen--;
	}
	if (mem->len + nlen + vlen + 3 > mem->cap) {	/* both, two NULs */
		size_t cap = mem->cap ? mem->cap : 256;
		while (cap < mem->len + nlen + vlen + 3)
			cap *= 2;
		mem->s = xreallocarray(mem->s, cap, 1);
		mem->cap = cap;
	}
	char *d = mem->s + mem->len;
	h->v[h->n].name = (char *)(uintptr_t)mem->len;
	h->v[h->n].nlen = nlen;
	memcpy(d, name, nlen);
	d[nlen] = '\0';
	h->v[h->n].value = (char *)(uintptr_t)(mem->len + nlen + 1);
	if (vlen)
		memcpy(d + nlen + 1, val, vlen);
	d[nlen + 1 + vlen] = '\0';
	mem->len += nlen + vlen + 2;
	h->n++;
}

size_t
hdrs_parse(struct hdrs *h, const char *p, size_t len)
{
	struct ndr_buf val = { 0 };	/* a folded value, unfolded */
	struct ndr_buf mem = { 0 };	/* every name and value */
	const char *name = NULL, *vs = NULL;
	size_t nlen = 0, vl = 0, i = 0;
	bool folded = false;

	if (h->n || h->mem)
		abort();	/* one block to a struct hdrs */
	while (i < len) {
		size_t e = line_end(p, len, i), next = e < len ? e + 1 : e;
		size_t le = e;

		if (le > i && p[le - 1] == '\r')
			le--;
		if (le == i) {			/* blank line ends the block */
			i = next;
			break;
		}
		if ((p[i] == ' ' || p[i] == '\t') && name) {
			if (!folded) {		/* the first line, copied now */
				val.len = 0;
				ndr_buf_add(&val, vs, vl);
				folded = true;
			}
			/* one space for the line break and the blanks that
			 * open the next line: however a field was folded, its
			 * value reads the same */
			size_t w = i;
			while (w < le && (p[w] == ' ' || p[w] == '\t'))
				w++;
			if (val.len < MAX_VALUE && w < le) {
				ndr_buf_addc(&val, ' ');
				ndr_buf_add(&val, p + w, le - w);
			}
			i = next;
			continue;
		}
		const char *colon = memchr(p + i, ':', le - i);
		if (colon == NULL || !hdr_field_name(p + i, colon - (p + i))) {
			if (h->n == 0 && name == NULL && i == 0 &&
			    le - i > 5 && memcmp(p, "From ", 5) == 0) {
				i = next;	/* an mbox separator line */
				continue;
			}
			break;			/* not a header: the block ends */
		}
		if (name == NULL && mem.cap == 0)	/* most blocks fit */
			mem.s = big_alloc(len < 4096 ? len + 64 : 4096, &mem.cap);
		if (name)
			add_field(h, &mem, name, nlen, folded ? val.s : vs,
			    folded ? val.len : vl);
		name = p + i;
		nlen = colon - (p + i);
		vs = colon + 1;		/* one line: read in place */
		vl = le - (colon + 1 - p);
		folded = false;
		i = next;
	}
	if (name)
		add_field(h, &mem, name, nlen, folded ? val.s : vs,
		    folded ? val.len : vl);
	ndr_buf_free(&val);
	h->mem = mem.s;
	h->memcap = mem.cap;
	for (size_t k = 0; k < h->n; k++) {
		h->v[k].name = mem.s + (uintptr_t)h->v[k].name;
		h->v[k].value = mem.s + (uintptr_t)h->v[k].value;
	}
	return i;
}

const char *
hdrs_get(const struct hdrs *h, const char *name)
{
	/* the length and the first letter first: most fields differ there
	 * (ASCII case: field names are ASCII) */
	size_t n = strlen(name);
	unsigned char c = (unsigned char)*name | 0x20;

	for (size_t i = 0; i < h->n; i++)
		if (h->v[i].nlen == n &&
		    ((unsigned char)h->v[i].name[0] | 0x20) == c &&
		    ndr_ascii_ieq(h->v[i].name, name, n))
			return h->v[i].value;
	return NULL;
}

void
hdrs_free(struct hdrs *h)
{
	big_free(h->mem, h->memcap);
	free(h->v);
	h->v = NULL;
	h->mem = NULL;
	h->n = h->cap = h->memcap = 0;
}

char *
hdr_decode(const char *s)
{
	char *out = NULL;
	size_t idx = 0;

	if (s == NULL)
		return NULL;
	if (strstr(s, "=?") == NULL)
		return xstrdup(s);
	if (mailmime_encoded_phrase_parse("utf-8", s, strlen(s), &idx, "utf-8",
	    &out) != MAILIMF_NO_ERROR || out == NULL)
		return xstrdup(s);
	char *copy = xstrdup(out);
	free(out);
	return copy;
}

bool
looks_like_headers(const char *p, size_t len, int min)
{
	return owned_header_block(p, len, min, false);
}

/*
 * A block of at least min known header fields at p. With whose, one of
 * them must say whose message it is (From, Sender, Return-Path, Received
 * or Message-ID): "To:, Cc:, Date:, Subject:" alone is how reports sum up
 * the original above their text, not the original itself.
 */
bool
owned_header_block(const char *p, size_t len, int min, bool whose)
{
	/* owner: the field says whose message it is */
	static const struct {
		const char *name;
		size_t len;
		bool owner;
	} known[] = {
#define K(s, o)	{ s, sizeof s - 1, o }
		K("received", true), K("return-path", true),
		K("message-id", true), K("from", true), K("sender", true),
		K("to", false), K("subject", false), K("date", false),
		K("mime-version", false), K("content-type", false),
		K("x-mailer", false), K("reply-to", false), K("cc", false),
		K("delivered-to", false),
#undef K
	};
	int seen = 0;
	bool owner = !whose;
	size_t i = 0;

	for (int lines = 0; i < len && lines < 40; lines++) {
		size_t e = line_end(p, len, i);
		if (e == i || (e == i + 1 && p[i] == '\r'))
			break;
		if (lines == 0 && (p[i] == ' ' || p[i] == '\t'))
			return false;	/* a block cannot open with a fold */
		if (p[i] != ' ' && p[i] != '\t') {
			const char *colon = memchr(p + i, ':', e - i);
			if (colon == NULL || !hdr_field_name(p + i, colon - (p + i)))
				break;
			size_t n = (size_t)(colon - (p + i));
			for (size_t k = 0; k < sizeof known / sizeof *known; k++)
				if (known[k].len == n &&
				    strncasecmp(p + i, known[k].name, n) == 0) {
					seen++;
					owner |= known[k].owner;
					break;
				}
			if (seen >= min && owner)
				return true;
		}
		i = e + 1;
	}
	return false;
}
