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

/* One session's IDLE: its lines, its tag, whether it heard anything. */
struct idling {
	struct lines	*l;
	char		 tag[16];
	int		 changed;
};

/* EXAMINE folder and begin IDLE on c, up to the continuation (what comes
 * before it counts as a change). 0, or -1 with err (the session broken
 * where the stream failed). */
static int
idle_begin(struct imap_conn *c, const char *folder, struct idling *d,
    char *err, size_t errlen)
{
	static unsigned serial;
	char cmd[32], *wire;

	d->changed = 0;
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
	snprintf(d->tag, sizeof d->tag, "w%u", ++serial);
	snprintf(cmd, sizeof cmd, "%s IDLE\r\n", d->tag);
	if (send_line(c, cmd, err, errlen) != 0)
		return -1;
	if ((d->l = calloc(1, sizeof *d->l)) == NULL)
		abort();
	d->l->s = c->s->imap_stream;
	/* untagged data may come before the continuation: it counts */
	for (;;) {
		if (next_line(d->l) != 0)
			goto lost;
		if (d->l->line[0] == '+')
			return 0;
		if (strncmp(d->l->line, d->tag, strlen(d->tag)) == 0) {
			snprintf(err, errlen, "the server refused IDLE: %.200s",
			    d->l->line + strlen(d->tag));
			return -1;
		}
		d->changed = 1;
	}
lost:
	snprintf(err, errlen, "IDLE on %s: %s", folder, imap_why(c,
	    MAILIMAP_ERROR_STREAM));
	imap_break(c, err);
	return -1;
}

/* DONE, and what the server says up to IDLE's tagged end: 1 something
 * changed, 0 nothing, -1 with err (the session broken). */
static int
idle_end(struct imap_conn *c, const char *folder, struct idling *d,
    char *err, size_t errlen)
{
	struct lines *l = d->l;

	if (send_line(c, "DONE\r\n", err, errlen) != 0)
		return -1;
	for (;;) {
		if (next_line(l) != 0) {
			snprintf(err, errlen, "IDLE on %s: %s", folder,
			    imap_why(c, MAILIMAP_ERROR_STREAM));
			imap_break(c, err);
			return -1;
		}
		if (strncmp(l->line, d->tag, strlen(d->tag)) == 0)
			break;
		if (l->line[0] == '*')
			d->changed = 1;
	}
	if (strncmp(l->line + strlen(d->tag), " OK", 3) != 0) {
		snprintf(err, errlen, "IDLE ended badly: %.200s", l->line +
		    strlen(d->tag));
		imap_break(c, err);
		return -1;
	}
	/* anything read past the tagged answer would leave the stream out
	 * of step with libetpan: the server sends nothing unasked there */
	if (l->off != l->have) {
		snprintf(err, errlen, "IDLE: the server went on after its "
		    "answer");
		imap_break(c, err);
		return -1;
	}
	return d->changed;
}

int
imap_idle_set(struct imap_conn *const *c, const char *const *folder,
    size_t n, int timeout_ms, volatile sig_atomic_t *stop, size_t *broken,
    char *err, size_t errlen)
{
	struct idling *d = calloc(n ? n : 1, sizeof *d);
	struct pollfd *p = calloc(n ? n : 1, sizeof *p);
	size_t begun = 0;
	int changed = 0, rc = -1;

	if (d == NULL || p == NULL)
		abort();
	*broken = 0;
	for (; begun < n; begun++)
		if (idle_begin(c[begun], folder[begun], &d[begun], err,
		    errlen) != 0) {
			*broken = begun;
			goto end;
		}
	/* wait for a line on any, the time, or stop; what was read along
	 * with a continuation is a line already */
	for (size_t i = 0; i < n; i++) {
		p[i].fd = mailstream_low_get_fd(mailstream_get_low(d[i].l->s));
		p[i].events = POLLIN;
		changed |= d[i].changed || d[i].l->off != d[i].l->have;
	}
	int64_t stop_at = now_ms() + timeout_ms;
	while (!changed && !*stop) {
		int64_t left = stop_at - now_ms();
		if (left <= 0)
			break;
		int k = poll(p, n, left > 1000 ? 1000 : (int)left);
		if (k < 0 && errno != EINTR) {
			snprintf(err, errlen, "IDLE: %s", strerror(errno));
			*broken = 0;
			goto end;
		}
		if (k > 0)
			changed = 1;
	}
	rc = changed;
end:
	/* every IDLE begun is ended, whatever happened to another */
	for (size_t i = 0; i < begun; i++) {
		char e[256];
		int r = idle_end(c[i], folder[i], &d[i], e, sizeof e);
		if (r < 0 && rc >= 0) {
			snprintf(err, errlen, "%s", e);
			*broken = i;
			rc = -1;
		} else if (r > 0 && rc >= 0)
			rc = 1;
	}
	for (size_t i = 0; i < n; i++)
		free(d[i].l);
	free(d);
	free(p);
	return rc;
}

int
imap_idle(struct imap_conn *c, const char *folder, int timeout_ms,
    volatile sig_atomic_t *stop, char *err, size_t errlen)
{
	size_t broken;

	return imap_idle_set(&c, &folder, 1, timeout_ms, stop, &broken, err,
	    errlen);
}
