/*
 * decide.h (private to tui/) - the one path every decision takes: the
 * interface's commit, clean and review hand their decisions here; they
 * are carried out through the journal (imap_act), and the classifier
 * learns only those the server confirmed.
 */
#ifndef NDR_DECIDE_H
#define NDR_DECIDE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "imap/imap.h"

struct account_ctx;

/* One decision about one message. */
struct decision {
	enum imap_act	 act;
	const char	*folder;	/* where the message is */
	uint32_t	 uid;
	const char	*message_id;
	const char	*dest;		/* quarantine, delete: NULL for the
					 * account's; release: where it goes */
	const char	*origin;	/* the folder it first came from */
	const uint64_t	*tokens;	/* of its original; NULL: the store's */
	size_t		 ntokens;
	bool		 done;		/* out: the server confirmed it */
};

struct decide_stats {
	unsigned	 done[IMAP_KEEP + 1];	/* by enum imap_act */
	unsigned	 vanished;	/* gone before we got to them */
	unsigned	 copied_only;	/* no UIDPLUS: copied and flagged,
					 * left for the user to expunge */
	unsigned	 dropped;	/* refused: left where they were */
	unsigned	 failed;		/* commands that failed */
};

/*
 * Carry out d[0..n): grouped by action, folder and destination (the
 * order of d kept within a group), one imap_act per group; deletes go to
 * trash. Then quarantine and delete teach the classifier spam, keep and
 * release not spam, purge nothing: only what the server confirmed. Each
 * error is one line to say(arg, line); the run stops at a session lost.
 * 0, or -1 when anything failed.
 */
int	decide(struct imap_conn *, struct account_ctx *, struct decision *d,
	    size_t n, const char *trash, void (*say)(void *, const char *),
	    void *arg, struct decide_stats *);

/*
 * The journal settled (imap_reconcile), then what a run that died did
 * and did not teach the classifier taught: every row done since the last
 * decide() that learnt (the store's learnt_upto), quarantine and delete
 * as spam, release and keep as not, from the tokens of the message where
 * it is now. 0, or -1 with err.
 */
int	decide_reconcile(struct imap_conn *, struct account_ctx *,
	    struct imap_reconcile_stats *, char *err, size_t errlen);

#endif
