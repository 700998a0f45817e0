/* fmt_exchange2003.c - Exchange 2000/2003: "did not reach the following recipient(s)". */
#include "engine.h"

static const char *const start[] = {
	"did not reach the following recipient", NULL
};
static const struct text_layout layout = { start, NULL, false };

static bool
exchange2003_match(const struct msg *m)
{
	static const char *const marks[] = {
		"did not reach the following recipient", NULL };
	return msg_header(m, "X-MS-Embedded-Report") || text_has(m, marks);
}

static int
exchange2003_read(struct msg *m, struct ndr_report *r)
{
	return dsn_or_text(m, &layout, r);
}

const struct reader reader_exchange2003 = { "exchange2003", exchange2003_match, exchange2003_read };
