/*
 * cmd_watch.c - ndrsweep watch: the policy applied to mail as it
 * arrives. An IDLE on the inbox wakes a round: the account's lock, the
 * scan of what is new (the same UID-based intake as scan, every folder,
 * Sent included, so a bounce of mail sent a minute ago is legitimate),
 * the judging, and the policy through the decision path, as clean does;
 * then the lock is let go and IDLE again. A lost session is opened again
 * with a growing pause; SIGTERM and SIGINT end it between two steps.
 */
#include <sys/types.h>
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"
#include "core/judge.h"
#include "core/store.h"
#include "imap/imap.h"
#include "cmd.h"
#include "decide.h"
#include "log.h"
#include "policy.h"

#define IDLE_MAX	(25 * 60)	/* RFC 2177: servers may drop at 30 */
#define BACKOFF_MAX	300

static void
watch_usage(FILE *f)
{
	fprintf(f,
	    "usage: ndrsweep watch [--config FILE] [--account NAME] [--once]\n"
	    "                      [--interval SECONDS] [--verbose]\n"
	    "                      [--log syslog]\n"
	    "\n"
	    "Apply the account's policy to mail as it arrives: the inbox and\n"
	    "the other watched folders are watched with IDLE (a session each),\n"
	    "and each time something arrives what is new\n"
	    "is scanned, judged, and backscatter at or over 'threshold' goes\n"
	    "to the quarantine, as clean does (the journal, max_actions, and\n"
	    "the account's lock while it acts: never at once with a clean).\n"
	    "Every folder and Sent are read at each wake, and at least\n"
	    "every --interval seconds (default 300). A lost connection is\n"
	    "opened again, waiting longer each time (up to 5 minutes).\n"
	    "Expiry from the quarantine stays clean's. Runs until SIGTERM or\n"
	    "SIGINT (share/ndrsweep-watch.service runs it under systemd).\n"
	    "\n"
	    "  --once            one round (what arrived since the last), then\n"
	    "                    exit\n"
	    "  --interval N      wake at least every N seconds (10 to 1500)\n"
	    "  --verbose         a line for every round, not only those that\n"
	    "                    acted\n"
	    "  --log syslog      report and errors to syslog (mail facility)\n"
	    "\n"
	    "Exit status: 0 stopped by a signal, or --once done; 1 --once\n"
	    "did part of it; 2 --once could not reach the server; 64 bad\n"
	    "usage; 75 --once found the account locked; 78 configuration\n"
	    "or store error.\n");
}

static volatile sig_atomic_t stop;

static void
on_stop(int sig)
{
	stop = sig;
}

/* A watched folder besides the one the main session IDLEs on: a session
 * of its own, since IDLE watches the selected folder only. */
struct other {
	const char		*folder;
	struct imap_conn	 c;
	bool			 down;		/* said so once */
	int64_t			 retry_at;	/* when down: not before */
};

struct watch {
	struct account_ctx	 ctx;
	struct imap_conn	 c;
	struct other		*x;
	size_t			 nx;
	char			*pw;
	bool			 once, verbose;
	long			 interval;
	int64_t			 started;
	int64_t			 judged;	/* the whole store, last */
	unsigned		 total;		/* quarantined since it started */
	size_t			 capped;	/* the backlog last said over */
};

static double
secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Sleep secs, or less when asked to stop. */
static void
pause_for(long secs)
{
	for (long i = 0; i < secs * 5 && !stop; i++)
		nanosleep(&(struct timespec){ 0, 200000000 }, NULL);
}

/* For the interface (its overview, and its message line while it runs):
 * since when, the last round, how many in all, how many in the last
 * round and from how many campaigns. */
static void
note(struct watch *w, unsigned acted, size_t campaigns)
{
	char v[128];

	snprintf(v, sizeof v, "%lld %lld %u %u %zu", (long long)w->started,
	    (long long)time(NULL), w->total, acted, campaigns);
	if (store_meta_set(w->ctx.st, "watch", v) != 0)
		ndr_log(NDR_LOG_ERROR, "%s", store_error(w->ctx.st));
}

