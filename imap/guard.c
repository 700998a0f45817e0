/*
 * guard.c - every byte a server sends passes a guard: what one command's
 * answer may hold, and the pace it must keep.
 *
 * libetpan reads as long as a server sends: a line without a line end or
 * a literal of {1099511627776} grows its buffer without end, and its read
 * timeout restarts with every byte, so a server sending one byte a second
 * holds a run forever. Each session's stream is wrapped in a mailstream
 * driver of ours (the guard) and watched by one thread (the watchdog):
 *
 * - an answer (what is read between two commands sent) over GUARD_CAP
 *   fails the read, except while fetch.c reads, which caps each answer
 *   itself (guard_lift);
 * - while a read waits, the answer must have come at the account's
 *   timeout (30 s) after the command, plus a second for each GUARD_RATE
 *   bytes it brought:
 *   past that the watchdog shuts the socket down and the read fails. The
 *   same deadline holds from the TCP connection to the greeting, the TLS
 *   handshake included;
 * - libetpan (1.9.4) also spins at full speed when the server hangs up in
 *   the middle of a literal (select() says readable, read() gives 0, and
 *   it asks again): a closed peer with nothing left to read fails the
 *   read too, and the watchdog cancels a stream whose peer has closed for
 *   a whole second.
 *
 * A stream that failed once fails every read and write after: the session
 * is out of step and is dropped, never talked to (imap_usable()).
 */
#include <sys/socket.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libetpan/libetpan.h>

#include "guard.h"

#define SLOTS		8	/* sessions open at once, at most */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct slot {
	bool		 used;
	int		 fd;
	mailstream	*s;		/* once wrapped */
	int64_t		 deadline;	/* ns, CLOCK_MONOTONIC */
	int64_t		 wait;		/* ns an answer may take to begin */
	bool		 waiting;	/* a read is waiting (or connecting) */
	int		 closed;	/* half-seconds the peer was seen closed */
	char		 why[96];	/* set when the watchdog tripped */
} slots[SLOTS];
static bool started;
static atomic_uint trips;

struct guard {
	mailstream_low	*inner;
	int		 slot;
	int64_t		 wait;		/* ns, the slot's */
	size_t		 got, cap;	/* this answer's bytes, and its cap */
	int64_t		 since;		/* the command's time */
	bool		 failed;
	char		 why[96];
};

