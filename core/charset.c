/* charset.c - conversions to UTF-8 with the iconv descriptors kept open.
 * libetpan opens and closes one per conversion, which cost more than the
 * parse; its extended_charconv hook lets us keep a few. */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <iconv.h>
#include <string.h>
#include <strings.h>

#include <libetpan/libetpan.h>

#include "engine.h"

#define CACHE_SIZE	8

static struct {
	char	 from[40];
	char	 to[16];
	iconv_t	 cd;
} cache[CACHE_SIZE];
static unsigned next_slot;
/* a scan reads candidates in more than one thread: one conversion at a
 * time through the shared descriptors */
static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;

static iconv_t
descriptor(const char *to, const char *from)
{
	iconv_t cd;

	if (strlen(from) >= sizeof cache[0].from || strlen(to) >= sizeof cache[0].to)
		return (iconv_t)-1;
	for (unsigned i = 0; i < CACHE_SIZE; i++)
		if (cache[i].from[0] && strcasecmp(cache[i].from, from) == 0 &&
		    strcasecmp(cache[i].to, to) == 0)
			return cache[i].cd;
	if ((cd = iconv_open(to, from)) == (iconv_t)-1)
		return cd;
	unsigned s = next_slot++ % CACHE_SIZE;
	if (cache[s].from[0])
		iconv_close(cache[s].cd);
	strcpy(cache[s].from, from);
	strcpy(cache[s].to, to);
	cache[s].cd = cd;
	return cd;
}

/* Is text in charset cs, all of it ASCII, the same bytes in UTF-8? Not
 * in every charset: ISO-2022 and UTF-7 shift with ASCII bytes. */
static bool
ascii_as_is(const char *to, const char *cs, const char *s, size_t n)
{
	if (strcasecmp(to, "utf-8") != 0 || !(strcasecmp(cs, "us-ascii") == 0 ||
	    strcasecmp(cs, "utf-8") == 0 || strcasecmp(cs, "ascii") == 0 ||
	    strncasecmp(cs, "iso-8859-", 9) == 0 ||
	    strncasecmp(cs, "windows-125", 11) == 0))
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return false;
	return true;
}

/* libetpan's contract: result has room for *result_len bytes; on return
 * *result_len is what was written. Invalid input bytes are skipped. */
static int
cached_charconv(const char *to, const char *from, const char *str,
    size_t length, char *result, size_t *result_len)
{
	iconv_t cd;
	char *in = (char *)str, *out = result;
	size_t inleft = length, outleft = *result_len;
	int rc = MAIL_CHARCONV_NO_ERROR;

	/* most of what libetpan converts is ASCII already (every
	 * Content-Type value goes through here): no iconv for it */
	if (length <= *result_len && ascii_as_is(to, from, str, length)) {
		memcpy(result, str, length);
		*result_len = length;
		return MAIL_CHARCONV_NO_ERROR;
	}
	pthread_mutex_lock(&cache_mu);
	if ((cd = descriptor(to, from)) == (iconv_t)-1) {
		pthread_mutex_unlock(&cache_mu);
		return MAIL_CHARCONV_ERROR_UNKNOWN_CHARSET;
	}
	iconv(cd, NULL, NULL, NULL, NULL);	/* a fresh shift state */
	while (inleft > 0) {
		if (iconv(cd, &in, &inleft, &out, &outleft) != (size_t)-1)
			break;
		if (errno == E2BIG) {
			rc = MAIL_CHARCONV_ERROR_MEMORY;
			break;
		}
		if (errno == EINVAL)		/* cut at the end: drop it */
			break;
		in++;				/* EILSEQ: skip one byte */
		inleft--;
	}
	if (rc == MAIL_CHARCONV_NO_ERROR) {
		iconv(cd, NULL, NULL, &out, &outleft);
		*result_len = out - result;
	}
	pthread_mutex_unlock(&cache_mu);
	return rc;
}

static void
hook(void)
{
	extended_charconv = cached_charconv;
}

void
charset_init(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, hook);
}
