/* intake.c - the scan's way into the engine (see intake.h). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "engine.h"
#include "intake.h"
#include "store.h"

#define READERS		2		/* reader threads */
#define QUEUED_MAX	(32u << 20)	/* bytes waiting for them */

/* The "<x>" of a Message-ID value, or NULL */
static char *
message_id(const char *h, size_t n)
{
	const char *lt, *gt;

	lt = memchr(h, '<', n);
	if (lt == NULL)
		return NULL;
	gt = memchr(lt, '>', n - (size_t)(lt - h));
	if (gt == NULL || gt - lt > 998)
		return NULL;
	return xstrndup(lt, (size_t)(gt - lt) + 1);
}

/* "a@b, c@d": the addresses of To, Cc and Bcc, lowercase */
static char *
recipients(const struct hdrs *h)
{
	static const char *const names[] = { "To", "Cc", "Bcc" };
	struct ndr_buf b = { 0 };

	for (size_t i = 0; i < 3; i++)
		for (size_t k = 0; k < h->n; k++) {
			const char *v = h->v[k].value;
			if (strcasecmp(h->v[k].name, names[i]) != 0 || v == NULL)
				continue;
			size_t len = strlen(v), at = 0, s, e;
			char *a;
			while (at < len &&
			    (a = find_address(v + at, len - at, &s, &e))) {
				if (b.len)
					ndr_buf_adds(&b, ", ");
				ndr_buf_adds(&b, a);
				free(a);
				at += e;
			}
		}
	return b.s;
}

int
intake_head(const struct intake_to *to, uint32_t uid, uint32_t size,
    const char *flags, const char *hdr, size_t len)
{
	struct hdrs hd = { 0 };
	const char *v;
	char *mid = NULL;
	int64_t date;
	int rc = 0;

	if (hdr)
		hdrs_parse(&hd, hdr, len);
	if (to->sent) {
		/* only the Sent index keeps them: plain mail is a UID */
		date = ndr_date(hdrs_get(&hd, "Date"));
		if ((v = hdrs_get(&hd, "Message-ID")) != NULL)
			mid = message_id(v, strlen(v));
		char *rcpts = recipients(&hd);
		if (store_sent_put(to->st, to->folder, uid, mid, date, rcpts) !=
		    0)
			rc = -1;
		(*to->sent_indexed)++;
		free(rcpts);
	}
	if (hdr && candidate_of(&hd)) {
		hdrs_free(&hd);
		free(mid);
		return rc == 0 ? 1 : rc;
	}
	hdrs_free(&hd);
	struct store_msg m = { .uid = uid, .size = size, .kind = "other",
	    .flags = flags, .plain = true, .again = to->again };
	if (store_msg_put(to->st, to->folder, &m) != 0)
		rc = -1;
	to->by_kind[NDR_KIND_OTHER]++;
	free(mid);
	return rc;
}

struct intake_job *
intake_job_new(uint32_t uid, size_t tag, const char *body, size_t len)
{
	struct intake_job *j = xcalloc(1, sizeof *j);

	j->uid = uid;
	j->tag = tag;
	/* line ends made LF while it is copied: the engine would copy it
	 * again to do so (ndr_read) */
	j->body = xreallocarray(NULL, len + 1, 1);
	j->blen = ndr_lf(j->body, body, len);
	j->body[j->blen] = '\0';
	return j;
}

void
intake_job_read(struct intake_job *j, const struct ndr_limits *lim)
{
	struct ndr_report *r = NULL;
	struct ndr_buf json = { 0 };

	if (ndr_read(j->body, j->blen, lim, &r) == NDR_OK && r) {
		j->read = true;
		j->kind = r->kind;
		ndr_report_json(r, NULL, &json);
		j->json = json.s;
		/* the engine read the headers: not parsed twice */
		if (r->message_id)
			j->mid = message_id(r->message_id, strlen(r->message_id));
		j->date = r->date;
		if (ndr_kind_judged(r->kind)) {
			/* what the verdict is judged on, now and again later */
			ndr_evidence_of(r, &j->ev);
			j->evidence = true;
		}
	}
	ndr_report_free(&r);
	free(j->body);
	j->body = NULL;
}

