/* fmt_mailfilter.c - Mail filters and gateways: m-FILTER, McAfee, Trend Micro, Barracuda,
 * MXLogic, SurfControl, MailMarshal, Mimecast, Proofpoint and the like. */
#include "engine.h"

static const struct text_layout layout = { NULL, NULL, false };

static bool
mailfilter_match(const struct msg *m)
{
	static const char *const names[] = {
		"m-filter", "mcafee", "interscan", "trend micro", "barracuda",
		"mxlogic", "surfcontrol", "mailmarshal", "mimecast", "proofpoint",
		"activehunter", "active!hunter", "mailfoundry", "amavis",
		"symantec", "messagelabs", NULL };
	return from_has(m, names) || (from_daemon(m) && (text_has(m, names) ||
	    (m->ctype && has_any(m->ctype, names))));
}

static int
mailfilter_read(struct msg *m, struct ndr_report *r)
{
	return dsn_or_text(m, &layout, r);
}

const struct reader reader_mailfilter = { "mailfilter", mailfilter_match, mailfilter_read };
