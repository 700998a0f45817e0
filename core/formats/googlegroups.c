/* googlegroups.c - Google Groups refusing a post: the group is the
 * failed recipient (X-Failed-Recipients), the text is in the poster's
 * language and says the group does not exist or refuses the sender. */
#include <string.h>

#include "../engine.h"

static bool
googlegroups_match(const struct msg *m)
{
	const char *f = msg_header(m, "X-Failed-Recipients");

	return f && ci_find(f, strlen(f), "@googlegroups.com");
}

static int
googlegroups_read(struct msg *m, struct ndr_report *r)
{
	size_t b, e;
	int n = failed_header_rcpts(m, r);

	static const char *const missing[] = {
		"address not found", "couldn't be found", NULL };
	/* a group that does not exist is an unknown address; any other
	 * refusal is the group's rule about who may post */
	bool gone = text_has(m, missing);

	text_region(m, NULL, &b, &e);
	for (size_t i = 0; i < r->nrcpts; i++) {
		r->rcpts[i].reason = gone ? NDR_R_USERUNKNOWN : NDR_R_REJECTED;
		if (e > b)
			r->rcpts[i].diagnostic = squeeze(m->text.s + b,
			    e - b > 1024 ? 1024 : e - b);
	}
	if (n > 0)
		r->kind = NDR_KIND_BOUNCE;
	return n;
}

const struct reader reader_googlegroups = { "googlegroups",
	googlegroups_match, googlegroups_read, NULL };
