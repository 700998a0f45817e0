/* office365.c - Office 365 and Outlook.com: Exchange Online's NDRs. */
#include "../engine.h"

static const struct text_layout layout = { NULL, NULL, false };

static bool
office365_match(const struct msg *m)
{
	static const char *const marks[] = {
		"office 365", "outlook.com", "exchange online", NULL };
	return (msg_header(m, "X-MS-Exchange-Message-Is-Ndr") ||
	    msg_header(m, "X-MS-Exchange-CrossTenant-Id") ||
	    msg_header(m, "X-MS-Exchange-CrossTenant-OriginalArrivalTime")) &&
	    (text_has(m, marks) || ci_find(m->raw, m->hdr_len,
	    "outlook.com"));
}

static int
office365_read(struct msg *m, struct ndr_report *r)
{
	return dsn_or_text(m, &layout, r);
}

const struct reader reader_office365 = { "office365", office365_match,
	office365_read, NULL };
