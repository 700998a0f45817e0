/* slim.c - the slim copy of a message that libetpan parses (see below). */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libetpan/libetpan.h>

#include "engine.h"

/*
 * libetpan parses every field of a header block into structures
 * (address lists, dates) that the engine never reads: it reads the top
 * header and the attached original's itself (hdrs_parse). libetpan is
 * given a slim copy of the message: the top header, and the header of
 * each message/rfc822 part, with only their MIME fields, which is all the
 * part tree depends on. The runs say where each byte of the copy comes
 * from, so that the original is taken whole from the message itself.
 */
enum { BOUNDS = 16 };

struct slim {
	char		*out;
	size_t		 o;
	struct slim_run	*run;
	size_t		 nrun;
	/* the boundaries of the multiparts seen so far: a delimiter line of
	 * one of them opens a part header (text that only looks like one,
	 * a pasted original, has a boundary of its own) */
	const char	*bound[BOUNDS];
	size_t		 blen[BOUNDS];
	int		 nbound;
	bool		 digest;	/* a multipart/digest seen */
	int		 cur;		/* the boundary of the part read */
	size_t		*skip;		/* where bodies were left out */
	size_t		 nskip;
};

static void
slim_copy(struct slim *s, const char *raw, size_t at, size_t n)
{
	struct slim_run *last = s->nrun ? &s->run[s->nrun - 1] : NULL;

	if (n == 0)
		return;
	memcpy(s->out + s->o, raw + at, n);
	if (last && last->raw + last->len == at && last->slim + last->len == s->o)
		last->len += n;
	else {
		s->run = xreallocarray(s->run, s->nrun + 1, sizeof *s->run);
		s->run[s->nrun++] = (struct slim_run){ s->o, at, n };
	}
	s->o += n;
}

/* The next line's start after the line at i, and (le) the line's end
 * without its CR. */
static size_t
line_at(const char *raw, size_t i, size_t len, size_t *le)
{
	const char *nl = memchr(raw + i, '\n', len - i);
	size_t e = nl ? (size_t)(nl - raw) : len;

	*le = e > i && raw[e - 1] == '\r' ? e - 1 : e;
	return nl ? e + 1 : len;
}

/* The length of the field name on the line [i, le) when it is a header
 * field as libetpan sees one, else 0. */
static size_t
field_name(const char *raw, size_t i, size_t le)
{
	const char *colon = memchr(raw + i, ':', le - i);
	size_t n = colon ? (size_t)(colon - (raw + i)) : 0;

	return n && hdr_field_name(raw + i, n) ? n : 0;
}

/* What a part is to libetpan: a leaf (one body), a multipart, or an
 * attached message (message/rfc822). */
enum { LEAF, MULTI, MESSAGE };

/* The Content-Type field [i, end): which kind of part it makes; a
 * multipart's boundary is noted. */
