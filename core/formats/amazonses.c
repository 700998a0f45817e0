/* amazonses.c - Amazon SES: SNS notifications (JSON) and SES's own
 * RFC 3464 reports from amazonses.com. */
#include <stdlib.h>
#include <string.h>

#include "../engine.h"

static bool
amazonses_match(const struct msg *m)
{
	static const char *const json[] = { "notificationtype", NULL };
	static const char *const from[] = { "amazonses.com", "amazonaws.com",
		NULL };

	return text_has(m, json) || (from_has(m, from) && m->dsn);
}

/* The string value after "key": in s, unescaped enough for our fields. */
static char *
json_value(const char *s, const char *end, const char *key)
{
	const char *p = ci_find(s, end - s, key);
	struct ndr_buf b = { 0 };

	if (p == NULL)
		return NULL;
	p += strlen(key);
	/* plain JSON, or JSON escaped inside an SNS envelope (\"key\":\"v\") */
	while (p < end && (*p == ' ' || *p == ':' || *p == '\t' ||
	    *p == '\\' || *p == '"'))
		p++;
	if (p >= end || (p[-1] != '"'))
		return NULL;
	for (; p < end && *p != '"' && !(*p == '\\' && p + 1 < end &&
	    p[1] == '"'); p++) {
		if (*p == '\\' && p + 1 < end) {
			p++;
			ndr_buf_addc(&b, *p == 'n' ? ' ' : *p);
		} else
			ndr_buf_addc(&b, *p);
	}
	if (b.s == NULL)
		ndr_buf_add(&b, "", 0);
	return b.s;
}

static void
replace(char **field, char *v)
{
	free(*field);
	*field = v;
}

static int
amazonses_read(struct msg *m, struct ndr_report *r)
{
	const char *t = m->text.s, *end = t + m->text.len, *p;
	char *type;
	enum ndr_kind kind;
	const char *list;

	if (m->dsn)
		return dsn_or_text(m, NULL, r);
	if ((type = json_value(t, end, "notificationType")) == NULL)
		return 0;
	if (ci_eq(type, "Bounce"))
		kind = NDR_KIND_BOUNCE, list = "bouncedRecipients";
	else if (ci_eq(type, "Delivery"))
		kind = NDR_KIND_DELIVERED, list = "recipients";
	else if (ci_eq(type, "Complaint"))
		kind = NDR_KIND_FEEDBACK, list = "complainedRecipients";
	else {
		free(type);
		return 0;
	}
	free(type);
	r->kind = kind;
	if (kind == NDR_KIND_FEEDBACK) {
		r->feedback_type = json_value(t, end, "complaintFeedbackType");
		if (r->feedback_type == NULL)
			r->feedback_type = xstrdup("abuse");
	}
	if ((p = ci_find(t, end - t, list)) == NULL)
		return kind == NDR_KIND_FEEDBACK ? 1 : 0;
	/* each recipient is an object, or (Delivery) a bare string */
	const char *close = memchr(p, ']', end - p);
	if (close == NULL)
		close = end;
	while (p < close) {
		size_t s, e;
		char *a = find_address(p, close - p, &s, &e);
		if (a == NULL)
			break;
		const char *objend = memchr(p + e, '}', close - (p + e));
		if (objend == NULL)
			objend = close;
		struct ndr_rcpt *rc = report_add_rcpt(r, a);
		/* a recipient named twice: the last object says */
		if (rc && kind == NDR_KIND_BOUNCE) {
			replace(&rc->status, json_value(p + e, objend,
			    "status"));
			replace(&rc->diagnostic, json_value(p + e, objend,
			    "diagnosticCode"));
			replace(&rc->action, json_value(p + e, objend,
			    "action"));
		} else if (rc && kind == NDR_KIND_DELIVERED)
			replace(&rc->diagnostic, json_value(t, end,
			    "smtpResponse"));
		free(a);
		p = objend + 1;
	}
	if (r->reporting_mta == NULL)
		r->reporting_mta = json_value(t, end, "reportingMTA");
	return r->nrcpts ? (int)r->nrcpts : 1;
}

const struct reader reader_amazonses = { "amazonses", amazonses_match,
	amazonses_read, NULL };
