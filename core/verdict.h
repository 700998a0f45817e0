/*
 * verdict.h - is a bounce the answer to mail the user sent, or backscatter?
 *
 * The engine's report of a bounce, delay or auto-reply is boiled down to
 * its evidence: what the bounced original shows (Message-ID, sender, date,
 * Received chain, subject, links, a fingerprint of its body) and what the
 * report says (failed recipients, where it was sent). The evidence is
 * stored, so that verdicts can be judged again when the Sent index, the
 * configuration or the classifier change. ndr_judge() weighs the signals;
 * ndr_campaigns() groups what is not legitimate by the spam run behind it.
 */
#ifndef NDR_VERDICT_H
#define NDR_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core.h"

struct ndr_evidence {
	enum ndr_kind	 kind;
	enum ndr_form	 form;
	int64_t		 date;		/* the report's own date */
	char		*report_to;	/* address the report was sent to */
	char		*rcpts;		/* failed recipients, ", " between */
	unsigned	 nrcpts;
	char		*mta;		/* reporting MTA */
	char		*orig_mid;	/* without <>, NULL if unknown */
	char		*orig_from;	/* address, lowercase */
	char		*orig_sender;	/* envelope sender (Return-Path) */
	char		*orig_to;	/* its To's addresses, ", " between */
	int64_t		 orig_date;
	char		*subject;	/* the original's, decoded */
	char		*received;	/* Received fields, top first, "\n" */
	char		*links;		/* link host names, " " between */
	uint64_t	 simhash;	/* of the body text; 0: none */
	char		*excerpt;	/* start of the body text */
	const char	*reason;	/* the first recipient's, static */
	char		*status;	/* the first recipient's */
	uint64_t	*tokens;	/* the classifier's, of the original */
	size_t		 ntokens;
};

/* The evidence in a report (kinds bounce, delay, autoreply). */
void	ndr_evidence_of(const struct ndr_report *, struct ndr_evidence *);
void	ndr_evidence_free(struct ndr_evidence *);

/*
 * What the judge knows beyond one bounce: the user's addresses, relays
 * and BATV key, and the Sent index through callbacks (so the tests can
 * stand in for the store).
 */
struct ndr_judge_ctx {
	const struct ndr_strv	*addresses;	/* lowercase */
	const struct ndr_strv	*own_relays;	/* names, .domains, CIDRs */
	const char		*batv_key;
	int64_t			 sent_count;	/* messages in the Sent index */
	int64_t			 sent_first, sent_last;	/* its date span */
	/* 1 and *date when the Message-ID was sent, else 0 */
	int	(*sent_mid)(void *, const char *mid, int64_t *date);
	/* a time in [from, to] address was written to, 0 if none */
	int64_t	(*sent_rcpt)(void *, const char *address, int64_t from,
		    int64_t to);
	/* does a Message-ID of the Sent index end in @domain? */
	bool	(*sent_mid_domain)(void *, const char *domain);
	/* is any recipient of the Sent index at this domain? */
	bool	(*sent_rcpt_domain)(void *, const char *domain);
	/* how many other reports that are no legitimate bounce and carry
	 * their original did this MTA send within BURST seconds of date */
	size_t	(*mta_burst)(void *, const char *mta, int64_t date);
	/* the classifier: 0 like the user's mail .. 1 spam; NULL neutral */
	double	(*content)(void *, const struct ndr_evidence *);
	void	*arg;
};

enum ndr_verdict_kind { NDR_UNSURE = 0, NDR_LEGIT, NDR_BACKSCATTER,
	NDR_UNJUDGED	/* not a report the judge weighs: no verdict */ };

/*
 * The signals, one row each: its name, its weight (for the two whose
 * weight is computed, the most it reaches either way) and what it says.
 * Legitimate signals weigh NDR_LEGIT_WEIGHT: any one outweighs every
 * backscatter signal together. The README's table is checked against this
 * one (tests/check_verdict.c).
 */
