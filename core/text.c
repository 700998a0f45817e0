/* text.c - strings, buffers and the small scanners every reader uses. */
#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

static void
oom(void)
{
	fputs("ndrsweep: out of memory\n", stderr);
	abort();
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
xreallocarray(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		oom();
	size_t bytes = n * size;

	p = realloc(p, bytes ? bytes : 1);
	if (p == NULL)
		oom();
	return p;
}

/*
 * Large buffers a message takes and gives back when it is done (its text,
 * the lowercase copy): glibc's malloc searches its bins for each block
 * over a kilobyte, a cost per message. A few are kept for the next message, per
 * thread (freed when the thread ends).
 */
#define SPARES		6
#define SPARE_MAX	(1u << 20)

struct spares {
	void	*p[SPARES];
	size_t	 cap[SPARES];
};
static pthread_key_t spare_key;
static pthread_once_t spare_once = PTHREAD_ONCE_INIT;

static void
spares_free(void *arg)
{
	struct spares *sp = arg;

	for (int i = 0; i < SPARES; i++)
		free(sp->p[i]);
	free(sp);
}

static void
spare_init(void)
{
	if (pthread_key_create(&spare_key, spares_free) != 0)
		oom();
}

static struct spares *
spares(void)
{
	struct spares *sp;

	pthread_once(&spare_once, spare_init);
	if ((sp = pthread_getspecific(spare_key)) == NULL) {
		sp = xcalloc(1, sizeof *sp);
		if (pthread_setspecific(spare_key, sp) != 0)
			oom();
	}
	return sp;
}

void *
big_alloc(size_t n, size_t *cap)
{
	struct spares *sp = spares();

	for (int i = 0; i < SPARES; i++)
		if (sp->p[i] && sp->cap[i] >= n) {
			void *p = sp->p[i];
			*cap = sp->cap[i];
			sp->p[i] = NULL;
			return p;
		}
	*cap = n;
	return xreallocarray(NULL, n, 1);
}

void
big_free(void *p, size_t cap)
{
	struct spares *sp;

	if (p == NULL)
		return;
	if (cap <= SPARE_MAX && (sp = spares()) != NULL) {
		int k = 0;	/* an empty place, else the smallest */
		for (int i = 0; i < SPARES; i++) {
			if (sp->p[i] == NULL) {
				k = i;
				break;
			}
			if (sp->cap[i] < sp->cap[k])
				k = i;
		}
		if (sp->p[k] == NULL || sp->cap[k] < cap) {
			free(sp->p[k]);
			sp->p[k] = p;
			sp->cap[k] = cap;
			return;
		}
	}
	free(p);
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p == NULL)
		oom();
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xstrdup(const char *s)
{
	return s ? xstrndup(s, strlen(s)) : NULL;
}

void
ndr_buf_add(struct ndr_buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;

		while (cap < b->len + n + 1)
			cap *= 2;
		b->s = xreallocarray(b->s, cap, 1);
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
ndr_buf_adds(struct ndr_buf *b, const char *s)
{
	ndr_buf_add(b, s, strlen(s));
}

void
ndr_buf_addc(struct ndr_buf *b, char c)
{
	if (b->len + 2 > b->cap) {	/* the byte and the NUL */
		ndr_buf_add(b, &c, 1);
		return;
	}
	b->s[b->len++] = c;
	b->s[b->len] = '\0';
}

void
ndr_buf_printf(struct ndr_buf *b, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof small) {
		ndr_buf_add(b, small, n);
		return;
	}
	char *big = xcalloc(1, n + 1);
	va_start(ap, fmt);
	vsnprintf(big, n + 1, fmt, ap);
	va_end(ap);
	ndr_buf_add(b, big, n);
	free(big);
}

void
ndr_free_n(void *const *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(p[i]);
}

void
ndr_buf_free(struct ndr_buf *b)
{
	free(b->s);
	memset(b, 0, sizeof *b);
}

static ndr_log_fn log_fn;
static void *log_arg;

void
ndr_set_logger(ndr_log_fn fn, void *arg)
{
	log_fn = fn;
	log_arg = arg;
}

void
ndr_log(enum ndr_loglevel level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (log_fn == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	log_fn(level, line, log_arg);
}

/* How rare each byte is in mail text, roughly: a space least, then
 * letters by their frequency in English, then the rest. */
static unsigned char rarity[256];

static void
rarity_init(void)
{
	static const char letters[] = "etaoinshrdlcumwfgypbvkjxqz";

	for (int c = 0; c < 256; c++)
		rarity[c] = c >= 0x80 ? 18 : c >= '0' && c <= '9' ? 15 : 20;
	for (int i = 0; letters[i]; i++)
		rarity[(unsigned char)letters[i]] =
		    rarity[(unsigned char)letters[i] - 32] = (unsigned char)(1 + i);
	rarity[' '] = 0;
}

const char *
ci_find(const char *h, size_t hlen, const char *needle)
{
	size_t n = strlen(needle), k = 0;

	if (n == 0)
		return h;
	if (n > hlen)
		return NULL;
	/* memchr looks for the needle's rarest byte (both cases of it);
	 * each place it stands, the needle is compared around it. In a
	 * short text, the first byte does */
	if (hlen > 128) {
		static pthread_once_t once = PTHREAD_ONCE_INIT;
		pthread_once(&once, rarity_init);
		for (size_t i = 1; i < n; i++)
			if (rarity[(unsigned char)needle[i]] >
			    rarity[(unsigned char)needle[k]])
				k = i;
	}
	int low = tolower((unsigned char)needle[k]), up = toupper(low);
	const char *end = h + hlen - n + 1 + k, *lo = h + k, *hi = h + k;

	if (hlen <= 128) {	/* a byte loop: memchr's calls cost more */
		for (const char *p = h + k; p < end; p++)
			if (((unsigned char)*p == low || (unsigned char)*p == up) &&
			    ndr_ascii_ieq(p - k, needle, n))
				return p - k;
		return NULL;
	}

	for (;;) {
		if (lo && lo < end)
			lo = memchr(lo, low, (size_t)(end - lo));
		else
			lo = NULL;
		if (up != low && hi && hi < end)
			hi = memchr(hi, up, (size_t)(end - hi));
		else
			hi = NULL;
		const char *p = lo && (!hi || lo < hi) ? lo : hi;
		if (p == NULL)
			return NULL;
		if (ndr_ascii_ieq(p - k, needle, n))
			return p - k;
		if (p == lo)
			lo++;
		else
			hi++;
	}
}

bool
ci_prefix(const char *s, const char *prefix)
{
	/* stops at the first byte that differs: s's NUL, if it is shorter */
	return ndr_ascii_ieq(s, prefix, strlen(prefix));
}

bool
ci_eq(const char *a, const char *b)
{
	return a && b && strcasecmp(a, b) == 0;
}

bool
has_any(const char *lower, const char *const *needles)
{
	if (lower == NULL || needles == NULL)
		return false;
	for (; *needles; needles++)
		if (strstr(lower, *needles))
			return true;
	return false;
}

char *
lowercase_dup(const char *s, size_t n)
{
	return lowercase_into(xreallocarray(NULL, n + 1, 1), s, n);
}

/* Eight bytes of ASCII with their capitals made small: a byte is one
 * when under 0x80, at least 'A' and at most 'Z' */
static inline uint64_t
lower8(uint64_t x)
{
	uint64_t low7 = x & 0x7f7f7f7f7f7f7f7full;
	uint64_t ge_a = low7 + 0x3f3f3f3f3f3f3f3full;	/* bit 7: >= 'A' */
	uint64_t gt_z = low7 + 0x2525252525252525ull;	/* bit 7: > 'Z' */
	uint64_t up = ge_a & ~gt_z & ~x & 0x8080808080808080ull;

	return x | up >> 2;				/* 0x20: lower case */
}

char *
lowercase_into(char *p, const char *s, size_t n)
{
	size_t i = 0;

	/* ASCII letters only (a UTF-8 text's other bytes are not letters
	 * of their own), eight bytes at a time */
	for (; i + 8 <= n; i += 8) {
		uint64_t x;
		memcpy(&x, s + i, 8);
		x = lower8(x);
		memcpy(p + i, &x, 8);
	}
	for (; i < n; i++)
		p[i] = (char)((unsigned)((unsigned char)s[i] - 'A') < 26u ?
		    s[i] + 32 : s[i]);
	p[n] = '\0';
	return p;
}

/*
 * The lower case of the two-byte UTF-8 capital at b (Latin-1, Latin
 * Extended-A, Greek, Cyrillic), written over it. Each of these has a
 * lower case of two bytes too, so a folded text keeps its length and
 * every offset into it holds in the original; İ, whose lower case is
 * one byte, stays.
 */
static void
fold_pair(unsigned char *b)
{
	unsigned cp = (unsigned)(b[0] & 0x1f) << 6 | (b[1] & 0x3fu), lc = cp;

	if ((cp >= 0xc0 && cp <= 0xde && cp != 0xd7) ||	/* À-Þ */
	    (cp >= 0x391 && cp <= 0x3ab && cp != 0x3a2) ||	/* Α-Ϋ */
	    (cp >= 0x410 && cp <= 0x42f))			/* А-Я */
		lc = cp + 0x20;
	else if (cp >= 0x400 && cp <= 0x40f)			/* Ѐ-Џ */
		lc = cp + 0x50;
	else if (cp == 0x386)					/* Ά */
		lc = 0x3ac;
	else if (cp >= 0x388 && cp <= 0x38a)			/* Έ-Ί */
		lc = cp + 0x25;
	else if (cp == 0x38c || cp == 0x38e || cp == 0x38f)	/* Ό Ύ Ώ */
		lc = cp + 0x40 - (cp == 0x38c ? 0 : 1);
	else if (cp == 0x178)					/* Ÿ */
		lc = 0xff;
	else if (((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14a && cp <= 0x177) ||
	    (cp >= 0x460 && cp <= 0x481) || (cp >= 0x48a && cp <= 0x4bf)) &&
	    cp != 0x130)					/* Ā, Ŋ, Ѡ, Ґ... */
		lc = cp | 1;
	else if (((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17e))
	    && (cp & 1))					/* Ĺ, Ł, Ź... */
		lc = cp + 1;
	if (lc != cp) {
		b[0] = (unsigned char)(0xc0 | lc >> 6);
		b[1] = (unsigned char)(0x80 | (lc & 0x3f));
	}
}

char *
fold_into(char *p, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint64_t x;
		/* eight bytes of ASCII at a time, as long as they come */
		while (i + 8 <= n && (memcpy(&x, s + i, 8),
		    (x & 0x8080808080808080ull) == 0)) {
			x = lower8(x);
			memcpy(p + i, &x, 8);
			i += 8;
		}
		if (i >= n)
			break;
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80) {
			p[i] = (char)((unsigned)(c - 'A') < 26u ? c + 32 : c);
			i++;
		} else if (c >= 0xc2 && c <= 0xdf && i + 1 < n &&
		    ((unsigned char)s[i + 1] & 0xc0) == 0x80) {
			p[i] = s[i];
			p[i + 1] = s[i + 1];
			fold_pair((unsigned char *)p + i);
			i += 2;
		} else {
			/* any other byte as it is, with the continuation
			 * bytes that follow (a letter of three or four) */
			size_t k = i + 1;
			p[i] = s[i];
			while (k < n && k < i + 4 &&
			    ((unsigned char)s[k] & 0xc0) == 0x80) {
				p[k] = s[k];
				k++;
			}
			i = k;
		}
	}
	p[n] = '\0';
	return p;
}

