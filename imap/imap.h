/* imap.h - ndrsweep's IMAP side: names on the wire, sessions, the scan. */
#ifndef NDRSWEEP_IMAP_H
#define NDRSWEEP_IMAP_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Folder names travel in modified UTF-7 (RFC 3501, 5.1.3): printable ASCII
 * as itself ("&" as "&-"), anything else as "&" + modified base64 of its
 * UTF-16 + "-". Both return a new string, or NULL for input that is not
 * valid UTF-8 (encode) or valid modified UTF-7 (decode).
 */
char	*mutf7_encode(const char *utf8);
char	*mutf7_decode(const char *mutf7);

struct ndr_account;
typedef struct mailimap mailimap;
struct mailimap_set;
struct ndr_strv;
struct ndr_account;

/* Sorted UIDs as an IMAP set, runs of consecutive ones as intervals
 * (one command for a whole range, not a UID per message). */
struct mailimap_set *imap_uid_set(const uint32_t *uids, size_t n);

/* A logged-in session and what the server said it can do. */
struct imap_conn;

/* One answer of imap_fetch_fields(): flags as "\Seen $Label" (\Recent
 * left out; the handler may take them and leave NULL), the header fields
 * as the server sent them. */
struct imap_fetched {
	uint32_t	 uid, size;
	char		*flags;
	const char	*body;
	size_t		 bodylen;
};
typedef void	 imap_fetched_fn(struct imap_fetched *, void *);

/*
 * UID FETCH set (UID RFC822.SIZE FLAGS BODY.PEEK[HEADER.FIELDS (fields)]),
 * each answer to fn as it comes, read off the stream without libetpan's
 * parser (the scan's phase one: every new message). -1 and one line in
 * err when the server says NO or BAD, the connection drops, or an answer
 * cannot be read (the stream is out of step then: open it again).
 */
int	imap_fetch_fields(struct imap_conn *, const struct mailimap_set *,
	    const char *const *fields, imap_fetched_fn *, void *, char *err,
	    size_t errlen);
/* UID FETCH set (UID BODY.PEEK[]<0.cap>), read the same way (the scan's
 * phase two: the candidates' content, the first cap bytes). */
int	imap_fetch_body(struct imap_conn *, const struct mailimap_set *,
	    size_t cap, imap_fetched_fn *, void *, char *err, size_t errlen);

/* Every UID of the selected folder, ascending, in a new array: by
 * UID SEARCH RETURN (ALL) ALL (ESEARCH, RFC 4731), whose answer is the
 * ranges ("1:59999,61001:100000", bytes where UID SEARCH ALL sends a
 * number a message). -1 and one line in err when it fails. */
int	imap_uids_esearch(struct imap_conn *, uint32_t **uids, size_t *n,
	    char *err, size_t errlen);

/* What STATUS (UIDVALIDITY MESSAGES HIGHESTMODSEQ) says of a folder;
 * ok false when it said nothing usable (a NO, no HIGHESTMODSEQ) */
struct imap_status {
	bool		 ok;
	uint32_t	 uidvalidity, messages;
	uint64_t	 modseq;
};

/* STATUS of the n folders wire[] (their names on the wire) sent at once
 * and read back: one round trip for them all, where a CONDSTORE server
 * answers HIGHESTMODSEQ. -1 and one line in err when the session is
 * lost (st all unknown); a folder the server refuses is unknown only. */
int	imap_status_many(struct imap_conn *, const char *const *wire, size_t n,
	    struct imap_status *st, char *err, size_t errlen);

/* UID FETCH set (UID FLAGS) (CHANGEDSINCE modseq) (RFC 7162): the flags
 * of the messages another client changed since modseq, read the same way. */
int	imap_fetch_changed(struct imap_conn *, const struct mailimap_set *,
	    uint64_t modseq, imap_fetched_fn *, void *, char *err,
	    size_t errlen);

/* UID FETCH set (UID RFC822.SIZE), with BODY.PEEK[HEADER] when header:
 * what tells a moved message from another with the same Message-ID. */
int	imap_fetch_proof(struct imap_conn *, const struct mailimap_set *,
	    bool header, imap_fetched_fn *, void *, char *err, size_t errlen);

struct imap_conn {
	mailimap	*s;
	bool		 move, uidplus, condstore, qresync, specialuse, idle;
	bool		 logindisabled, auth_plain, esearch;
	bool		 sasl_ir;	/* AUTHENTICATE takes its first data */
	unsigned char	 compress;	/* the account's enum ndr_compress */
	bool		 compressed;	/* COMPRESS=DEFLATE is on */
	int64_t		 rtt_us;	/* a NOOP's round trip, once timed */
	char		 separator;	/* the hierarchy separator, once listed */
	bool		 broken;	/* out of step: dropped, never talked to */
	bool		 leaving;	/* LOGOUT sent, its answer not read */
	int		 slot;		/* the guard's (guard.c) + 1; 0: none */
	/* opens the session again after it dropped (set by the caller) */
	int		(*reopen)(struct imap_conn *, void *arg, char *err,
			    size_t errlen);
	void		*reopen_arg;
};

