/*
 * managesieve.c - a small ManageSieve client (RFC 5804): the account's
 * Sieve scripts listed, read, checked, written, activated and deleted.
 * No packaged C library speaks it. TLS is STARTTLS, verified like IMAP's
 * (imap_tls_verify: chain and host name, ca_file, or the pinned
 * fingerprint) before the password is sent; tls = none only where the
 * configuration says so. Every read has the account's timeout.
 */
#include <sys/socket.h>
#include <sys/types.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <libetpan/libetpan.h>

#include "core/core.h"
#include "core/config.h"
#include "imap.h"

#define LINE_MAX_	(64u << 10)	/* one line of an answer, at most */
#define SCRIPT_MAX	(4u << 20)	/* one literal (a script), at most */

struct msieve {
	int		 fd;
	gnutls_session_t tls;
	gnutls_certificate_credentials_t cred;
	int		 timeout_ms;
	char		 in[8192];
	size_t		 have, off;
	char		 where[300];	/* "host:port", for the errors */
	struct ndr_strv	 caps;		/* "NAME value" */
	char		*sieve;		/* the SIEVE capability */
};

/* ---- bytes ---- */

static ssize_t
raw_read(struct msieve *m, void *buf, size_t n)
{
	if (m->tls == NULL || gnutls_record_check_pending(m->tls) == 0) {
		struct pollfd p = { .fd = m->fd, .events = POLLIN };
		int r;
		do
			r = poll(&p, 1, m->timeout_ms);
		while (r < 0 && errno == EINTR);
		if (r <= 0)
			return -2;	/* timed out */
	}
	if (m->tls) {
		ssize_t r;
		do
			r = gnutls_record_recv(m->tls, buf, n);
		while (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED);
		return r < 0 ? -1 : r;
	}
	ssize_t r;
	do
		r = recv(m->fd, buf, n, 0);
	while (r < 0 && errno == EINTR);
	return r;
}

static int
fill(struct msieve *m)
{
	if (m->off < m->have)
		return 0;
	ssize_t r = raw_read(m, m->in, sizeof m->in);
	if (r <= 0)
		return r == -2 ? -2 : -1;
	m->have = (size_t)r;
	m->off = 0;
	return 0;
}

