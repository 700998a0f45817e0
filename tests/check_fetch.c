/*
 * check_fetch.c - the FETCH reader (imap/fetch.c) on answers
 * written here byte for byte: the forms of the grammar a server may send
 * that the Dovecot the other tests run does not (quoted strings, NIL,
 * empty literals, \Recent, untagged data in between, NO, garbage, a
 * stream cut short). That a scan works against a real server is what
 * tests/scan.sh and tests/faults.sh show.
 */
#include <sys/socket.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libetpan/libetpan.h>
#include <zlib.h>

#include "check_util.h"
#include "imap/deflate.h"
#include "imap/guard.h"
#include "imap/imap.h"

struct got {
	uint32_t	 uid[8], size[8];
	char		*flags[8], *body[8];
	size_t		 n;
};

static void
collect(struct imap_fetched *f, void *arg)
{
	struct got *g = arg;

	if (g->n == 8)
		return;
	g->uid[g->n] = f->uid;
	g->size[g->n] = f->size;
	g->flags[g->n] = f->flags;	/* taken */
	f->flags = NULL;
	g->body[g->n] = f->body ? strndup(f->body, f->bodylen) : NULL;
	g->n++;
}

static void
got_free(struct got *g)
{
	for (size_t i = 0; i < g->n; i++) {
		free(g->flags[i]);
		free(g->body[i]);
	}
}

/* The "server": reads the command (lines of them, when more than one
 * are sent at once), answers with reply, each "TAG" in it the first
 * command's tag and "TAG<d>" the d-th's (tags count up: n7 n8 n9), hangs
 * up. */
struct peer {
	int		 fd, lines;
	const char	*reply;
	char		 sent[1024];
};

static void *
answer(void *arg)
{
	struct peer *p = arg;
	int lines = 0, want = p->lines ? p->lines : 1;
	size_t n = 0;

	while (lines < want && n < sizeof p->sent - 1 &&
	    read(p->fd, p->sent + n, 1) == 1)
		lines += p->sent[n++] == '\n';
	p->sent[n] = '\0';
	unsigned first = (unsigned)strtoul(p->sent + 1, NULL, 10);
	for (const char *s = p->reply; *s; ) {
		const char *t = strstr(s, "TAG");
		size_t k = t ? (size_t)(t - s) : strlen(s);
		if (write(p->fd, s, k) != (ssize_t)k)
			break;
		s += k;
		if (t) {
			char tag[16];
			unsigned d = 0;
			s += 3;
			if (*s >= '0' && *s <= '9')
				d = (unsigned)(*s++ - '0');
			int m = snprintf(tag, sizeof tag, "n%u", first + d);
			if (write(p->fd, tag, (size_t)m) != m)
				break;
		}
	}
	shutdown(p->fd, SHUT_WR);
	return NULL;
}

/* One FETCH of UIDs 5:* against the peer, phase one's or (body) phase
 * two's; what was sent to sent. */
static int
run_as(bool body, const char *reply, struct got *g, char *sent,
    size_t sentlen, char *err, size_t errlen)
{
	int sv[2];
	struct imap_conn c = { 0 };
	const char *fields[] = { "From", "Subject", NULL };
	struct mailimap_set *set = mailimap_set_new_interval(5, 0);
	struct peer p = { 0 };
	pthread_t th;
	int rc;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	p.fd = sv[1];
	p.reply = reply;
	ck_assert_int_eq(pthread_create(&th, NULL, answer, &p), 0);
	c.s = mailimap_new(0, NULL);
	c.s->imap_stream = mailstream_socket_open(sv[0]);
	rc = body ? imap_fetch_body(&c, set, 1000, collect, g, err, errlen) :
	    imap_fetch_fields(&c, set, fields, collect, g, err, errlen);
	pthread_join(th, NULL);
	snprintf(sent, sentlen, "%s", p.sent);
	mailimap_set_free(set);
	mailimap_free(c.s);	/* closes the stream */
	close(sv[1]);
	return rc;
}

static int
run(const char *reply, struct got *g, char *sent, size_t sentlen, char *err,
    size_t errlen)
{
	return run_as(false, reply, g, sent, sentlen, err, errlen);
}

