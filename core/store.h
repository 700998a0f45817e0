/* store.h - what ndrsweep knows of an account, in one SQLite file. */
#ifndef NDRSWEEP_STORE_H
#define NDRSWEEP_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "verdict.h"

struct store;

/* The state of one folder as the last scan left it. */
struct store_folder {
	int64_t		 id;
	uint32_t	 uidvalidity;	/* 0: never scanned */
	uint32_t	 highest_uid;	/* the highest UID read */
	uint64_t	 highestmodseq;	/* 0: no CONDSTORE */
};

/* One scanned message. report is the engine's JSON, or NULL. */
struct store_msg {
	uint32_t	 uid;
	const char	*message_id;
	int64_t		 date;		/* seconds since the epoch, 0 unknown */
	uint32_t	 size;
	const char	*kind;		/* "bounce", "other", ... */
	const char	*flags;		/* "\\Seen $NdrKept" */
	const char	*report;
	bool		 unreadable;	/* the server could not give it */
	/* ordinary mail known from its header alone (never a candidate):
	 * kept as a UID in the folder, nothing more (a million of them in
	 * 10 MB, not 90); message_id, date, size and flags are not kept */
	bool		 plain;
	/* the store may hold a row for the UID already (read again) */
	bool		 again;
};

#define STORE_SCHEMA	15

/*
 * Open (creating it and its folder) the store at path: WAL, a busy
 * timeout, the schema brought to STORE_SCHEMA by migrations. A store from
 * a newer ndrsweep is refused. -1 and one line in err on failure.
 */
int	store_open(const char *path, struct store **, char *err, size_t errlen);
void	store_close(struct store *);

/* $XDG_DATA_HOME/ndrsweep/ACCOUNT.db, or ~/.local/share/ndrsweep/... */
char	*store_default_path(const char *account);

/*
 * The WAL copied into the database beside the caller's work (store.c):
 * none until store_checkpoint_start() (which runs one in a thread),
 * the usual ones again once store_checkpoint_wait() has joined it (and
 * at close).
 */
int	store_checkpoint_defer(struct store *);
/* The page cache held to kib (a long-running watch: its memory stays
 * flat however the store grows; the OS's file cache serves the rest). */
int	store_cache_limit(struct store *, int kib);
#define STORE_CACHE_KIB	65536	/* the page cache a store opens with */
void	store_checkpoint_start(struct store *);
void	store_checkpoint_wait(struct store *);

/* Writes go in transactions; a batch of puts is one. */
int	store_begin(struct store *);
int	store_commit(struct store *);
void	store_rollback(struct store *);

/* The folder's state, the folder created (and its id set) if new. */
int	store_folder(struct store *, const char *name, struct store_folder *);
int	store_folder_save(struct store *, const struct store_folder *);
/* A new UIDVALIDITY: the folder's messages and state are forgotten. */
int	store_folder_reset(struct store *, struct store_folder *,
	    uint32_t uidvalidity);

int	store_msg_put(struct store *, int64_t folder, const struct store_msg *);
/*
 * uids (sorted) are what the folder holds on the server: forget the
 * stored messages not among them (their number in *dropped; of them, in
 * *judged, those the verdicts are made of: reports, unreadable messages
 * and Sent messages) and, when missing is given (room for n), list those
 * not stored (*nmissing).
 */
int	store_msg_keep_only(struct store *, int64_t folder,
	    const uint32_t *uids, size_t n, size_t *dropped, size_t *judged,
	    uint32_t *missing, size_t *nmissing);
/* New flags for stored messages of the folder (uids[i] gets flags[i]);
 * a UID the store does not have, or keeps as plain mail, is passed over. */
int	store_msg_set_flags(struct store *, int64_t folder,
	    const uint32_t *uids, char *const *flags, size_t n);
/* The folder's stored UIDs, ascending, in a new array (*n of them). */
int	store_msg_uids(struct store *, int64_t folder, uint32_t **uids,
	    size_t *n);
