/*
 * idle.c - IDLE (RFC 2177): wait on a folder until the server says
 * something changed, a time passes, or the caller is asked to stop.
 *
 * Sent and read by hand, not with libetpan's mailimap_idle(): that one
 * can hang (1.9.4) when untagged data comes before the "+" continuation,
 * which is exactly when mail arrives as IDLE begins. What the server
 * says while idling is not parsed: any line is "something changed", and
 * the caller scans what is new (by UID) after.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libetpan/libetpan.h>

#include "core/core.h"
#include "imap.h"

struct lines {
	mailstream	*s;
	char		 buf[8192];
	size_t		 have, off;
	char		 line[1024];
};

/* The next line (CRLF dropped, cut to what line holds); -1 when the
 * stream failed. */
static int
next_line(struct lines *l)
{
	size_t n = 0;

	for (;;) {
		if (l->off == l->have) {
			ssize_t r = mailstream_read(l->s, l->buf, sizeof l->buf);
			if (r <= 0)
				return -1;
			l->have = (size_t)r;
			l->off = 0;
		}
		char ch = l->buf[l->off++];
		if (ch == '\n')
			break;
		if (ch != '\r' && n + 1 < sizeof l->line)
			l->line[n++] = ch;
	}
	l->line[n] = '\0';
	return 0;
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
send_line(struct imap_conn *c, const char *s, char *err, size_t errlen)
{
	size_t n = strlen(s);

	if (mailstream_write(c->s->imap_stream, s, n) != (ssize_t)n ||
	    mailstream_flush(c->s->imap_stream) != 0) {
		snprintf(err, errlen, "IDLE failed: connection lost");
		imap_break(c, err);
		return -1;
	}
	return 0;
}

int
imap_idle(struct imap_conn *c, const char *folder, int timeout_ms,
    volatile sig_atomic_t *stop, char *err, size_t errlen)
{
	static unsigned serial;
	struct lines *l;
	char tag[16], cmd[32], *wire;
	int changed = 0, rc = -1;

	if (!imap_usable(c)) {
		snprintf(err, errlen, "IDLE failed: connection lost");
		return -1;
	}
	if ((wire = mutf7_encode(folder)) == NULL) {
		snprintf(err, errlen, "%s: not a valid folder name", folder);
		return -1;
	}
	int r = mailimap_examine(c->s, wire);
	free(wire);
	if (r != MAILIMAP_NO_ERROR) {
		snprintf(err, errlen, "IDLE on %s: %s", folder, imap_why(c, r));
		return -1;
	}
	snprintf(tag, sizeof tag, "w%u", ++serial);
	snprintf(cmd, sizeof cmd, "%s IDLE\r\n", tag);
	if (send_line(c, cmd, err, errlen) != 0)
		return -1;
	if ((l = calloc(1, sizeof *l)) == NULL)
		abort();
	l->s = c->s->imap_stream;
	/* untagged data may come before the continuation: it counts */
	for (;;) {
		if (next_line(l) != 0)
			goto lost;
		if (l->line[0] == '+')
			break;
		if (strncmp(l->line, tag, strlen(tag)) == 0) {
			snprintf(err, errlen, "the server refused IDLE: %.200s",
			    l->line + strlen(tag));
			goto out;
		}
		changed = 1;
	}
	/* wait for a line, the time, or stop; what was read along with the
	 * continuation is a line already */
	int fd = mailstream_low_get_fd(mailstream_get_low(l->s));
	int64_t end = now_ms() + timeout_ms;
	while (!changed && !*stop && l->off == l->have) {
		int64_t left = end - now_ms();
		if (left <= 0)
			break;
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int n = poll(&p, 1, left > 1000 ? 1000 : (int)left);
		if (n < 0 && errno != EINTR)
			goto lost;
		if (n > 0)
			changed = 1;
	}
	if (send_line(c, "DONE\r\n", err, errlen) != 0)
		goto out;
	/* what the server says up to the tagged end of IDLE */
	for (;;) {
		if (next_line(l) != 0)
			goto lost;
		if (strncmp(l->line, tag, strlen(tag)) == 0)
			break;
		if (l->line[0] == '*')
			changed = 1;
	}
	if (strncmp(l->line + strlen(tag), " OK", 3) != 0) {
		snprintf(err, errlen, "IDLE ended badly: %.200s", l->line +
		    strlen(tag));
		imap_break(c, err);
		goto out;
	}
	/* anything read past the tagged answer would leave the stream out
	 * of step with libetpan: the server sends nothing unasked there */
	if (l->off != l->have) {
		snprintf(err, errlen, "IDLE: the server went on after its "
		    "answer");
		imap_break(c, err);
		goto out;
	}
	rc = changed;
	goto out;
lost:
	{
		const char *why = imap_why(c, MAILIMAP_ERROR_STREAM);
		snprintf(err, errlen, "IDLE on %s: %s", folder, why);
		imap_break(c, err);
	}
out:
	free(l);
	return rc;
}