/* The whole store judged again (campaigns made anew), apart like every
 * round's judging. 0, or -1 said. */
static int
judge_whole(struct watch *w)
{
	struct ndr_judge_stats js;
	char err[1024];

	if (account_judge_apart(&w->ctx, true, &js, err, sizeof err) != 0) {
		ndr_log(NDR_LOG_ERROR, "%s: %s", w->ctx.a->name, err);
		return -1;
	}
	return 0;
}

/* One round: lock, session, what a killed run left, scan, judge, act. */
static int
round_once(struct watch *w)
{
	const struct ndr_account *a = w->ctx.a;
	struct imap_reconcile_stats rs;
	struct imap_scan_stats ss;
	struct ndr_judge_stats js;
	struct pick p = { 0 };
	struct expired ex = { 0 };
	struct decide_stats ds = { 0 };
	char err[1024];
	int rc, lockfd = -1, l;

	if ((l = account_lock(w->ctx.store_path, &lockfd, err, sizeof err)) !=
	    0) {
		if (l < 0 || w->verbose || w->once)
			ndr_log(l < 0 ? NDR_LOG_ERROR : NDR_LOG_INFO, "%s: %s",
			    a->name, err);
		return l > 0 ? EXIT_LOCKED : EXIT_CONFIG;
	}
	if (!imap_usable(&w->c)) {
		imap_close(&w->c);
		memset(&w->c, 0, sizeof w->c);
		if ((rc = account_connect(&w->ctx, &w->pw, &w->c, err,
		    sizeof err)) != EXIT_OK) {
			ndr_log(NDR_LOG_ERROR, "%s", err);
			goto out;
		}
	}
	if (decide_reconcile(&w->c, &w->ctx, &rs, err, sizeof err) != 0) {
		ndr_log(NDR_LOG_ERROR, "%s", err);
		rc = EXIT_SERVER;
		goto out;
	}
	if (rs.done + rs.dropped + rs.copied + rs.vanished)
		ndr_log(NDR_LOG_INFO, "%s: settled an interrupted run: %u done, "
		    "%u not sent, %u gone, %u copied", a->name, rs.done,
		    rs.dropped, rs.vanished, rs.copied);
	/* a round judges what arrived; the whole store (campaigns made
	 * again) at least every interval, and on the first round */
	int64_t now = (int64_t)time(NULL);
	bool whole = now - w->judged >= w->interval;
	double t0 = secs();
	rc = scan_session(&w->ctx, &w->c, w->pw, true, true, false, &ss, &js);
	if (whole && (rc == EXIT_OK || rc == EXIT_PARTIAL) &&
	    judge_whole(w) == 0)
		w->judged = now;
	double t1 = secs();
	if (rc != EXIT_OK && rc != EXIT_PARTIAL)
		goto out;
	int r0 = rc;
	if ((rc = policy_picks(&w->ctx, &p, &ex, false)) != EXIT_OK)
		goto out;
	if (p.n > (size_t)a->max_actions) {
		/* a backlog: said once, as clean says it */
		if (p.n != w->capped)
			ndr_log(NDR_LOG_ERROR, "%s: %zu messages to quarantine, "
			    "over max_actions (%u): nothing done; to confirm "
			    "once, run: ndrsweep clean --account %s "
			    "--max-actions %zu", a->name, p.n, a->max_actions,
			    a->name, p.n);
		w->capped = p.n;
		rc = EXIT_CAP;
		goto out;
	}
	w->capped = 0;
	double t2 = secs();
	if (p.n)
		rc = policy_apply(&w->c, &w->ctx, &p, &ex, &ds);
	double t3 = secs();
	if (r0 != EXIT_OK)
		rc = r0;
	w->total += ds.done[IMAP_QUARANTINE];
	if (ds.done[IMAP_QUARANTINE] || w->verbose)
		ndr_log(NDR_LOG_INFO, "%s: %u new, %u quarantined (%zu campaign%s)"
		    "%s", a->name, ss.new_msgs, ds.done[IMAP_QUARANTINE],
		    p.campaigns.n, p.campaigns.n == 1 ? "" : "s", ds.vanished ?
		    "; some were gone already" : "");
	if (w->verbose)	/* where a round's time goes */
		ndr_log(NDR_LOG_INFO, "%s: round: scan and judge %.2f s%s, "
		    "policy %.2f s, moves %.2f s", a->name, t1 - t0, whole ?
		    " (the whole store)" : "", t2 - t1, t3 - t2);
	note(w, ds.done[IMAP_QUARANTINE], ds.done[IMAP_QUARANTINE] ?
	    p.campaigns.n : 0);
out:
	pick_free(&p);
	expired_free(&ex);
	close(lockfd);
	/* what the round's judging held is given back to the system: a
	 * process that runs for weeks stays at its size */
	malloc_trim(0);
	return rc;
}

