/* gmail.c - Gmail and Google Workspace. */
#include "../engine.h"

static const struct text_layout layout = { NULL, NULL, false };

static bool
gmail_match(const struct msg *m)
{
	static const char *const daemons[] = {
		"googlemail.com", "@google.com", "gmail.com", NULL };
	static const char *const marks[] = {
		"delivery to the following recipient",
		"the response from the remote server was",
		"the response was:", "google tried to deliver your message",
		"message not delivered", "the error that the other server returned",
		NULL };
	return (from_has(m, daemons) && from_daemon(m)) ||
	    (from_daemon(m) && text_has(m, marks));
}

static int
gmail_read(struct msg *m, struct ndr_report *r)
{
	return dsn_or_text(m, &layout, r);
}

const struct reader reader_gmail = { "gmail", gmail_match, gmail_read, NULL };
