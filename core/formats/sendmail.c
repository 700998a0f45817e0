/* sendmail.c - Sendmail: "----- The following addresses had permanent
 * fatal errors". */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "../engine.h"

static const char *const start[] = {
	"following addresses had", NULL
};
static const struct text_layout layout = { start, NULL, false };

static bool
sendmail_match(const struct msg *m)
{
	static const char *const marks[] = {
		"the following addresses had permanent fatal errors",
		"the following addresses had transient non-fatal errors",
		"the following addresses had permanent delivery errors",
		"the following addresses had delivery problems",
		"the original message was received at",
		"----- transcript of session follows -----", NULL };
	static const char *const subj[] = {
		"returned mail:", "warning: could not send message", NULL };
	return text_has(m, marks) || (from_daemon(m) && subject_has(m, subj));
}

/*
 * Old sendmail (V5) writes no list of failed addresses, only the session
 * transcript, where each failure ends with "554 <a@b>... why". With two
 * or more such lines these are the recipients, in their order, each with
 * its own words and the server's reply just above it.
 */
static int
transcript_rcpts(struct msg *m, struct ndr_report *r)
{
	const char *t = m->text.s, *prev = NULL;
	size_t i = 0, e = m->orig_off, found = 0;
	struct ndr_report tmp = { 0 };

	while (i < e) {
		const char *nl = memchr(t + i, '\n', e - i);
		size_t le = nl ? (size_t)(nl - t) : e, as, ae;
		const char *l = t + i;
		char *a;

		if (le - i > 8 && (l[0] == '4' || l[0] == '5') &&
		    isdigit((unsigned char)l[1]) && isdigit((unsigned char)l[2]) &&
		    l[3] == ' ' && (a = find_address(l + 4, le - i - 4, &as,
		    &ae)) != NULL) {
			const char *dots = l + 4 + ae;
			if (dots < t + le && *dots == '>')
				dots++;
			if (as <= 1 && t + le - dots >= 3 &&
			    strncmp(dots, "...", 3) == 0 &&
			    report_find_rcpt(&tmp, a) == NULL) {
				struct ndr_rcpt *rc = report_add_rcpt(&tmp, a);
				size_t pb = prev && strncmp(prev, "<<< ", 4) == 0 ?
				    (size_t)(prev - t) : i;
				rc->diagnostic = squeeze(t + pb, le - pb);
				found++;
			}
			free(a);
		}
		prev = l;
		i = le + 1;
	}
	if (found >= 2) {
		for (size_t k = 0; k < r->nrcpts; k++)
			rcpt_clear(&r->rcpts[k]);
		free(r->rcpts);
		r->rcpts = tmp.rcpts;
		r->nrcpts = tmp.nrcpts;
		return (int)found;
	}
	for (size_t k = 0; k < tmp.nrcpts; k++)
		rcpt_clear(&tmp.rcpts[k]);
	free(tmp.rcpts);
	return 0;
}

static int
sendmail_read(struct msg *m, struct ndr_report *r)
{
	int n;

	n = dsn_or_text(m, &layout, r);
	if (m->dsn == NULL && n <= 1 && transcript_rcpts(m, r) > 0)
		n = (int)r->nrcpts;
	return n;
}

const struct reader reader_sendmail = { "sendmail", sendmail_match,
	sendmail_read, NULL };