static int
send_all(struct msieve *m, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = m->tls ? gnutls_record_send(m->tls, s, n) :
		    send(m->fd, s, n, MSG_NOSIGNAL);
		if (w < 0 && (errno == EINTR || w == GNUTLS_E_AGAIN ||
		    w == GNUTLS_E_INTERRUPTED))
			continue;
		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* ---- the answers ---- */

/* One line of the answer as its tokens: atoms, quoted strings (without
 * their escapes), literals (as sent). -1 the connection failed, -2 it
 * timed out, -3 a line or literal too long. */
static int
read_tokens(struct msieve *m, struct ndr_strv *t)
{
	struct ndr_buf line = { 0 };
	int rc;

	strv_free(t);
	for (;;) {
		/* up to the line's end */
		line.len = 0;
		for (;;) {
			if ((rc = fill(m)) != 0)
				goto out;
			char c = m->in[m->off++];
			if (c == '\n')
				break;
			if (c != '\r')
				ndr_buf_add(&line, &c, 1);
			if (line.len > LINE_MAX_) {
				rc = -3;
				goto out;
			}
		}
		ndr_buf_add(&line, "", 1);
		line.len--;
		const char *p = line.s;
		size_t lit = 0;
		bool literal = false;
		while (*p) {
			if (*p == ' ') {
				p++;
				continue;
			}
			if (*p == '"') {
				struct ndr_buf q = { 0 };
				for (p++; *p && *p != '"'; p++) {
					if (*p == '\\' && p[1])
						p++;
					ndr_buf_add(&q, p, 1);
				}
				if (*p == '"')
					p++;
				ndr_buf_add(&q, "", 1);
				strv_add(t, q.s);
			} else if (*p == '{') {
				char *end;
				unsigned long v = strtoul(p + 1, &end, 10);
				if (*end == '+')
					end++;
				if (*end != '}' || v > SCRIPT_MAX) {
					rc = -3;
					goto out;
				}
				lit = v;
				literal = true;
				p = end + 1;
			} else {
				size_t n = strcspn(p, " ");
				strv_add(t, xstrndup(p, n));
				p += n;
			}
		}
		if (!literal)
			break;
		/* the literal, then the line goes on */
		char *data = xcalloc(1, lit + 1);
		for (size_t got = 0; got < lit; ) {
			if ((rc = fill(m)) != 0) {
				free(data);
				goto out;
			}
			size_t k = m->have - m->off < lit - got ? m->have - m->off :
			    lit - got;
			memcpy(data + got, m->in + m->off, k);
			m->off += k;
			got += k;
		}
		strv_add(t, data);
	}
	rc = 0;
out:
	ndr_buf_free(&line);
	return rc;
}

static bool
is_word(const struct ndr_strv *t, const char *w)
{
	return t->n > 0 && strcasecmp(t->v[0], w) == 0;
}

/* The text of an OK/NO/BYE line: its string, after a (CODE) if any. */
static const char *
said(const struct ndr_strv *t)
{
	for (size_t i = 1; i < t->n; i++)
		if (t->v[i][0] != '(')
			return t->v[i];
	return "no reason given";
}

/*
 * An answer: its data lines to each (may be NULL) and the closing
 * line. 0 OK, 1 NO (err says what the server said), -1 and err when the
 * connection failed or the server said BYE.
 */
static int
answer(struct msieve *m, int (*each)(const struct ndr_strv *, void *),
    void *arg, char *err, size_t errlen)
{
	struct ndr_strv t = { NULL, 0 };
	int rc;

	for (;;) {
		if ((rc = read_tokens(m, &t)) != 0) {
			snprintf(err, errlen, "ManageSieve at %s: %s", m->where,
			    rc == -2 ? "the server did not answer in time" :
			    rc == -3 ? "the server sent an answer too long" :
			    "connection lost");
			strv_free(&t);
			return -1;
		}
		if (is_word(&t, "OK")) {
			rc = 0;
			break;
		}
		if (is_word(&t, "NO") || is_word(&t, "BYE")) {
			snprintf(err, errlen, "ManageSieve at %s: %s", m->where,
			    said(&t));
			rc = is_word(&t, "NO") ? 1 : -1;
			break;
		}
		if (each && each(&t, arg) != 0) {
			rc = -1;
			snprintf(err, errlen, "ManageSieve at %s: an answer "
			    "ndrsweep could not read", m->where);
			break;
		}
	}
	strv_free(&t);
	return rc;
}

/* A capability line: kept as "NAME value". */
static int
on_cap(const struct ndr_strv *t, void *arg)
{
	struct msieve *m = arg;
	char *s;

	if (t->n == 0)
		return 0;
	if (asprintf(&s, "%s %s", t->v[0], t->n > 1 ? t->v[1] : "") < 0)
		abort();
	strv_add(&m->caps, s);
	if (strcasecmp(t->v[0], "SIEVE") == 0 && t->n > 1) {
		free(m->sieve);
		m->sieve = xstrdup(t->v[1]);
	}
	return 0;
}

static int
read_caps(struct msieve *m, char *err, size_t errlen)
{
	strv_free(&m->caps);
	return answer(m, on_cap, m, err, errlen) == 0 ? 0 : -1;
}

static bool
has_cap(const struct msieve *m, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < m->caps.n; i++)
		if (strncasecmp(m->caps.v[i], name, n) == 0 &&
		    (m->caps.v[i][n] == ' ' || m->caps.v[i][n] == '\0'))
			return true;
	return false;
}

bool
msieve_has(const struct msieve *m, const char *ext)
{
	size_t n = strlen(ext);

	for (const char *p = m->sieve; p && *p; ) {
		size_t l = strcspn(p, " ");
		if (l == n && strncasecmp(p, ext, n) == 0)
			return true;
		p += l + (p[l] == ' ');
	}
	return false;
}

/* ---- a command ---- */

/* The command line with a script as a literal after it (or none). */
static int
command(struct msieve *m, const char *line, const char *script,
    char *err, size_t errlen)
{
	struct ndr_buf b = { 0 };

	ndr_buf_printf(&b, "%s", line);
	if (script)
		ndr_buf_printf(&b, " {%zu+}\r\n%s", strlen(script), script);
	ndr_buf_printf(&b, "\r\n");
	int r = send_all(m, b.s, b.len);
	ndr_buf_free(&b);
	if (r != 0)
		snprintf(err, errlen, "ManageSieve at %s: connection lost",
		    m->where);
	return r;
}

/* A name as a quoted string (names are short and plain: checked). */
static int
qname(const char *name, char *out, size_t len)
{
	if (strpbrk(name, "\"\\\r\n") || strlen(name) + 3 > len)
		return -1;
	snprintf(out, len, "\"%s\"", name);
	return 0;
}

/* ---- the session ---- */