static int
content_type(struct slim *s, const char *raw, size_t i, size_t end)
{
	static const char mt[] = "message/rfc822";
	const char *p = raw + i + 13, *e = raw + end;	/* after the colon */

	while (p < e && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	if ((size_t)(e - p) >= sizeof mt - 1 &&
	    strncasecmp(p, mt, sizeof mt - 1) == 0)
		return p + sizeof mt - 1 == e || strchr(" \t\r\n;",
		    p[sizeof mt - 1]) != NULL ? MESSAGE : LEAF;
	if ((size_t)(e - p) < 10 || strncasecmp(p, "multipart/", 10) != 0)
		return LEAF;
	if ((size_t)(e - p) >= 16 && strncasecmp(p + 10, "digest", 6) == 0)
		s->digest = true;	/* its parts are messages untold */
	if (s->nbound == BOUNDS || (p = ci_find(p, e - p, "boundary=")) == NULL)
		return MULTI;
	p += 9;
	const char *b = p;
	if (*p == '"')
		for (b = ++p; p < e && *p != '"'; p++)
			;
	else
		while (p < e && !strchr(" \t\r\n;", *p))
			p++;
	if (p > b && p - b <= 70) {
		s->bound[s->nbound] = b;
		s->blen[s->nbound++] = (size_t)(p - b);
	}
	return MULTI;
}

/* Bytes of the slim copy that are nobody's: no run maps them. */
static void
slim_put(struct slim *s, const char *p, size_t n)
{
	memcpy(s->out + s->o, p, n);
	s->o += n;
}

/* A byte of a token, as libetpan's MIME parser reads one: printable
 * ASCII but the "specials" of RFC 2045. */
static const bool tspecial[128] = {
	['('] = true, [')'] = true, ['<'] = true, ['>'] = true, ['@'] = true,
	[','] = true, [';'] = true, [':'] = true, ['\\'] = true, ['"'] = true,
	['/'] = true, ['['] = true, [']'] = true, ['?'] = true, ['='] = true,
};

static bool
token_char(unsigned char c)
{
	return c > ' ' && c < 0x7f && !tspecial[c];
}

/*
 * The Content-Type field [i, end) written to the slim copy as libetpan
 * needs it: "Content-Type:type/subtype", then the charset and boundary
 * parameters as they were (libetpan decodes the value word by word and
 * parses every parameter, a boundary a byte at a time: the others, the
 * space and the folding cost it more than the rest of the header). False,
 * nothing written, when the value is not that plain: a comment, an
 * encoded word, a quoted pair, a parameter without a value, a byte where
 * libetpan would stop; the field is then copied as it is.
 */
/*
 * One "name=value" of a Content-Type at *pp: charset and boundary kept
 * (a quoted token unquoted), the rest left out. false for what the slim
 * copy would not read as libetpan does (RFC 2231, encoded words, escapes).
 */
static bool
slim_param(struct slim *s, const unsigned char **pp, const unsigned char *e)
{
	const unsigned char *p = *pp, *name = p, *val;
	size_t nl;

	for (; p < e && token_char(*p); p++)
		;
	nl = (size_t)(p - name);
	if (nl == 0 || memchr(name, '*', nl))	/* RFC 2231 */
		return false;
	while (p < e && *p == ' ')
		p++;
	if (p == e || *p++ != '=')
		return false;
	while (p < e && *p == ' ')
		p++;
	val = p;
	if (p < e && *p == '"') {
		for (p++; p < e && *p != '"'; p++)
			if (*p == '\\' || *p == '\r' || *p == '\n')
				return false;
		if (p == e)
			return false;
		p++;
	} else
		for (; p < e && token_char(*p); p++)
			;
	if (p == val || memmem(val, (size_t)(p - val), "=?", 2))
		return false;
	*pp = p;
	if ((nl == 7 && strncasecmp((const char *)name, "charset", 7) == 0) ||
	    (nl == 8 && strncasecmp((const char *)name, "boundary", 8) == 0)) {
		/* quotes around a token only slow libetpan down */
		const unsigned char *q = val, *qe = p;
		if (*val == '"' && p - val > 2) {
			for (q = val + 1; q < p - 1 && token_char(*q); q++)
				;
			q = q == p - 1 ? val + 1 : val;
			qe = q == val ? p : p - 1;
		}
		slim_put(s, ";", 1);
		slim_put(s, (const char *)name, nl);
		slim_put(s, "=", 1);
		slim_put(s, (const char *)q, (size_t)(qe - q));
	}
	return true;
}

static bool
ctype_slim(struct slim *s, const char *raw, size_t i, size_t end)
{
	const unsigned char *p = (const unsigned char *)raw + i + 13,
	    *e = (const unsigned char *)raw + end, *t;
	size_t o = s->o;

#define WS(c)	((c) == ' ' || (c) == '\t' || (c) == '\r' || (c) == '\n')
	while (p < e && WS(*p))
		p++;
	slim_put(s, "Content-Type:", 13);
	/* type/subtype, with nothing between */
	for (t = p; p < e && token_char(*p); p++)
		;
	if (p == t || p == e || *p != '/')
		goto no;
	for (p++; p < e && token_char(*p); p++)
		;
	if (p[-1] == '/')
		goto no;
	slim_put(s, (const char *)t, (size_t)(p - t));
	for (;;) {
		while (p < e && *p == ' ')
			p++;
		if (p < e && WS(*p) && e - p > 2)	/* a fold not after ';' */
			goto no;
		while (p < e && WS(*p))
			p++;
		if (p == e)
			break;
		if (*p++ != ';')
			goto no;
		while (p < e && WS(*p))
			p++;
		if (p == e)			/* a ';' last */
			break;
		if (!slim_param(s, &p, e))
			goto no;
	}
#undef WS
	if (raw[end - 1] == '\n' && end >= 2 && raw[end - 2] == '\r')
		slim_put(s, "\r\n", 2);
	else
		slim_put(s, "\n", 1);
	return true;
no:
	s->o = o;
	return false;
}

/* The field [i, end), its name n bytes: its Content-Type noted; with
 * copy, what libetpan needs of it copied (the type and the transfer
 * encoding; the rest says nothing of the part tree). */
static void
field_done(struct slim *s, const char *raw, size_t i, size_t end, size_t n,
    bool copy, int *kind)
{
	bool ct = n == 12 && strncasecmp(raw + i, "Content-Type", 12) == 0;

	if (ct) {
		int k = content_type(s, raw, i, end);
		if (*kind < 0)		/* the first one counts */
			*kind = k;
	}
	if (!copy)
		return;
	if (ct) {
		if (!ctype_slim(s, raw, i, end))
			slim_copy(s, raw, i, end - i);
	} else if (n == 25 && strncasecmp(raw + i, "Content-Transfer-Encoding",
	    25) == 0)
		slim_copy(s, raw, i, end - i);
}

/*
 * Read the header block at i: its Content-Type noted (content_type); with
 * copy, what libetpan needs of it written to the slim copy (field_done).
 * The offset of the blank line that ends it, or SIZE_MAX (nothing
 * written) when a line is not a field as libetpan sees one or no blank
 * line comes. *kind: what the block makes of its part (content_type).
 */
static size_t
header_block(struct slim *s, const char *raw, size_t i, size_t len, bool copy,
    int *kind)
{
	size_t o = s->o, nrun = s->nrun, next, le, start = i, fs = SIZE_MAX;
	size_t lastlen = nrun ? s->run[nrun - 1].len : 0, n = 0;
	int nbound = s->nbound;
	bool digest = s->digest;

	*kind = -1;
	while (i < len) {
		bool cont = raw[i] == ' ' || raw[i] == '\t';
		next = line_at(raw, i, len, &le);
		if (!cont && fs != SIZE_MAX) {	/* the field [fs, i) whole */
			field_done(s, raw, fs, i, n, copy, kind);
			fs = SIZE_MAX;
		}
		if (le == i) {			/* the blank line */
			if (*kind < 0)
				*kind = LEAF;	/* text/plain by default */
			return i;
		}
		if (cont) {
			if (i == start)
				break;
		} else if ((n = field_name(raw, i, le)) == 0)
			break;
		else
			fs = i;
		i = next;
	}
	s->o = o;
	s->nrun = nrun;
	if (nrun)
		s->run[nrun - 1].len = lastlen;
	s->nbound = nbound;
	s->digest = digest;
	*kind = LEAF;
	return SIZE_MAX;
}

/* The known boundary whose delimiter the line [b, le) is (the closing
 * one too, with closing), or -1. */
static int
delimiter(const struct slim *s, const char *raw, size_t b, size_t le,
    bool closing)
{
	if (le - b < 3 || raw[b] != '-' || raw[b + 1] != '-')
		return -1;
	for (int k = 0; k < s->nbound; k++) {
		size_t n = s->blen[k], j = b + 2 + n;
		if (le - b - 2 < n || memcmp(raw + b + 2, s->bound[k], n) != 0)
			continue;
		if (le - j >= 2 && raw[j] == '-' && raw[j + 1] == '-')
			return closing ? k : -1;   /* whatever follows: libetpan */
		while (j < le && (raw[j] == ' ' || raw[j] == '\t'))
			j++;
		if (j == le)
			return k;
	}
	return -1;
}

/* The start of the next part header at or after i: the line after a
 * delimiter line. 0 when there is none. */
static size_t
next_part(struct slim *s, const char *raw, size_t i, size_t len)
{
	const char *p;
	size_t le, next;

	while (i < len && (p = memchr(raw + i, '\n', len - i)) != NULL) {
		size_t b = (size_t)(p - raw) + 1;
		if (len - b < 2 || raw[b] != '-' || raw[b + 1] != '-') {
			i = b;
			continue;
		}
		next = line_at(raw, b, len, &le);
		if ((s->cur = delimiter(s, raw, b, le, false)) >= 0 &&
		    next < len)
			return next;
		i = next;
	}
	return 0;
}

/*
 * A leaf's body from i left out of the slim copy, to the line break
 * before the next delimiter: libetpan then has no body bytes to look
 * through for its boundary, and the engine reads the body from the
 * message itself (unslim maps the empty body back to it). Not in a
 * digest (its parts without a type are messages), not without a
 * delimiter after it. Where the next part may start.
 */
static size_t
skip_body(struct slim *s, const char *raw, size_t i, size_t len,
    size_t *done, int cur)
{
	const char *p;
	size_t le;

	if (s->digest || (line_at(raw, i, len, &le), delimiter(s, raw, i, le,
	    true)) >= 0)
		return i;		/* no body at all */
	for (size_t j = i; j < len && (p = memchr(raw + j, '\n', len - j)); ) {
		size_t b = (size_t)(p - raw) + 1, e = (size_t)(p - raw);
		int k;
		if (b < len && raw[b] == '-' && (line_at(raw, b, len, &le),
		    (k = delimiter(s, raw, b, le, true)) >= 0)) {
			/* the part's own boundary ends it; another's is a
			 * broken nesting libetpan reads its own way */
			if (k != cur)
				return i;
			if (e > i && raw[e - 1] == '\r')
				e--;	/* the line break is the delimiter's */
			if (e <= i)
				return i;
			slim_copy(s, raw, *done, i - *done);
			*done = e;
			s->skip = xreallocarray(s->skip, s->nskip + 1,
			    sizeof *s->skip);
			s->skip[s->nskip++] = s->o;
			return e;
		}
		j = b;
	}
	return i;
}

/*
 * The header at i slimmed into s, the bytes before it (from *done) copied
 * as they are; the header of the message it attaches, if it does; and a
 * leaf's body left out. Where the next part may start.
 */
static size_t
slim_part(struct slim *s, const char *raw, size_t i, size_t len, size_t *done)
{
	size_t end, le, o, nrun, lastlen;
	int kind, cur = s->cur;		/* the boundary of the part */

	slim_copy(s, raw, *done, i - *done);
	*done = i;
	o = s->o;
	nrun = s->nrun;
	lastlen = nrun ? s->run[nrun - 1].len : 0;
	if ((end = header_block(s, raw, i, len, true, &kind)) == SIZE_MAX)
		return i;		/* left as it is */
	/* a part with no body: its blank line is the delimiter's line
	 * break to libetpan, which then reads the header otherwise; and a
	 * part header none of whose fields libetpan needs: an empty one
	 * makes it read the body's first lines as the header. Left as they
	 * are (the boundary noted is kept) */
	size_t nx = line_at(raw, end, len, &le), le2;
	if (s->o == o && end > i)
		return i;
	if (nx < len) {
		line_at(raw, nx, len, &le2);
		if (delimiter(s, raw, nx, le2, true) >= 0) {
			s->o = o;
			s->nrun = nrun;
			if (nrun)
				s->run[nrun - 1].len = lastlen;
			return i;
		}
	}
	*done = end;
	if (kind == MESSAGE && nx < len) {
		/* the attached message's own header, after the blank line */
		slim_copy(s, raw, *done, nx - *done);
		*done = nx;
		o = s->o;
		if ((end = header_block(s, raw, nx, len, true, &kind)) ==
		    SIZE_MAX)
			return nx;
		*done = end;
		nx = line_at(raw, end, len, &le);
	}
	/* a header with no field and no body makes libetpan take the next
	 * delimiter for part of it: a body is left out after a field only */
	return kind == LEAF && s->o > o && nx < len ?
	    skip_body(s, raw, nx, len, done, cur) : end;
}

char *
mime_only(const char *raw, size_t len, size_t *outlen, size_t *cap,
    struct slim_run **runs, size_t *nruns, size_t **skip, size_t *nskip)
{
	struct slim s = { .out = big_alloc(len + 1, cap) };
	size_t done = 0, at, i, le;
	int kind;

	if ((i = header_block(&s, raw, 0, len, true, &kind)) == SIZE_MAX) {
		big_free(s.out, *cap);
		free(s.run);
		return NULL;
	}
	done = i;
	/* a message that is a message/rfc822 itself */
	if (kind == MESSAGE && (at = line_at(raw, i, len, &le)) < len) {
		slim_copy(&s, raw, done, at - done);
		done = at;
		size_t end = header_block(&s, raw, at, len, true, &kind);
		if (end != SIZE_MAX)
			done = i = end;
	}
	/* done: the bytes before it are in the copy */
	while ((at = next_part(&s, raw, i, len)) != 0)
		i = slim_part(&s, raw, at, len, &done);
	slim_copy(&s, raw, done, len - done);
	s.out[s.o] = '\0';
	*outlen = s.o;
	*runs = s.run;
	*nruns = s.nrun;
	*skip = s.skip;
	*nskip = s.nskip;
	return s.out;
}
