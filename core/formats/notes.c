/* notes.c - Lotus Notes and Domino. */
#include "../engine.h"

static const char *const start[] = {
	"was not delivered to:", "delivery failure:", NULL
};
static const struct text_layout layout = { start, NULL, false };

static bool
notes_match(const struct msg *m)
{
	static const char *const marks[] = {
		"was not delivered to:", "your document:", "delivery failure:",
		"domino", "lotus notes", NULL };
	static const char *const subj[] = {
		"undeliverable message", "delivery failure:",
		"delivery status notification", NULL };
	return text_has(m, marks) && (from_daemon(m) || subject_has(m, subj));
}

static int
notes_read(struct msg *m, struct ndr_report *r)
{
	return dsn_or_text(m, &layout, r);
}

const struct reader reader_notes = { "notes", notes_match, notes_read, NULL };
