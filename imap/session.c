/*
 * session.c - one IMAP session: connect (implicit TLS, STARTTLS or, when
 * the configuration says so, none), verify the certificate, read the
 * capabilities, log in, read them again.
 */
#include <sys/socket.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libetpan/libetpan.h>

#include "core/config.h"
#include "imap.h"

#define TIMEOUT_S	30

static void
set_sni(struct mailstream_ssl_context *ctx, void *data)
{
	mailstream_ssl_set_server_name(ctx, data);
}

/* The server's words for a failed command, or a general line. */
static const char *
server_said(mailimap *s, int r)
{
	if (s->imap_response && *s->imap_response)
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

static void
read_caps(struct imap_conn *c)
{
	mailimap *s = c->s;

	struct mailimap_capability_data *cd = NULL;

	if (mailimap_capability(s, &cd) == MAILIMAP_NO_ERROR && cd)
		mailimap_capability_data_free(cd);
	c->move = mailimap_has_extension(s, "MOVE");
	c->uidplus = mailimap_has_uidplus(s);
	c->condstore = mailimap_has_condstore(s);
	c->qresync = mailimap_has_qresync(s);
	c->specialuse = mailimap_has_extension(s, "SPECIAL-USE");
	c->logindisabled = mailimap_has_extension(s, "LOGINDISABLED");
	c->auth_plain = mailimap_has_authentication(s, "PLAIN");
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

/*
 * libetpan (1.9.4) spins at full speed, never returning, when the server
 * hangs up in the middle of a literal: select() says readable, read()
 * gives 0, and it asks again (found by tests/faults.sh). A watchdog thread
 * looks at each open session's socket twice a second (a scan has two: its
 * own and phase two's); once the peer has closed one and nothing is left
 * to read, for a whole second, it cancels that stream, and the read in
 * progress fails as a lost connection should.
 */
#define WATCHED		8	/* sessions open at once, at most */

static pthread_mutex_t wd_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	const struct imap_conn	*c;
	mailstream		*s;
	int			 closed;
} wd[WATCHED];
static bool wd_started;

static void *
watchdog(void *arg)
{
	struct timespec half = { 0, 500000000 };

	(void)arg;
	for (;;) {
		nanosleep(&half, NULL);
		pthread_mutex_lock(&wd_lock);
		for (size_t i = 0; i < WATCHED; i++) {
			mailstream_low *low = wd[i].s ?
			    mailstream_get_low(wd[i].s) : NULL;
			int fd = low ? mailstream_low_get_fd(low) : -1;
			char ch;
			if (fd >= 0 && recv(fd, &ch, 1,
			    MSG_PEEK | MSG_DONTWAIT) == 0) {
				if (++wd[i].closed == 2)
					mailstream_cancel(wd[i].s);
			} else
				wd[i].closed = 0;
		}
		pthread_mutex_unlock(&wd_lock);
	}
	return NULL;
}

/* c's stream is s from now on (NULL: c is closed, not watched). */
static void
watch(const struct imap_conn *c, mailimap *s)
{
	pthread_t t;
	size_t i, free_slot = WATCHED;

	pthread_mutex_lock(&wd_lock);
	for (i = 0; i < WATCHED && wd[i].c != c; i++)
		if (wd[i].c == NULL && free_slot == WATCHED)
			free_slot = i;
	if (i == WATCHED)
		i = free_slot;
	if (i < WATCHED) {	/* more sessions than slots: not watched */
		wd[i].c = s ? c : NULL;
		wd[i].s = s ? s->imap_stream : NULL;
		wd[i].closed = 0;
	}
	if (!wd_started && s) {
		pthread_attr_t attr;
		pthread_attr_init(&attr);
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		wd_started = pthread_create(&t, &attr, watchdog, NULL) == 0;
		pthread_attr_destroy(&attr);
	}
	pthread_mutex_unlock(&wd_lock);
}

int
imap_open(const struct ndr_account *a, const char *password,
    struct imap_conn *c, char *err, size_t errlen)
{
	unsigned port = ndr_account_port(a);
	int r;

	memset(c, 0, sizeof *c);
	if ((c->s = mailimap_new(0, NULL)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	mailimap_set_timeout(c->s, TIMEOUT_S);
	if (a->tls == NDR_TLS_IMPLICIT)
		r = mailimap_ssl_connect_with_callback(c->s, a->host,
		    (uint16_t)port, set_sni, a->host);
	else
		r = mailimap_socket_connect(c->s, a->host, (uint16_t)port);
	if (r != MAILIMAP_NO_ERROR_AUTHENTICATED &&
	    r != MAILIMAP_NO_ERROR_NON_AUTHENTICATED) {
		snprintf(err, errlen, "cannot connect to %s:%u: %s", a->host,
		    port, server_said(c->s, r));
		goto fail;
	}
	watch(c, c->s);
	read_caps(c);
	if (a->tls == NDR_TLS_STARTTLS) {
		if (!mailimap_has_extension(c->s, "STARTTLS")) {
			/* no silent downgrade: the user asked for TLS */
			snprintf(err, errlen, "%s offers no STARTTLS; "
			    "refusing to log in without TLS", a->host);
			goto fail;
		}
		watch(c, NULL);	/* the plain stream goes away */
		r = mailimap_socket_starttls_with_callback(c->s, set_sni,
		    a->host);
		if (r != MAILIMAP_NO_ERROR) {
			snprintf(err, errlen, "STARTTLS with %s failed: %s",
			    a->host, server_said(c->s, r));
			goto fail;
		}
		watch(c, c->s);	/* the stream is a TLS one now */
		read_caps(c);
	}
	if (a->tls != NDR_TLS_NONE && verify(c, a, err, errlen) != 0)
		goto fail;

	if (c->auth_plain)
		r = mailimap_authenticate(c->s, "PLAIN", a->host, NULL, NULL,
		    a->user, a->user, password, NULL);
	if (!c->auth_plain || r != MAILIMAP_NO_ERROR) {
		if (c->logindisabled) {
			snprintf(err, errlen, "%s refuses LOGIN (LOGINDISABLED)"
			    "%s", a->host, c->auth_plain ?
			    " and AUTHENTICATE PLAIN failed" : "");
			goto fail;
		}
		r = mailimap_login(c->s, a->user, password);
	}
	if (r != MAILIMAP_NO_ERROR) {
		snprintf(err, errlen, "login to %s as %s failed: %s", a->host,
		    a->user, server_said(c->s, r));
		goto fail;
	}
	read_caps(c);
	return 0;
fail:
	watch(c, NULL);
	mailimap_free(c->s);
	c->s = NULL;
	return -1;
}

void
imap_drop(struct imap_conn *c)
{
	if (c->s) {
		watch(c, NULL);
		mailimap_free(c->s);
		c->s = NULL;
	}
}

void
imap_close(struct imap_conn *c)
{
	if (c->s) {
		/* not watched first: LOGOUT closes and frees the stream the
		 * watchdog would look at */
		watch(c, NULL);
		mailimap_logout(c->s);
	}
	imap_drop(c);
}
