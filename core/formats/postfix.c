/* postfix.c - Postfix: "The mail system" and <address>: host said: lines. */
#include "../engine.h"

static const struct text_layout layout = { NULL, NULL, false };

static bool
postfix_match(const struct msg *m)
{
	static const char *const marks[] = {
		"this is the mail system at host", "the mail system", NULL };
	return msg_header(m, "X-Postfix-Queue-ID") ||
	    msg_header(m, "X-Postfix-Sender") || (from_daemon(m) &&
	    text_has(m, marks) && ci_find(m->raw, m->hdr_len, "(Postfix)"));
}

static int
postfix_read(struct msg *m, struct ndr_report *r)
{
	return dsn_or_text(m, &layout, r);
}

const struct reader reader_postfix = { "postfix", postfix_match,
	postfix_read, NULL };
