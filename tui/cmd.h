/* cmd.h - the subcommands of the ndrsweep binary; private to tui/. */
#ifndef NDR_CMD_H
#define NDR_CMD_H

#include <stdbool.h>
#include <stdio.h>

/* Exit statuses: part of the interface, documented in ndrsweep(1). */
enum {
	EXIT_OK = 0,
	EXIT_INPUT = 1,		/* classify: some input could not be read */
	EXIT_PARTIAL = 1,	/* scan: some folder could not be scanned */
	EXIT_SERVER = 2,	/* the server could not be reached or refused */
	EXIT_CAP = 3,		/* clean: over --max-actions, nothing done */
	EXIT_LOCKED = 75,	/* clean: another run holds the lock (EX_TEMPFAIL) */
	EXIT_USAGE = 64,	/* bad command line (sysexits' EX_USAGE) */
	EXIT_CONFIG = 78,	/* configuration error (EX_CONFIG) */
};

/*
 * What every command takes: --config FILE, --account NAME (and --help);
 * the caller sets name, usage and how many operands it takes.
 */
struct cmd_global {
	const char	*name;		/* "scan"; "" for the interface */
	void		(*usage)(FILE *);
	int		 max_args;	/* operands at most; -1 any number */
	const char	*config, *account;
	bool		 takes_all;	/* --all and --jobs are the command's */
	bool		 all;		/* --all: every account */
	int		 jobs;		/* --jobs N; 0: the default */
	bool		 started;
	int		 status;	/* after CMD_STOP: the exit status */
};
struct option;
#define CMD_STOP	(-2)
/*
 * getopt_long over a command's own options (own_short, own: its own only)
 * and the shared ones, which it keeps in g. Returns the next option of
 * the command's own, -1 at the end (optind at the first operand), or
 * CMD_STOP with g->status the exit status when the command must end: for
 * --help (usage on stdout, 0), or a usage error (an unknown option, a
 * missing value, an operand too many: one line naming it, then the
 * usage, 64).
 */
int	cmd_getopt(int argc, char **argv, const char *own_short,
	    const struct option *own, struct cmd_global *g);
/* A usage error the command found: "ndrsweep NAME: WHY", the usage on
 * stderr; EXIT_USAGE. */
int	cmd_usage_error(const struct cmd_global *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * The command over every account of the configuration (--all): run(argc,
 * argv) in a child process per account, --account NAME in place of --all,
 * g->jobs (default ALL_JOBS) at once. Each account's lines are printed
 * together when it ends, named after it; an account whose section is
 * wrong, whose login is refused or whose connection drops is reported
 * and the others go on. Then one summary line (also when verbose is
 * false, if anything was said or failed). Exit status: 0 when every
 * account succeeded, 1 when some did and some did not, else the worst.
 */
#define ALL_JOBS	4
/* In a child of all_run: one account of several running at once. */
bool	all_child(void);
int	all_run(const struct cmd_global *, int argc, char **argv,
	    int (*run)(int, char **), bool verbose);

struct cmd {
	const char	*name;
	const char	*summary;
	int		(*run)(int argc, char **argv);
	void		(*usage)(FILE *);
};

#include <stdbool.h>
#include <stdint.h>

#include "core/config.h"

/* An account's configuration and store, as the commands open them. */
struct account_ctx {
	struct ndr_config		 cfg;
	const struct ndr_account	*a;
	struct store			*st;
	char				*store_path;
	/* the judging in a child process (account_judge_apart): watch */
	bool				 judge_apart;
};
/* EXIT_OK, or EXIT_CONFIG with one line on stderr. */
int	account_open(struct account_ctx *, const char *cfgpath,
	    const char *name);
void	account_close(struct account_ctx *);
/* The account's store at path, its classifier the shared one when the
 * configuration says classifier = shared. 0, or -1 with err. */
int	account_store(const struct ndr_account *, const char *path,
	    struct store **, char *err, size_t errlen);
/*
 * One acting run per account at a time (clean, review): flock on
 * ACCOUNT.lock beside the store; a dead holder's lock is simply taken
 * over. 0 locked (close *fd to let go), 1 held by another run (err says
 * which), -1 error.
 */
int	account_lock(const char *store_path, int *fd, char *err,
	    size_t errlen);
/* What the run came to (meta last_run "TIME COMMAND STATUS", and
 * last_error, the last error line said), for report --all. */
void	account_note_run(struct account_ctx *, const char *cmd, int rc);
struct imap_conn;
/*
 * The account's password (kept in *pw for reopening; free it with
 * ndr_password_free), then a logged-in session. EXIT_OK, or EXIT_CONFIG
 * (no password) or EXIT_SERVER with one line in err.
 */
int	account_connect(struct account_ctx *, char **pw, struct imap_conn *,
	    char *err, size_t errlen);
/* A decision taught to the account's classifier: the message's
 * Message-ID and the tokens of its original. */
struct lesson {
	const char	*id;
	const uint64_t	*tokens;
	size_t		 ntokens;
};
/* Learn them all as spam (or not), in one transaction; -1 on a store
 * error (store_error says which). */
int	account_learn(struct account_ctx *, const struct lesson *, size_t n,
	    bool spam);

extern const struct cmd cmd_classify;
extern const struct cmd cmd_clean;
extern const struct cmd cmd_demo;
extern const struct cmd cmd_report;
extern const struct cmd cmd_review;
extern const struct cmd cmd_watch;
extern const struct cmd cmd_rules;
extern const struct cmd cmd_scan;
extern const struct cmd cmd_train;
extern const struct cmd cmd_ui;
/* review --all on a terminal: the accounts, each one's review a key
 * away (ui_accounts.c). An exit status. */
int	ui_accounts(const char *cfgpath);
/* The interface; review: opened on the quarantine. */
int	ui_run(int argc, char **argv, bool review);
/*
 * rules add or remove (cmd_rules.c): the campaigns (numbers as given,
 * or all of two or more reports), installed on the server over
 * ManageSieve. pw NULL: read it, and print the script when refused
 * (the command line); else nothing printed (the interface). What was
 * done in done; errors said. An exit status.
 */
int	rules_change(struct account_ctx *, bool add, bool all, char **args,
	    int nargs, const char *pw, char *done, size_t donelen);

struct imap_conn;
struct imap_scan_stats;
struct ndr_judge_stats;
/*
 * The store judged (whole: campaigns made again; else only the reports
 * not judged yet) in a child process with a store connection of its
 * own: what the judging holds (the reports it reads, their campaigns'
 * vectors) is given back when the child exits, so that a process that
 * runs for weeks (watch) stays at its own size. No thread may be at work
 * on the store (a checkpoint) when it is called. 0, or -1 with err.
 */
int	account_judge_apart(struct account_ctx *, bool whole,
	    struct ndr_judge_stats *, char *err, size_t errlen);
/*
 * Scan the account's folders on an open session, then judge the store
 * (quick: only the reports not judged yet, no campaigns made again: a
 * watch round). Errors on stderr, one line each; quiet: no progress
 * line; leave: the session is not needed after the folders (imap_leave()
 * before the judging). EXIT_OK, EXIT_PARTIAL (some folder failed) or
 * EXIT_SERVER.
 */
int	scan_session(struct account_ctx *, struct imap_conn *, const char *pw,
	    bool quiet, bool quick, bool leave, struct imap_scan_stats *,
	    struct ndr_judge_stats *);

/* Replace control characters so hostile text cannot drive the terminal. */
void	print_safe(FILE *, const char *);

#endif
