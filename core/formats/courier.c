/* courier.c - Courier: "This is a delivery status notification from ...
 * Courier". */
#include "../engine.h"

static const struct text_layout layout = { NULL, NULL, false };

static bool
courier_match(const struct msg *m)
{
	static const char *const marks[] = {
		"courier mail server", "courier-mta", NULL };
	return text_has(m, marks) || (m->dsn && ci_find(m->raw, m->hdr_len,
	    "courier"));
}

static int
courier_read(struct msg *m, struct ndr_report *r)
{
	return dsn_or_text(m, &layout, r);
}

const struct reader reader_courier = { "courier", courier_match,
	courier_read, NULL };