char *
fold_dup(const char *s, size_t n)
{
	return fold_into(xreallocarray(NULL, n + 1, 1), s, n);
}

char *
trim(char *s)
{
	size_t n;

	if (s == NULL)
		return NULL;
	n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	size_t i = 0;
	while (isspace((unsigned char)s[i]))
		i++;
	if (i)
		memmove(s, s + i, n - i + 1);
	return s;
}

char *
squeeze(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	char *out = xreallocarray(NULL, n + 1, 1);
	size_t o = 0, i = 0;

	/* runs of ASCII space between words become one space; none at the
	 * ends; a NUL ends the text */
	for (;;) {
		while (i < n && (u[i] == ' ' || (u[i] >= '\t' && u[i] <= '\r')))
			i++;
		if (i >= n || u[i] == '\0')
			break;
		if (o > 0)
			out[o++] = ' ';
		size_t b = i;
		while (i < n && u[i] > ' ')
			i++;
		while (i < n && u[i] != '\0' && u[i] != ' ' &&
		    (u[i] < '\t' || u[i] > '\r')) {	/* control bytes */
			i++;
			while (i < n && u[i] > ' ')
				i++;
		}
		memcpy(out + o, s + b, i - b);
		o += i - b;
	}
	out[o] = '\0';
	return out;
}

