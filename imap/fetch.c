/*
 * fetch.c - the scan's FETCH commands, read without libetpan's parser.
 *
 * Phase one asks every new message for its UID, size, flags and a few
 * header fields; phase two asks the candidates for their content. libetpan
 * parses each answer into a tree of allocations (the field list the
 * server echoes included) and frees it again: twice the work of
 * everything ndrsweep then does with the message. This reads the answers
 * straight off the session's stream: one buffer, no tree.
 *
 * Only these commands are read so; the session stays libetpan's for the
 * rest (the stream is left after the tagged answer, as libetpan leaves it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libetpan/libetpan.h>

#include "core/core.h"
#include "guard.h"
#include "imap.h"

/* one answer larger is not read: phase two's content is capped at 2 MB,
 * phase one's header fields are far smaller */
#define RESPONSE_MAX	(24u << 20)

struct wire {
	mailstream	*s;
	char		 in[1 << 16];
	size_t		 have, off;
	struct ndr_buf	 r;		/* the answer being read, as sent */
};

/* More bytes from the stream when all read are used; -1 at its end. */
static int
refill(struct wire *r)
{
	if (r->off < r->have)
		return 0;
	ssize_t n = mailstream_read(r->s, r->in, sizeof r->in);
	if (n <= 0)
		return -1;
	r->have = (size_t)n;
	r->off = 0;
	return 0;
}

/* Appends the next line, CRLF included, to r->r; -1 when the stream ends. */
static int
read_line(struct wire *r)
{
	for (;;) {
		if (refill(r) != 0)
			return -1;
		const char *nl = memchr(r->in + r->off, '\n', r->have - r->off);
		size_t n = nl ? (size_t)(nl - (r->in + r->off)) + 1 :
		    r->have - r->off;
		if (r->r.len + n > RESPONSE_MAX)
			return -2;
		ndr_buf_add(&r->r, r->in + r->off, n);
		r->off += n;
		if (nl)
			return 0;
	}
}

/* Appends the next want bytes (a literal) to r->r. */
static int
read_bytes(struct wire *r, size_t want)
{
	if (r->r.len + want > RESPONSE_MAX)
		return -2;
	while (want > 0) {
		if (refill(r) != 0)
			return -1;
		size_t n = r->have - r->off < want ? r->have - r->off : want;
		ndr_buf_add(&r->r, r->in + r->off, n);
		r->off += n;
		want -= n;
	}
	return 0;
}

