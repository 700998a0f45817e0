/*
 * candidate.c - could this message be a bounce, a delay, an auto-reply or
 * a feedback report? Decided from a few header fields only, so that a scan
 * fetches whole messages for these and not for ordinary mail. It errs on
 * the side of yes: a candidate that is ordinary mail only costs a fetch.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine.h"
#include "phrases.h"

/* The header fields the decision reads: what a scan asks the server for. */
const char *const ndr_candidate_fields[] = {
	"From", "Return-Path", "Subject", "Content-Type", "Auto-Submitted",
	"X-Failed-Recipients", "X-Autoreply", "X-Autorespond", "Precedence",
	"Message-ID", "Date", NULL
};

static const char *const daemons[] = {
	"mailer-daemon", "mailer_daemon", "postmaster", "post_master",
	"mail delivery", "-admin@",
	"mail administrator", "delivery status", "mail-daemon",
	"maildaemon", "microsoftexchange", "ndr administrator", "mdaemon",
	NULL };
static const char *const subjects[] = {
	"undeliver", "undelivered", "delivery", "returned mail",
	"failure", "failed", "bounce", "not delivered", "non remis",
	"unzustellbar", "nicht zustellbar", "no entregado",
	"non recapitato", "auto", "out of office", "out of the office",
	"vacation", "abwesen", "absence", "away", "réponse automatique",
	"abuse report", "complaint", "warning: could not", "delayed",
	"notification", "rejected", "could not be", "mail system error",
	"returned", "user unknown", "異常", "エラー", NULL };

/* A daemon's own envelope sender, where a server rewrote <> on delivery
 * (not "-admin@": a list's posts go out with it) */
static const char *const envelopes[] = {
	"mailer-daemon@", "mailer_daemon@", "postmaster@", "mdaemon@",
	"mail-daemon@", "maildaemon@", NULL };

/* A scan asks this of every message: each list is one index, and the
 * value is read once (ASCII case ignored). */
static struct phrases *daemon_words, *subject_words, *envelope_words;
static pthread_once_t words_once = PTHREAD_ONCE_INIT;

static void
words_build(void)
{
	daemon_words = phrases_new();
	phrases_add_list(daemon_words, daemons, 0);
	subject_words = phrases_new();
	phrases_add_list(subject_words, subjects, 0);
	envelope_words = phrases_new();
	phrases_add_list(envelope_words, envelopes, 0);
}

static int
found(void *arg, int tag, size_t at)
{
	(void)arg;
	(void)tag;
	(void)at;
	return 1;
}

static bool
has(const char *v, const struct phrases *words)
{
	return v && phrases_scan(words, v, strlen(v), found, NULL) != 0;
}

/* The same of a field that may be MIME encoded ("=?utf-8?B?...?=", as
 * gateways and non-English servers write their subjects): decoded only
 * when it is. */
static bool
has_decoded(const char *v, const struct phrases *words)
{
	if (v == NULL || strstr(v, "=?") == NULL)
		return has(v, words);
	char *d = hdr_decode(v);
	bool yes = has(d ? d : v, words);
	free(d);
	return yes;
}

bool
candidate_of(const struct hdrs *hp)
{
	const struct hdrs h = *hp;
	const char *v;
	bool yes = false;

	pthread_once(&words_once, words_build);
	if ((v = hdrs_get(&h, "Return-Path")) && (strstr(v, "<>") ||
	    *v == '\0'))
		yes = true;
	else if (hdrs_get(&h, "X-Failed-Recipients") ||
	    hdrs_get(&h, "X-Autoreply") || hdrs_get(&h, "X-Autorespond"))
		yes = true;
	else if ((v = hdrs_get(&h, "Auto-Submitted")) &&
	    strncasecmp(v, "no", 2) != 0)
		yes = true;
	else if ((v = hdrs_get(&h, "Content-Type")) &&
	    ci_find(v, strlen(v), "multipart/report"))
		yes = true;
	else if (has(hdrs_get(&h, "From"), daemon_words) ||
	    has(hdrs_get(&h, "Return-Path"), envelope_words))
		yes = true;
	else if ((v = hdrs_get(&h, "From")) && strstr(v, "<>"))
		yes = true;	/* "Jetmail System" <>: no sender at all */
	else if ((v = hdrs_get(&h, "Precedence")) &&
	    ci_find(v, strlen(v), "auto_reply"))
		yes = true;
	else if (has_decoded(hdrs_get(&h, "Subject"), subject_words))
		yes = true;
	return yes;
}

bool
ndr_candidate(const char *hdr, size_t len)
{
	struct hdrs h = { 0 };
	bool yes;

	hdrs_parse(&h, hdr, len);
	yes = candidate_of(&h);
	hdrs_free(&h);
	return yes;
}