START_TEST(test_answers_in_every_form_are_read)
{
	struct got g = { 0 };
	char sent[512], err[256] = "";
	const char *reply =
	    "* 3 EXISTS\r\n"
	    "* OK [HIGHESTMODSEQ 7] on\r\n"
	    /* a literal, MODSEQ between, flags with \Recent and a keyword */
	    "* 1 FETCH (UID 5 RFC822.SIZE 1200 MODSEQ (4) FLAGS (\\Seen "
	    "\\Recent $Label) BODY[HEADER.FIELDS (FROM SUBJECT)] {32}\r\n"
	    "From: a@example.org\r\nSubj: x\r\n\r\n)\r\n"
	    /* an unsolicited flag change: no UID */
	    "* 1 FETCH (FLAGS (\\Seen))\r\n"
	    /* the items in another order, the body quoted */
	    "* 2 FETCH (BODY[HEADER.FIELDS (FROM SUBJECT)] \"Subject: q\" "
	    "FLAGS () UID 6 RFC822.SIZE 10)\r\n"
	    /* NIL, and an empty literal */
	    "* 3 FETCH (UID 7 RFC822.SIZE 0 FLAGS (\\flagged) "
	    "BODY[HEADER.FIELDS (FROM SUBJECT)] NIL)\r\n"
	    "* 4 FETCH (UID 8 RFC822.SIZE 1 FLAGS (\\Draft) "
	    "BODY[HEADER.FIELDS (FROM SUBJECT)] {0}\r\n)\r\n"
	    /* every word in another case */
	    "* 5 fetch (uid 9 Rfc822.Size 3 flags (\\SEEN \\recent) "
	    "body[HEADER.FIELDS (FROM SUBJECT)] nil)\r\n"
	    "* 2 EXPUNGE\r\n"
	    "TAG OK Fetch completed.\r\n";
	ck_assert_int_eq(run(reply, &g, sent, sizeof sent, err, sizeof err), 0);
	ck_assert_str_eq(sent + strcspn(sent, " "), " UID FETCH 5:* (UID RFC822.SIZE FLAGS "
	    "BODY.PEEK[HEADER.FIELDS (From Subject)])\r\n");
	ck_assert_uint_eq(g.n, 6);
	ck_assert_uint_eq(g.uid[0], 5);
	ck_assert_uint_eq(g.size[0], 1200);
	ck_assert_str_eq(g.flags[0], "\\Seen $Label");
	ck_assert_str_eq(g.body[0], "From: a@example.org\r\nSubj: x\r\n\r\n");
	ck_assert_uint_eq(g.uid[1], 0);		/* the scan passes it by */
	ck_assert_uint_eq(g.uid[2], 6);
	ck_assert_uint_eq(g.size[2], 10);
	ck_assert_str_eq(g.flags[2], "");
	ck_assert_str_eq(g.body[2], "Subject: q");
	ck_assert_uint_eq(g.uid[3], 7);
	ck_assert_str_eq(g.flags[3], "\\Flagged");	/* spelled one way */
	ck_assert_ptr_null(g.body[3]);
	ck_assert_uint_eq(g.uid[4], 8);
	ck_assert_str_eq(g.body[4], "");
	ck_assert_uint_eq(g.uid[5], 9);
	ck_assert_uint_eq(g.size[5], 3);
	ck_assert_str_eq(g.flags[5], "\\Seen");
	ck_assert_ptr_null(g.body[5]);
	got_free(&g);
}
END_TEST

START_TEST(test_no_garbage_and_a_cut_stream_are_errors)
{
	struct got g = { 0 };
	char sent[512], err[256];

	ck_assert_int_eq(run("* 1 FETCH (UID 5 RFC822.SIZE 1 FLAGS () "
	    "BODY[HEADER.FIELDS (FROM)] {3}\r\nab", &g, sent, sizeof sent, err,
	    sizeof err), -1);
	ck_assert_str_eq(err, "FETCH failed: connection lost");
	ck_assert_uint_eq(g.n, 0);
	ck_assert_int_eq(run("* 1 FETCH (UID 5 RFC822.SIZE x)\r\n", &g, sent,
	    sizeof sent, err, sizeof err), -1);
	ck_assert_str_eq(err, "FETCH failed: a reply ndrsweep could not read");
	ck_assert_int_eq(run("* BYE going away\r\n", &g, sent, sizeof sent, err,
	    sizeof err), -1);
	ck_assert_str_eq(err, "FETCH failed: connection lost");
	ck_assert_int_eq(run("* 1 EXISTS\r\n"
	    "TAG NO [SERVERBUG] could not read\r\n",
	    &g, sent, sizeof sent, err, sizeof err), -1);
	ck_assert_str_eq(err, "FETCH failed: [SERVERBUG] could not read");
	ck_assert_uint_eq(g.n, 0);
}
END_TEST

