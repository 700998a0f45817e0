/* arf.c - feedback reports: ARF (RFC 5965) and the providers' own. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../engine.h"

static bool
arf_match(const struct msg *m)
{
	static const char *const complaint[] = {
		"complaint about message from", NULL
	};

	if (m->fbr || (m->report_type && strcmp(m->report_type,
	    "feedback-report") == 0))
		return true;
	if (msg_header(m, "X-Apple-Unsubscribe"))
		return true;		/* Apple Mail's one-click opt-out */
	/* Hotmail's JMRP: the complained-of message, attached, names the
	 * complaining recipient in X-HmXmrOriginalRecipient. */
	return subject_has(m, complaint) && m->orig_raw &&
	    ci_find(m->orig_raw, m->orig_rawlen, "X-HmXmrOriginalRecipient:");
}

static int
arf_read(struct msg *m, struct ndr_report *r)
{
	struct hdrs h = { 0 };
	const char *v;

	r->kind = NDR_KIND_FEEDBACK;
	if (m->fbr && m->fbr->text) {
		hdrs_parse(&h, m->fbr->text, m->fbr->len);
		if ((v = hdrs_get(&h, "Feedback-Type")))
			r->feedback_type = lowercase_dup(v, strlen(v));
		if ((v = hdrs_get(&h, "Reporting-MTA")))
			r->reporting_mta = trim(xstrdup(strchr(v, ';') ?
			    strchr(v, ';') + 1 : v));
		/* one field a recipient, as many as complained */
		for (size_t i = 0; i < h.n; i++) {
			if (strcasecmp(h.v[i].name, "Original-Rcpt-To") != 0 &&
			    strcasecmp(h.v[i].name, "Removal-Recipient") != 0)
				continue;
			v = h.v[i].value;
			char *a = find_address(v, strlen(v), NULL, NULL);
			if (a)
				report_add_rcpt(r, a);
			free(a);
		}
		hdrs_free(&h);
	} else if (msg_header(m, "X-Apple-Unsubscribe"))
		r->feedback_type = xstrdup("opt-out");
	else
		r->feedback_type = xstrdup("abuse");
	if (r->nrcpts == 0) {
		/* who complained: the complained-of message's recipient */
		struct ndr_original o = { 0 };
		const char *hm = m->orig_raw ? ci_find(m->orig_raw,
		    m->orig_rawlen, "X-HmXmrOriginalRecipient:") : NULL;
		char *a = NULL;
		original_read(m, &o);
		if (hm)
			a = find_address(hm, strcspn(hm, "\n"), NULL, NULL);
		if (a == NULL && o.to)
			a = find_address(o.to, strlen(o.to), NULL, NULL);
		if (a)
			report_add_rcpt(r, a);
		free(a);
		original_free(&o);
	}
	return 1;
}

const struct reader reader_arf = { "arf", arf_match, arf_read, NULL };
