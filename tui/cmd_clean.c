/* cmd_clean.c - ndrsweep clean: scan, then apply the policy, for cron. */
#include <sys/file.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>


#include "core/core.h"
#include "core/judge.h"
#include "core/store.h"
#include "imap/imap.h"
#include "cmd.h"
#include "log.h"
#include "decide.h"
#include "policy.h"

static void
clean_usage(FILE *f)
{
	fprintf(f,
	    "usage: ndrsweep clean [--config FILE] [--account NAME | --all [--jobs N]]\n"
	    "                      [--dry-run]\n"
	    "                      [--max-actions N] [--verbose] [--log syslog]\n"
	    "\n"
	    "Scan the account, then apply its policy: backscatter scored at\n"
	    "least 'threshold' (default 0.9) goes to the quarantine folder;\n"
	    "legitimate and unsure reports are left alone (unsure = quarantine\n"
	    "in the configuration moves those too); what has been in the\n"
	    "quarantine longer than 'retention' days (default 30) is expunged.\n"
	    "Each message moved teaches the classifier. Silent when nothing\n"
	    "happened, for cron.\n"
	    "\n"
	    "  --dry-run        say what would be done from what the store knows;\n"
	    "                   no scan, nothing changed, on the server or in\n"
	    "                   the store\n"
	    "  --max-actions N  over N messages to act on, do nothing and say so\n"
	    "                   (default: the configuration's max_actions, 5000)\n"
	    "  --verbose        a report even when nothing happened\n"
	    "  --log syslog     report and errors to syslog (mail facility)\n"
	    "  --all            every account of the configuration, each in a\n"
	    "                   process of its own with its own lock; one\n"
	    "                   account's failure is said and the others go on\n"
	    "  --jobs N         with --all: N accounts at once (default 4)\n"
	    "\n"
	    "Exit status: 0 done (or nothing to do); 1 some of it failed (with\n"
	    "--all: some accounts failed, others did not; when all failed, the\n"
	    "worst of their statuses);\n"
	    "2 the server could not be reached or refused the login;\n"
	    "3 over --max-actions, nothing done; 64 bad usage;\n"
	    "75 another run holds the account's lock; 78 configuration or\n"
	    "store error.\n");
}

static bool use_syslog;

struct clean_opts {
	struct cmd_global	 g;
	bool			 dry, verbose;
	long			 max;
};

/* The command line; -1 when it goes on, else the exit status. */
static int
clean_options(int argc, char **argv, struct clean_opts *o)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "max-actions", required_argument, NULL, 'm' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "log", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int ch;

	o->max = -1;
	use_syslog = false;
	o->g = (struct cmd_global){ .name = "clean", .usage = clean_usage,
	    .takes_all = true };
	while ((ch = cmd_getopt(argc, argv, "nm:vl:", opts, &o->g)) != -1)
		switch (ch) {
		case 'n': o->dry = true; break;
		case 'v': o->verbose = true; break;
		case 'm':
			o->max = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end || o->max < 0)
				return cmd_usage_error(&o->g, "--max-actions "
				    "takes a number, not '%s'", optarg);
			break;
		case 'l':
			if (strcmp(optarg, "syslog") != 0)
				return cmd_usage_error(&o->g, "--log takes "
				    "syslog, not '%s'", optarg);
			use_syslog = true;
			break;
		case CMD_STOP: return o->g.status;
		}
	return -1;
}

/* The lock, the session, what a run that died left half done, the scan. */
static int
clean_connect(struct account_ctx *ctx, struct imap_conn *c, char **pw,
    int *lockfd, bool verbose)
{
	const struct ndr_account *a = ctx->a;
	struct imap_reconcile_stats rs;
	struct imap_scan_stats ss;
	struct ndr_judge_stats js;
	char err[1024];
	int l, rc;

	if ((l = account_lock(ctx->store_path, lockfd, err, sizeof err)) != 0) {
		ndr_log(NDR_LOG_ERROR, "%s: %s", a->name, err);
		return l > 0 ? EXIT_LOCKED : EXIT_CONFIG;
	}
	if ((rc = account_connect(ctx, pw, c, err, sizeof err)) != EXIT_OK) {
		ndr_log(NDR_LOG_ERROR, "%s", err);
		return rc;
	}
	if (decide_reconcile(c, ctx, &rs, err, sizeof err) != 0) {
		ndr_log(NDR_LOG_ERROR, "%s", err);
		return EXIT_SERVER;
	}
	if (rs.done + rs.dropped + rs.copied + rs.vanished && verbose)
		ndr_log(NDR_LOG_INFO, "%s: settled an interrupted run: %u done, %u not "
		    "sent, %u gone, %u copied", a->name, rs.done, rs.dropped,
		    rs.vanished, rs.copied);
	return scan_session(ctx, c, *pw, true, false, false, &ss, &js);
}