/* phase two's: the content, with or without its origin, read by the
 * literal's length (a line in it that looks like another answer is
 * content) */
START_TEST(test_content_is_read_by_length)
{
	struct got g = { 0 };
	char sent[512], err[256] = "";
	const char *reply =
	    "* 1 FETCH (UID 5 BODY[]<0> {23}\r\nHi\r\n* 9 FETCH (UID 9)\r\n)\r\n"
	    "* 2 FETCH (BODY[] {2}\r\nok UID 6)\r\n"
	    "TAG OK Fetch completed.\r\n";

	ck_assert_int_eq(run_as(true, reply, &g, sent, sizeof sent, err,
	    sizeof err), 0);
	ck_assert_str_eq(sent + strcspn(sent, " "),
	    " UID FETCH 5:* (UID BODY.PEEK[]<0.1000>)\r\n");
	ck_assert_uint_eq(g.n, 2);
	ck_assert_uint_eq(g.uid[0], 5);
	ck_assert_str_eq(g.body[0], "Hi\r\n* 9 FETCH (UID 9)\r\n");
	ck_assert_uint_eq(g.uid[1], 6);
	ck_assert_str_eq(g.body[1], "ok");
	got_free(&g);
}
END_TEST

/* The "server" after COMPRESS DEFLATE: inflates the command to learn its
 * tag, answers with reply deflated (or, with junk, as plain text), hangs
 * up. */
struct zpeer {
	int		 fd;
	const char	*reply;
	bool		 junk;
	char		 sent[512];
};

static void *
zanswer(void *arg)
{
	struct zpeer *p = arg;
	z_stream in = { 0 }, out = { 0 };
	unsigned char ib[512], ob[4096];
	size_t n = 0;
	ssize_t r;

	ck_assert_int_eq(inflateInit2(&in, -15), Z_OK);
	while (memchr(p->sent, '\n', n) == NULL && n < sizeof p->sent - 1 &&
	    (r = read(p->fd, ib, sizeof ib)) > 0) {
		in.next_in = ib;
		in.avail_in = (uInt)r;
		in.next_out = (unsigned char *)p->sent + n;
		in.avail_out = (uInt)(sizeof p->sent - 1 - n);
		inflate(&in, Z_SYNC_FLUSH);
		n = sizeof p->sent - 1 - in.avail_out;
	}
	p->sent[n] = '\0';
	inflateEnd(&in);
	/* the reply, its TAG the command's */
	char reply[2048];
	size_t taglen = strcspn(p->sent, " "), k = 0;
	for (const char *s = p->reply; *s && k + taglen < sizeof reply; s++)
		if (strncmp(s, "TAG", 3) == 0) {
			memcpy(reply + k, p->sent, taglen);
			k += taglen;
			s += 2;
		} else
			reply[k++] = *s;
	if (p->junk) {
		ck_assert_int_eq(write(p->fd, reply, k), (ssize_t)k);
	} else {
		ck_assert_int_eq(deflateInit2(&out, 6, Z_DEFLATED, -15, 8,
		    Z_DEFAULT_STRATEGY), Z_OK);
		out.next_in = (unsigned char *)reply;
		out.avail_in = (uInt)k;
		out.next_out = ob;
		out.avail_out = sizeof ob;
		ck_assert_int_eq(deflate(&out, Z_SYNC_FLUSH), Z_OK);
		size_t m = sizeof ob - out.avail_out;
		ck_assert_int_eq(write(p->fd, ob, m), (ssize_t)m);
		deflateEnd(&out);
	}
	shutdown(p->fd, SHUT_WR);
	return NULL;
}

/* a FETCH over a guarded stream with COMPRESS on */
static int
run_deflated(const char *reply, bool junk, struct got *g, char *sent,
    size_t sentlen, char *err, size_t errlen)
{
	int sv[2];
	struct imap_conn c = { 0 };
	const char *fields[] = { "From", NULL };
	struct mailimap_set *set = mailimap_set_new_interval(5, 0);
	struct zpeer p = { .reply = reply, .junk = junk };
	mailstream_low *low;
	pthread_t th;
	int rc;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	p.fd = sv[1];
	ck_assert_int_eq(pthread_create(&th, NULL, zanswer, &p), 0);
	c.s = mailimap_new(0, NULL);
	ck_assert_ptr_nonnull(low = guard_wrap(mailstream_low_socket_open(
	    sv[0]), -1));
	c.s->imap_stream = mailstream_new(low, 8192);
	ck_assert(deflate_layer(c.s->imap_stream));
	rc = imap_fetch_fields(&c, set, fields, collect, g, err, errlen);
	pthread_join(th, NULL);
	snprintf(sent, sentlen, "%s", p.sent);
	mailimap_set_free(set);
	mailimap_free(c.s);
	close(sv[1]);
	return rc;
}