/*
 * Connect as the account says, verify the certificate (chain and host
 * name against the system store or ca_file, or the pinned fingerprint)
 * before the password is sent, and log in: AUTHENTICATE PLAIN where
 * offered (its data on the command line where SASL-IR is offered too),
 * else LOGIN unless the server disables it. -1 and one line in
 * err on failure ("certificate for X not trusted: ...", "login to X as U
 * failed: ...", "cannot connect to X:993: connection refused").
 */
int	imap_open(const struct ndr_account *, const char *password,
	    struct imap_conn *, char *err, size_t errlen);
void	imap_close(struct imap_conn *);
/*
 * COMPRESS=DEFLATE (RFC 4978), before a command that brings many bytes,
 * as the account wants it (compress): with yes, when the server offers
 * it; with auto, when a NOOP's round trip says the link is slow (on a LAN
 * or loopback, deflating both ends costs more CPU than the bytes save;
 * a session asks once). A NO leaves the session as it was; -1 and one
 * line in err when the session is lost.
 */
int	imap_compress(struct imap_conn *, char *err, size_t errlen);
/* SASL PLAIN's message (RFC 4616: authz NUL authc NUL password) in base64,
 * NUL-terminated, appended to out (which the caller wipes and frees). */
struct ndr_buf;
void	imap_sasl_plain(const char *authz, const char *authc,
	    const char *password, struct ndr_buf *out);
/* LOGOUT sent now, its answer read by imap_close(): its round trip goes
 * by while the caller works on (the judging after a scan). Nothing more
 * is asked on the session. */
void	imap_leave(struct imap_conn *);
/* Drop the session (no LOGOUT) and open it again, within the run's
 * bounds: no more after the server failed to answer in time or in size,
 * nor after 100 reconnections (-2, the line in err saying so: the error
 * that led here was shown already). c's reopen callback is kept. */
int	imap_reopen(const struct ndr_account *, const char *password,
	    struct imap_conn *, char *err, size_t errlen);
/* Closes without LOGOUT: the session is out of step or gone. */
void	imap_drop(struct imap_conn *);
/* Whether the session may still be talked to: open, and no answer was
 * cut short, over its size cap or too slow (see guard.c). */
bool	imap_usable(struct imap_conn *);
/* What went wrong with the command that returned r (libetpan's code): the
 * guard's reason, the server's words for a NO or BAD, or a general line;
 * never the words of an earlier answer. */
const char *imap_why(struct imap_conn *, int r);
/* The session is out of step (an answer its reader could not follow):
 * nothing more is sent on it. */
void	imap_break(struct imap_conn *, const char *why);

/* SPECIAL-USE (RFC 6154) marks of a folder */
enum {
	IMAP_SENT = 1, IMAP_JUNK = 2, IMAP_TRASH = 4, IMAP_DRAFTS = 8,
	IMAP_ARCHIVE = 16, IMAP_ALL = 32, IMAP_FLAGGED = 64
};

struct imap_folder {
	char		*name;		/* UTF-8 */
	char		*wire;		/* as the server names it */
	char		 separator;
	unsigned	 special;	/* IMAP_SENT | ... */
	bool		 noselect;
};

/* Every folder of the account, sorted by name. */
int	imap_folders(struct imap_conn *, struct imap_folder **, size_t *,
	    char *err, size_t errlen);
void	imap_folders_free(struct imap_folder *, size_t);

struct store;

/* What scans found: added up over folders. by_kind counts new messages. */
struct imap_scan_stats {
	unsigned	 folders, messages, new_msgs, fetched, expunged;
	unsigned	 flagged;	/* whose flags another client changed */
	unsigned	 expunged_judged;	/* reports or Sent among expunged */
	unsigned	 unreadable, resets, sent;
	unsigned	 recovered;	/* unreadable before, read now */
	unsigned	 by_kind[8];	/* indexed by enum ndr_kind */
	/* called now and then during a folder's scan: done of total new */
	void		(*progress)(const char *folder, unsigned done,
			    unsigned total, void *arg);
	void		*progress_arg;
};

/*
 * Is the folder as the store has it, by what STATUS said (the same
 * UIDVALIDITY and HIGHESTMODSEQ, nothing left unread)? Then it is
 * counted in stats as scanned, and needs no EXAMINE. False when unsure.
 */
bool	imap_scan_unchanged(struct store *, const struct imap_folder *,
	    const struct imap_status *, struct imap_scan_stats *);

/*
 * Scan one folder into the store (see scan.c); a Sent folder's messages
 * also go to the Sent index (Message-ID, date, recipients). -1 and one
 * line in err when the folder could not be scanned, -2 when the server
 * refused to open it (a NO: the session can go on); the store is then as
 * it was.
 */
int	imap_scan_folder(struct imap_conn *, struct store *,
	    const struct imap_folder *, bool sent, struct imap_scan_stats *,
	    char *err, size_t errlen);

/*
 * Each message of a folder (UTF-8 name), whole up to 2 MB, to fn, in
 * batches; a non-zero return of fn stops and is returned. -1 and a line
 * in err when the folder cannot be read.
 */
