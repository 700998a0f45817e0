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

#define DAY	86400

static void
clean_usage(FILE *f)
{
	fprintf(f,
	    "usage: ndrsweep clean [--config FILE] [--account NAME] [--dry-run]\n"
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
	    "\n"
	    "Exit status: 0 done (or nothing to do); 1 some of it failed;\n"
	    "2 the server could not be reached or refused the login;\n"
	    "3 over --max-actions, nothing done; 64 bad usage;\n"
	    "75 another run holds the account's lock; 78 configuration or\n"
	    "store error.\n");
}

static bool use_syslog;

/* The messages the policy names, by folder. */
struct pick {
	struct imap_msgref	*ref;
	char			**folder;
	uint64_t		**tokens;
	size_t			*ntokens;
	size_t			 n, cap;
	struct ndr_strv		 campaigns;
};

static int
add_cand(const struct store_cand *c, void *arg)
{
	struct pick *p = arg;
	char camp[32];

	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 256;
		p->ref = realloc(p->ref, p->cap * sizeof *p->ref);
		p->folder = realloc(p->folder, p->cap * sizeof *p->folder);
		p->tokens = realloc(p->tokens, p->cap * sizeof *p->tokens);
		p->ntokens = realloc(p->ntokens, p->cap * sizeof *p->ntokens);
		if (!p->ref || !p->folder || !p->tokens || !p->ntokens)
			abort();
	}
	p->folder[p->n] = strdup(c->folder);
	p->ref[p->n] = (struct imap_msgref){ c->uid,
	    c->message_id ? strdup(c->message_id) : NULL, p->folder[p->n],
	    p->n, false };
	p->ntokens[p->n] = c->ntokens;
	p->tokens[p->n] = NULL;
	if (c->ntokens) {
		p->tokens[p->n] = malloc(c->ntokens * sizeof(uint64_t));
		if (p->tokens[p->n] == NULL)
			abort();
		memcpy(p->tokens[p->n], c->tokens, c->ntokens * sizeof(uint64_t));
	}
	p->n++;
	if (c->campaign > 0) {
		snprintf(camp, sizeof camp, "%lld", (long long)c->campaign);
		bool seen = false;
		for (size_t i = 0; i < p->campaigns.n && !seen; i++)
			seen = strcmp(p->campaigns.v[i], camp) == 0;
		if (!seen) {
			p->campaigns.v = realloc(p->campaigns.v,
			    (p->campaigns.n + 1) * sizeof *p->campaigns.v);
			if (p->campaigns.v == NULL)
				abort();
			p->campaigns.v[p->campaigns.n++] = strdup(camp);
		}
	}
	return 0;
}

static void
pick_free(struct pick *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->folder[i]);
		free((char *)p->ref[i].message_id);
		free(p->tokens[i]);
	}
	for (size_t i = 0; i < p->campaigns.n; i++)
		free(p->campaigns.v[i]);
	free(p->campaigns.v);
	free(p->ref);
	free(p->folder);
	free(p->tokens);
	free(p->ntokens);
	memset(p, 0, sizeof *p);
}

/* What has been in the quarantine longer than the retention. */
struct expired {
	struct imap_msgref	*ref;
	size_t			 n, cap;
	int64_t			 before;
};

static int
add_expired(const struct store_quar *q, void *arg)
{
	struct expired *e = arg;

	if (q->since >= e->before)
		return 0;
	if (e->n == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 64;
		e->ref = realloc(e->ref, e->cap * sizeof *e->ref);
		if (e->ref == NULL)
			abort();
	}
	e->ref[e->n] = (struct imap_msgref){ q->uid,
	    q->message_id ? strdup(q->message_id) : NULL, NULL, e->n, false };
	e->n++;
	return 0;
}

static void
expired_free(struct expired *e)
{
	for (size_t i = 0; i < e->n; i++)
		free((char *)e->ref[i].message_id);
	free(e->ref);
}

/* The policy's decisions, through the decision path: the picks to the
 * quarantine, the expired out of it. */
static int
apply(struct imap_conn *c, struct account_ctx *ctx, struct pick *p,
    struct expired *ex, struct decide_stats *ds)
{
	struct decision *d = calloc(p->n + ex->n + 1, sizeof *d);
	int rc;

	if (d == NULL)
		abort();
	for (size_t i = 0; i < p->n; i++)
		d[i] = (struct decision){ .act = IMAP_QUARANTINE,
		    .folder = p->folder[i], .uid = p->ref[i].uid,
		    .message_id = p->ref[i].message_id,
		    .origin = p->folder[i], .tokens = p->tokens[i],
		    .ntokens = p->ntokens[i] };
	for (size_t k = 0; k < ex->n; k++)
		d[p->n + k] = (struct decision){ .act = IMAP_PURGE,
		    .folder = ctx->a->quarantine, .uid = ex->ref[k].uid,
		    .message_id = ex->ref[k].message_id };
	rc = decide(c, ctx, d, p->n + ex->n, NULL, log_error_line, NULL, ds);
	free(d);
	return rc == 0 ? EXIT_OK : EXIT_PARTIAL;
}

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
	o->g = (struct cmd_global){ .name = "clean", .usage = clean_usage };
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
	if (imap_reconcile(c, ctx->st, &rs, err, sizeof err) != 0) {
		ndr_log(NDR_LOG_ERROR, "%s", err);
		return EXIT_SERVER;
	}
	if (rs.done + rs.dropped + rs.copied + rs.vanished && verbose)
		ndr_log(NDR_LOG_INFO, "%s: settled an interrupted run: %u done, %u not "
		    "sent, %u gone, %u copied", a->name, rs.done, rs.dropped,
		    rs.vanished, rs.copied);
	return scan_session(ctx, c, *pw, true, &ss, &js);
}

/* What the policy names: backscatter to quarantine, the expired. */
static int
clean_picks(struct account_ctx *ctx, struct pick *p, struct expired *ex)
{
	const struct ndr_account *a = ctx->a;

	ex->before = (int64_t)time(NULL) - (int64_t)a->retention * DAY;
	if (store_each_candidate(ctx->st, a->quarantine, a->threshold,
	    a->unsure == NDR_UNSURE_QUARANTINE, add_cand, p) != 0 ||
	    store_each_quarantined(ctx->st, a->quarantine, add_expired,
	    ex) != 0) {
		ndr_log(NDR_LOG_ERROR, "%s", store_error(ctx->st));
		return EXIT_CONFIG;
	}
	return EXIT_OK;
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
	if ((rc = account_open(&ctx, o.g.config, o.g.account)) != EXIT_OK)
		return rc;
	const struct ndr_account *a = ctx.a;
	if (o.max < 0)
		o.max = a->max_actions;
	/* the scan may have read only part (1): the run goes on, so says */
	if (!o.dry && (rc = clean_connect(&ctx, &c, &pw, &lockfd,
	    o.verbose)) != EXIT_OK && rc != EXIT_PARTIAL)
		goto out;
	int r0 = rc;
	if ((rc = clean_picks(&ctx, &p, &ex)) != EXIT_OK)
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
		rc = apply(&c, &ctx, &p, &ex, &ds);
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