/* The literal size a line ends with ("... {123}\r\n"), or -1. */
static long long
literal_at_end(const char *s, size_t n)
{
	size_t e = n;

	if (e >= 2 && s[e - 2] == '\r')
		e -= 2;
	else if (e >= 1 && s[e - 1] == '\n')
		e -= 1;
	if (e < 3 || s[e - 1] != '}')
		return -1;
	size_t b = e - 1;
	long long v = 0;
	while (b > 0 && s[b - 1] >= '0' && s[b - 1] <= '9' && e - b < 12) {
		b--;
	}
	if (b == 0 || s[b - 1] != '{' || b == e - 1)
		return -1;
	for (size_t i = b; i < e - 1; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* One whole answer: a line, and each literal it announces with the
 * line that goes on after it. -1 the stream ended, -2 over RESPONSE_MAX. */
static int
read_response(struct wire *r)
{
	long long lit;
	int rc;

	r->r.len = 0;
	if ((rc = read_line(r)) != 0)
		return rc;
	while ((lit = literal_at_end(r->r.s, r->r.len)) >= 0)
		if ((rc = read_bytes(r, (size_t)lit)) != 0 ||
		    (rc = read_line(r)) != 0)
			return rc;
	return 0;
}

/* ---- the answer's grammar, as much of it as a FETCH needs ---- */

struct cur {
	const char	*p, *end;
};

static void
sp(struct cur *c)
{
	while (c->p < c->end && *c->p == ' ')
		c->p++;
}

static bool
number(struct cur *c, uint32_t *v)
{
	uint64_t x = 0;
	const char *s = c->p;

	while (c->p < c->end && *c->p >= '0' && *c->p <= '9' && x < 1ull << 32)
		x = x * 10 + (uint64_t)(*c->p++ - '0');
	*v = (uint32_t)x;
	return c->p > s && x < 1ull << 32;
}

/* A string: literal, quoted or NIL (*out NULL). */
static bool
nstring(struct cur *c, const char **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	if (c->end - c->p >= 3 && ndr_ascii_ieq(c->p, "NIL", 3)) {
		c->p += 3;
		return true;
	}
	if (c->p < c->end && *c->p == '{') {
		uint32_t n;
		c->p++;
		if (!number(c, &n) || c->end - c->p < 3 || c->p[0] != '}' ||
		    c->p[1] != '\r' || c->p[2] != '\n' ||
		    (size_t)(c->end - c->p - 3) < n)
			return false;
		*out = c->p + 3;
		*len = n;
		c->p += 3 + n;
		return true;
	}
	if (c->p < c->end && *c->p == '"') {
		const char *s = ++c->p;
		while (c->p < c->end && *c->p != '"')
			c->p += *c->p == '\\' && c->p + 1 < c->end ? 2 : 1;
		if (c->p >= c->end)
			return false;
		*out = s;	/* escapes kept: header fields hardly hold any */
		*len = (size_t)(c->p - s);
		c->p++;
		return true;
	}
	return false;
}

/* Any one value, skipped: a list (nested), a string, an atom. */
static bool
skip_value(struct cur *c, int depth)
{
	const char *s;
	size_t n;

	if (depth > 16 || c->p >= c->end)
		return false;
	if (*c->p == '(') {
		c->p++;
		for (;;) {
			sp(c);
			if (c->p >= c->end)
				return false;
			if (*c->p == ')') {
				c->p++;
				return true;
			}
			if (!skip_value(c, depth + 1))
				return false;
		}
	}
	if (*c->p == '"' || *c->p == '{')
		return nstring(c, &s, &n);
	s = c->p;
	while (c->p < c->end && *c->p != ' ' && *c->p != ')' && *c->p != '(' &&
	    *c->p != '\r' && *c->p != '\n') {
		if (*c->p == '[') {	/* BODY[...]: to its end */
			const char *e = memchr(c->p, ']', (size_t)(c->end - c->p));
			if (e == NULL)
				return false;
			c->p = e;
		}
		c->p++;
	}
	return c->p > s;
}

/* "\\Seen \\Answered $Label" as the flags of the store, \Recent left out
 * (it is the session's, not the message's) and system flags spelled one
 * way. */
static char *
flags_text(const char *s, size_t n)
{
	static const struct { const char *name; size_t len; } sys[] = {
		{ "\\Answered", 9 }, { "\\Flagged", 8 }, { "\\Deleted", 8 },
		{ "\\Seen", 5 }, { "\\Draft", 6 }, { NULL, 0 } };
	struct ndr_buf b = { 0 };
	const char *end = s + n;

	ndr_buf_add(&b, "", 0);
	while (s < end) {
		while (s < end && *s == ' ')
			s++;
		const char *e = s;
		while (e < end && *e != ' ')
			e++;
		size_t len = (size_t)(e - s);
		if (len == 0)
			break;
		const char *name = NULL;
		for (size_t i = 0; sys[i].name; i++)
			if (sys[i].len == len &&
			    ndr_ascii_ieq(s, sys[i].name, len))
				name = sys[i].name;
		if (!(len == 7 && ndr_ascii_ieq(s, "\\Recent", 7))) {
			if (b.len)
				ndr_buf_addc(&b, ' ');
			if (name)
				ndr_buf_adds(&b, name);
			else
				ndr_buf_add(&b, s, len);
		}
		s = e;
	}
	return b.s;
}

/* "* N FETCH (...)": the items a scan asks for; false if it does not
 * read as one. */
static bool
fetch_items(struct cur *c, struct imap_fetched *f)
{
	sp(c);
	if (c->p >= c->end || *c->p != '(')
		return false;
	c->p++;
	for (;;) {
		sp(c);
		if (c->p >= c->end)
			return false;
		if (*c->p == ')')
			return true;
		const char *name = c->p;
		while (c->p < c->end && *c->p != ' ' && *c->p != '[' &&
		    *c->p != '(' && *c->p != ')')
			c->p++;
		size_t nl = (size_t)(c->p - name);
		if (nl == 3 && ndr_ascii_ieq(name, "UID", 3)) {
			sp(c);
			if (!number(c, &f->uid))
				return false;
		} else if (nl == 11 && ndr_ascii_ieq(name, "RFC822.SIZE", 11)) {
			sp(c);
			if (!number(c, &f->size))
				return false;
		} else if (nl == 5 && ndr_ascii_ieq(name, "FLAGS", 5)) {
			sp(c);
			if (c->p >= c->end || *c->p != '(')
				return false;
			const char *e = memchr(c->p, ')', (size_t)(c->end - c->p));
			if (e == NULL)
				return false;
			free(f->flags);	/* twice: the last one */
			f->flags = flags_text(c->p + 1, (size_t)(e - c->p - 1));
			c->p = e + 1;
		} else if (nl == 4 && ndr_ascii_ieq(name, "BODY", 4) &&
		    c->p < c->end && *c->p == '[') {
			const char *e = memchr(c->p, ']', (size_t)(c->end - c->p));
			if (e == NULL)
				return false;
			c->p = e + 1;
			if (c->p < c->end && *c->p == '<') {	/* <origin> */
				e = memchr(c->p, '>', (size_t)(c->end - c->p));
				if (e == NULL)
					return false;
				c->p = e + 1;
			}
			sp(c);
			if (!nstring(c, &f->body, &f->bodylen))
				return false;
		} else {
			sp(c);
			if (!skip_value(c, 0))
				return false;
		}
	}
}

static void
append_set(struct ndr_buf *b, const struct mailimap_set *set)
{
	bool first = true;

	for (clistiter *it = clist_begin(set->set_list); it;
	    it = clist_next(it)) {
		const struct mailimap_set_item *i = clist_content(it);
		if (!first)
			ndr_buf_addc(b, ',');
		first = false;
		if (i->set_first == 0)
			ndr_buf_addc(b, '*');
		else
			ndr_buf_printf(b, "%u", i->set_first);
		if (i->set_last != i->set_first) {
			if (i->set_last == 0)
				ndr_buf_adds(b, ":*");
			else
				ndr_buf_printf(b, ":%u", i->set_last);
		}
	}
}

/* What one answer to a command was. */
enum answer { MORE, DONE, FAILED, FAILED_TAGGED };

/* An untagged answer ("* " already read at c->p), the command's own: MORE,
 * or FAILED (with err) when it cannot be read. */
typedef enum answer untagged_fn(struct cur *, void *arg, char *err,
    size_t errlen);

/* One answer read: the tagged end of one of the n commands tagged
 * n<first> on (*which: its index; OK, or NO/BAD in err), an untagged one
 * to fn, or one that ends the commands (BYE, what cannot be read). what
 * names the command in err. */
static enum answer
answer(struct wire *r, unsigned first, size_t n, size_t *which,
    const char *what, untagged_fn *fn, void *arg, char *err, size_t errlen)
{
	struct cur cu = { r->r.s, r->r.s + r->r.len }, t = cu;
	uint32_t k;

	if (t.p < t.end && *t.p++ == 'n' && number(&t, &k) && t.p < t.end &&
	    *t.p == ' ' && k - first < n) {
		const char *st = t.p + 1;
		*which = k - first;
		if (strncasecmp(st, "OK", 2) == 0)
			return DONE;
		/* NO or BAD: what the server said, one line */
		st += strcspn(st, " \r\n");
		st += *st == ' ';
		snprintf(err, errlen, "%s failed: %.*s", what,
		    (int)strcspn(st, "\r\n"), st);
		return FAILED_TAGGED;
	}
	if (cu.end - cu.p < 2 || cu.p[0] != '*' || cu.p[1] != ' ') {
		snprintf(err, errlen, "%s failed: a reply ndrsweep could not "
		    "read", what);
		return FAILED;
	}
	cu.p += 2;
	if (cu.end - cu.p >= 3 && ndr_ascii_ieq(cu.p, "BYE", 3)) {
		snprintf(err, errlen, "%s failed: connection lost", what);
		return FAILED;
	}
	return fn(&cu, arg, err, errlen);
}

/*
 * The n commands "TAG cmd[i]" sent in one write (pipelined: for commands
 * that do not depend on each other), and their answers read off the
 * stream without libetpan's parser, each untagged one to fn as it comes;
 * ok[i] says whether command i ended in OK (a NO or BAD in err). -1 and
 * one line in err when the connection drops or an answer cannot be read
 * (the stream is out of step then: never talked to again).
 */
static int
raw_commands(struct imap_conn *c, const char *what, const char *const *cmd,
    size_t n, untagged_fn *fn, void *arg, bool *ok, char *err,
    size_t errlen)
{
	static _Atomic unsigned serial;	/* phase two's session has a thread */
	struct ndr_buf line = { 0 };
	struct wire *r;
	enum answer a = MORE;
	size_t ended = 0, which = 0;
	unsigned first;

	memset(ok, 0, n * sizeof *ok);
	if (!imap_usable(c)) {
		snprintf(err, errlen, "%s failed: connection lost", what);
		return -1;
	}
	first = (serial += (unsigned)n) - (unsigned)n + 1;
	for (size_t i = 0; i < n; i++)
		ndr_buf_printf(&line, "n%u %s\r\n", first + (unsigned)i, cmd[i]);
	if (mailstream_write(c->s->imap_stream, line.s, line.len) !=
	    (ssize_t)line.len || mailstream_flush(c->s->imap_stream) != 0) {
		ndr_buf_free(&line);
		snprintf(err, errlen, "%s failed: connection lost", what);
		imap_break(c, err);
		return -1;
	}
	ndr_buf_free(&line);
	guard_lift(c->s->imap_stream);	/* RESPONSE_MAX holds instead */

	if ((r = calloc(1, sizeof *r)) == NULL)
		abort();
	r->s = c->s->imap_stream;
	while (ended < n && a != FAILED) {
		int rr = read_response(r);
		if (rr != 0) {
			const char *g = guard_why(c->s->imap_stream);
			snprintf(err, errlen, "%s failed: %s", what, g ? g :
			    rr == -2 ? "the server sent an answer over 24 MB" :
			    "connection lost");
			a = FAILED;
		} else if ((a = answer(r, first, n, &which, what, fn, arg, err,
		    errlen)) == DONE || a == FAILED_TAGGED) {
			ok[which] = a == DONE;
			ended++;
		}
	}
	ndr_buf_free(&r->r);
	free(r);
	if (a == FAILED) {	/* out of step, or gone: never talked to again */
		imap_break(c, err);
		return -1;
	}
	return 0;
}

/* "TAG cmd" sent and its answers read, as raw_commands does: -1 and one
 * line in err when it ends in NO or BAD too (the session in step). */
static int
raw_command(struct imap_conn *c, const char *what, const char *cmd,
    untagged_fn *fn, void *arg, char *err, size_t errlen)
{
	bool ok;

	return raw_commands(c, what, &cmd, 1, fn, arg, &ok, err, errlen) == 0 &&
	    ok ? 0 : -1;
}

/* A mailbox name as STATUS answers it: atom, quoted (unescaped into
 * buf) or literal; false when it is none */
static bool
mailbox_name(struct cur *c, char *buf, size_t cap, size_t *len)
{
	const char *s;
	size_t n;

	*len = 0;
	if (c->p < c->end && *c->p == '"') {
		for (c->p++; c->p < c->end && *c->p != '"'; c->p++) {
			if (*c->p == '\\' && c->p + 1 < c->end)
				c->p++;
			if (*len < cap)
				buf[(*len)++] = *c->p;
		}
		if (c->p >= c->end)
			return false;
		c->p++;
		return *len < cap;
	}
	if (c->p < c->end && *c->p == '{') {
		if (!nstring(c, &s, &n) || n >= cap)
			return false;
		memcpy(buf, s, n);
		*len = n;
		return true;
	}
	for (s = c->p; c->p < c->end && *c->p != ' ' && *c->p != '('; c->p++)
		;
	n = (size_t)(c->p - s);
	if (n == 0 || n >= cap)
		return false;
	memcpy(buf, s, n);
	*len = n;
	return true;
}

struct statuses {
	const char *const	*wire;
	size_t			 n;
	struct imap_status	*st;
};

/* "* STATUS name (UIDVALIDITY 1 MESSAGES 2 HIGHESTMODSEQ 3)": into the
 * one of st whose wire name it is; anything else passed over */
static enum answer
status_untagged(struct cur *c, void *arg, char *err, size_t errlen)
{
	struct statuses *ss = arg;
	const char *const *wire = ss->wire;
	size_t n = ss->n, len, i;
	char name[1024];

	(void)err;
	(void)errlen;
	if (c->end - c->p < 7 || strncasecmp(c->p, "STATUS ", 7) != 0)
		return MORE;
	c->p += 7;
	if (!mailbox_name(c, name, sizeof name, &len))
		return MORE;
	for (i = 0; i < n; i++)
		if (strlen(wire[i]) == len && memcmp(wire[i], name, len) == 0)
			break;
	sp(c);
	if (i == n || c->p >= c->end || *c->p != '(')
		return MORE;
	c->p++;
	struct imap_status got = { 0 };
	unsigned have = 0;
	while (c->p < c->end && *c->p != ')') {
		static const char *const item[] = { "UIDVALIDITY ",
		    "MESSAGES ", "HIGHESTMODSEQ " };
		size_t k;
		sp(c);
		for (k = 0; k < 3; k++)
			if ((size_t)(c->end - c->p) > strlen(item[k]) &&
			    strncasecmp(c->p, item[k], strlen(item[k])) == 0)
				break;
		if (k == 3)
			return MORE;		/* an item not asked for: not ours */
		c->p += strlen(item[k]);
		uint64_t x = 0;
		const char *d = c->p;
		while (c->p < c->end && *c->p >= '0' && *c->p <= '9' &&
		    x < (1ull << 63) / 10)
			x = x * 10 + (uint64_t)(*c->p++ - '0');
		if (c->p == d)
			return MORE;
		if (k == 0 && x < 1ull << 32)
			got.uidvalidity = (uint32_t)x;
		else if (k == 1 && x < 1ull << 32)
			got.messages = (uint32_t)x;
		else if (k == 2)
			got.modseq = x;
		else
			return MORE;
		have |= 1u << k;
		sp(c);
	}
	if (have == 7 && got.uidvalidity && got.modseq) {
		got.ok = true;
		ss->st[i] = got;
	}
	return MORE;
}

int
imap_status_many(struct imap_conn *c, const char *const *wire, size_t n,
    struct imap_status *st, char *err, size_t errlen)
{
	struct statuses ss = { wire, n, st };
	struct ndr_buf *cmd = xcalloc(n ? n : 1, sizeof *cmd);
	const char **line = xcalloc(n ? n : 1, sizeof *line);
	bool *ok = xcalloc(n ? n : 1, sizeof *ok);
	int rc;

	memset(st, 0, n * sizeof *st);
	for (size_t i = 0; i < n; i++) {
		ndr_buf_adds(&cmd[i], "STATUS \"");
		for (const char *p = wire[i]; *p; p++) {
			if (*p == '"' || *p == '\\')
				ndr_buf_addc(&cmd[i], '\\');
			ndr_buf_addc(&cmd[i], *p);
		}
		ndr_buf_adds(&cmd[i], "\" (UIDVALIDITY MESSAGES HIGHESTMODSEQ)");
		line[i] = cmd[i].s;
	}
	/* all of them in one write: one round trip for every folder */
	rc = n ? raw_commands(c, "STATUS", line, n, status_untagged, &ss, ok,
	    err, errlen) : 0;
	for (size_t i = 0; i < n; i++) {
		/* a NO or BAD (no such folder) leaves it unknown, as does a
		 * lost session */
		if (rc != 0 || !ok[i])
			st[i].ok = false;
		ndr_buf_free(&cmd[i]);
	}
	free(cmd);
	free(line);
	free(ok);
	return rc;
}

struct fetching {
	imap_fetched_fn	*fn;
	void		*arg;
};

/* "* N FETCH (...)" to the caller's fn; EXISTS, VANISHED and the like
 * passed over. */
static enum answer
fetch_untagged(struct cur *cu, void *arg, char *err, size_t errlen)
{
	struct fetching *fg = arg;
	uint32_t seq;

	if (!number(cu, &seq))
		return MORE;	/* OK, NO, BAD, VANISHED... */
	sp(cu);
	if (cu->end - cu->p < 5 || !ndr_ascii_ieq(cu->p, "FETCH", 5))
		return MORE;	/* EXISTS, EXPUNGE, RECENT */
	cu->p += 5;
	struct imap_fetched f = { 0 };
	bool ok = fetch_items(cu, &f);
	if (ok)
		fg->fn(&f, fg->arg);
	free(f.flags);
	if (ok)
		return MORE;
	/* out of step with the stream from here */
	snprintf(err, errlen, "FETCH failed: a reply ndrsweep could not read");
	return FAILED;
}

/* "UID FETCH set items", each answer to fn as it comes. */
static int
fetch_raw(struct imap_conn *c, const struct mailimap_set *set,
    const char *items, imap_fetched_fn *fn, void *arg, char *err,
    size_t errlen)
{
	struct fetching fg = { fn, arg };
	struct ndr_buf cmd = { 0 };
	int rc;

	ndr_buf_adds(&cmd, "UID FETCH ");
	append_set(&cmd, set);
	ndr_buf_printf(&cmd, " %s", items);
	rc = raw_command(c, "FETCH", cmd.s, fetch_untagged, &fg, err, errlen);
	ndr_buf_free(&cmd);
	return rc;
}

int
imap_fetch_fields(struct imap_conn *c, const struct mailimap_set *set,
    const char *const *fields, imap_fetched_fn *fn, void *arg, char *err,
    size_t errlen)
{
	struct ndr_buf items = { 0 };
	int rc;

	ndr_buf_adds(&items, "(UID RFC822.SIZE FLAGS BODY.PEEK[HEADER.FIELDS (");
	for (size_t i = 0; fields[i]; i++) {
		if (i)
			ndr_buf_addc(&items, ' ');
		ndr_buf_adds(&items, fields[i]);
	}
	ndr_buf_adds(&items, ")])");
	rc = fetch_raw(c, set, items.s, fn, arg, err, errlen);
	ndr_buf_free(&items);
	return rc;
}

int
imap_fetch_body(struct imap_conn *c, const struct mailimap_set *set,
    size_t cap, imap_fetched_fn *fn, void *arg, char *err, size_t errlen)
{
	char items[64];

	snprintf(items, sizeof items, "(UID BODY.PEEK[]<0.%zu>)", cap);
	return fetch_raw(c, set, items, fn, arg, err, errlen);
}

/* ---- ESEARCH: a folder's UIDs as ranges ---- */

struct uidlist {
	uint32_t	*v;
	size_t		 n, cap, max;
	bool		 seen, bad;
};

/* a to b, unless that makes more UIDs than the folder can have (a
 * hostile "1:4294967295" must not cost 16 GB) */
static void
uidlist_add(struct uidlist *u, uint32_t a, uint32_t b)
{
	if ((uint64_t)b - a + 1 > u->max - u->n) {
		u->bad = true;
		return;
	}
	for (uint64_t x = a; x <= b; x++) {
		if (u->n == u->cap) {
			u->cap = u->cap ? u->cap * 2 : 1024;
			u->v = xreallocarray(u->v, u->cap, sizeof *u->v);
		}
		u->v[u->n++] = (uint32_t)x;
	}
}

/* "* ESEARCH (TAG "t") UID ALL 1:5,9": the set after ALL, into u. */
static enum answer
esearch_untagged(struct cur *c, void *arg, char *err, size_t errlen)
{
	struct uidlist *u = arg;
	const char *all = NULL;

	(void)err;
	(void)errlen;
	if (c->end - c->p < 8 || strncasecmp(c->p, "ESEARCH ", 8) != 0)
		return MORE;
	for (const char *p = c->p; p + 5 <= c->end; p++)
		if (strncasecmp(p, " ALL ", 5) == 0) {
			all = p + 5;
			break;
		}
	u->seen = true;
	if (all == NULL)
		return MORE;	/* no message: no ALL */
	c->p = all;
	for (;;) {
		uint32_t a, b;
		if (!number(c, &a) || a == 0) {
			u->bad = true;
			return MORE;
		}
		b = a;
		if (c->p < c->end && *c->p == ':') {
			c->p++;
			if (!number(c, &b) || b == 0) {
				u->bad = true;
				return MORE;
			}
		}
		uidlist_add(u, a < b ? a : b, a < b ? b : a);
		if (u->bad || c->p >= c->end || *c->p != ',')
			return MORE;
		c->p++;
	}
}

int
imap_uids_esearch(struct imap_conn *c, uint32_t **uids, size_t *n, char *err,
    size_t errlen)
{
	struct uidlist u = { 0 };

	*uids = NULL;
	*n = 0;
	/* as many UIDs as the folder had when opened, and room for what
	 * arrived since */
	u.max = (c->s && c->s->imap_selection_info ?
	    c->s->imap_selection_info->sel_exists : 0) + (size_t)1000000;
	if (raw_command(c, "SEARCH", "UID SEARCH RETURN (ALL) ALL",
	    esearch_untagged, &u, err, errlen) != 0) {
		free(u.v);
		return -1;
	}
	if (!u.seen || u.bad) {
		snprintf(err, errlen, "SEARCH failed: %s", u.bad ? "the server "
		    "listed more UIDs than the folder holds, or UIDs it could "
		    "not read" : "the server listed no UIDs");
		free(u.v);
		return -1;
	}
	*uids = u.v;
	*n = u.n;
	return 0;
}

int
imap_fetch_changed(struct imap_conn *c, const struct mailimap_set *set,
    uint64_t modseq, imap_fetched_fn *fn, void *arg, char *err, size_t errlen)
{
	char items[64];

	snprintf(items, sizeof items, "(UID FLAGS) (CHANGEDSINCE %llu)",
	    (unsigned long long)modseq);
	return fetch_raw(c, set, items, fn, arg, err, errlen);
}

int
imap_fetch_proof(struct imap_conn *c, const struct mailimap_set *set,
    bool header, imap_fetched_fn *fn, void *arg, char *err, size_t errlen)
{
	return fetch_raw(c, set, header ? "(UID RFC822.SIZE BODY.PEEK[HEADER])"
	    : "(UID RFC822.SIZE)", fn, arg, err, errlen);
}
