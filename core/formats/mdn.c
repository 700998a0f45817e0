/* mdn.c - read receipts (RFC 8098): not bounces, claimed so no later
 * reader mistakes "displayed" for a delivery report. */
#include <string.h>

#include "../engine.h"

static bool
mdn_match(const struct msg *m)
{
	if (m->report_type && strcmp(m->report_type,
	    "disposition-notification") == 0)
		return true;
	for (size_t i = 0; i < m->nparts; i++)
		if (strcmp(m->parts[i].ctype,
		    "message/disposition-notification") == 0)
			return true;
	return false;
}

static int
mdn_read(struct msg *m, struct ndr_report *r)
{
	(void)m;
	r->kind = NDR_KIND_OTHER;
	return -1;	/* ours, and nothing to report */
}

const struct reader reader_mdn = { "mdn", mdn_match, mdn_read, NULL };
