/*
 * session.c - one IMAP session: connect (implicit TLS, STARTTLS or, when
 * the configuration says so, none), verify the certificate, read the
 * capabilities, log in, read them again.
 */
#include <sys/socket.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libetpan/libetpan.h>

#include "core/config.h"
#include "deflate.h"
#include "guard.h"
#include "imap.h"


static void
set_sni(struct mailstream_ssl_context *ctx, void *data)
{
	mailstream_ssl_set_server_name(ctx, data);
}

/* The server's words for a failed command, or a general line. */
static const char *
server_said(mailimap *s, int r)
{
	/* after a lost or unreadable answer, imap_response is still the
	 * previous command's: not what went wrong */
	if (r != MAILIMAP_ERROR_STREAM && r != MAILIMAP_ERROR_PARSE &&
	    s && s->imap_response && *s->imap_response)
		return s->imap_response;
	switch (r) {
	case MAILIMAP_ERROR_CONNECTION_REFUSED:
		return "connection refused";
	case MAILIMAP_ERROR_STREAM:
		return "connection lost or timed out";
	case MAILIMAP_ERROR_SSL:
		return "TLS handshake failed";
	case MAILIMAP_ERROR_PARSE:
		return "a reply ndrsweep could not read";
	default:
		return "error";
	}
}

/*
 * What the server can do. A server that said it already (in its greeting,
 * or in the answer to the login, as RFC 9051 lets it and Dovecot does) is
 * not asked again: a round trip each, at every connection. What it said
 * before STARTTLS or before the login is forgotten first (forget_caps):
 * it may change then, and what came before TLS cannot be trusted.
 */
static void
read_caps(struct imap_conn *c)
{
	mailimap *s = c->s;

	struct mailimap_capability_data *cd = NULL;

	if ((s->imap_connection_info == NULL ||
	    s->imap_connection_info->imap_capability == NULL) &&
	    mailimap_capability(s, &cd) == MAILIMAP_NO_ERROR && cd)
		mailimap_capability_data_free(cd);
	c->move = mailimap_has_extension(s, "MOVE");
	c->uidplus = mailimap_has_uidplus(s);
	c->condstore = mailimap_has_condstore(s);
	c->qresync = mailimap_has_qresync(s);
	c->esearch = mailimap_has_extension(s, "ESEARCH");
	c->idle = mailimap_has_idle(s);
	c->specialuse = mailimap_has_extension(s, "SPECIAL-USE");
	c->logindisabled = mailimap_has_extension(s, "LOGINDISABLED");
	c->auth_plain = mailimap_has_authentication(s, "PLAIN");
	c->sasl_ir = mailimap_has_extension(s, "SASL-IR");
}

static void
forget_caps(struct imap_conn *c)
{
	struct mailimap_connection_info *ci = c->s->imap_connection_info;

	if (ci && ci->imap_capability) {
		mailimap_capability_data_free(ci->imap_capability);
		ci->imap_capability = NULL;
	}
}

static int
verify(struct imap_conn *c, const struct ndr_account *a, char *err,
    size_t errlen)
{
	carray *chain = mailstream_get_certificate_chain(c->s->imap_stream);
	int rc = imap_tls_verify(chain, a->host, a->ca_file, a->fingerprint,
	    err, errlen);

	if (chain) {
		for (unsigned i = 0; i < carray_count(chain); i++)
			mmap_string_free(carray_get(chain, i));
		carray_free(chain);
	}
	return rc;
}

static unsigned
wait_of(const struct ndr_account *a)
{
	return a->timeout ? a->timeout : NDR_TIMEOUT_DEFAULT;
}

