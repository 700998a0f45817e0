/*
 * deflate.c - COMPRESS=DEFLATE (RFC 4978): after the command's OK, both
 * directions of the session are raw deflate streams.
 *
 * libetpan has the command, but Debian's build has no zlib behind it
 * (mailstream_low_compress_open gives NULL). This is a mailstream driver
 * of ours between the guard and the socket (or TLS): the guard sees the
 * bytes inflated, so its caps and pace hold for what the server means,
 * not for what it sent (a small compressed answer that inflates without
 * end still trips the cap).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libetpan/libetpan.h>
#include <zlib.h>

#include "deflate.h"
#include "guard.h"

#define ZBUF	16384

struct zlow {
	mailstream_low	*inner;
	z_stream	 in, out;
	bool		 pending;	/* inflate may hold more output */
	unsigned char	 ibuf[ZBUF], obuf[ZBUF];
};

static ssize_t
z_read(mailstream_low *l, void *buf, size_t n)
{
	struct zlow *z = l->data;

	for (;;) {
		if (z->in.avail_in > 0 || z->pending) {
			z->in.next_out = buf;
			z->in.avail_out = (uInt)(n > ZBUF ? ZBUF : n);
			uInt room = z->in.avail_out;
			int rc = inflate(&z->in, Z_SYNC_FLUSH);
			if (rc != Z_OK && rc != Z_BUF_ERROR)
				goto broken;	/* not deflate, or its end */
			z->pending = z->in.avail_out == 0;
			if (room - z->in.avail_out > 0)
				return (ssize_t)(room - z->in.avail_out);
			if (z->in.avail_in > 0 && !z->pending)
				goto broken;	/* input it cannot take */
		}
		/* nothing to give without more from the server: wait for it */
		ssize_t r = mailstream_low_read(z->inner, z->ibuf, sizeof z->ibuf);
		if (r <= 0)
			return r;
		z->in.next_in = z->ibuf;
		z->in.avail_in = (uInt)r;
	}
broken:
	errno = EBADMSG;	/* the guard tells it from a lost connection */
	return -1;
}

/* all of n bytes to the inner stream */
static int
write_all(mailstream_low *inner, const unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = mailstream_low_write(inner, p, n);
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static ssize_t
z_write(mailstream_low *l, const void *buf, size_t n)
{
	struct zlow *z = l->data;

	/* each write flushed whole: a command must reach the server */
	z->out.next_in = (unsigned char *)(uintptr_t)buf;
	z->out.avail_in = (uInt)n;
	do {
		z->out.next_out = z->obuf;
		z->out.avail_out = sizeof z->obuf;
		if (deflate(&z->out, Z_SYNC_FLUSH) == Z_STREAM_ERROR)
			return -1;
		if (write_all(z->inner, z->obuf, sizeof z->obuf -
		    z->out.avail_out) != 0)
			return -1;
	} while (z->out.avail_out == 0);
	return (ssize_t)n;
}

static int
z_close(mailstream_low *l)
{
	return mailstream_low_close(((struct zlow *)l->data)->inner);
}

static int
z_get_fd(mailstream_low *l)
{
	return mailstream_low_get_fd(((struct zlow *)l->data)->inner);
}

static void
z_free(mailstream_low *l)
{
	struct zlow *z = l->data;

	inflateEnd(&z->in);
	deflateEnd(&z->out);
	if (z->inner)
		mailstream_low_free(z->inner);
	free(z);
	free(l);
}

static void
z_cancel(mailstream_low *l)
{
	mailstream_low_cancel(((struct zlow *)l->data)->inner);
}

static struct mailstream_cancel *
z_get_cancel(mailstream_low *l)
{
	return mailstream_low_get_cancel(((struct zlow *)l->data)->inner);
}

static carray *
z_chain(mailstream_low *l)
{
	return mailstream_low_get_certificate_chain(
	    ((struct zlow *)l->data)->inner);
}

static mailstream_low_driver driver = {
	.mailstream_read = z_read,
	.mailstream_write = z_write,
	.mailstream_close = z_close,
	.mailstream_get_fd = z_get_fd,
	.mailstream_free = z_free,
	.mailstream_cancel = z_cancel,
	.mailstream_get_cancel = z_get_cancel,
	.mailstream_get_certificate_chain = z_chain,
};

/* inner wrapped in a deflate stream of each direction; NULL when zlib
 * cannot start (inner is left as it was) */
static mailstream_low *
zlow_wrap(mailstream_low *inner, void *arg)
{
	struct zlow *z = calloc(1, sizeof *z);
	mailstream_low *l;

	(void)arg;
	if (z == NULL)
		return NULL;
	/* raw deflate (no zlib header), as RFC 4978 says; level 1: the
	 * client's CPU is what a slow link leaves it */
	if (inflateInit2(&z->in, -15) != Z_OK) {
		free(z);
		return NULL;
	}
	if (deflateInit2(&z->out, 1, Z_DEFLATED, -15, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK) {
		inflateEnd(&z->in);
		free(z);
		return NULL;
	}
	z->inner = inner;
	if ((l = mailstream_low_new(z, &driver)) == NULL) {
		inflateEnd(&z->in);
		deflateEnd(&z->out);
		free(z);
		return NULL;
	}
	return l;
}

bool
deflate_layer(mailstream *s)
{
	return guard_layer(s, zlow_wrap, NULL);
}