/* COMPRESS=DEFLATE's streams: the command goes out deflated, the answer
 * comes in inflated; bytes that are not deflate are an error that says
 * so, not a lost connection */
START_TEST(test_deflated_both_ways)
{
	struct got g = { 0 };
	char sent[512], err[256] = "";

	ck_assert_int_eq(run_deflated("* 1 FETCH (UID 5 RFC822.SIZE 9 FLAGS "
	    "() BODY[HEADER.FIELDS (FROM)] {8}\r\nFrom: a\n)\r\n"
	    "TAG OK done\r\n", false, &g, sent, sizeof sent, err,
	    sizeof err), 0);
	ck_assert_str_eq(sent + strcspn(sent, " "), " UID FETCH 5:* (UID "
	    "RFC822.SIZE FLAGS BODY.PEEK[HEADER.FIELDS (From)])\r\n");
	ck_assert_uint_eq(g.n, 1);
	ck_assert_uint_eq(g.uid[0], 5);
	ck_assert_str_eq(g.body[0], "From: a\n");
	got_free(&g);
	g = (struct got){ 0 };
	ck_assert_int_eq(run_deflated("* 1 FETCH (UID 5)\r\nTAG OK done\r\n",
	    true, &g, sent, sizeof sent, err, sizeof err), -1);
	ck_assert_str_eq(err, "FETCH failed: the server's compressed stream "
	    "is broken");
	ck_assert_uint_eq(g.n, 0);
}
END_TEST

/* STATUS of three folders in one write, the answers matched by name
 * (quoted with escapes, a literal, an atom; items in any order), a NO
 * for one, untagged data of no interest in between */
START_TEST(test_status_of_many_at_once)
{
	int sv[2];
	struct imap_conn c = { 0 };
	const char *wire[] = { "INBOX", "Odd \"one\"", "Sent" };
	struct imap_status st[3];
	struct peer p = { .lines = 3 };
	char err[256] = "";
	pthread_t th;

	p.reply =
	    "* STATUS Sent (HIGHESTMODSEQ 9 UIDVALIDITY 3 MESSAGES 2)\r\n"
	    "* 4 EXISTS\r\n"
	    "* STATUS {9}\r\nOdd \"one\" (UIDVALIDITY 5 MESSAGES 0 "
	    "HIGHESTMODSEQ 1)\r\n"
	    "TAG2 OK done\r\nTAG1 OK done\r\n"
	    "* STATUS \"INBOX\" (UIDVALIDITY 7 MESSAGES 40 HIGHESTMODSEQ 77)"
	    "\r\nTAG0 NO [SERVERBUG] later\r\n";
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	p.fd = sv[1];
	ck_assert_int_eq(pthread_create(&th, NULL, answer, &p), 0);
	c.s = mailimap_new(0, NULL);
	c.s->imap_stream = mailstream_socket_open(sv[0]);
	ck_assert_int_eq(imap_status_many(&c, wire, 3, st, err, sizeof err), 0);
	pthread_join(th, NULL);
	/* the three commands went out in one write, names quoted */
	ck_assert_ptr_nonnull(strstr(p.sent, " STATUS \"Odd \\\"one\\\"\" "
	    "(UIDVALIDITY MESSAGES HIGHESTMODSEQ)\r\n"));
	ck_assert(!st[0].ok);		/* its NO */
	ck_assert(st[1].ok);
	ck_assert_uint_eq(st[1].uidvalidity, 5);
	ck_assert_uint_eq(st[1].messages, 0);
	ck_assert_uint_eq(st[1].modseq, 1);
	ck_assert(st[2].ok);
	ck_assert_uint_eq(st[2].uidvalidity, 3);
	ck_assert_uint_eq(st[2].messages, 2);
	ck_assert_uint_eq(st[2].modseq, 9);
	mailimap_free(c.s);
	close(sv[1]);
}
END_TEST

CHECK_MAIN_CASES("fetch",
	{ "phase one", TESTS(test_answers_in_every_form_are_read,
	    test_no_garbage_and_a_cut_stream_are_errors,
	    test_content_is_read_by_length,
	    test_deflated_both_ways,
	    test_status_of_many_at_once), NULL, NULL, 0 });