/* A TCP connection to host:port, made in wait seconds at most. */
static int
tcp_connect(const char *host, unsigned port, unsigned wait, char *err,
    size_t errlen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	char serv[16];
	int fd = -1, e, last = ECONNREFUSED;

	snprintf(serv, sizeof serv, "%u", port);
	if ((e = getaddrinfo(host, serv, &hints, &res)) != 0) {
		if (e == EAI_NONAME || e == EAI_AGAIN || e == EAI_FAIL
#ifdef EAI_NODATA
		    || e == EAI_NODATA
#endif
		    )
			snprintf(err, errlen, "cannot resolve %s", host);
		else
			snprintf(err, errlen, "cannot connect to %s:%u: %s",
			    host, port, gai_strerror(e));
		return -1;
	}
	for (ai = res; ai && fd < 0; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd < 0) {
			last = errno;
			continue;
		}
		int fl = fcntl(fd, F_GETFL);
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 &&
		    errno == EINPROGRESS) {
			struct pollfd p = { .fd = fd, .events = POLLOUT };
			socklen_t len = sizeof e;
			e = ETIMEDOUT;
			if (poll(&p, 1, (int)wait * 1000) == 1)
				getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len);
			errno = e;
		} else
			errno = 0;
		if (errno != 0) {
			last = errno;
			close(fd);
			fd = -1;
			continue;
		}
		fcntl(fd, F_SETFL, fl);
	}
	freeaddrinfo(res);
	if (fd < 0)
		snprintf(err, errlen, "cannot connect to %s:%u: %s", host, port,
		    last == ECONNREFUSED ? "connection refused" : strerror(last));
	return fd;
}

/* The reason a session failed: the guard's, or else the server's. */
static const char *
failed_why(struct imap_conn *c, int r)
{
	const char *g = c->s ? guard_why(c->s->imap_stream) : NULL;

	return g ? g : server_said(c->s, r);
}

/*
 * A plaintext session (tls = starttls or none) on a port that speaks TLS
 * from the first byte: the server waits for a handshake, the client for
 * a greeting, until the timeout. After 3 s of silence a few empty lines
 * are sent: an IMAP server that is only slow ignores them, a TLS server
 * hangs up or alerts at once. True when it did.
 */
static bool
tls_first(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	unsigned char b;

	if (poll(&p, 1, 3000) == 0) {
		if (write(fd, "\r\n\r\n\r\n", 6) != 6 || poll(&p, 1, 2000) != 1)
			return false;
	}
	ssize_t n = recv(fd, &b, 1, MSG_PEEK);
	return n == 0 || (n == 1 && (b == 0x15 || b == 0x16));
}

/* Connect, the TLS handshake where implicit, and the greeting, watched
 * by the guard from the first byte. */
static int
start(struct imap_conn *c, const struct ndr_account *a, unsigned port,
    char *err, size_t errlen)
{
	mailstream_low *inner, *low;
	mailstream *stream;
	char why[96];
	int fd, r;

	if ((fd = tcp_connect(a->host, port, wait_of(a), err, errlen)) < 0)
		return -1;
	if (a->tls != NDR_TLS_IMPLICIT && tls_first(fd)) {
		snprintf(err, errlen, "%s:%u speaks TLS from the first byte: "
		    "set tls = implicit for this port", a->host, port);
		close(fd);
		return -1;
	}
	c->slot = guard_watch_fd(fd, wait_of(a)) + 1;
	if (a->tls == NDR_TLS_IMPLICIT)
		inner = mailstream_low_ssl_open_with_callback_timeout(fd,
		    (time_t)wait_of(a), set_sni, a->host);
	else
		inner = mailstream_low_socket_open(fd);
	if (inner == NULL) {
		if (!guard_slot_why(c->slot - 1, why, sizeof why))
			snprintf(why, sizeof why, "TLS handshake failed");
		snprintf(err, errlen, "cannot connect to %s:%u: %s", a->host,
		    port, why);
		guard_release(c->slot - 1);
		c->slot = 0;
		close(fd);
		return -1;
	}
	if ((low = guard_wrap(inner, c->slot - 1)) == NULL ||
	    (stream = mailstream_new(low, 8192)) == NULL)
		abort();
	guard_stream_set(c->slot - 1, stream);
	r = mailimap_connect(c->s, stream);
	if (r != MAILIMAP_NO_ERROR_AUTHENTICATED &&
	    r != MAILIMAP_NO_ERROR_NON_AUTHENTICATED) {
		snprintf(err, errlen, "cannot connect to %s:%u: %s", a->host,
		    port, guard_why(stream) ? guard_why(stream) :
		    "no greeting from the server");
		if (c->s->imap_stream == NULL)
			mailstream_close(stream);
		return -1;
	}
	return 0;
}