static int
tls_start(struct msieve *m, const struct ndr_account *a, char *err,
    size_t errlen)
{
	int r;

	gnutls_certificate_allocate_credentials(&m->cred);
	gnutls_init(&m->tls, GNUTLS_CLIENT);
	gnutls_set_default_priority(m->tls);
	gnutls_credentials_set(m->tls, GNUTLS_CRD_CERTIFICATE, m->cred);
	gnutls_server_name_set(m->tls, GNUTLS_NAME_DNS, a->host,
	    strlen(a->host));
	gnutls_transport_set_int(m->tls, m->fd);
	gnutls_handshake_set_timeout(m->tls, (unsigned)m->timeout_ms);
	do
		r = gnutls_handshake(m->tls);
	while (r < 0 && !gnutls_error_is_fatal(r));
	if (r < 0) {
		snprintf(err, errlen, "ManageSieve at %s: TLS failed: %s",
		    m->where, gnutls_strerror(r));
		return -1;
	}
	/* the chain as libetpan hands IMAP's: one check for both */
	unsigned n = 0;
	const gnutls_datum_t *peers = gnutls_certificate_get_peers(m->tls, &n);
	carray *chain = carray_new(n ? n : 1);
	for (unsigned i = 0; i < n; i++)
		carray_add(chain, mmap_string_new_len((const char *)
		    peers[i].data, peers[i].size), NULL);
	char why[512];
	r = n == 0 ? -1 : imap_tls_verify(chain, a->host, a->ca_file,
	    a->fingerprint, why, sizeof why);
	for (unsigned i = 0; i < carray_count(chain); i++)
		mmap_string_free(carray_get(chain, i));
	carray_free(chain);
	if (r != 0) {
		snprintf(err, errlen, "ManageSieve at %s: %s", m->where, n ?
		    why : "the server showed no certificate");
		return -1;
	}
	return 0;
}

int
msieve_open(const struct ndr_account *a, const char *pw, struct msieve **out,
    char *err, size_t errlen)
{
	struct msieve *m = xcalloc(1, sizeof *m);
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai = NULL;
	char port[16];
	int r;

	*out = NULL;
	m->fd = -1;
	m->timeout_ms = (int)(a->timeout ? a->timeout : 30) * 1000;
	snprintf(port, sizeof port, "%u", a->sieve_port ? a->sieve_port : 4190);
	snprintf(m->where, sizeof m->where, "%s:%s", a->host, port);
	if ((r = getaddrinfo(a->host, port, &hints, &ai)) != 0) {
		snprintf(err, errlen, "cannot resolve %s", a->host);
		goto bad;
	}
	for (struct addrinfo *p = ai; p && m->fd < 0; p = p->ai_next) {
		m->fd = socket(p->ai_family, p->ai_socktype, p->ai_protocol);
		if (m->fd >= 0 && connect(m->fd, p->ai_addr, p->ai_addrlen) != 0) {
			r = errno;
			close(m->fd);
			m->fd = -1;
		}
	}
	freeaddrinfo(ai);
	if (m->fd < 0) {
		snprintf(err, errlen, "cannot connect to ManageSieve at %s: %s",
		    m->where, strerror(r));
		goto bad;
	}
	if (read_caps(m, err, errlen) != 0)
		goto bad;
	if (a->tls != NDR_TLS_NONE) {
		if (!has_cap(m, "STARTTLS")) {
			snprintf(err, errlen, "ManageSieve at %s offers no "
			    "STARTTLS; refused (tls = none in the configuration "
			    "allows plain text)", m->where);
			goto bad;
		}
		if (command(m, "STARTTLS", NULL, err, errlen) != 0 ||
		    answer(m, NULL, NULL, err, errlen) != 0 ||
		    tls_start(m, a, err, errlen) != 0 ||
		    read_caps(m, err, errlen) != 0)
			goto bad;
	}
	/* AUTHENTICATE PLAIN: authorization empty, user, password; for an
	 * administrator, the user, the master user, the master's password */
	struct ndr_buf b64 = { 0 }, line = { 0 };
	imap_sasl_plain(a->master_user ? a->user : "", a->master_user ?
	    a->master_user : a->user, pw, &b64);
	ndr_buf_printf(&line, "AUTHENTICATE \"PLAIN\" \"%s\"", b64.s);
	r = command(m, line.s, NULL, err, errlen);
	explicit_bzero(line.s, line.len);
	explicit_bzero(b64.s, b64.len);
	ndr_buf_free(&b64);
	ndr_buf_free(&line);
	if (r != 0)
		goto bad;
	if ((r = answer(m, NULL, NULL, err, errlen)) != 0) {
		if (r == 1)
			snprintf(err, errlen, "ManageSieve login to %s as %s "
			    "failed", m->where, a->user);
		goto bad;
	}
	/* some servers send their capabilities again after login */
	*out = m;
	return 0;
bad:
	msieve_close(m);
	return -1;
}

