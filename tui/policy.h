/* policy.h (private to tui/) - the account's policy: what it names, and
 * its carrying out through the decision path (clean, watch). */
#ifndef NDR_POLICY_H
#define NDR_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "imap/imap.h"

struct account_ctx;
struct decide_stats;

/* The messages the policy names, by folder. */
struct pick {
	struct imap_msgref	*ref;
	char			**folder;
	uint64_t		**tokens;
	size_t			*ntokens;
	size_t			 n, cap;
	struct ndr_strv		 campaigns;
};

/* What has been in the quarantine longer than the retention. */
struct expired {
	struct imap_msgref	*ref;
	size_t			 n, cap;
	int64_t			 before;
};

void	pick_free(struct pick *);
void	expired_free(struct expired *);
/* What the policy names: backscatter at or over the threshold (and the
 * unsure, when the configuration says so) to the quarantine; with
 * expiry, what has been there over the retention. EXIT_OK, or
 * EXIT_CONFIG said. */
int	policy_picks(struct account_ctx *, struct pick *, struct expired *,
	    bool expiry);
/* The picks to the quarantine, the expired out of it, through decide();
 * EXIT_OK or EXIT_PARTIAL (each failure said). */
int	policy_apply(struct imap_conn *, struct account_ctx *, struct pick *,
	    struct expired *, struct decide_stats *);

#endif
