/* mailfilter.c - Mail filters and gateways: m-FILTER, McAfee, Trend
 * Micro, Barracuda, MXLogic, SurfControl, MailMarshal, Mimecast, Proofpoint
 * and the like. */
#include "../engine.h"

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
	static const char *const interscan[] = { "interscan", NULL };
	static const char *const refused[] = {
		"unable to deliver message to <", NULL };
	int n = dsn_or_text(m, &layout, r);

	/* InterScan MSS words the next hop's refusal of the address as
	 * "Reason: Unable to deliver message to <a@b> (and other recipients
	 * in the same domain)" and gives no code */
	if (n > 0 && text_has(m, interscan) && text_has(m, refused))
		for (size_t i = 0; i < r->nrcpts; i++)
			if (r->rcpts[i].reason == NDR_R_UNDEFINED &&
			    !r->rcpts[i].status)
				r->rcpts[i].reason = NDR_R_USERUNKNOWN;
	return n;
}

const struct reader reader_mailfilter = { "mailfilter", mailfilter_match,
	mailfilter_read, NULL };
