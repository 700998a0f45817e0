/* fmt_exchange2007.c - Exchange 2007 and later: "Delivery has failed to these recipients". */
#include "engine.h"

static const char *const stop[] = {
	"diagnostic information for administrators", "original message headers", NULL
};
static const struct text_layout layout = { NULL, stop, false };

static bool
exchange2007_match(const struct msg *m)
{
	static const char *const marks[] = {
		"delivery has failed to these recipients",
		"diagnostic information for administrators",
		"your message couldn't be delivered",
		"your message wasn't delivered",
		"delivery has failed to these recipients or groups", NULL };
	return text_has(m, marks) || msg_header(m, "X-MS-Exchange-Message-Is-Ndr");
}

static int
exchange2007_read(struct msg *m, struct ndr_report *r)
{
	return dsn_or_text(m, &layout, r);
}

const struct reader reader_exchange2007 = { "exchange2007", exchange2007_match, exchange2007_read };
