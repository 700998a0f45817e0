/* rfc3464.c - any standard DSN whose MTA no other reader knows. */
#include "../engine.h"

static bool
rfc3464_match(const struct msg *m)
{
	return m->dsn != NULL;
}

static int
rfc3464_read(struct msg *m, struct ndr_report *r)
{
	return dsn_or_text(m, NULL, r);
}

const struct reader reader_rfc3464 = { "rfc3464", rfc3464_match,
	rfc3464_read, NULL };