/* What was done, or would be (dry run). */
static void
clean_say(const struct ndr_account *a, const struct pick *p,
    const struct expired *ex, const struct decide_stats *ds, bool dry,
    bool verbose)
{
	if (dry) {
		if (p->n + ex->n || verbose)
			ndr_log(NDR_LOG_INFO, "%s: would quarantine %zu message%s (%zu "
			    "campaign%s) to %s, and expunge %zu from it "
			    "(quarantined over %u days ago); dry run, nothing "
			    "done", a->name, p->n, p->n == 1 ? "" : "s",
			    p->campaigns.n, p->campaigns.n == 1 ? "" : "s",
			    a->quarantine, ex->n, a->retention);
		return;
	}
	if (ds->done[IMAP_QUARANTINE] + ds->done[IMAP_PURGE] || verbose)
		ndr_log(NDR_LOG_INFO, "%s: %u quarantined (%zu campaign%s), %u expired "
		    "from the quarantine%s", a->name, ds->done[IMAP_QUARANTINE],
		    p->campaigns.n, p->campaigns.n == 1 ? "" : "s",
		    ds->done[IMAP_PURGE], ds->vanished ?
		    "; some were gone already" : "");
	if (ds->copied_only)
		ndr_log(NDR_LOG_WARN, "%s: the server has no UIDPLUS: %u messages "
		    "were copied to %s and marked deleted where they were; "
		    "expunge those folders yourself", a->name, ds->copied_only,
		    a->quarantine);
}

static int
clean_run(int argc, char **argv)
{
	struct clean_opts o = { 0 };
	struct account_ctx ctx = { 0 };
	struct imap_conn c = { 0 };
	struct pick p = { 0 };
	struct expired ex = { 0 };
	struct decide_stats ds = { 0 };
	char *pw = NULL;
	int rc, lockfd = -1;

	if ((rc = clean_options(argc, argv, &o)) != -1)
		return rc;
	if (use_syslog) {
		openlog("ndrsweep", LOG_PID, LOG_MAIL);
		log_syslog(true);
	}
	if (o.g.all) {
		rc = all_run(&o.g, argc, argv, clean_run, o.verbose);
		goto out;
	}
	if ((rc = account_open(&ctx, o.g.config, o.g.account)) != EXIT_OK)
		goto out;
	const struct ndr_account *a = ctx.a;
	if (o.max < 0)
		o.max = a->max_actions;
	/* the scan may have read only part (1): the run goes on, so says */
	if (!o.dry && (rc = clean_connect(&ctx, &c, &pw, &lockfd,
	    o.verbose)) != EXIT_OK && rc != EXIT_PARTIAL)
		goto out;
	int r0 = rc;
	if ((rc = policy_picks(&ctx, &p, &ex, true)) != EXIT_OK)
		goto out;
	if (p.n + ex.n > (size_t)o.max) {
		/* a first run over a backlog: what to run, once, to
		 * confirm it (see first with --dry-run) */
		ndr_log(NDR_LOG_ERROR, "%s: %zu messages to act on (%zu to "
		    "quarantine, %zu expired), over the limit of %ld: nothing "
		    "done; to confirm once, run: ndrsweep clean%s%s "
		    "--account %s --max-actions %zu (--dry-run first lists "
		    "them)", a->name, p.n + ex.n, p.n, ex.n, o.max,
		    o.g.config ? " --config " : "", o.g.config ? o.g.config :
		    "", a->name, p.n + ex.n);
		rc = EXIT_CAP;
		goto out;
	}
	if (!o.dry) {
		rc = policy_apply(&c, &ctx, &p, &ex, &ds);
		if (r0 != EXIT_OK)
			rc = r0;
	}
	clean_say(a, &p, &ex, &ds, o.dry, o.verbose);
out:
	pick_free(&p);
	expired_free(&ex);
	imap_close(&c);
	ndr_password_free(pw);
	if (lockfd != -1)
		close(lockfd);
	if (!o.dry && !o.g.all)
		account_note_run(&ctx, "clean", rc);
	account_close(&ctx);
	if (use_syslog) {
		log_syslog(false);
		closelog();
	}
	return rc;
}

const struct cmd cmd_clean = {
	"clean", "scan and apply the policy, unattended (for cron)",
	clean_run, clean_usage,
};