int
intake_job_store(const struct intake_to *to, struct intake_job *j,
    uint32_t size, const char *flags)
{
	struct store_msg m = { .uid = j->uid, .size = size, .flags = flags,
	    .kind = "other" };
	int rc = 0;

	if (j->read) {
		m.kind = ndr_kind_name(j->kind);
		/* a candidate that is ordinary mail after all keeps its row
		 * (it was asked for), not the engine's empty reading of it */
		m.report = j->kind == NDR_KIND_OTHER ? NULL : j->json;
		m.date = j->date;
		m.message_id = j->mid;
		to->by_kind[j->kind]++;
	} else
		m.unreadable = true;
	if (store_msg_put(to->st, to->folder, &m) != 0)
		rc = -1;
	else if (j->evidence &&
	    store_evidence_put(to->st, to->folder, j->uid, &j->ev) != 0)
		rc = -1;
	if (j->evidence)
		ndr_evidence_free(&j->ev);
	free(j->json);
	free(j->mid);
	free(j->body);
	free(j);
	return rc;
}

/*
 * The readers touch neither the session nor the store (and the engine's
 * one shared state, the charset descriptors, has a lock): while they read
 * some, the session takes in the next, and the server finds them.
 */
struct intake {
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	struct intake_job	*todo, **todo_tail, *done, **done_tail;
	size_t			 queued;	/* body bytes in todo */
	bool			 closing;
	const struct ndr_limits	*lim;
	pthread_t		 th[READERS];
	int			 nth;
};

static void *
reader_main(void *arg)
{
	struct intake *e = arg;

	pthread_mutex_lock(&e->mu);
	for (;;) {
		while (e->todo == NULL && !e->closing)
			pthread_cond_wait(&e->cv, &e->mu);
		struct intake_job *j = e->todo;
		if (j == NULL)
			break;
		if ((e->todo = j->next) == NULL)
			e->todo_tail = &e->todo;
		pthread_mutex_unlock(&e->mu);
		intake_job_read(j, e->lim);
		pthread_mutex_lock(&e->mu);
		e->queued -= j->blen;
		j->next = NULL;
		*e->done_tail = j;
		e->done_tail = &j->next;
		pthread_cond_broadcast(&e->cv);
	}
	pthread_mutex_unlock(&e->mu);
	return NULL;
}

struct intake *
intake_start(const struct ndr_limits *lim)
{
	struct intake *e = xcalloc(1, sizeof *e);

	pthread_mutex_init(&e->mu, NULL);
	pthread_cond_init(&e->cv, NULL);
	e->todo_tail = &e->todo;
	e->done_tail = &e->done;
	e->lim = lim;
	while (e->nth < READERS &&
	    pthread_create(&e->th[e->nth], NULL, reader_main, e) == 0)
		e->nth++;
	if (e->nth == 0) {
		pthread_cond_destroy(&e->cv);
		pthread_mutex_destroy(&e->mu);
		free(e);
		return NULL;
	}
	return e;
}

void
intake_push(struct intake *e, struct intake_job *j)
{
	pthread_mutex_lock(&e->mu);
	*e->todo_tail = j;
	e->todo_tail = &j->next;
	e->queued += j->blen;
	pthread_cond_broadcast(&e->cv);
	while (e->queued > QUEUED_MAX)	/* the readers are behind: wait */
		pthread_cond_wait(&e->cv, &e->mu);
	pthread_mutex_unlock(&e->mu);
}

void
intake_wait(struct intake *e, int ms)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += (long)ms * 1000000L;
	until.tv_sec += until.tv_nsec / 1000000000L;
	until.tv_nsec %= 1000000000L;
	pthread_mutex_lock(&e->mu);
	if (e->done == NULL)
		pthread_cond_timedwait(&e->cv, &e->mu, &until);
	pthread_mutex_unlock(&e->mu);
}

void
intake_drain(struct intake *e, bool last,
    void (*fn)(struct intake_job *, void *), void *arg)
{
	struct intake_job *list;

	pthread_mutex_lock(&e->mu);
	if (last) {
		e->closing = true;
		pthread_cond_broadcast(&e->cv);
	}
	list = e->done;
	e->done = NULL;
	e->done_tail = &e->done;
	pthread_mutex_unlock(&e->mu);
	while (list) {
		struct intake_job *next = list->next;
		fn(list, arg);
		list = next;
	}
	if (!last)
		return;
	for (int i = 0; i < e->nth; i++)
		pthread_join(e->th[i], NULL);
	for (struct intake_job *j = e->done, *next; j; j = next) {
		next = j->next;
		fn(j, arg);
	}
	pthread_cond_destroy(&e->cv);
	pthread_mutex_destroy(&e->mu);
	free(e);
}