/* How many messages the folder has, and of them of a kind (NULL: all). */
int64_t	store_msg_count(struct store *, int64_t folder, const char *kind);
/* The folder's messages the server could not give, ascending: asked for
 * again at each scan. */
int	store_msg_unreadable(struct store *, int64_t folder, uint32_t **uids,
	    size_t *n);

/* The Sent index: what the user sent, to find the originals of bounces. */
int	store_sent_put(struct store *, int64_t folder, uint32_t uid,
	    const char *message_id, int64_t date, const char *recipients);
/* 1 when message_id was sent (its date in *date), 0 when not, -1 error. */
int	store_sent_find(struct store *, const char *message_id, int64_t *date);
int64_t	store_sent_count(struct store *);

/* One stored message as the report reads it. */
struct store_row {
	const char	*folder;
	uint32_t	 uid;
	const char	*message_id;
	const char	*kind;
	const char	*report;
	int64_t		 size;
	bool		 unreadable;
	const char	*verdict;	/* NULL: not judged (not a report) */
	double		 score;
	const char	*signals;	/* JSON array */
	int64_t		 campaign;	/* 0: none */
};

/* Each message (only reports and unreadable ones when reports_only), by
 * folder and UID; a non-zero return of fn stops and is returned. */
int	store_each_msg(struct store *, bool reports_only,
	    int (*fn)(const struct store_row *, void *), void *);
/* Each (folder, kind) with its count, by folder name; the messages the
 * server could not give count under the kind "unreadable". */
int	store_each_count(struct store *,
	    int (*fn)(const char *folder, const char *kind, int64_t n, void *),
	    void *);

/* ---- verdicts ---- */

/* The evidence of a report (after its message is put). */
int	store_evidence_put(struct store *, int64_t folder, uint32_t uid,
	    const struct ndr_evidence *);
/* A stored report's evidence with the verdict last given. */
struct store_judged {
	int64_t			 folder;
	uint32_t		 uid;
	struct ndr_evidence	 ev;
	char			*verdict;	/* NULL: never judged */
	double			 score;
	char			*signals;	/* JSON array */
	int64_t			 campaign;	/* 0: none */
};
int	store_evidence_load(struct store *, struct store_judged **,
	    size_t *n);
/* The same, or (unjudged) only the reports not judged yet and the
 * latest 3,000 judged ones: what a new report's campaign is found in. */
int	store_evidence_load_some(struct store *, bool unjudged,
	    struct store_judged **, size_t *n);
void	store_judged_free(struct store_judged *, size_t n);
int	store_verdict_put(struct store *, int64_t folder, uint32_t uid,
	    const char *verdict, double score, const char *signals,
	    int64_t campaign);
struct store_campaign {
	int64_t		 id;
	int64_t		 size;		/* bounces in it */
	int64_t		 backscatter;	/* of them judged backscatter */
	int64_t		 first_seen, last_seen;
	const char	*subject;	/* a representative original subject */
	const char	*forged;	/* sender addresses, ", " between */
	const char	*mtas;		/* reporting MTAs */
	const char	*links;		/* link hosts */
};
/* Replace all campaigns by these. */
int	store_campaigns_put(struct store *, const struct store_campaign *,
	    size_t n);
/* Largest first. */
int	store_each_campaign(struct store *,
	    int (*fn)(const struct store_campaign *, void *), void *);
int	store_verdict_counts(struct store *, int64_t *legit,
	    int64_t *backscatter, int64_t *unsure);
/* Each message of the Sent index. */
/* The original subjects of a campaign's reports. */
int	store_campaign_subjects(struct store *, int64_t campaign,
	    int (*fn)(const char *subject, void *), void *);
/* The originals' Received chains of a campaign's reports. */
int	store_campaign_received(struct store *, int64_t campaign,
	    int (*fn)(const char *received, void *), void *arg);
/* The originals' subjects of the reports judged legitimate (the user's
 * own mail that bounced), each once. */
int	store_legit_subjects(struct store *, int (*fn)(const char *subject,
	    void *), void *arg);