/* The folder IDLE waits on: INBOX when watched, else the first. */
static const char *
idle_folder(const struct ndr_account *a)
{
	for (size_t i = 0; i < a->folders.n; i++)
		if (strcasecmp(a->folders.v[i], "INBOX") == 0)
			return a->folders.v[i];
	return a->folders.n ? a->folders.v[0] : "INBOX";
}

/* Each other watched folder its session, opened where it is not (a
 * server that refuses one more is said once: that folder is then read
 * at each wake and at least every --interval, as before). */
static void
others_connect(struct watch *w)
{
	char err[512];

	for (size_t k = 0; k < w->nx && !stop; k++) {
		struct other *o = &w->x[k];
		int64_t now = (int64_t)time(NULL);
		if (imap_usable(&o->c) || (o->down && now < o->retry_at))
			continue;
		imap_close(&o->c);
		memset(&o->c, 0, sizeof o->c);
		int rc = account_connect(&w->ctx, &w->pw, &o->c, err,
		    sizeof err);
		if (rc != EXIT_OK || !o->c.idle) {
			if (!o->down)
				ndr_log(NDR_LOG_INFO, "%s: no session of its own "
				    "for %s (%s): read at each wake", w->ctx.a->name,
				    o->folder, rc != EXIT_OK ? err : "no IDLE");
			/* a server at its limit of sessions is not asked
			 * again at every wake */
			o->down = true;
			o->retry_at = now + w->interval;
			imap_close(&o->c);
			memset(&o->c, 0, sizeof o->c);
			continue;
		}
		if (o->down)
			ndr_log(NDR_LOG_INFO, "%s: %s watched again", w->ctx.a->name,
			    o->folder);
		o->down = false;
	}
}

/* IDLE on the main session's folder and on every other watched folder's
 * session at once, until any hears something, wait seconds pass or a
 * signal; a session that fails is closed (the main one is opened again
 * by the next round, another by others_connect). */
static void
idle_all(struct watch *w, long wait)
{
	struct imap_conn **c = xcalloc(w->nx + 1, sizeof *c);
	const char **f = xcalloc(w->nx + 1, sizeof *f);
	size_t n = 0, broken;
	char err[512];

	others_connect(w);
	c[n] = &w->c;
	f[n++] = idle_folder(w->ctx.a);
	for (size_t k = 0; k < w->nx; k++)
		if (imap_usable(&w->x[k].c)) {
			c[n] = &w->x[k].c;
			f[n++] = w->x[k].folder;
		}
	if (imap_idle_set(c, f, n, (int)(wait * 1000), &stop, &broken, err,
	    sizeof err) < 0 && !stop) {
		ndr_log(NDR_LOG_INFO, "%s: %s", w->ctx.a->name, err);
		if (broken > 0) {
			imap_close(c[broken]);
			memset(c[broken], 0, sizeof *c[broken]);
		}
		/* the main one: the next round opens a new session */
	}
	free(c);
	free(f);
}

