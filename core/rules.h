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
/* The subjects' beginnings (their first three words, at least 8
 * characters), most used first, at most max, added to out (new
 * strings); how many. */
size_t	ndr_subject_prefixes(const char *const *subjects, size_t n,
	    struct ndr_strv *out, size_t max);

#endif