static int64_t
now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void *
watchdog(void *arg)
{
	struct timespec tick = { 0, 250000000 };

	(void)arg;
	for (;;) {
		nanosleep(&tick, NULL);
		int64_t now = now_ns();
		pthread_mutex_lock(&lock);
		for (size_t i = 0; i < SLOTS; i++) {
			struct slot *sl = &slots[i];
			char ch;
			if (!sl->used || sl->fd < 0)
				continue;
			if (sl->waiting && now > sl->deadline && !sl->why[0]) {
				snprintf(sl->why, sizeof sl->why, "the server "
				    "did not answer in time (%lld s)",
				    (long long)(sl->wait / 1000000000));
				trips++;
				shutdown(sl->fd, SHUT_RDWR);
			}
			if (sl->s && recv(sl->fd, &ch, 1, MSG_PEEK |
			    MSG_DONTWAIT) == 0) {
				if (++sl->closed == 4)
					mailstream_cancel(sl->s);
			} else
				sl->closed = 0;
		}
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

int
guard_watch_fd(int fd, unsigned wait)
{
	int slot = -1;

	pthread_mutex_lock(&lock);
	for (int i = 0; i < SLOTS && slot < 0; i++)
		if (!slots[i].used)
			slot = i;
	if (slot >= 0) {
		memset(&slots[slot], 0, sizeof slots[slot]);
		slots[slot].used = true;
		slots[slot].fd = fd;
		slots[slot].waiting = true;	/* the greeting is awaited */
		slots[slot].wait = (int64_t)wait * 1000000000;
		slots[slot].deadline = now_ns() + slots[slot].wait;
	}
	if (!started) {
		pthread_t t;
		pthread_attr_t attr;
		pthread_attr_init(&attr);
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		started = pthread_create(&t, &attr, watchdog, NULL) == 0;
		pthread_attr_destroy(&attr);
	}
	pthread_mutex_unlock(&lock);
	return slot;	/* -1: more sessions than slots, not watched */
}

void
guard_release(int slot)
{
	if (slot < 0 || slot >= SLOTS)
		return;
	pthread_mutex_lock(&lock);
	memset(&slots[slot], 0, sizeof slots[slot]);
	slots[slot].fd = -1;
	pthread_mutex_unlock(&lock);
}

bool
guard_slot_why(int slot, char *out, size_t len)
{
	bool tripped = false;

	if (slot < 0)
		return false;
	pthread_mutex_lock(&lock);
	if (slots[slot].why[0]) {
		snprintf(out, len, "%s", slots[slot].why);
		tripped = true;
	}
	pthread_mutex_unlock(&lock);
	return tripped;
}


static void
set_wait(int slot, bool waiting, int64_t deadline)
{
	if (slot < 0)
		return;
	pthread_mutex_lock(&lock);
	slots[slot].waiting = waiting;
	if (deadline)
		slots[slot].deadline = deadline;
	pthread_mutex_unlock(&lock);
}

static ssize_t
fail(struct guard *g, const char *why)
{
	if (!g->failed) {
		g->failed = true;
		if (!guard_slot_why(g->slot, g->why, sizeof g->why))
			snprintf(g->why, sizeof g->why, "%s", why);
	}
	return -1;
}

static int64_t
deadline_of(const struct guard *g)
{
	return g->since + g->wait + (int64_t)(g->got / GUARD_RATE) *
	    1000000000;
}

static ssize_t
g_read(mailstream_low *l, void *buf, size_t n)
{
	struct guard *g = l->data;
	ssize_t r;

	if (g->failed)
		return -1;
	if (now_ns() > deadline_of(g)) {
		trips++;
		return fail(g, "the server is too slow to answer");
	}
	set_wait(g->slot, true, deadline_of(g));
	errno = 0;
	r = mailstream_low_read(g->inner, buf, n);
	set_wait(g->slot, false, 0);
	if (r <= 0)
		return fail(g, r == 0 ? "the server closed the connection" :
		    errno == EBADMSG ? "the server's compressed stream is "
		    "broken" : "connection lost or timed out");
	g->got += (size_t)r;
	if (g->got > g->cap) {
		char why[96];
		trips++;
		snprintf(why, sizeof why, "the server sent an answer of over "
		    "%u MB", (unsigned)(g->cap >> 20));
		return fail(g, why);
	}
	return r;
}

static ssize_t
g_write(mailstream_low *l, const void *buf, size_t n)
{
	struct guard *g = l->data;
	ssize_t r;

	if (g->failed)
		return -1;
	r = mailstream_low_write(g->inner, buf, n);
	if (r < 0)
		return fail(g, "connection lost");
	/* a command (or part of one) went out: its answer starts afresh */
	g->got = 0;
	g->cap = GUARD_CAP;
	g->since = now_ns();
	return r;
}

static int
g_close(mailstream_low *l)
{
	struct guard *g = l->data;

	/* the slot is the session's to release (imap_drop), before this */
	return mailstream_low_close(g->inner);
}

static int
g_get_fd(mailstream_low *l)
{
	return mailstream_low_get_fd(((struct guard *)l->data)->inner);
}

static void
g_free(mailstream_low *l)
{
	struct guard *g = l->data;

	if (g->inner)
		mailstream_low_free(g->inner);
	free(g);
	free(l);
}

static void
g_cancel(mailstream_low *l)
{
	mailstream_low_cancel(((struct guard *)l->data)->inner);
}

static struct mailstream_cancel *
g_get_cancel(mailstream_low *l)
{
	return mailstream_low_get_cancel(((struct guard *)l->data)->inner);
}

static carray *
g_chain(mailstream_low *l)
{
	return mailstream_low_get_certificate_chain(
	    ((struct guard *)l->data)->inner);
}

static mailstream_low_driver driver = {
	.mailstream_read = g_read,
	.mailstream_write = g_write,
	.mailstream_close = g_close,
	.mailstream_get_fd = g_get_fd,
	.mailstream_free = g_free,
	.mailstream_cancel = g_cancel,
	.mailstream_get_cancel = g_get_cancel,
	.mailstream_get_certificate_chain = g_chain,
};

mailstream_low *
guard_wrap(mailstream_low *inner, int slot)
{
	struct guard *g = calloc(1, sizeof *g);
	mailstream_low *l;

	if (g == NULL)
		return NULL;
	g->inner = inner;
	g->slot = slot;
	g->wait = 30 * (int64_t)1000000000;
	if (slot >= 0) {
		pthread_mutex_lock(&lock);
		g->wait = slots[slot].wait;
		pthread_mutex_unlock(&lock);
	}
	g->cap = GUARD_CAP;
	g->since = now_ns();
	if ((l = mailstream_low_new(g, &driver)) == NULL) {
		free(g);
		return NULL;
	}
	set_wait(slot, false, 0);
	return l;
}

/* The guard of a stream, or NULL if it has none. */
static struct guard *
guard_of(mailstream *s)
{
	mailstream_low *l = s ? mailstream_get_low(s) : NULL;

	return l && l->driver == &driver ? l->data : NULL;
}

void
guard_rewrap(mailstream *s, mailstream_low *inner)
{
	struct guard *g = guard_of(s);

	if (g == NULL)
		return;
	if (g->inner)
		mailstream_low_free(g->inner);	/* frees, does not close */
	g->inner = inner;
	g->since = now_ns();
	set_wait(g->slot, false, 0);
}

bool
guard_layer(mailstream *s, mailstream_low *(*wrap)(mailstream_low *, void *),
    void *arg)
{
	struct guard *g = guard_of(s);
	mailstream_low *l;

	if (g == NULL || g->inner == NULL ||
	    (l = wrap(g->inner, arg)) == NULL)
		return false;
	g->inner = l;		/* it owns the one it wraps */
	return true;
}

void
guard_arm(int slot)
{
	if (slot < 0)
		return;
	pthread_mutex_lock(&lock);
	slots[slot].waiting = true;
	slots[slot].deadline = now_ns() + slots[slot].wait;
	pthread_mutex_unlock(&lock);
}

void
guard_stream_set(int slot, mailstream *s)
{
	if (slot < 0)
		return;
	pthread_mutex_lock(&lock);
	slots[slot].s = s;
	pthread_mutex_unlock(&lock);
}

void
guard_lift(mailstream *s)
{
	struct guard *g = guard_of(s);

	if (g)
		g->cap = (size_t)-1;
}

const char *
guard_why(mailstream *s)
{
	struct guard *g = guard_of(s);

	return g && g->failed ? g->why : NULL;
}

void
guard_break(mailstream *s, const char *why)
{
	struct guard *g = guard_of(s);

	if (g)
		fail(g, why);
}

unsigned
guard_trips(void)
{
	return trips;
}
