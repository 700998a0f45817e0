/* mdn.c - message disposition notifications (RFC 8098): a read receipt
 * is no bounce, and is claimed so that no later reader mistakes
 * "displayed" for a delivery report; but a disposition that a filter
 * took on its own and that deleted the message (a Sieve "reject",
 * RFC 5429 2.2, as Dovecot's and Cyrus's send it) is a refusal: a bounce
 * whose failed recipient is the Final-Recipient and whose reason is the
 * text the filter gave. */
#include <stdlib.h>
#include <string.h>

#include "../engine.h"

static const struct part *
mdn_part(const struct msg *m)
{
	for (size_t i = 0; i < m->nparts; i++)
		if (!m->parts[i].in_original && m->parts[i].text &&
		    strstr(m->parts[i].ctype, "disposition-notification"))
			return &m->parts[i];
	return NULL;
}

static bool
mdn_match(const struct msg *m)
{
	if (m->report_type && strcmp(m->report_type,
	    "disposition-notification") == 0)
		return true;
	for (size_t i = 0; i < m->nparts; i++)
		if (strstr(m->parts[i].ctype, "disposition-notification"))
			return true;
	return false;
}

/*
 * "automatic-action/MDN-sent-automatically; deleted": taken with no
 * person's action, and the message is gone. RFC 2298's "denied" and
 * "failed" say the same of older agents. A person's deletion
 * ("manual-action/...; deleted") followed a delivery: no bounce.
 */
static bool
refused(const char *disposition)
{
	static const char *const gone[] = { "deleted", "denied", "failed",
		NULL };
	const char *semi;
	char *low;
	bool yes;

	if (disposition == NULL || !ci_prefix(disposition, "automatic-action"))
		return false;
	if ((semi = strchr(disposition, ';')) == NULL)
		return false;
	low = lowercase_dup(semi, strlen(semi));
	yes = low && has_any(low, gone);
	free(low);
	return yes;
}

static int
mdn_read(struct msg *m, struct ndr_report *r)
{
	const struct part *p = mdn_part(m);
	struct hdrs h = { 0 };
	struct ndr_rcpt *rc = NULL;
	char *addr = NULL;

	r->kind = NDR_KIND_OTHER;
	if (p == NULL)
		return -1;	/* ours, and nothing to report */
	hdrs_parse(&h, p->text, p->len);
	const char *omid = hdrs_get(&h, "Original-Message-ID");
	if (omid && *omid && m->orig_mid == NULL)
		m->orig_mid = xstrdup(omid);
	if (refused(hdrs_get(&h, "Disposition"))) {
		const char *fr = hdrs_get(&h, "Final-Recipient");
		const char *or = hdrs_get(&h, "Original-Recipient");
		addr = typed_address(or ? or : fr);
		if (addr == NULL && or && fr)
			addr = typed_address(fr);
	}
	if (addr && strchr(addr, '@') && (rc = report_add_rcpt(r, addr))) {
		size_t n = msg_report_len(m);
		r->kind = NDR_KIND_BOUNCE;
		rc->action = xstrdup("failed");
		if (n > 0)
			rc->diagnostic = squeeze(m->text.s, n < 600 ? n : 600);
	}
	free(addr);
	hdrs_free(&h);
	return rc ? 1 : -1;
}

const struct reader reader_mdn = { "mdn", mdn_match, mdn_read, NULL };
