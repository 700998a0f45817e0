/*
 * decode.c - the content transfer encodings of a part's body.
 *
 * Decoded the way libetpan's own part decoder reads them (which the
 * engine used before; its rules are the ones the corpora were measured
 * with), in one pass and one allocation instead of a growing string:
 * - base64: every byte outside the alphabet is skipped, padding included;
 *   two or three leftover digits give one or two bytes.
 * - quoted-printable: "=XY" is the byte, a digit that is not hex counting
 *   as 0; "=" ending a line joins it to the next; every line ends CRLF
 *   (a lone CR or LF becomes CRLF, a CR at the very end is dropped); an
 *   "=" too close to the end to be a code is kept as it is.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

static signed char b64val[256];

static void
b64_table(void)
{
	static const char digits[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	memset(b64val, -1, sizeof b64val);
	for (int i = 0; i < 64; i++)
		b64val[(unsigned char)digits[i]] = (signed char)i;
}

size_t
b64_decode(const char *s, size_t n, char *out)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	unsigned char *o = (unsigned char *)out;
	unsigned v = 0;
	int k = 0;

	pthread_once(&once, b64_table);
	for (; p < end; p++) {
		int d = b64val[*p];
		if (d < 0)
			continue;
		v = v << 6 | (unsigned)d;
		if (++k == 4) {
			*o++ = (unsigned char)(v >> 16);
			*o++ = (unsigned char)(v >> 8);
			*o++ = (unsigned char)v;
			v = 0;
			k = 0;
		}
	}
	if (k == 1)
		*o++ = (unsigned char)(v << 2);
	else if (k == 2)
		*o++ = (unsigned char)(v >> 4);
	else if (k == 3) {
		*o++ = (unsigned char)(v >> 10);
		*o++ = (unsigned char)(v >> 2);
	}
	return (size_t)(o - (unsigned char *)out);
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 0;
}

/* The bytes quoted-printable gives a meaning: '=', CR and LF. */
static const bool qp_special[256] = { ['='] = true, ['\r'] = true,
    ['\n'] = true };

/* From i, blanks and then a line end (or the end): where the next line
 * starts; otherwise 0. */
static size_t
qp_blanks_to_eol(const char *s, size_t n, size_t i)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i >= n)
		return n;
	if (s[i] == '\n')
		return i + 1;
	if (s[i] == '\r')
		return i + 1 < n && s[i + 1] == '\n' ? i + 2 : i + 1;
	return 0;
}

size_t
qp_decode(const char *s, size_t n, char *out)
{
	char *o = out, *kept = out;	/* kept: output up to the last code */
	size_t i = 0;

	while (i < n) {
		/* the run up to the next byte that means something */
		size_t j = i;
		while (j < n && !qp_special[(unsigned char)s[j]])
			j++;
		memcpy(o, s + i, j - i);
		o += j - i;
		if ((i = j) >= n)
			break;
		if (s[i] == '\n' || s[i] == '\r') {
			/* blanks before a line end were added on the way
			 * (RFC 2045 6.7): out, unless written as codes */
			while (o > kept && (o[-1] == ' ' || o[-1] == '\t'))
				o--;
		}
		if (s[i] == '\n') {
			*o++ = '\r';
			*o++ = '\n';
			i++;
		} else if (s[i] == '\r') {
			if (i + 1 >= n)		/* a CR at the very end */
				break;
			*o++ = '\r';
			*o++ = '\n';
			i += s[i + 1] == '\n' ? 2 : 1;
		} else if (i + 1 >= n) {	/* "=" last */
			*o++ = '=';
			i++;
		} else if ((s[i + 1] == ' ' || s[i + 1] == '\t') &&
		    qp_blanks_to_eol(s, n, i + 1) != 0) {
			/* "=" and blanks added on the way: a soft break */
			i = qp_blanks_to_eol(s, n, i + 1);
			kept = o;
		} else if (s[i + 1] == '\n') {	/* soft line break */
			i += 2;
			kept = o;
		} else if (s[i + 1] == '\r') {
			if (i + 2 >= n)
				break;
			i += s[i + 2] == '\n' ? 3 : 2;
			kept = o;
		} else if (i + 2 >= n) {	/* "=X" last: the X */
			*o++ = s[i + 1];
			i += 2;
		} else {
			*o++ = (char)(hexval(s[i + 1]) << 4 | hexval(s[i + 2]));
			kept = o;
			i += 3;
		}
	}
	return (size_t)(o - out);
}