static bool
is_local_char(unsigned char c)
{
	return isalnum(c) || strchr("!#$%&'*+-/=?^_`{|}~.", c) || c >= 0x80;
}

static bool
is_domain_char(unsigned char c)
{
	return isalnum(c) || c == '-' || c == '.' || c >= 0x80;
}

char *
find_address(const char *s, size_t len, size_t *start, size_t *end)
{
	for (size_t at = 0; at < len; at++) {
		if (s[at] != '@')
			continue;
		size_t b = at, e = at + 1;
		/* a quoted local part: "john..doe"@example.org */
		if (b > 1 && s[b - 1] == '"') {
			const char *q = memrchr(s, '"', b - 1);
			if (q && (size_t)(s + b - 1 - q) < 64)
				b = q - s;
		} else
		while (b > 0 && is_local_char((unsigned char)s[b - 1]))
			b--;
		while (e < len && is_domain_char((unsigned char)s[e]))
			e++;
		while (e > at + 1 && (s[e - 1] == '.' || s[e - 1] == '-'))
			e--;
		/* a dot, or a quote a report put around the address ('a@b',
		 * `a@b'), starts no real local part */
		while (b < at && (s[b] == '.' || s[b] == '\'' || s[b] == '`'))
			b++;
		/* "smtp=user@x" (Exchange and gateways): the prefix is no
		 * part of the address */
		if (at - b > 5 && strncasecmp(s + b, "smtp=", 5) == 0)
			b += 5;
		if (b == at || e == at + 1)
			continue;
		/* a domain needs a dot, or it is an Exchange X.400 oddity */
		if (memchr(s + at + 1, '.', e - at - 1) == NULL)
			continue;
		if (start)
			*start = b;
		if (end)
			*end = e;
		return lowercase_dup(s + b, e - b);
	}
	return NULL;
}