enum ndr_sig {
	NDR_SIG_SENT_MESSAGE_ID, NDR_SIG_OWN_RELAY, NDR_SIG_BATV_VALID,
	NDR_SIG_SENT_RECIPIENT, NDR_SIG_ABSENT_FROM_SENT,
	NDR_SIG_FOREIGN_MESSAGE_ID, NDR_SIG_FOREIGN_CHAIN,
	NDR_SIG_FORGED_HELO, NDR_SIG_OWN_ADDRESS_FORGED, NDR_SIG_BATV_INVALID,
	NDR_SIG_BATV_MISSING, NDR_SIG_RCPT_NEVER_WRITTEN,
	NDR_SIG_RCPT_DOMAIN_UNKNOWN, NDR_SIG_MTA_BURST, NDR_SIG_NEVER_SENDS,
	NDR_SIG_MANY_RCPTS, NDR_SIG_CAMPAIGN, NDR_SIG_CONTENT, NDR_SIG__N
};
#define NDR_LEGIT_WEIGHT	(-10.0)
struct ndr_signal_def {
	const char	*name;
	double		 weight;	/* or the most, when scaled */
	bool		 scaled;	/* computed: campaign size, classifier */
	const char	*says;
};
extern const struct ndr_signal_def ndr_signal_defs[NDR_SIG__N];

#define NDR_SIGNALS_MAX	16
struct ndr_signal {
	const char	*name;		/* "sent_message_id", ... */
	double		 weight;	/* > 0 backscatter, < 0 legit */
	char		 evidence[192];
};

struct ndr_verdict {
	enum ndr_verdict_kind	 verdict;
	double			 score;	/* 0 legit .. 1 backscatter */
	struct ndr_signal	 sig[NDR_SIGNALS_MAX];
	size_t			 nsig;
};

/* Evidence from a backscatter score of this sum of weights on. */
#define NDR_BACKSCATTER_AT	3.0

/* Judge one piece of evidence; campaign_size counts it too (0: none). */
void	ndr_judge(const struct ndr_evidence *, const struct ndr_judge_ctx *,
	    size_t campaign_size, const char *campaign_subject,
	    struct ndr_verdict *);
/* The same for evidence ndr_judge_legit() found nothing legitimate in
 * (the store's judging asks that first of all, to leave the legitimate
 * out of the campaigns: not asked twice). */
void	ndr_judge_backscatter(const struct ndr_evidence *,
	    const struct ndr_judge_ctx *, size_t campaign_size,
	    const char *campaign_subject, struct ndr_verdict *);
/* Is there anything to judge by: a Sent index, relays or a BATV key? */
bool	ndr_judge_has_basis(const struct ndr_judge_ctx *);
/* Only the signals that make a bounce legitimate: any fired? */
bool	ndr_judge_legit(const struct ndr_evidence *,
	    const struct ndr_judge_ctx *, struct ndr_verdict *);
const char *ndr_verdict_name(enum ndr_verdict_kind);	/* NDR_UNJUDGED: "" */
/* The verdict a name (as ndr_verdict_name writes it) says; NDR_UNJUDGED
 * for NULL or a name it does not know. */
enum ndr_verdict_kind ndr_verdict_parse(const char *);
/* The signals as a JSON array of {"name","weight","evidence"}. */
void	ndr_verdict_json(const struct ndr_verdict *, struct ndr_buf *);

/*
 * Campaigns: ev[i] for i < n are grouped by what their originals share;
 * id[i] receives a group number, the same for one campaign. Groups are
 * numbered by their first member (id[i] <= i, id of a lone one is i). A
 * report with nothing to group by (an empty NDR) gets NDR_NO_CAMPAIGN.
 */
#define NDR_NO_CAMPAIGN	((size_t)-1)
void	ndr_campaigns(const struct ndr_evidence *const *ev, size_t n,
	    size_t *id);

/* Pieces, public for the tests. */
/* The subject folded for grouping: case, tags, digits, random tokens. */
char	*ndr_subject_norm(const char *);
uint64_t ndr_simhash(const char *text);
/* Hamming distance of two fingerprints. */
int	ndr_simhash_dist(uint64_t, uint64_t);
/* The first address in a Received chain (one field a line, the newest
 * first) that is not loopback: who handed the message to the first
 * server that wrote down a connection; in ip (room for len), or false. */
bool	ndr_first_sender(const char *received, char *ip, size_t len);
/* Does addr (an IPv4 or IPv6 literal) or host match a relay entry? */
bool	ndr_relay_match(const struct ndr_strv *relays, const char *host,
	    const char *addr);
/*
 * BATV (prvs=KDDDSSSSSS=local@domain): 1 valid at time now, 0 no tag,
 * -1 forged or expired. The plain address goes in plain (room for len).
 */
int	ndr_batv_check(const char *address, const char *key, int64_t now,
	    char *plain, size_t len);
/* The tag for an address, for tests and for users who sign with us. */
int	ndr_batv_sign(const char *address, const char *key, int64_t when,
	    char *out, size_t len);

#endif
