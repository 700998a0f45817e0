/* fmt_yahoo.c - Yahoo! Mail: "Sorry, we were unable to deliver your message". */
#include "engine.h"

static const char *const start[] = {
	"following address", "to the following", NULL
};
static const struct text_layout layout = { start, NULL, false };

static bool
yahoo_match(const struct msg *m)
{
	static const char *const marks[] = {
		"unable to deliver your message to the following address",
		"message from yahoo", NULL };
	static const char *const from[] = { "yahoo", NULL };
	return text_has(m, marks) || (from_daemon(m) && from_has(m, from));
}

static int
yahoo_read(struct msg *m, struct ndr_report *r)
{
	return dsn_or_text(m, &layout, r);
}

const struct reader reader_yahoo = { "yahoo", yahoo_match, yahoo_read };
