/* rules.h - Sieve rules per campaign, filing its future backscatter on
 * the server (rules.c). */
#ifndef NDR_RULES_H
#define NDR_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a campaign's rule recognises its reports by. */
struct ndr_rule {
	int64_t		 campaign;
	const char *const *subjects;	/* its originals' subjects begin so */
	size_t		 nsubjects;
	const char *const *links;	/* their link hosts */
	size_t		 nlinks;
	const char *const *senders;	/* "[ip]": machines that sent them */
	size_t		 nsenders;
	const char	*until;		/* YYYY-MM-DD: its last day, or NULL */
};

/* The script's surroundings: where to file, what is the user's own,
 * what the server's Sieve has (its SIEVE capability). */
struct ndr_rules_ctx {
	const char	*folder;	/* the quarantine */
	const char *const *exclude;	/* "@rhs>" of the user's Message-IDs,
					 * the user's relays */
	size_t		 nexclude;
	bool		 envelope, date, mailbox;
};

/* false: nothing to recognise the campaign by (no subject, no link) */
bool	ndr_rule_usable(const struct ndr_rule *);
/* The whole script, a new string. */
char	*ndr_rules_script(const struct ndr_rules_ctx *,
	    const struct ndr_rule *, size_t n);
/*
 * The subjects' beginnings, most used first, at most max, added to out
 * (new strings); how many. A beginning is up to three words, cut before
 * the first word with a digit (what changes from message to message of a
 * run: "Invoice 2453", "your order #12345"); one too plain to name
 * anything (under 5 characters, or little but Re: and Fwd:) is left out,
 * and so is one that begins any of the avoid subjects (the user's own
 * mail that bounced: a rule must not take the bounce of a message of
 * hers that a server quotes without its Message-ID).
 */
size_t	ndr_subject_prefixes(const char *const *subjects, size_t n,
	    const char *const *avoid, size_t navoid, struct ndr_strv *out,
	    size_t max);

/*
 * The machines that sent a campaign's originals (each chain's first
 * address (not loopback), as "[ip]" the way Received fields write it), those
 * seen in two of them or more, most seen first, at most max, added to
 * out (new strings); how many. A spam run's bots send many messages
 * each: a report that names one is the run's even when it carries only
 * the original's header (no link, a subject too plain to use).
 */
size_t	ndr_sender_keys(const char *const *received, size_t n,
	    struct ndr_strv *out, size_t max);

#endif
