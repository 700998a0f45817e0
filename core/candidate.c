/*
 * candidate.c - could this message be a bounce, a delay, an auto-reply or
 * a feedback report? Decided from a few header fields only, so that a scan
 * fetches whole messages for these and not for ordinary mail. It errs on
 * the side of yes: a candidate that is ordinary mail only costs a fetch.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine.h"

/* The header fields the decision reads: what a scan asks the server for. */
const char *const ndr_candidate_fields[] = {
	"From", "Return-Path", "Subject", "Content-Type", "Auto-Submitted",
	"X-Failed-Recipients", "X-Autoreply", "X-Autorespond", "Precedence",
	"Message-ID", "Date", NULL
};

/* Does v hold one of words (lowercase)? v is lowercased once: a scan
 * asks this of every message, so the words are not each searched
 * without case. */
static bool
has(const char *v, const char *const *words)
{
	char small[512], *low;
	size_t n;
	bool yes = false;

	if (v == NULL)
		return false;
	n = strlen(v);
	low = n < sizeof small ? small : xcalloc(1, n + 1);
	for (size_t i = 0; i < n; i++)
		low[i] = (char)tolower((unsigned char)v[i]);
	low[n] = '\0';
	for (; *words && !yes; words++)
		yes = strstr(low, *words) != NULL;
	if (low != small)
		free(low);
	return yes;
}

bool
candidate_of(const struct hdrs *hp)
{
	static const char *const daemons[] = {
		"mailer-daemon", "mailer_daemon", "postmaster", "post_master",
		"mail delivery", "-admin@",
		"mail administrator", "delivery status", "mail-daemon",
		"maildaemon", "microsoftexchange", "ndr administrator", NULL };
	static const char *const subjects[] = {
		"undeliver", "undelivered", "delivery", "returned mail",
		"failure", "failed", "bounce", "not delivered", "non remis",
		"unzustellbar", "nicht zustellbar", "no entregado",
		"non recapitato", "auto", "out of office", "out of the office",
		"vacation", "abwesen", "absence", "away", "réponse automatique",
		"abuse report", "complaint", "warning: could not", "delayed",
		"notification", "rejected", "could not be", "mail system error",
		"returned", "異常", "エラー", NULL };
	const struct hdrs h = *hp;
	const char *v;
	bool yes = false;

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
	else if (has(hdrs_get(&h, "From"), daemons))
		yes = true;
	else if ((v = hdrs_get(&h, "Precedence")) &&
	    ci_find(v, strlen(v), "auto_reply"))
		yes = true;
	else if (has(hdrs_get(&h, "Subject"), subjects))
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