char *
typed_address(const char *v)
{
	const char *s = v, *e;
	char *a;

	if (v == NULL)
		return NULL;
	/* "rfc822; <a@b>", even "rfc822; rfc822;a@b"; a quoted local part
	 * keeps its quotes: "john..doe"@x */
	for (const char *was = NULL; was != s; ) {
		was = s;
		if (strncasecmp(s, "rfc822", 6) == 0 &&
		    (e = strchr(s, ';')) != NULL)
			s = e + 1;
		while (*s == ' ' || *s == '\t' || *s == '<' || *s == '\'' ||
		    (*s == '"' && !(strchr(s + 1, '"') && strchr(s + 1, '"') <
		    strchr(s, '@'))))
			s++;
	}
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '>' ||
	    e[-1] == '"' || e[-1] == '\'' || e[-1] == '.' || e[-1] == ';' ||
	    e[-1] == ',' || e[-1] == '\r' || e[-1] == '\n'))
		e--;
	const char *at = memchr(s, '@', (size_t)(e - s));
	/* one address, no blanks, a domain with a dot (not a local one) */
	if (at == NULL || at == s || at + 1 >= e || memchr(s, ' ',
	    (size_t)(e - s)) || memchr(at + 1, '@', (size_t)(e - at - 1)) ||
	    memchr(at + 1, '.', (size_t)(e - at - 1)) == NULL)
		return find_address(v, strlen(v), NULL, NULL);
	a = lowercase_dup(s, (size_t)(e - s));
	return a;
}

/* Is s[i] at a boundary: not preceded by a word character or a dot? */
static bool
word_start(const char *s, size_t i)
{
	/* "ERROR_CODE :5.1.1" (Zoho): a colon after a space opens a word */
	if (i >= 2 && s[i - 1] == ':' && s[i - 2] == ' ')
		return true;
	return i == 0 || !(isalnum((unsigned char)s[i - 1]) || s[i - 1] == '.' ||
	    s[i - 1] == '-' || s[i - 1] == '_' || s[i - 1] == '/' ||
	    s[i - 1] == '=' || s[i - 1] == '@' || s[i - 1] == ':');
}