int	store_each_sent(struct store *, int (*fn)(const char *mid,
	    int64_t date, const char *recipients, void *), void *);
/* ---- the classifier ---- */
/* The classifier's token counts and what it was taught, from now on in
 * the database at path (made when missing), shared by every account
 * that says classifier = shared; each account's store keeps the rest. */
int	store_share_classifier(struct store *, const char *path);
int	store_each_token(struct store *, int (*fn)(uint64_t hash,
	    uint32_t spam, uint32_t ham, void *), void *);
/* A token's counts (both 0 when the store lacks it). */
int	store_token_get(struct store *, uint64_t hash, uint32_t *spam,
	    uint32_t *ham);
/* Counts of a token; both 0 deletes it. */
int	store_token_put(struct store *, uint64_t hash, uint32_t spam,
	    uint32_t ham);
/* Messages trained as spam and as ham. */
int	store_trained_counts(struct store *, int64_t *spam, int64_t *ham);
/* What the classifier has been taught, in three numbers: its spam, all,
 * the time of the latest lesson (a lesson, a reversal or a forgetting
 * changes one of them). */
int	store_trained_stamp(struct store *, int64_t *spam, int64_t *n,
	    int64_t *last);
/* 1 (class and, if asked, its tokens in a new array), 0 not trained. */
int	store_trained_get(struct store *, uint64_t digest, bool *spam,
	    uint64_t **tokens, size_t *n);
int	store_trained_put(struct store *, uint64_t digest, bool spam,
	    const uint64_t *tokens, size_t n, int64_t at);
int	store_trained_del(struct store *, uint64_t digest);
/* ---- the journal: each action written before it is sent ---- */
/* The states of a journal row (stored by name: the names below). */
enum store_jstate {
	JS_PENDING,	/* written, its command maybe sent */
	JS_DONE,	/* carried out (dest_uid: where the message now is) */
	JS_DROPPED,	/* never carried out: the message left where it was */
	JS_VANISHED,	/* gone from its folder before or without us: nothing
			 * removed by ndrsweep */
	JS_COPIED,	/* in dest and still in folder, flagged \Deleted (a
			 * server without UIDPLUS: left for the user to
			 * expunge) */
	JS_REFUSED,	/* not sent: ndrsweep declined (imap/actions.c) */
	JS__N
};

struct store_act {
	int64_t		 id, batch;	/* a batch: one command's messages */
	const char	*action;	/* quarantine, delete, keep, release,
					 * purge */
	const char	*folder;	/* where the message was, UTF-8 */
	uint32_t	 uidvalidity, uid;
	const char	*message_id;
	const char	*dest;		/* where it goes; NULL: stays */
	const char	*origin;	/* the folder it first came from */
	enum store_jstate state;
	uint32_t	 dest_uidvalidity, dest_uid;	/* COPYUID's answer */
	int64_t		 at, done_at;
	/* where the proof that a message in dest is this one looks
	 * (imap/actions.c): dest's UIDNEXT and UIDVALIDITY before the
	 * command (0: unknown, the whole folder) */
	uint32_t	 dest_next, dest_next_uv;
};
int	store_journal_batch(struct store *, int64_t *batch);
const char *store_jstate_name(enum store_jstate);
int	store_journal_add(struct store *, const struct store_act *,
	    int64_t *id);
int	store_journal_set(struct store *, int64_t id, enum store_jstate state,
	    uint32_t dest_uidvalidity, uint32_t dest_uid, int64_t when);
/* Each pending journal row (of one batch; 0: all), by batch, folder, UID. */
int	store_journal_pending(struct store *, int64_t batch,
	    int (*fn)(const struct store_act *, void *), void *);
/* The journal's rows done after row id `after` whose action teaches the
 * classifier (quarantine, delete, release, keep), in order. */
int	store_journal_done_after(struct store *, int64_t after,
	    int (*fn)(const struct store_act *, void *), void *);
