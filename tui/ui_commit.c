/* ui_commit.c - the interface's marks carried out on commit, through the
 * decision path (decide.c), under the account's lock. */
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

/* ---- commit ---- */

/* An error of the decision path: on the message line, and kept for the
 * terminal at the end. */
static void
say_line(void *arg, const char *line)
{
	struct ui *u = arg;

	ui_say(u, true, "%s", line);
	ui_record(u);
}

/* The Trash folder: the configuration's, the server's \Trash, or Trash. */
static char *
trash_of(struct ui *u, struct imap_conn *c)
{
	struct imap_folder *f = NULL;
	size_t n = 0;
	char err[512], *t = NULL;

	if (u->ctx->a->trash)
		return strdup(u->ctx->a->trash);
	if (imap_folders(c, &f, &n, err, sizeof err) == 0)
		for (size_t i = 0; i < n && t == NULL; i++)
			if (f[i].special & IMAP_TRASH)
				t = strdup(f[i].name);
	imap_folders_free(f, n);
	return t ? t : strdup("Trash");
}

/* "Commit: delete 3, quarantine 12? [y/N] ": the counts that are not
 * naught, and the person's answer. */
static bool
ask(struct ui *u, const size_t *counts)
{
	char q[256];
	size_t ql = (size_t)snprintf(q, sizeof q, "Commit:");

	for (int mk = MARK_DELETE; mk < MARK__N; mk++)
		if (counts[mk] && ql < sizeof q)
			ql += (size_t)snprintf(q + ql, sizeof q - ql, "%s %s %zu",
			    ql > 7 ? "," : "", mark_names[mk], counts[mk]);
	if (ql < sizeof q)
		snprintf(q + ql, sizeof q - ql, "? [y/N] ");
	return ui_confirm(u, q);
}

/* The decision a mark stands for (false: none). */
static bool
decision_of(const struct item *it, struct decision *d)
{
	enum imap_act act;

	switch (it->mark) {
	case MARK_QUARANTINE: act = IMAP_QUARANTINE; break;
	case MARK_KEEP: act = IMAP_KEEP; break;
	case MARK_RELEASE: act = IMAP_RELEASE; break;
	case MARK_DELETE:
		/* inside the quarantine: expunged; else to Trash */
		act = it->quarantined ? IMAP_PURGE : IMAP_DELETE;
		break;
	default:
		return false;
	}
	*d = (struct decision){ .act = act, .folder = it->folder,
	    .uid = it->uid, .message_id = *it->message_id ? it->message_id :
	    NULL, .origin = act == IMAP_QUARANTINE ? it->folder :
	    *it->origin ? it->origin : NULL };
	return true;
}

/* Every mark a decision, all through the decision path; a mark the
 * server carried out is cleared, the others stay. */
static void
carry_out(struct ui *u, struct imap_conn *c, size_t total, bool deletes)
{
	struct decision *d = calloc(total + 1, sizeof *d);
	struct item **v = calloc(total + 1, sizeof *v);
	struct decide_stats ds;
	char *trash = NULL;
	size_t n = 0;

	if (d == NULL || v == NULL)
		abort();
	if (deletes) {
		trash = trash_of(u, c);
		snprintf(u->trash, sizeof u->trash, "%s", trash);
	}
	for (size_t i = 0; i < u->m.nitems && n < total; i++)
		if (decision_of(&u->m.items[i], &d[n]))
			v[n++] = &u->m.items[i];
	bool failed = decide(c, u->ctx, d, n, trash, say_line, u, &ds) != 0;
	for (size_t i = 0; i < n; i++)
		if (d[i].done)
			v[i]->mark = MARK_NONE;
	if (ds.copied_only)
		ui_say(u, true, "the server has no UIDPLUS: %u messages were "
		    "copied and marked deleted where they were; expunge them "
		    "yourself", ds.copied_only);
	else if (!failed)
		ui_say(u, ds.vanished > 0, "committed: %u quarantined, %u "
		    "deleted, %u kept, %u released", ds.done[IMAP_QUARANTINE],
		    ds.done[IMAP_DELETE] + ds.done[IMAP_PURGE],
		    ds.done[IMAP_KEEP], ds.done[IMAP_RELEASE]);
	if (!failed && (ds.vanished || ds.dropped)) {
		/* what the server had changed under the marks, said */
		size_t l = strlen(u->msg);
		snprintf(u->msg + l, sizeof u->msg - l, "; %u were gone from "
		    "their folder already (another client moved or expunged "
		    "them), %u refused by the server and left where they "
		    "were", ds.vanished, ds.dropped);
	}
	free(d);
	free(v);
	free(trash);
}

void
ui_commit(struct ui *u)
{
	size_t counts[MARK__N], total = model_marks(&u->m, counts);
	struct imap_conn c = { 0 };
	char err[1024];
	int lockfd = -1;

	if (total == 0) {
		ui_say(u, false, "nothing is marked");
		return;
	}
	if (!ask(u, counts)) {
		ui_say(u, false, "not committed; the marks stay");
		return;
	}
	if (u->offline) {
		ui_say(u, true, "offline (--offline): marks cannot be carried out");
		return;
	}
	if (u->thread_started)
		ui_say(u, false, "waiting for the scan to finish...");
	else
		ui_say(u, false, "committing %zu marks...", total);
	ui_draw(u);
	ui_scan_wait(u);
	ui_read_errors(u);
	if (account_lock(u->ctx->store_path, &lockfd, err, sizeof err) != 0) {
		ui_say(u, true, "not committed: %s; the marks stay", err);
		ui_record(u);
		return;
	}
	if (imap_open(u->ctx->a, u->pw, &c, err, sizeof err) != 0) {
		ui_say(u, true, "not committed: %s; the marks stay", err);
		ui_record(u);
	} else
		carry_out(u, &c, total, counts[MARK_DELETE] > 0);
	imap_close(&c);
	if (lockfd != -1)
		close(lockfd);
	/* the store again, the message line kept */
	char keep[sizeof u->msg];
	bool kerr = u->msg_error;
	snprintf(keep, sizeof keep, "%s", u->msg);
	if (ui_load(u) == 0) {
		snprintf(u->msg, sizeof u->msg, "%s", keep);
		u->msg_error = kerr;
	}
	ui_rebuild(u);
}

void
ui_rule(struct ui *u)
{
	char q[160], id[32], done[512] = "";

	if (u->offline) {
		ui_say(u, true, "offline: no rule can be installed (start "
		    "without --offline)");
		return;
	}
	if (u->camps.n == 0)
		return;
	const struct campaign *c = &u->m.camps[u->camps.v[u->camps.cur]];
	snprintf(q, sizeof q, "A rule on the server filing campaign #%lld's "
	    "future backscatter into the quarantine? [y/N]", (long long)c->id);
	if (!ui_confirm(u, q)) {
		ui_say(u, false, "no rule installed");
		return;
	}
	snprintf(id, sizeof id, "%lld", (long long)c->id);
	char *args[] = { id };
	ui_say(u, false, "installing the rule...");
	ui_draw(u);
	int rc = rules_change(u->ctx, true, false, args, 1, u->pw, done,
	    sizeof done);
	ui_read_errors(u);	/* what went wrong, said on stderr */
	if (rc == EXIT_OK)
		ui_say(u, false, "%s ('ndrsweep rules' lists and removes them)",
		    done);
	else if (!u->msg_error)
		ui_say(u, true, "no rule installed: the server cannot take it "
		    "safely; 'ndrsweep rules add %lld' prints it to add by hand",
		    (long long)c->id);
}
