/* ui_scan.c - the interface's scan, in a thread of its own: its own
 * store handle and session, its progress through a mutex-guarded struct,
 * what it prints on stderr through a pipe to the message line. */
#include <sys/types.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NCURSES_WIDECHAR 1
#include <curses.h>

#include "core/core.h"
#include "core/judge.h"
#include "core/store.h"
#include "imap/imap.h"
#include "cmd.h"
#include "decide.h"
#include "model.h"
#include "ui.h"

/* ---- the scan thread ---- */

void
ui_scan_set(struct ui *u, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&u->scan.mu);
	va_start(ap, fmt);
	vsnprintf(u->scan.line, sizeof u->scan.line, fmt, ap);
	va_end(ap);
	pthread_mutex_unlock(&u->scan.mu);
}

static void
scan_progress(const char *folder, unsigned done, unsigned total, void *arg)
{
	ui_scan_set(arg, "scanning %s: %u/%u", folder, done, total > done ?
	    total : done);
}

void *
ui_scan_main(void *arg)
{
	struct ui *u = arg;
	struct account_ctx t = { .a = u->ctx->a };
	struct imap_conn c = { 0 };
	struct imap_scan_stats ss = { 0 };
	struct ndr_judge_stats js;
	struct imap_reconcile_stats rs;
	char err[1024], ended[sizeof u->scan.ended] = "";
	int lockfd = -1, l;

	/* its own store handle: SQLite connections are not shared across
	 * threads here */
	if (account_store(u->ctx->a, u->ctx->store_path, &t.st, err,
	    sizeof err) != 0) {
		ui_scan_set(u, "scan failed: %s", err);
		goto out;
	}
	if ((l = account_lock(u->ctx->store_path, &lockfd, err, sizeof err))
	    != 0) {
		ui_scan_set(u, "no scan: %s", err);
		goto out;
	}
	ui_scan_set(u, "connecting to %s", u->ctx->a->host);
	if (imap_open(u->ctx->a, u->pw, &c, err, sizeof err) != 0) {
		ui_scan_set(u, "scan failed: %s", err);
		ndr_log(NDR_LOG_ERROR, "%s", err);
		goto out;
	}
	if (decide_reconcile(&c, &t, &rs, err, sizeof err) != 0) {
		ui_scan_set(u, "scan failed: %s", err);
		ndr_log(NDR_LOG_ERROR, "%s", err);
		goto out;
	}
	ss.progress = scan_progress;
	ss.progress_arg = u;
	int rc = scan_session(&t, &c, u->pw, true, false, true, &ss, &js);
	time_t now = time(NULL);
	struct tm tm;
	char hm[16];
	localtime_r(&now, &tm);
	strftime(hm, sizeof hm, "%H:%M", &tm);
	if (rc == EXIT_SERVER)
		snprintf(ended, sizeof ended, "scan failed at %s: see the "
		    "message line", hm);
	else
		snprintf(ended, sizeof ended, "scanned at %s: %u new, %u "
		    "gone%s", hm, ss.new_msgs, ss.expunged, rc == EXIT_OK ? "" :
		    " (some folders failed)");
out:
	imap_close(&c);
	if (lockfd != -1)
		close(lockfd);
	if (t.st)
		store_close(t.st);
	pthread_mutex_lock(&u->scan.mu);
	snprintf(u->scan.ended, sizeof u->scan.ended, "%s", ended);
	u->scan.finished = true;
	pthread_mutex_unlock(&u->scan.mu);
	return NULL;
}

void
ui_scan_wait(struct ui *u)
{
	if (!u->thread_started)
		return;
	pthread_join(u->thread, NULL);
	u->thread_started = false;
}

/* Lines the scan (or libetpan) wrote on stderr: the last one shown. */
void
ui_read_errors(struct ui *u)
{
	static char part[1024];
	static size_t plen;
	char buf[1024];
	ssize_t n;

	if (u->errpipe[0] == -1)
		return;
	while ((n = read(u->errpipe[0], buf, sizeof buf)) > 0)
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\n' || plen == sizeof part - 1) {
				part[plen] = '\0';
				if (plen) {
					ui_say(u, true, "%s", part);
					ui_record(u);
				}
				plen = 0;
			} else if (buf[i] != '\r')
				part[plen++] = buf[i];
		}
}
