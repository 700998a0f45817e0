/* judge.h - verdicts and campaigns for everything in an account's store. */
#ifndef NDRSWEEP_JUDGE_H
#define NDRSWEEP_JUDGE_H

#include <stdbool.h>
#include <stddef.h>

struct store;
struct ndr_account;

struct ndr_judge_stats {
	size_t	legit, backscatter, unsure;	/* reports judged so */
	size_t	campaigns;
	size_t	changed;			/* verdicts written anew */
};

/*
 * Judge every report in the store with the account's addresses, relays
 * and BATV key and the Sent index, group the rest into campaigns, and
 * store what changed. -1 with a line in err on a store error.
 */
int	ndr_judge_store(struct store *, const struct ndr_account *,
	    struct ndr_judge_stats *, char *err, size_t errlen);
/*
 * Are the store's verdicts what ndr_judge_store() would make now, given
 * that no report and no Sent message came or went since it last ran (the
 * caller knows: a scan that found nothing new)? True when the account's
 * judging configuration, the classifier and the engine are as they were
 * then; *stats is then what that judging counted.
 */
bool	ndr_judge_current(struct store *, const struct ndr_account *,
	    struct ndr_judge_stats *);
/*
 * Only the reports not judged yet, each on its own evidence (no campaign
 * grouping: the next ndr_judge_store() does that): what a watch round
 * needs at the cost of what arrived, not of the whole store.
 */
int	ndr_judge_new(struct store *, const struct ndr_account *,
	    struct ndr_judge_stats *, char *err, size_t errlen);

#endif