char *
find_status(const char *s, size_t len)
{
	/* from dot to dot (memchr), each the second byte of a "C.": a
	 * dot is rarer than the digits the class could be */
	for (const char *dot = len > 1 ? memchr(s + 1, '.', len - 1) : NULL;
	    dot != NULL; dot = (size_t)(dot + 1 - s) < len ?
	    memchr(dot + 1, '.', len - (size_t)(dot + 1 - s)) : NULL) {
		size_t i = (size_t)(dot - s) - 1;
		if (i + 5 > len)
			break;
		if (s[i] != '2' && s[i] != '4' && s[i] != '5')
			continue;
		if (!word_start(s, i))
			continue;
		size_t j = i + 2, d = 0;
		while (j < len && isdigit((unsigned char)s[j]) && d < 3)
			j++, d++;
		if (d == 0 || j >= len || s[j] != '.')
			continue;
		size_t k = j + 1, d2 = 0;
		while (k < len && isdigit((unsigned char)s[k]) && d2 < 3)
			k++, d2++;
		if (d2 == 0)
			continue;
		if (k < len && (isalnum((unsigned char)s[k]) ||
		    (s[k] == '.' && k + 1 < len && isdigit((unsigned char)s[k + 1]))))
			continue;
		return xstrndup(s + i, k - i);
	}
	return NULL;
}

char *
find_reply_code(const char *s, size_t len)
{
	for (size_t i = 0; i + 3 <= len; i++) {
		if (s[i] != '2' && s[i] != '4' && s[i] != '5')
			continue;
		if (!word_start(s, i) || !isdigit((unsigned char)s[i + 1]) ||
		    !isdigit((unsigned char)s[i + 2]))
			continue;
		if (s[i + 1] > '5')
			continue;
		if (i + 3 < len && s[i + 3] != ' ' && s[i + 3] != '-' &&
		    s[i + 3] != '\t' && s[i + 3] != '\n' && s[i + 3] != '\r' &&
		    s[i + 3] != ']' && s[i + 3] != ')' && s[i + 3] != ',')
			continue;
		return xstrndup(s + i, 3);
	}
	return NULL;
}

void
strv_add(struct ndr_strv *sv, char *s)
{
	sv->v = xreallocarray(sv->v, sv->n + 1, sizeof *sv->v);
	sv->v[sv->n++] = s;
}

bool
strv_has(const struct ndr_strv *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return true;
	return false;
}

void
strv_free(struct ndr_strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = 0;
}

/*
 * Lowercase ASCII and Latin-1 letters; Latin-1 signs, general punctuation
 * and currency signs (U+00A0-00BF, U+2000-20CF) become spaces.
 */
char *
utf8_fold(const char *s)
{
	size_t n = strlen(s);
	char *o = xcalloc(n + 1, 1), *q = o;
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		if (p[0] == 0xc2 && p[1] >= 0xa0 && p[1] <= 0xbf) {
			*q++ = ' ';
			p += 2;
		} else if (p[0] == 0xc3 && p[1] >= 0x80 && p[1] <= 0x9e &&
		    p[1] != 0x97) {
			*q++ = (char)p[0];
			*q++ = (char)(p[1] + 0x20);
			p += 2;
		} else if (p[0] == 0xe2 && p[1] >= 0x80 && p[1] <= 0x82 &&
		    p[2]) {
			*q++ = ' ';
			p += 3;
		} else
			*q++ = (char)tolower(*p++);
	}
	return o;
}

const char *
next_link_host(const char *p, const char *end, size_t *len)
{
	while (p < end && (p = ci_find(p, (size_t)(end - p), "http")) != NULL) {
		const char *h = p + 4;
		if (h < end && (*h == 's' || *h == 'S'))
			h++;
		if (end - h < 4 || memcmp(h, "://", 3) != 0) {
			p += 4;
			continue;
		}
		h += 3;
		const char *e = h;
		while (e < end && (isalnum((unsigned char)*e) || *e == '-' ||
		    *e == '.'))
			e++;
		*len = (size_t)(e - h);
		return h;
	}
	return NULL;
}
