/* kddi.c - KDDI (au one net, dion.ne.jp): a Japanese-only error
 * notice that names no address; the failed recipient is the attached
 * original's To. */
#include <stdlib.h>
#include <string.h>

#include "../engine.h"

static bool
kddi_match(const struct msg *m)
{
	static const char *const from[] = { "dion.ne.jp", "auone-net.jp",
		NULL };
	/* "mail error notification" */
	static const char *const subj[] = {
		"\xe3\x83\xa1\xe3\x83\xbc\xe3\x83\xab\xe3\x82\xa8\xe3\x83\xa9"
		"\xe3\x83\xbc", NULL };

	return from_has(m, from) && subject_has(m, subj);
}

static int
kddi_read(struct msg *m, struct ndr_report *r)
{
	/* "the destination mailbox is full" */
	static const char *const full[] = {
		"\xe3\x83\xa1\xe3\x83\xbc\xe3\x83\xab\xe3\x83\x9c\xe3\x83\x83"
		"\xe3\x82\xaf\xe3\x82\xb9\xe3\x81\x8c\xe4\xb8\x80\xe6\x9d\xaf",
		NULL };
	struct ndr_original o = { 0 };
	struct ndr_rcpt *rc = NULL;
	char *a;

	original_read(m, &o);
	if (o.to && (a = find_address(o.to, strlen(o.to), NULL, NULL))) {
		rc = report_add_rcpt(r, a);
		free(a);
	}
	original_free(&o);
	if (rc == NULL)
		return 0;
	if (text_has(m, full))
		rc->reason = NDR_R_MAILBOXFULL;
	size_t b, e;
	text_region(m, NULL, &b, &e);
	if (e > b)
		rc->diagnostic = squeeze(m->text.s + b, e - b > 1024 ? 1024 : e - b);
	r->kind = NDR_KIND_BOUNCE;
	return 1;
}

const struct reader reader_kddi = { "kddi", kddi_match, kddi_read, NULL };
