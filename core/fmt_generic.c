/* fmt_generic.c - the last resort: a report from a mailer daemon that no
 * reader knows, read as "address: diagnostic" text. */
#include "engine.h"

static const char *const bouncy[] = {
	"undeliver", "undelivered", "returned mail", "delivery fail",
	"failure notice", "delivery status", "mail delivery", "non-delivery",
	"nondelivery", "not delivered", "could not be delivered", "bounce",
	"rejected", "delivery problem", "mail system error", "failed",
	"delayed", "warning", "unzustellbar", "non remis", "error", NULL
};

static bool
generic_match(const struct msg *m)
{
	return from_daemon(m) && subject_has(m, bouncy);
}

static int
generic_read(struct msg *m, struct ndr_report *r)
{
	return text_read(m, NULL, r);
}

const struct reader reader_generic = { "generic", generic_match, generic_read };