/* STARTTLS, the handshake on the same guard. */
static int
starttls(struct imap_conn *c, const struct ndr_account *a, char *err,
    size_t errlen)
{
	mailstream_low *inner;
	int r, fd;

	if ((r = mailimap_starttls(c->s)) != MAILIMAP_NO_ERROR) {
		snprintf(err, errlen, "%s refused STARTTLS: %s", a->host,
		    failed_why(c, r));
		return -1;
	}
	fd = mailstream_low_get_fd(mailstream_get_low(c->s->imap_stream));
	guard_arm(c->slot - 1);
	inner = fd < 0 ? NULL : mailstream_low_tls_open_with_callback_timeout(
	    fd, (time_t)wait_of(a), set_sni, a->host);
	if (inner == NULL) {
		char why[96];
		if (!guard_slot_why(c->slot - 1, why, sizeof why))
			snprintf(why, sizeof why, "the TLS handshake failed");
		snprintf(err, errlen, "STARTTLS with %s failed: %s", a->host,
		    why);
		guard_break(c->s->imap_stream, why);
		return -1;
	}
	guard_rewrap(c->s->imap_stream, inner);
	return 0;
}

void
imap_sasl_plain(const char *authz, const char *authc, const char *password,
    struct ndr_buf *out)
{
	static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789+/";
	struct ndr_buf id = { 0 };

	ndr_buf_add(&id, authz, strlen(authz) + 1);
	ndr_buf_add(&id, authc, strlen(authc) + 1);
	ndr_buf_add(&id, password, strlen(password));
	const unsigned char *s = (const unsigned char *)id.s;
	for (size_t i = 0; i < id.len; i += 3) {
		unsigned v = (unsigned)s[i] << 16 | (i + 1 < id.len ?
		    (unsigned)s[i + 1] << 8 : 0) | (i + 2 < id.len ? s[i + 2] : 0);
		char q[4] = { t[v >> 18 & 63], t[v >> 12 & 63], i + 1 < id.len ?
		    t[v >> 6 & 63] : '=', i + 2 < id.len ? t[v & 63] : '=' };
		ndr_buf_add(out, q, 4);
	}
	ndr_buf_add(out, "", 1);
	out->len--;	/* NUL-terminated, not counted */
	explicit_bzero(id.s, id.len);
	ndr_buf_free(&id);
}

/*
 * AUTHENTICATE PLAIN, the credentials on the command line (SASL-IR, RFC
 * 4959) where the server offers it: one round trip, where libetpan's
 * mailimap_authenticate() waits for the server's "+" first. The answer is
 * read by libetpan's parser, which keeps the capabilities it carries, as
 * after its own commands. A libetpan result.
 */
