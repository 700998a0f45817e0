/* exim.c - Exim: "This message was created automatically by mail
 * delivery software." */
#include "../engine.h"

static const char *const start[] = {
	"address(es) failed", "addresses failed",
	"been delivered to the following address",
	"could not be delivered to one or more", NULL
};
static const struct text_layout layout = { start, NULL, false };

static bool
exim_match(const struct msg *m)
{
	static const char *const marks[] = {
		"this message was created automatically by mail delivery software",
		"following address(es) failed", "following addresses failed",
		"message has not yet been delivered to the following address",
		NULL };
	return text_has(m, marks) || (msg_header(m, "X-Failed-Recipients") &&
	    from_daemon(m));
}

static int
exim_read(struct msg *m, struct ndr_report *r)
{
	return dsn_or_text(m, &layout, r);
}

const struct reader reader_exim = { "exim", exim_match, exim_read, NULL };
