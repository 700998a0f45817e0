/* fml.c - the fml mailing list manager refusing a post: a non-member
 * (rejected) or a message it has seen before (a loop, systemerror). The
 * failed recipient is the list. */
#include <string.h>

#include "../engine.h"

static bool
fml_match(const struct msg *m)
{
	const char *ml = msg_header(m, "X-MLServer");

	return ml && ci_find(ml, strlen(ml), "fml");
}

static int
fml_read(struct msg *m, struct ndr_report *r)
{
	static const char *const loop[] = { "loop alert", "duplicated", NULL };
	int n = text_read(m, NULL, r);
	enum ndr_reason why = subject_has(m, loop) ? NDR_R_SYSTEMERROR :
	    NDR_R_REJECTED;

	for (size_t i = 0; i < r->nrcpts; i++)
		r->rcpts[i].reason = why;
	if (n > 0)
		r->kind = NDR_KIND_BOUNCE;
	return n;
}

const struct reader reader_fml = { "fml", fml_match, fml_read, NULL };
