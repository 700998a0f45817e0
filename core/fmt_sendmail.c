/* fmt_sendmail.c - Sendmail: "----- The following addresses had permanent fatal errors". */
#include "engine.h"

static const char *const start[] = {
	"following addresses had", NULL
};
static const struct text_layout layout = { start, NULL, false };

static bool
sendmail_match(const struct msg *m)
{
	static const char *const marks[] = {
		"the following addresses had permanent fatal errors",
		"the following addresses had transient non-fatal errors",
		"the following addresses had permanent delivery errors",
		"the following addresses had delivery problems",
		"the original message was received at",
		"----- transcript of session follows -----", NULL };
	static const char *const subj[] = {
		"returned mail:", "warning: could not send message", NULL };
	return text_has(m, marks) || (from_daemon(m) && subject_has(m, subj));
}

static int
sendmail_read(struct msg *m, struct ndr_report *r)
{
	return dsn_or_text(m, &layout, r);
}

const struct reader reader_sendmail = { "sendmail", sendmail_match, sendmail_read };