int	imap_each_message(struct imap_conn *, const char *folder,
	    int (*fn)(uint32_t uid, const char *raw, size_t len, void *),
	    void *arg, char *err, size_t errlen);
/*
 * One message of folder (UTF-8 name), its first cap bytes, in *raw (NUL
 * terminated, the caller frees): what the interface shows raw, pipes or
 * saves. 1 and a line in err when it is no longer there; -1 when the
 * folder or the connection fails.
 */
int	imap_fetch_one(struct imap_conn *, const char *folder, uint32_t uid,
	    size_t cap, char **raw, size_t *len, char *err, size_t errlen);
/*
 * IDLE (RFC 2177) on folder (UTF-8 name) until the server says anything
 * (1), timeout_ms passes or *stop becomes non-zero (0); -1 and one line
 * in err when the server refuses IDLE or the session fails (it is broken
 * then: open a new one). Keep timeout_ms under 29 minutes.
 */
/* The same on n sessions at once, folder[i] on c[i] (a session a folder:
 * IDLE watches the selected one only): 1 when any heard something; -1
 * with err and *broken the session that failed (the others' IDLE ended
 * cleanly). */
int	imap_idle_set(struct imap_conn *const *c, const char *const *folder,
	    size_t n, int timeout_ms, volatile sig_atomic_t *stop,
	    size_t *broken, char *err, size_t errlen);
int	imap_idle(struct imap_conn *, const char *folder, int timeout_ms,
	    volatile sig_atomic_t *stop, char *err, size_t errlen);
/* ---- ManageSieve (managesieve.c, RFC 5804) ---- */
struct msieve;
/* Connected (STARTTLS verified unless tls = none, sieve_port or 4190)
 * and logged in with AUTHENTICATE PLAIN; -1 and one line in err. */
int	msieve_open(const struct ndr_account *, const char *password,
	    struct msieve **, char *err, size_t errlen);
void	msieve_close(struct msieve *);
/* The server's Sieve has this extension (its SIEVE capability). */
bool	msieve_has(const struct msieve *, const char *ext);
/* The scripts' names, and the active one's (NULL: none). */
int	msieve_list(struct msieve *, struct ndr_strv *names, char **active,
	    char *err, size_t errlen);
/* Each: 0 done, 1 the server said NO (err has its words), -1 failed. */
int	msieve_get(struct msieve *, const char *name, char **text, char *err,
	    size_t errlen);
/* HAVESPACE, CHECKSCRIPT, then PUTSCRIPT. */
int	msieve_put(struct msieve *, const char *name, const char *script,
	    char *err, size_t errlen);
/* "" deactivates every script. */
int	msieve_activate(struct msieve *, const char *name, char *err,
	    size_t errlen);
int	msieve_delete(struct msieve *, const char *name, char *err,
	    size_t errlen);
/* ---- actions (actions.c) ---- */
enum imap_act {
	IMAP_QUARANTINE,	/* to the quarantine folder */
	IMAP_DELETE,		/* to Trash */
	IMAP_RELEASE,		/* back where it came from */
	IMAP_PURGE,		/* expunged where it is (the quarantine) */
	IMAP_KEEP,		/* stays, with IMAP_KEPT_KEYWORD */
};
#define IMAP_KEPT_KEYWORD	"$NdrKept"
struct imap_msgref {
	uint32_t	 uid;
	const char	*message_id;	/* to find it again after a crash */
	const char	*origin;	/* the folder it first came from */
	size_t		 tag;		/* the caller's: carried along (the
					 * array is sorted by UID) */
	bool		 done;		/* out: the server confirmed it */
};
struct imap_act_stats {
	unsigned	 done;		/* carried out */
	unsigned	 vanished;	/* gone before we got to it */
	unsigned	 copied_only;	/* no UIDPLUS: copied and flagged */
	unsigned	 dropped;	/* refused by the server: left in place */
};
/*
 * Carry out one action on messages of folder (sorted here by UID), in
 * chunks: journalled before each command is sent and after, the store's
 * rows following the messages; each one the server confirmed has done
 * set (what the classifier may learn from: nothing else). dest is the folder moved to (created when
 * missing). -1 and one line in err; what was not settled stays pending
 * for imap_reconcile().
 */
int	imap_act(struct imap_conn *, struct store *, enum imap_act,
	    const char *folder, struct imap_msgref *, size_t n,
	    const char *dest, struct imap_act_stats *, char *err,
	    size_t errlen);
/* The folder, created (and subscribed) when the server has none. */
int	imap_ensure_folder(struct imap_conn *, const char *name, char *err,
	    size_t errlen);
struct imap_reconcile_stats {
	unsigned	 done, dropped, copied, vanished;
};
/* Settle the journal's pending actions against the server. */
int	imap_reconcile(struct imap_conn *, struct store *,
	    struct imap_reconcile_stats *, char *err, size_t errlen);

/* The check itself, on libetpan's chain (a carray of DER MMAPStrings). */
int	imap_tls_verify(void *chain, const char *host, const char *ca_file,
	    const char *fingerprint, char *err, size_t errlen);

#endif
