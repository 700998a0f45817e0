/* mutf7.c - IMAP's modified UTF-7 for folder names (RFC 3501, 5.1.3). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "imap.h"

/* modified base64: "," where base64 has "/" */
static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

static int
b64_value(unsigned char c)
{
	const char *p = c ? strchr(b64, c) : NULL;

	return p ? (int)(p - b64) : -1;
}

/* One code point from UTF-8 at *s, or -1 when the bytes are not UTF-8
 * (overlong forms, surrogates and values past U+10FFFF included). */
static long
utf8_next(const unsigned char **s)
{
	const unsigned char *p = *s;
	long cp;
	int n;

	if (p[0] < 0x80) {
		*s = p + 1;
		return p[0];
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		cp = p[0] & 0x1f, n = 1;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		cp = p[0] & 0x0f, n = 2;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		cp = p[0] & 0x07, n = 3;
	else
		return -1;
	for (int i = 1; i <= n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return -1;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 ||
	    cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	*s = p + n + 1;
	return cp;
}

static void
utf8_put(struct ndr_buf *b, long cp)
{
	char u[4];
	int n;

	if (cp < 0x80)
		u[0] = (char)cp, n = 1;
	else if (cp < 0x800)
		u[0] = (char)(0xc0 | cp >> 6), u[1] = (char)(0x80 | (cp & 0x3f)),
		    n = 2;
	else if (cp < 0x10000)
		u[0] = (char)(0xe0 | cp >> 12),
		    u[1] = (char)(0x80 | (cp >> 6 & 0x3f)),
		    u[2] = (char)(0x80 | (cp & 0x3f)), n = 3;
	else
		u[0] = (char)(0xf0 | cp >> 18),
		    u[1] = (char)(0x80 | (cp >> 12 & 0x3f)),
		    u[2] = (char)(0x80 | (cp >> 6 & 0x3f)),
		    u[3] = (char)(0x80 | (cp & 0x3f)), n = 4;
	ndr_buf_add(b, u, n);
}

char *
mutf7_encode(const char *utf8)
{
	const unsigned char *s = (const unsigned char *)utf8;
	struct ndr_buf b = { 0 };

	ndr_buf_add(&b, "", 0);
	while (*s) {
		if (*s >= 0x20 && *s <= 0x7e) {
			if (*s == '&')
				ndr_buf_adds(&b, "&-");
			else
				ndr_buf_addc(&b, (char)*s);
			s++;
			continue;
		}
		/* a run of others: UTF-16 bits, six at a time */
		uint32_t bits = 0;
		int nbits = 0;
		ndr_buf_addc(&b, '&');
		while (*s && !(*s >= 0x20 && *s <= 0x7e)) {
			long cp = utf8_next(&s);
			uint16_t u[2];
			int nu = 1;
			if (cp < 0) {
				ndr_buf_free(&b);
				return NULL;
			}
			if (cp >= 0x10000) {
				cp -= 0x10000;
				u[0] = (uint16_t)(0xd800 | cp >> 10);
				u[1] = (uint16_t)(0xdc00 | (cp & 0x3ff));
				nu = 2;
			} else
				u[0] = (uint16_t)cp;
			for (int i = 0; i < nu; i++) {
				bits = bits << 16 | u[i];
				nbits += 16;
				while (nbits >= 6) {
					nbits -= 6;
					ndr_buf_addc(&b, b64[bits >> nbits & 0x3f]);
				}
			}
		}
		if (nbits > 0)
			ndr_buf_addc(&b, b64[bits << (6 - nbits) & 0x3f]);
		ndr_buf_addc(&b, '-');
	}
	return b.s;
}

char *
mutf7_decode(const char *m)
{
	const unsigned char *s = (const unsigned char *)m;
	struct ndr_buf b = { 0 };

	ndr_buf_add(&b, "", 0);
	while (*s) {
		if (*s < 0x20 || *s > 0x7e)
			goto bad;
		if (*s != '&') {
			ndr_buf_addc(&b, (char)*s++);
			continue;
		}
		s++;
		if (*s == '-') {	/* "&-" is "&" */
			ndr_buf_addc(&b, '&');
			s++;
			continue;
		}
		uint32_t bits = 0;
		int nbits = 0, n = 0;
		long high = 0;	/* a high surrogate waiting for its pair */
		for (; *s != '-'; s++, n++) {
			int v = b64_value(*s);
			if (v < 0)
				goto bad;
			bits = bits << 6 | (uint32_t)v;
			nbits += 6;
			if (nbits < 16)
				continue;
			nbits -= 16;
			long u = bits >> nbits & 0xffff;
			if (high) {
				if (u < 0xdc00 || u > 0xdfff)
					goto bad;
				utf8_put(&b, 0x10000 + ((high - 0xd800) << 10) +
				    (u - 0xdc00));
				high = 0;
			} else if (u >= 0xd800 && u <= 0xdbff)
				high = u;
			else if (u >= 0xdc00 && u <= 0xdfff)
				goto bad;
			else if (u >= 0x20 && u <= 0x7e)
				goto bad;	/* must have been written as itself */
			else
				utf8_put(&b, u);
		}
		/* "&-" handled above; an empty or unfinished run is invalid,
		 * and the bits left over must be zero padding */
		if (n == 0 || high || nbits >= 6 ||
		    (bits & ((1u << nbits) - 1)) != 0)
			goto bad;
		s++;
	}
	return b.s;
bad:
	ndr_buf_free(&b);
	return NULL;
}
