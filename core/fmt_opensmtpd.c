/* fmt_opensmtpd.c - OpenSMTPD: "This is the MAILER-DAEMON, please DO NOT REPLY". */
#include "engine.h"

static const char *const start[] = {
	"the following recipients", "for the following recipients", NULL
};
static const struct text_layout layout = { start, NULL, false };

static bool
opensmtpd_match(const struct msg *m)
{
	static const char *const marks[] = {
		"an error has occurred while attempting to deliver a message",
		"this is the mailer-daemon, please do not reply",
		"opensmtpd", NULL };
	return text_has(m, marks);
}

static int
opensmtpd_read(struct msg *m, struct ndr_report *r)
{
	return dsn_or_text(m, &layout, r);
}

const struct reader reader_opensmtpd = { "opensmtpd", opensmtpd_match, opensmtpd_read };
