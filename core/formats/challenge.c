/* challenge.c - challenge-response systems (Boxbe and its kind, spam
 * filters that hold mail until its sender proves to be a person): an
 * automatic answer, not a bounce nor a delay, even when it comes as a
 * multipart/report with a delivery-status part (Boxbe's says "delayed").
 * Known by what they write, in a message that is plainly automatic: mail
 * between people that talks about such systems is none. */
#include <string.h>

#include "../engine.h"

static const char *const marks[] = {
	"guest list", "waitlisted", "add yourself to my",
	"approved senders list", "approved sender list",
	"sender verification", "verify that you are a person",
	"verify you are a person", "verify that you are a human",
	"verify you are a human", "confirm you are not a robot",
	"confirm that you are not a robot", "prove you are human",
	"prove that you are human", "spam filter that only accepts",
	"only accepts mail from people i know", "protecting myself from spam",
	"verify yourself", "until you verify", "click below to verify",
	"placed on hold until", "held until you", "uses boxbe", "boxbe to",
	"spam arrest", "spamarrest", "choicemail", "mailblocks",
	"ich schütze mich vor spam", "bestätigen sie ihre absenderadresse",
	"je me protège du spam", "confirmez votre adresse",
	"me protejo del spam", "confirme su dirección",
	NULL
};

/* Sent by a machine: a report, a daemon, the headers of automatic mail,
 * a no-reply sender, or a subject that asks the sender to prove itself. */
static bool
automatic(const struct msg *m)
{
	static const char *const senders[] = {
		"noreply", "no-reply", "donotreply", "do-not-reply",
		"notification", "verif", "challenge", "confirm", NULL
	};
	static const char *const subjects[] = {
		"verify", "confirm", "guest list", "waitlist", "request to join",
		"bestätigung", "vérification", "verificación", "action required",
		NULL
	};
	const char *as = msg_header(m, "Auto-Submitted");
	const char *prec = msg_header(m, "Precedence");

	return m->dsn || from_daemon(m) || (as && !ci_prefix(as, "no")) ||
	    (prec && (ci_prefix(prec, "bulk") || ci_prefix(prec, "junk") ||
	    ci_prefix(prec, "auto"))) || from_has(m, senders) ||
	    subject_has(m, subjects);
}

static bool
challenge_match(const struct msg *m)
{
	return text_has(m, marks) && automatic(m);
}

static int
challenge_read(struct msg *m, struct ndr_report *r)
{
	r->kind = NDR_KIND_AUTOREPLY;
	return autoreply_rcpt(m, r);
}

const struct reader reader_challenge = { "challenge", challenge_match,
	challenge_read, NULL };
