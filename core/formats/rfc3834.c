/* rfc3834.c - auto-replies: vacation, out-of-office, challenge-response. */
#include <string.h>

#include "../engine.h"

static const char *const subjects[] = {
	"out of office", "out of the office", "automatic reply",
	"auto reply", "auto-reply", "autoreply", "auto response",
	"autoresponse", "autorespons", "auto-response", "away from",
	"away until", "on vacation", "vacation", "abwesenheit",
	"absence", "i am away", "i'm away", "currently away",
	"please confirm your message", "confirm your e-mail",
	"verify your e-mail", "challenge", "réponse automatique",
	"respuesta automática", "automatische antwort", NULL
};

static bool
rfc3834_match(const struct msg *m)
{
	const char *as = msg_header(m, "Auto-Submitted");
	const char *prec = msg_header(m, "Precedence");

	if (as && ci_prefix(as, "auto-replied"))
		return true;
	if (msg_header(m, "X-Autoreply") || msg_header(m, "X-Autorespond") ||
	    msg_header(m, "X-Autoresponder") || msg_header(m, "X-Vacation"))
		return true;
	if (prec && ci_prefix(prec, "auto_reply"))
		return true;
	return subject_has(m, subjects) &&
	    (msg_header(m, "X-Auto-Response-Suppress") || from_daemon(m) ||
	    (msg_header(m, "Return-Path") &&
	    strstr(msg_header(m, "Return-Path"), "<>")) ||
	    ci_prefix(m->subject, "auto") || ci_prefix(m->subject, "out of"));
}

static int
rfc3834_read(struct msg *m, struct ndr_report *r)
{
	(void)m;
	r->kind = NDR_KIND_AUTOREPLY;
	return 0;
}

const struct reader reader_rfc3834 = { "rfc3834", rfc3834_match, rfc3834_read, NULL };