void
msieve_close(struct msieve *m)
{
	if (m == NULL)
		return;
	if (m->fd >= 0) {
		char err[64];
		if (command(m, "LOGOUT", NULL, err, sizeof err) == 0)
			answer(m, NULL, NULL, err, sizeof err);
	}
	if (m->tls) {
		gnutls_bye(m->tls, GNUTLS_SHUT_WR);
		gnutls_deinit(m->tls);
	}
	if (m->cred)
		gnutls_certificate_free_credentials(m->cred);
	if (m->fd >= 0)
		close(m->fd);
	strv_free(&m->caps);
	free(m->sieve);
	free(m);
}

struct listing {
	struct ndr_strv	*names;
	char		**active;
};

static int
on_script(const struct ndr_strv *t, void *arg)
{
	struct listing *l = arg;

	if (t->n == 0)
		return 0;
	strv_add(l->names, xstrdup(t->v[0]));
	if (t->n > 1 && strcasecmp(t->v[1], "ACTIVE") == 0 && l->active) {
		free(*l->active);
		*l->active = xstrdup(t->v[0]);
	}
	return 0;
}

int
msieve_list(struct msieve *m, struct ndr_strv *names, char **active,
    char *err, size_t errlen)
{
	struct listing l = { names, active };

	*active = NULL;
	if (command(m, "LISTSCRIPTS", NULL, err, errlen) != 0)
		return -1;
	return answer(m, on_script, &l, err, errlen) == 0 ? 0 : -1;
}

static int
on_text(const struct ndr_strv *t, void *arg)
{
	char **text = arg;

	if (t->n == 0 || *text)
		return 0;
	*text = xstrdup(t->v[0]);
	return 0;
}

int
msieve_get(struct msieve *m, const char *name, char **text, char *err,
    size_t errlen)
{
	char q[300], line[320];

	*text = NULL;
	if (qname(name, q, sizeof q) != 0) {
		snprintf(err, errlen, "%s: not a script name", name);
		return -1;
	}
	snprintf(line, sizeof line, "GETSCRIPT %s", q);
	if (command(m, line, NULL, err, errlen) != 0)
		return -1;
	int r = answer(m, on_text, text, err, errlen);
	if (r != 0) {
		free(*text);
		*text = NULL;
	}
	return r;
}

int
msieve_put(struct msieve *m, const char *name, const char *script,
    char *err, size_t errlen)
{
	char q[300], line[400];
	int r;

	if (qname(name, q, sizeof q) != 0) {
		snprintf(err, errlen, "%s: not a script name", name);
		return -1;
	}
	/* room first, then the server's own check, then the script */
	snprintf(line, sizeof line, "HAVESPACE %s %zu", q, strlen(script));
	if (command(m, line, NULL, err, errlen) != 0 ||
	    (r = answer(m, NULL, NULL, err, errlen)) < 0)
		return -1;
	if (r == 1)
		return 1;
	if (has_cap(m, "VERSION")) {	/* CHECKSCRIPT came with 1.0 */
		if (command(m, "CHECKSCRIPT", script, err, errlen) != 0 ||
		    (r = answer(m, NULL, NULL, err, errlen)) != 0)
			return r;
	}
	snprintf(line, sizeof line, "PUTSCRIPT %s", q);
	if (command(m, line, script, err, errlen) != 0)
		return -1;
	return answer(m, NULL, NULL, err, errlen);
}

int
msieve_activate(struct msieve *m, const char *name, char *err,
    size_t errlen)
{
	char q[300], line[320];

	if (qname(name, q, sizeof q) != 0) {
		snprintf(err, errlen, "%s: not a script name", name);
		return -1;
	}
	snprintf(line, sizeof line, "SETACTIVE %s", q);
	if (command(m, line, NULL, err, errlen) != 0)
		return -1;
	return answer(m, NULL, NULL, err, errlen);
}

int
msieve_delete(struct msieve *m, const char *name, char *err, size_t errlen)
{
	char q[300], line[320];

	if (qname(name, q, sizeof q) != 0) {
		snprintf(err, errlen, "%s: not a script name", name);
		return -1;
	}
	snprintf(line, sizeof line, "DELETESCRIPT %s", q);
	if (command(m, line, NULL, err, errlen) != 0)
		return -1;
	return answer(m, NULL, NULL, err, errlen);
}
