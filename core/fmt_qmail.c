/* fmt_qmail.c - qmail: "Hi. This is the qmail-send program at ...". */
#include "engine.h"

static const char *const start[] = {
	"to the following addresses", "the following address", NULL
};
static const struct text_layout layout = { start, NULL, false };

static bool
qmail_match(const struct msg *m)
{
	static const char *const marks[] = {
		"this is the qmail-send program", "qmail-send program",
		"wasn't able to deliver your message to the following addresses",
		NULL };
	return text_has(m, marks) || (from_daemon(m) &&
	    ci_find(m->raw, m->hdr_len, "invoked for bounce"));
}

static int
qmail_read(struct msg *m, struct ndr_report *r)
{
	return dsn_or_text(m, &layout, r);
}

const struct reader reader_qmail = { "qmail", qmail_match, qmail_read };
