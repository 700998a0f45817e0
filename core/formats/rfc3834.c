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

/* Subjects that open with these are automatic answers, whatever the
 * headers say (many answer without Auto-Submitted); a scan's first look
 * takes them for candidates too (candidate.c). */
const char *const autoreply_openers[] = {
	"out of office", "out of the office", "automatic reply",
	"auto reply", "auto-reply", "autoreply", "auto response",
	"auto-response", "autoresponse", "abwesenheitsnotiz",
	"abwesenheit:", "automatische antwort", "réponse automatique",
	"reponse automatique", "absence du bureau", "respuesta automática",
	"respuesta automatica", "fuera de la oficina", "risposta automatica",
	"fuori ufficio", "resposta automática", "resposta automatica",
	"ausência", "automatisch antwoord", "afwezigheidsbericht",
	"autosvar", "automatiskt svar", "automaattinen vastaus",
	"automatyczna odpowiedź", "automatyczna odpowiedz",
	"odpowiedź automatyczna", "automatická odpověď",
	"автоматический ответ", "автоматична відповідь",
	"автоматичен отговор", "αυτόματη απάντηση", "αυτόματη απόκριση",
	"otomatik yanıt", "otomatik cevap", "balasan otomatis",
	"trả lời tự động", "תשובה אוטומטית", "رد تلقائي", "پاسخ خودکار",
	"自動応答", "自動返信", "不在通知", "自动回复", "自動回覆", "자동 응답",
	"자동 회신", NULL
};

/*
 * The subject past the tags a filter puts before it ("[SPAM] ",
 * "***SPAM*** ", "[External] ", "{Suspect} "): a bracketed word of a
 * filter's, then blanks; the subject itself when there is none.
 */
static const char *
untagged(const char *s)
{
	static const char *const words[] = { "spam", "junk", "bulk",
		"suspect", "external", "ext", "caution", "warning", "virus",
		"phish", "probable", "possible", "marketing", NULL };

	for (int k = 0; s && k < 3; k++) {
		const char *e = NULL;
		if (*s == '[')
			e = strchr(s, ']');
		else if (*s == '{')
			e = strchr(s, '}');
		else if (*s == '*') {
			e = s + strspn(s, "*");
			e = e + strcspn(e, "*");
			if (*e == '*')
				e += strspn(e, "*") - 1;
		}
		if (e == NULL || *e == '\0' || e - s > 24)
			break;
		bool filter = false;
		for (size_t w = 0; words[w] && !filter; w++)
			filter = ci_find(s, (size_t)(e - s), words[w]) != NULL;
		if (!filter)
			break;
		s = e + 1;
		while (*s == ' ' || *s == '\t')
			s++;
	}
	return s;
}

static bool
opens_with(const char *s)
{
	if (s && *s == '[')	/* "[Automatic reply] ..." */
		s++;
	for (const char *const *o = autoreply_openers; s && *o; o++)
		if (ci_prefix(s, *o))
			return true;
	return false;
}

static bool
opens_subject(const struct msg *m)
{
	return opens_with(m->lsubject) || opens_with(untagged(m->lsubject));
}

/* What an autoresponder says of itself, when its headers say it is
 * automatic mail but not which kind. */
static const char *const answers[] = {
	"i will reply", "will reply as soon as", "reply as soon as possible",
	"get back to you as soon as", "respond as soon as possible",
	"i am out of the office", "i'm out of the office",
	"i am currently out", "i am away", "on annual leave", "on holiday",
	"on vacation", "limited access to e-mail", "limited access to email",
	"thank you for your e-mail", "thank you for your email",
	"thank you for your message", "we have received your message",
	"nicht im büro", "bin abwesend", "absent du bureau",
	"fuera de la oficina", "fuori ufficio", "fora do escritório",
	"niet op kantoor", NULL
};

/* Mail that says it is automatic (not a list's: lists send bulk mail) */
static bool
bulk_not_list(const struct msg *m)
{
	const char *prec = msg_header(m, "Precedence");
	const char *rp = msg_header(m, "Return-Path");

	if (msg_header(m, "List-Id") || msg_header(m, "List-Post"))
		return false;
	return (prec && (ci_prefix(prec, "bulk") || ci_prefix(prec, "junk"))) ||
	    (rp && strstr(rp, "<>"));
}

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
	if (opens_subject(m) && m->dsn == NULL)
		return true;
	if (bulk_not_list(m) && m->dsn == NULL &&
	    (subject_has(m, subjects) || text_has(m, answers)))
		return true;
	const char *subject = untagged(m->lsubject);
	return subject_has(m, subjects) &&
	    (msg_header(m, "X-Auto-Response-Suppress") || from_daemon(m) ||
	    (msg_header(m, "Return-Path") &&
	    strstr(msg_header(m, "Return-Path"), "<>")) ||
	    ci_prefix(subject, "auto") || ci_prefix(subject, "out of"));
}

static int
rfc3834_read(struct msg *m, struct ndr_report *r)
{
	r->kind = NDR_KIND_AUTOREPLY;
	return autoreply_rcpt(m, r);
}

const struct reader reader_rfc3834 = { "rfc3834", rfc3834_match,
	rfc3834_read, NULL };