/* The journal's last row id (0: none), or -1. */
int64_t	store_journal_last(struct store *);
/*
 * The stored message (and its evidence) follows a move: to the new UID in
 * to, or forgotten when new_uid is 0 (the next scan of to reads it).
 */
int	store_msg_move(struct store *, const char *from, uint32_t uid,
	    const char *to, uint32_t to_uidvalidity, uint32_t new_uid);
/* A message the clean policy names: a report judged so. */
struct store_cand {
	const char	*folder;
	uint32_t	 uid;
	const char	*message_id;
	const char	*verdict;
	double		 score;
	int64_t		 campaign;
	const uint64_t	*tokens;	/* the classifier's, of its original */
	size_t		 ntokens;
};
/* Backscatter scored threshold or more (and unsure ones when asked),
 * outside the quarantine, neither kept nor released by the user. */
int	store_each_candidate(struct store *, const char *quarantine,
	    double threshold, bool unsure,
	    int (*fn)(const struct store_cand *, void *), void *);
/* A message in the quarantine, as the journal knows it. */
struct store_quar {
	int64_t		 id;		/* the quarantine's journal row */
	const char	*origin;	/* where it came from */
	uint32_t	 uid, uidvalidity;	/* in the quarantine */
	const char	*message_id;
	int64_t		 since;		/* when it was moved */
	const char	*verdict, *subject;
	double		 score;
	int64_t		 campaign;
	const uint64_t	*tokens;
	size_t		 ntokens;
};
int	store_each_quarantined(struct store *, const char *quarantine,
	    int (*fn)(const struct store_quar *, void *), void *);
/* ---- the interface ---- */
/* One report as the interface lists it. */
struct store_item {
	const char	*folder;
	uint32_t	 uid;
	const char	*message_id;
	int64_t		 date;		/* the report's */
	const char	*kind;
	const char	*rcpt;		/* the first failed recipient */
	const char	*reason, *status;	/* of that recipient */
	enum ndr_verdict_kind verdict;
	double		 score;
	int64_t		 campaign;
	const char	*subject;	/* the original's */
	const char	*from;		/* the original's sender */
	const char	*mta;		/* the reporting MTA */
	bool		 kept;		/* the user kept it */
};
/* Each report (bounce, delay, autoreply, feedback), by folder and UID. */
int	store_each_item(struct store *,
	    int (*fn)(const struct store_item *, void *), void *);
/* Each report whose Message-ID, original's Message-ID, failed
 * recipients, or original's subject or sender hold needle (ASCII case
 * ignored): "where is my bounce?" */
int	store_each_item_find(struct store *, const char *needle,
	    int (*fn)(const struct store_item *, void *), void *);
/*
 * What is known of one report, as rows: fn(what, v, n) with what one of
 * "report" (format, from, subject, reporting MTA, kind), "rcpt" (address,
 * action, status, reply code, reason, diagnostic, remote MTA), "original"
 * (form, Message-ID, from, subject, date, return path), "received" (one
 * field), "excerpt", "verdict" (verdict, score, campaign) and "signal"
 * (name, weight, evidence). 1 when the report is not stored.
 */
int	store_item_detail(struct store *, const char *folder, uint32_t uid,
	    int (*fn)(const char *what, const char *const *v, int n, void *),
	    void *);
/* Each report whose text (the excerpt the store keeps, a recipient's
 * diagnostic) holds needle, ASCII case ignored, to fn. */
int	store_each_text_match(struct store *, const char *needle,
	    int (*fn)(const char *folder, uint32_t uid, void *), void *);
/* The classifier's tokens of a report's original, in a new array. */
int	store_item_tokens(struct store *, const char *folder, uint32_t uid,
	    uint64_t **tokens, size_t *n);
/* A number that changes when another connection commits to the store
 * (SQLite's data_version): the interface polls it during a scan. */
int64_t	store_data_version(struct store *);
/* Small facts by name ("last_scan"); get: a new string or NULL. */
int	store_meta_set(struct store *, const char *key, const char *value);
char	*store_meta_get(struct store *, const char *key);
const char *store_error(struct store *);

#endif