static int
auth_plain_ir(struct imap_conn *c, const char *authz, const char *authc,
    const char *password)
{
	static const char cmd[] = "AUTHENTICATE PLAIN ";
	mailimap *s = c->s;
	struct mailimap_response *resp = NULL;
	struct ndr_buf b64 = { 0 };
	int r;

	imap_sasl_plain(authz, authc, password, &b64);
	if ((r = mailimap_send_current_tag(s)) == MAILIMAP_NO_ERROR &&
	    (mailstream_write(s->imap_stream, cmd, sizeof cmd - 1) < 0 ||
	    mailstream_write(s->imap_stream, b64.s, b64.len) < 0 ||
	    mailstream_write(s->imap_stream, "\r\n", 2) < 0 ||
	    mailstream_flush(s->imap_stream) == -1))
		r = MAILIMAP_ERROR_STREAM;
	explicit_bzero(b64.s, b64.len);
	ndr_buf_free(&b64);
	if (r != MAILIMAP_NO_ERROR)
		return r;
	if (mailimap_read_line(s) == NULL)
		return MAILIMAP_ERROR_STREAM;
	if ((r = mailimap_parse_response(s, &resp)) != MAILIMAP_NO_ERROR)
		return r;
	/* the end of the answer may be a BYE (fatal), not a tagged line */
	const struct mailimap_response_done *d = resp->rsp_resp_done;
	bool ok = d->rsp_type == MAILIMAP_RESP_DONE_TYPE_TAGGED &&
	    d->rsp_data.rsp_tagged != NULL &&
	    d->rsp_data.rsp_tagged->rsp_cond_state->rsp_type ==
	    MAILIMAP_RESP_COND_STATE_OK;
	mailimap_response_free(resp);
	if (!ok)
		return MAILIMAP_ERROR_LOGIN;
	s->imap_state = MAILIMAP_STATE_AUTHENTICATED;
	return MAILIMAP_NO_ERROR;
}

/* SASL PLAIN (authz, authc): with its first data where the server takes
 * it, else after its "+" (libetpan's). */
static int
auth_plain(struct imap_conn *c, const char *host, const char *authz,
    const char *authc, const char *password)
{
	if (c->sasl_ir)
		return auth_plain_ir(c, authz, authc, password);
	return mailimap_authenticate(c->s, "PLAIN", host, NULL, NULL, authz,
	    authc, password, NULL);
}

/*
 * An administrator's login as the account's user (RFC 4616): SASL PLAIN,
 * authorization identity the user, authentication identity master_user,
 * the master's password. A server without AUTH=PLAIN: LOGIN as
 * "user<sep>master" only where master_separator says the server reads
 * it so (Dovecot's auth_master_user_separator); else refused here, never
 * tried with the user's name and the master's password. A libetpan
 * result, or -1 with err said.
 */
