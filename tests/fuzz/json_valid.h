/*
 * json_valid.h - the fuzzers' oracle: is this text exactly one JSON value
 * (RFC 8259), strings valid UTF-8 without raw control characters? A
 * writer that ever says no has a bug, crash or not.
 */
#ifndef JSON_VALID_H
#define JSON_VALID_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

struct jv {
	const unsigned char	*p, *end;
	int			 depth;
};

static bool jv_value(struct jv *);

static void
jv_ws(struct jv *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
	    *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static bool
jv_lit(struct jv *j, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n) != 0)
		return false;
	j->p += n;
	return true;
}

static bool
jv_string(struct jv *j)
{
	if (j->p >= j->end || *j->p != '"')
		return false;
	j->p++;
	while (j->p < j->end) {
		unsigned char c = *j->p;
		if (c == '"') {
			j->p++;
			return true;
		}
		if (c < 0x20)
			return false;
		if (c == '\\') {
			if (++j->p >= j->end)
				return false;
			c = *j->p++;
			if (c == 'u') {
				for (int i = 0; i < 4; i++, j->p++)
					if (j->p >= j->end || !strchr(
					    "0123456789abcdefABCDEF", *j->p) ||
					    *j->p == '\0')
						return false;
			} else if (!strchr("\"\\/bfnrt", c) || c == '\0')
				return false;
			continue;
		}
		if (c < 0x80) {
			j->p++;
			continue;
		}
		/* UTF-8: the shortest form, no surrogates, up to U+10FFFF */
		int n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 :
		    c >= 0xc2 && c <= 0xdf ? 2 : 0;
		if (n == 0 || c > 0xf4 || j->end - j->p < n)
			return false;
		unsigned long cp = c & (0xff >> (n + 1));
		for (int i = 1; i < n; i++) {
			if ((j->p[i] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (j->p[i] & 0x3f);
		}
		if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 ||
		    cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		j->p += n;
	}
	return false;
}

static bool
jv_number(struct jv *j)
{
	const unsigned char *s = j->p;

	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p >= j->end)
		return false;
	if (*j->p == '0')
		j->p++;
	else if (*j->p >= '1' && *j->p <= '9')
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	else
		return false;
	if (j->p < j->end && *j->p == '.') {
		j->p++;
		if (j->p >= j->end || *j->p < '0' || *j->p > '9')
			return false;
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (j->p >= j->end || *j->p < '0' || *j->p > '9')
			return false;
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	return j->p > s;
}

static bool
jv_container(struct jv *j, char close)
{
	bool object = close == '}';

	if (++j->depth > 200)
		return false;
	j->p++;
	jv_ws(j);
	if (j->p < j->end && *j->p == close) {
		j->p++;
		j->depth--;
		return true;
	}
	for (;;) {
		jv_ws(j);
		if (object) {
			if (!jv_string(j))
				return false;
			jv_ws(j);
			if (j->p >= j->end || *j->p++ != ':')
				return false;
		}
		if (!jv_value(j))
			return false;
		jv_ws(j);
		if (j->p >= j->end)
			return false;
		if (*j->p == ',') {
			j->p++;
			continue;
		}
		if (*j->p++ != close)
			return false;
		j->depth--;
		return true;
	}
}

static bool
jv_value(struct jv *j)
{
	jv_ws(j);
	if (j->p >= j->end)
		return false;
	switch (*j->p) {
	case '{': return jv_container(j, '}');
	case '[': return jv_container(j, ']');
	case '"': return jv_string(j);
	case 't': return jv_lit(j, "true");
	case 'f': return jv_lit(j, "false");
	case 'n': return jv_lit(j, "null");
	default: return jv_number(j);
	}
}

/* Exactly one JSON value, nothing after it but white space. */
static inline bool
json_valid(const char *s, size_t len)
{
	struct jv j = { (const unsigned char *)s, (const unsigned char *)s +
	    len, 0 };

	if (!jv_value(&j))
		return false;
	jv_ws(&j);
	return j.p == j.end;
}

#endif
