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

/* The header fields the decision reads: what a scan asks the server for
 * of every message. Not the Message-ID and Date: ordinary mail is kept as
 * a UID, and a candidate's own are read from the whole message. */
const char *const ndr_candidate_fields[] = {
	"From", "Return-Path", "Subject", "Content-Type", "Auto-Submitted",
	"X-Failed-Recipients", "X-Autoreply", "X-Autorespond", "Precedence",
	NULL
};

/* What a Sent folder's index keeps of each message, asked besides. */
const char *const ndr_sent_fields[] = {
	"Message-ID", "Date", "To", "Cc", "Bcc", NULL
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

/* Not "-admin@" among them: a list's posts go out with it. */
const char *const daemon_envelopes[] = {
	"mailer-daemon@", "<mailer-daemon", "mailer_daemon@", "postmaster@",
	"mdaemon@", "mail-daemon@", "maildaemon@", NULL };

/* A scan asks this of every message: each list is one index, and the
 * value is read once (ASCII case ignored). */
static struct phrases *daemon_words, *subject_words, *envelope_words;
static pthread_once_t words_once = PTHREAD_ONCE_INIT;

/* The slots of the fields read, in the order of ndr_candidate_fields */
enum { F_FROM, F_RETURN_PATH, F_SUBJECT, F_CONTENT_TYPE, F_AUTO_SUBMITTED,
	F_FAILED, F_AUTOREPLY, F_AUTORESPOND, F_PRECEDENCE, NSLOTS };

static size_t slot_len[NSLOTS];	/* strlen of each */

static void
words_build(void)
{
	for (int k = 0; k < NSLOTS; k++)
		slot_len[k] = strlen(ndr_candidate_fields[k]);
	if (ndr_candidate_fields[NSLOTS] != NULL)
		abort();	/* a field added to the list and not here */
	daemon_words = phrases_new();
	phrases_add_list(daemon_words, daemons, 0);
	subject_words = phrases_new();
	phrases_add_list(subject_words, subjects, 0);
	phrases_add_list(subject_words, autoreply_openers, 0);
	envelope_words = phrases_new();
	phrases_add_list(envelope_words, daemon_envelopes, 0);
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

/*
 * The bytes of a field's RFC 2047 words ("=?utf-8?B?...?=", "=?iso-8859-1?
 * Q?Unzustellbar?="), base64 or Q decoded but left in their charset: the
 * words looked for are ASCII (and UTF-8), and a scan asks this of every
 * message, so no charset conversion (and its lock) for it. Blanks between
 * two encoded words go, as RFC 2047 says. NULL when there is no word.
 */
static char *
word_bytes(const char *v)
{
	size_t n = strlen(v), o = 0;
	char *out = xreallocarray(NULL, 2 * n + 1, 1);
	bool any = false, last_word = false;

	for (size_t i = 0; i < n; ) {
		const char *q1, *q2, *end;
		if (v[i] == '=' && v[i + 1] == '?' &&
		    (q1 = strchr(v + i + 2, '?')) != NULL &&
		    (q1[1] == 'B' || q1[1] == 'b' || q1[1] == 'Q' ||
		    q1[1] == 'q') && q1[2] == '?' &&
		    (end = strstr(q2 = q1 + 3, "?=")) != NULL) {
			size_t tl = (size_t)(end - q2);
			if (last_word)	/* the blanks between two words */
				while (o > 0 && (out[o - 1] == ' ' ||
				    out[o - 1] == '\t'))
					o--;
			if (q1[1] == 'B' || q1[1] == 'b')
				o += b64_decode(q2, tl, out + o);
			else {
				size_t from = o;
				o += qp_decode(q2, tl, out + o);
				for (size_t k = from; k < o; k++)
					if (out[k] == '_')
						out[k] = ' ';
			}
			i = (size_t)(end - v) + 2;
			any = last_word = true;
			continue;
		}
		if (v[i] != ' ' && v[i] != '\t')
			last_word = false;
		out[o++] = v[i++];
	}
	out[o] = '\0';
	if (!any) {
		free(out);
		return NULL;
	}
	return out;
}

/* The same of a field that may be MIME encoded (gateways and servers
 * that answer in other languages encode their subjects). */
static bool
has_decoded(const char *v, const struct phrases *words)
{
	/* a NUL a word decoded to ends the text looked at: no more */
	char *d = v && strstr(v, "=?") ? word_bytes(v) : NULL;
	const char *t = d ? d : v;
	char *f = NULL;
	bool yes;

	/* a capital past ASCII ("Автоматический ответ"): folded, the words
	 * being small; the bytes of ASCII alone need no copy */
	for (const unsigned char *u = (const unsigned char *)t; u && *u; u++)
		if (*u >= 0xc2 && *u <= 0xdf) {
			f = fold_dup(t, strlen(t));
			break;
		}
	yes = has(f ? f : t, words);
	free(f);
	free(d);
	return yes;
}

/*
 * Each field's first value (as hdrs_get gives it) in one pass over the
 * block: a scan asks this of every message, and a lookup of each of the
 * nine names by itself walked the block nine times.
 */
static void
slots_of(const struct hdrs *h, const char *v[NSLOTS])
{
	for (int k = 0; k < NSLOTS; k++)
		v[k] = NULL;
	for (size_t i = 0; i < h->n; i++) {
		const char *name = h->v[i].name;
		size_t n = h->v[i].nlen;
		for (int k = 0; k < NSLOTS; k++)
			if (n == slot_len[k] && v[k] == NULL &&
			    ndr_ascii_ieq(name, ndr_candidate_fields[k], n)) {
				v[k] = h->v[i].value;
				break;
			}
	}
}

bool
candidate_of(const struct hdrs *h)
{
	const char *f[NSLOTS], *v;
	bool yes = false;

	pthread_once(&words_once, words_build);
	slots_of(h, f);
	if ((v = f[F_RETURN_PATH]) && (strstr(v, "<>") || *v == '\0'))
		yes = true;
	else if (f[F_FAILED] || f[F_AUTOREPLY] || f[F_AUTORESPOND])
		yes = true;
	else if ((v = f[F_AUTO_SUBMITTED]) && strncasecmp(v, "no", 2) != 0)
		yes = true;
	else if ((v = f[F_CONTENT_TYPE]) &&
	    ci_find(v, strlen(v), "multipart/report"))
		yes = true;
	else if (has(f[F_FROM], daemon_words) ||
	    has(f[F_RETURN_PATH], envelope_words))
		yes = true;
	else if ((v = f[F_FROM]) && strstr(v, "<>"))
		yes = true;	/* "Jetmail System" <>: no sender at all */
	else if ((v = f[F_PRECEDENCE]) && ci_find(v, strlen(v), "auto_reply"))
		yes = true;
	else if (has_decoded(f[F_SUBJECT], subject_words))
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