static int
master_login(struct imap_conn *c, const struct ndr_account *a,
    const char *password, char *err, size_t errlen)
{
	char *who;
	int r;

	if (c->auth_plain)
		return auth_plain(c, a->host, a->user, a->master_user,
		    password);
	if (a->master_separator == '\0') {
		snprintf(err, errlen, "%s offers no AUTHENTICATE PLAIN, which a "
		    "master user's login needs (or set master_separator, "
		    "e.g. *, to log in as user*master)", a->host);
		return -1;
	}
	if (c->logindisabled) {
		snprintf(err, errlen, "%s refuses LOGIN (LOGINDISABLED) and "
		    "offers no AUTHENTICATE PLAIN", a->host);
		return -1;
	}
	if (asprintf(&who, "%s%c%s", a->user, a->master_separator,
	    a->master_user) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	r = mailimap_login(c->s, who, password);
	free(who);
	return r;
}

/* A round trip this long or more (µs) is a slow link: compress = auto
 * turns COMPRESS=DEFLATE on there. */
#define COMPRESS_RTT_US	5000

static int64_t
now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

int
imap_compress(struct imap_conn *c, char *err, size_t errlen)
{
	int r;

	if (c->compressed || c->compress == NDR_COMPRESS_NO ||
	    c->rtt_us > 0 || !imap_usable(c) ||
	    !mailimap_has_extension(c->s, "COMPRESS=DEFLATE"))
		return 0;	/* on, off, or found fast already */
	if (c->compress == NDR_COMPRESS_AUTO) {
		int64_t t0 = now_us();
		if ((r = mailimap_noop(c->s)) != MAILIMAP_NO_ERROR)
			goto failed;
		c->rtt_us = now_us() - t0 + 1;	/* timed: never 0 */
		if (c->rtt_us < COMPRESS_RTT_US)
			return 0;
	}
	if ((r = mailimap_custom_command(c->s, "COMPRESS DEFLATE")) !=
	    MAILIMAP_NO_ERROR)
		goto failed;
	if (!deflate_layer(c->s->imap_stream)) {
		snprintf(err, errlen, "COMPRESS failed: out of memory");
		imap_break(c, err);
		return -1;
	}
	c->compressed = true;
	return 0;
failed:
	if (imap_usable(c) && r != MAILIMAP_ERROR_STREAM &&
	    r != MAILIMAP_ERROR_PARSE)
		return 0;	/* a NO or BAD: in step, uncompressed */
	snprintf(err, errlen, "%s failed: %s", c->rtt_us ||
	    c->compress == NDR_COMPRESS_YES ? "COMPRESS" : "NOOP",
	    failed_why(c, r));
	imap_break(c, err);
	return -1;
}

int
imap_open(const struct ndr_account *a, const char *password,
    struct imap_conn *c, char *err, size_t errlen)
{
	unsigned port = ndr_account_port(a);
	int r = MAILIMAP_ERROR_LOGIN;

	memset(c, 0, sizeof *c);
	if ((c->s = mailimap_new(0, NULL)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	mailimap_set_timeout(c->s, (time_t)wait_of(a));
	if (start(c, a, port, err, errlen) != 0)
		goto fail;
	read_caps(c);
	if (a->tls == NDR_TLS_STARTTLS) {
		if (!mailimap_has_extension(c->s, "STARTTLS")) {
			/* no silent downgrade: the user asked for TLS */
			snprintf(err, errlen, "%s offers no STARTTLS; "
			    "refusing to log in without TLS", a->host);
			goto fail;
		}
		forget_caps(c);
		if (starttls(c, a, err, errlen) != 0)
			goto fail;
		read_caps(c);
	}
	if (a->tls != NDR_TLS_NONE && verify(c, a, err, errlen) != 0)
		goto fail;
	forget_caps(c);

	if (a->master_user)
		r = master_login(c, a, password, err, errlen);
	else if (c->auth_plain)
		r = auth_plain(c, a->host, a->user, a->user, password);
	if (r == -1)
		goto fail;
	if (!a->master_user && (!c->auth_plain || r != MAILIMAP_NO_ERROR)) {
		if (c->logindisabled) {
			snprintf(err, errlen, "%s refuses LOGIN (LOGINDISABLED)"
			    "%s", a->host, c->auth_plain ?
			    " and AUTHENTICATE PLAIN failed" : "");
			goto fail;
		}
		if (imap_usable(c))
			r = mailimap_login(c->s, a->user, password);
	}
	if (r != MAILIMAP_NO_ERROR) {
		snprintf(err, errlen, "login to %s as %s%s%s%s failed: %s",
		    a->host, a->user, a->master_user ? " (master user " : "",
		    a->master_user ? a->master_user : "",
		    a->master_user ? ")" : "", failed_why(c, r));
		goto fail;
	}
	read_caps(c);
	if (!imap_usable(c)) {
		snprintf(err, errlen, "login to %s as %s failed: %s", a->host,
		    a->user, failed_why(c, MAILIMAP_ERROR_STREAM));
		goto fail;
	}
	c->compress = (unsigned char)a->compress;
	return 0;
fail:
	imap_drop(c);
	return -1;
}

void
imap_drop(struct imap_conn *c)
{
	/* not watched first: the socket is closed and its number may be
	 * another file's at once */
	guard_release(c->slot - 1);
	c->slot = 0;
	if (c->s) {
		mailimap_free(c->s);
		c->s = NULL;
	}
}

/*
 * A run reconnects after a lost connection, but not without end: a server
 * that failed to answer in time or sent an answer over its cap will do so
 * again (each costs up to the timeout, and the run holds the account's
 * lock), and past RUN_REOPENS reconnections in all the server is broken,
 * whatever it does. -2 then: the cause was said already.
 */
#define RUN_TRIPS	1
#define RUN_REOPENS	100

static atomic_uint reopens;

int
imap_reopen(const struct ndr_account *a, const char *password,
    struct imap_conn *c, char *err, size_t errlen)
{
	int (*fn)(struct imap_conn *, void *, char *, size_t) = c->reopen;
	void *arg = c->reopen_arg;
	int rc;

	imap_drop(c);		/* out of step, or gone: no LOGOUT */
	if (guard_trips() >= RUN_TRIPS) {
		snprintf(err, errlen, "%s: the server failed to answer in time "
		    "or within bounds: not connecting again", a->host);
		return -2;
	}
	if (++reopens > RUN_REOPENS) {
		snprintf(err, errlen, "%s: connected again %d times in this "
		    "run: giving up", a->host, RUN_REOPENS);
		return -2;
	}
	rc = imap_open(a, password, c, err, errlen);
	c->reopen = fn;		/* imap_open starts the struct afresh */
	c->reopen_arg = arg;
	return rc;
}

bool
imap_usable(struct imap_conn *c)
{
	return c->s != NULL && c->s->imap_stream != NULL && !c->broken &&
	    !c->leaving &&
	    guard_why(c->s->imap_stream) == NULL;
}

const char *
imap_why(struct imap_conn *c, int r)
{
	if (c->s == NULL)
		return "connection lost";
	return failed_why(c, r);
}

void
imap_break(struct imap_conn *c, const char *why)
{
	c->broken = true;
	if (c->s)
		guard_break(c->s->imap_stream, why);
}

void
imap_leave(struct imap_conn *c)
{
	static const char cmd[] = "z LOGOUT\r\n";

	if (!imap_usable(c))
		return;
	if (mailstream_write(c->s->imap_stream, cmd, sizeof cmd - 1) !=
	    (ssize_t)(sizeof cmd - 1) || mailstream_flush(c->s->imap_stream)
	    != 0) {
		imap_break(c, "connection lost");
		return;
	}
	c->leaving = true;
}

void
imap_close(struct imap_conn *c)
{
	bool left = c->leaving;

	c->leaving = false;	/* what imap_usable() asks of the stream */
	if (imap_usable(c) && left) {
		/* the answer to imap_leave()'s LOGOUT (BYE, then "z OK"),
		 * within the session's timeout, so that the server ends
		 * the session as asked rather than on a dropped line */
		for (int i = 0; i < 16; i++) {
			char *l = mailimap_read_line(c->s);
			if (l == NULL || strncmp(l, "z ", 2) == 0)
				break;
		}
		/* closed here: mailimap_free() would send a LOGOUT of its
		 * own on a stream still open, and wait for its answer */
		guard_stream_set(c->slot - 1, NULL);
		mailstream_close(c->s->imap_stream);
		c->s->imap_stream = NULL;
	} else if (imap_usable(c)) {
		/* LOGOUT closes and frees the stream: the watchdog stops
		 * looking at it first (its deadline still holds) */
		guard_stream_set(c->slot - 1, NULL);
		mailimap_logout(c->s);
	}
	imap_drop(c);
}

struct mailimap_set *
imap_uid_set(const uint32_t *uids, size_t n)
{
	struct mailimap_set *set = mailimap_set_new_empty();

	for (size_t i = 0; i < n; ) {	/* runs of consecutive UIDs */
		size_t j = i;
		while (j + 1 < n && uids[j + 1] == uids[j] + 1)
			j++;
		if (j == i)
			mailimap_set_add_single(set, uids[i]);
		else
			mailimap_set_add_interval(set, uids[i], uids[j]);
		i = j + 1;
	}
	return set;
}
