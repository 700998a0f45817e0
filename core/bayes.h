/* bayes.h - the local classifier: learns from decisions, scores originals. */
#ifndef NDRSWEEP_BAYES_H
#define NDRSWEEP_BAYES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;
struct ndr_bayes;

/* The store's counts, loaded into memory. -1 on a store error. */
int	ndr_bayes_open(struct store *, struct ndr_bayes **);
/* The same, each token's counts fetched from the store when first asked
 * (for a few messages scored or learnt); the store must outlive it. A
 * fetch that fails makes training fail (-1), and a score treat the token
 * as never seen: ndr_bayes_failed() tells. */
int	ndr_bayes_open_lazy(struct store *, struct ndr_bayes **);
bool	ndr_bayes_failed(const struct ndr_bayes *);
void	ndr_bayes_free(struct ndr_bayes *);
/* Has it learnt both kinds? Until then every score is 0.5. */
bool	ndr_bayes_trained(const struct ndr_bayes *);
/* 0 like the user's own mail .. 1 spam; 0.5 when it cannot tell. */
double	ndr_bayes_score(const struct ndr_bayes *, const uint64_t *tokens,
	    size_t n);

enum ndr_train {
	NDR_TRAIN_LEARNED,	/* new */
	NDR_TRAIN_KNOWN,	/* already learnt as this: nothing done */
	NDR_TRAIN_REVERSED,	/* learnt as the other: undone, then learnt */
};
/*
 * Learn a message (its sorted, unique tokens) as spam or ham. A message
 * is known by its Message-ID (id, may be NULL) and its tokens, and never
 * counted twice: the same text under two Message-IDs is two messages (a
 * spam run sends one text many times), one file read twice is one. Token counts
 * change in memory; ndr_bayes_flush writes them (the caller's
 * transaction holds both). -1 on a store error.
 */
int	ndr_bayes_train(struct ndr_bayes *, struct store *, const char *id,
	    const uint64_t *tokens, size_t n, bool spam, enum ndr_train *);
/* Undo what was learnt of a message: 1 done (*was its class), 0 never
 * learnt, -1 error. */
int	ndr_bayes_forget(struct ndr_bayes *, struct store *, const char *id,
	    const uint64_t *tokens, size_t n, bool *was);
int	ndr_bayes_flush(struct ndr_bayes *, struct store *);
uint64_t ndr_bayes_digest(const char *id, const uint64_t *tokens, size_t n);
void	ndr_bayes_counts(const struct ndr_bayes *, int64_t *spam,
	    int64_t *ham, size_t *tokens);

#endif