/* Until a signal: a round, then IDLE (or a pause without it). */
static int
watch_loop(struct watch *w)
{
	const struct ndr_account *a = w->ctx.a;
	long backoff = 1;

	while (!stop) {
		int rc = round_once(w);
		if (w->once)
			return rc;
		if (rc == EXIT_CONFIG)
			return rc;
		if (rc == EXIT_SERVER || rc == EXIT_LOCKED ||
		    !imap_usable(&w->c)) {
			/* a lost session, a server away, a clean at work */
			if (rc != EXIT_LOCKED)
				ndr_log(NDR_LOG_INFO, "%s: trying again in %ld s",
				    a->name, backoff);
			imap_close(&w->c);
			memset(&w->c, 0, sizeof w->c);
			pause_for(rc == EXIT_LOCKED ? 5 : backoff);
			if (rc != EXIT_LOCKED && (backoff *= 2) > BACKOFF_MAX)
				backoff = BACKOFF_MAX;
			continue;
		}
		backoff = 1;
		if (!w->c.idle) {
			pause_for(w->interval);
			continue;
		}
		long wait = w->interval < IDLE_MAX ? w->interval : IDLE_MAX;
		idle_all(w, wait);
	}
	ndr_log(NDR_LOG_INFO, "%s: stopped (%s); %u quarantined since it "
	    "started", a->name, strsignal(stop), w->total);
	return EXIT_OK;
}

static int
watch_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "once", no_argument, NULL, '1' },
		{ "interval", required_argument, NULL, 'i' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "log", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	struct cmd_global g = { .name = "watch", .usage = watch_usage };
	struct watch w = { .interval = 300 };
	bool sys = false;
	char *end;
	int ch, rc;

	while ((ch = cmd_getopt(argc, argv, "1i:vl:", opts, &g)) != -1)
		switch (ch) {
		case '1': w.once = true; break;
		case 'v': w.verbose = true; break;
		case 'i':
			w.interval = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end || w.interval < 10 ||
			    w.interval > IDLE_MAX)
				return cmd_usage_error(&g, "--interval takes "
				    "10 to %d seconds, not '%s'", IDLE_MAX,
				    optarg);
			break;
		case 'l':
			if (strcmp(optarg, "syslog") != 0)
				return cmd_usage_error(&g, "--log takes syslog, "
				    "not '%s'", optarg);
			sys = true;
			break;
		case CMD_STOP: return g.status;
		}
	if (sys) {
		openlog("ndrsweep", LOG_PID, LOG_MAIL);
		log_syslog(true);
	}
	/* no SA_RESTART: IDLE's wait ends at once */
	struct sigaction sa = { .sa_handler = on_stop };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	stop = 0;
	if ((rc = account_open(&w.ctx, g.config, g.account)) != EXIT_OK)
		goto out;
	/* a process that runs for weeks: SQLite's cache small */
	if (store_cache_limit(w.ctx.st, 2048) != 0)
		ndr_log(NDR_LOG_ERROR, "%s", store_error(w.ctx.st));
	/* and every round's judging in a child: what it reads (the latest
	 * reports, their campaigns) is not this process's to keep */
	w.ctx.judge_apart = true;
	w.started = (int64_t)time(NULL);
	/* the other watched folders, each its session (not for --once) */
	const struct ndr_account *a = w.ctx.a;
	w.x = xcalloc(a->folders.n + 1, sizeof *w.x);
	for (size_t i = 0; i < a->folders.n && !w.once; i++)
		if (a->folders.v[i] != idle_folder(a))
			w.x[w.nx++].folder = a->folders.v[i];
	if (!w.once)
		ndr_log(NDR_LOG_INFO, "%s: watching %s%s%s (threshold %.2f)",
		    a->name, idle_folder(a), w.nx ? " and " : "", w.nx ?
		    "the other folders" : "", a->threshold);
	rc = watch_loop(&w);
	imap_close(&w.c);
	for (size_t k = 0; k < w.nx; k++)
		imap_close(&w.x[k].c);
	free(w.x);
	ndr_password_free(w.pw);
	account_close(&w.ctx);
out:
	if (sys) {
		log_syslog(false);
		closelog();
	}
	return rc;
}

const struct cmd cmd_watch = {
	"watch", "apply the policy to mail as it arrives (IDLE)",
	watch_run, watch_usage,
};
