/* families.c - the format families known by their words alone: one entry
 * each (what marks a report of theirs, where its recipients are listed),
 * read by the shared DSN-or-text reader. A family that needs code of its
 * own has a file of its own in this folder. */
#include <stddef.h>

#include "../engine.h"

#define WORDS(...) ((const char *const []){ __VA_ARGS__, NULL })
#define FAMILY(n, ...) \
	static const struct family family_##n = { __VA_ARGS__ }; \
	const struct reader reader_##n = { #n, NULL, NULL, &family_##n }

/* Exchange 2000/2003: "did not reach the following recipient(s)". */
FAMILY(exchange2003,
	.marks = WORDS("did not reach the following recipient"),
	.headers = WORDS("X-MS-Embedded-Report"),
	.layout = { WORDS("did not reach the following recipient"), NULL,
	    false });

/* Exchange 2007 and later: "Delivery has failed to these recipients". */
FAMILY(exchange2007,
	.marks = WORDS("delivery has failed to these recipients",
	    "diagnostic information for administrators",
	    "your message couldn't be delivered",
	    "your message wasn't delivered",
	    "delivery has failed to these recipients or groups"),
	.headers = WORDS("X-MS-Exchange-Message-Is-Ndr"),
	.layout = { NULL, WORDS("diagnostic information for administrators",
	    "original message headers"), false });

/* OpenSMTPD: "This is the MAILER-DAEMON, please DO NOT REPLY". */
FAMILY(opensmtpd,
	.marks = WORDS(
	    "an error has occurred while attempting to deliver a message",
	    "this is the mailer-daemon, please do not reply", "opensmtpd"),
	.layout = { WORDS("the following recipients",
	    "for the following recipients"), NULL, false });

/* qmail: "Hi. This is the qmail-send program at ...". */
FAMILY(qmail,
	.marks = WORDS("this is the qmail-send program", "qmail-send program",
	    "wasn't able to deliver your message to the following addresses"),
	.daemon_hdr = "invoked for bounce",
	.layout = { WORDS("to the following addresses",
	    "the following address"), NULL, false });

/* Yahoo! Mail: "Sorry, we were unable to deliver your message". */
FAMILY(yahoo,
	.marks = WORDS("unable to deliver your message to the following address",
	    "message from yahoo"),
	.daemon_from = WORDS("yahoo"),
	.layout = { WORDS("following address", "to the following"), NULL,
	    false });

static bool
any_header(const struct msg *m, const char *const *names)
{
	for (; names && *names; names++)
		if (msg_header(m, *names))
			return true;
	return false;
}

bool
reader_match(const struct reader *rd, const struct msg *m)
{
	const struct family *f = rd->family;

	if (f == NULL)
		return rd->match(m);
	if ((f->marks && text_has(m, f->marks)) || any_header(m, f->headers))
		return true;
	if (!from_daemon(m))
		return false;
	return (f->daemon_subjects && subject_has(m, f->daemon_subjects)) ||
	    (f->daemon_from && from_has(m, f->daemon_from)) ||
	    (f->daemon_hdr && ci_find(m->raw, m->hdr_len, f->daemon_hdr));
}

int
reader_read(const struct reader *rd, struct msg *m, struct ndr_report *r)
{
	if (rd->family == NULL)
		return rd->read(m, r);
	return dsn_or_text(m, &rd->family->layout, r);
}
