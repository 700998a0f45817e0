/* view_detail.c - the detail of one report, and the help screen: text
 * views, scrolled. */
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

/* ---- the detail view ---- */

static void
text_add(struct ui *u, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	ui_text_wrap(u, buf);
}

void
ui_text_wrap(struct ui *u, const char *buf)
{
	/* wrapped at the screen's width, at a space where one is near;
	 * the lines after the first indented under its text */
	int width = u->cols > 10 ? u->cols - 1 : 10;
	int indent = (int)strspn(buf, " ") + 2;
	const char *p = buf;
	bool first = true;
	if (indent > width / 2)
		indent = 0;
	do {
		char line[4096], part[4096];
		int w = first ? width : width - indent;
		size_t take = text_cut(p, w, u->utf8);
		snprintf(part, sizeof part, "%*s%.*s", first ? 0 : indent, "",
		    (int)take, p);
		text_fit(part, width, false, u->utf8, line, sizeof line);
		strv_add(&u->text, ui_text_dup(line));
		p += take;
		while (*p == ' ')
			p++;
		first = false;
	} while (*p);
}

static const char *
nz(const char *s)
{
	return s && *s ? s : "-";
}

static int
on_detail(const char *what, const char *const *v, int n, void *arg)
{
	struct ui *u = arg;

	(void)n;
	if (strcmp(what, "report") == 0) {
		text_add(u, "Report: %s, format %s, from %s", nz(v[4]), nz(v[0]),
		    nz(v[1]));
		text_add(u, "  subject: %s", nz(v[2]));
		text_add(u, "  reporting MTA: %s", nz(v[3]));
		text_add(u, "");
		text_add(u, "Recipients:");
	} else if (strcmp(what, "rcpt") == 0) {
		text_add(u, "  %s  %s %s %s  reason %s", nz(v[0]), nz(v[1]),
		    nz(v[2]), nz(v[3]), nz(v[4]));
		if (v[6] && *v[6])
			text_add(u, "    remote MTA: %s", v[6]);
		if (v[5] && *v[5])
			text_add(u, "    %s", v[5]);
	} else if (strcmp(what, "original") == 0) {
		text_add(u, "");
		text_add(u, "The original (%s):", nz(v[0]));
		text_add(u, "  Message-ID: %s", nz(v[1]));
		text_add(u, "  From: %s", nz(v[2]));
		text_add(u, "  Return-Path: %s", nz(v[5]));
		text_add(u, "  Subject: %s", nz(v[3]));
		text_add(u, "  Date: %s", nz(v[4]));
	} else if (strcmp(what, "received") == 0) {
		text_add(u, "  Received: %s", nz(v[0]));
	} else if (strcmp(what, "excerpt") == 0) {
		text_add(u, "");
		text_add(u, "Text:");
		text_add(u, "  %s", nz(v[0]));
	} else if (strcmp(what, "verdict") == 0) {
		text_add(u, "");
		text_add(u, "Verdict: %s, score %s%s%s", nz(v[0]), nz(v[1]),
		    v[2] && strcmp(v[2], "0") ? ", campaign #" : "",
		    v[2] && strcmp(v[2], "0") ? v[2] : "");
		text_add(u, "Why (signals, weight > 0 says backscatter):");
	} else if (strcmp(what, "signal") == 0) {
		text_add(u, "  %-22s %s  %s", nz(v[0]), nz(v[1]), nz(v[2]));
	}
	return 0;
}

void
ui_open_detail(struct ui *u, struct item *it)
{
	strv_free(&u->text);
	u->text_top = 0;
	u->shown = it;
	u->raw_shown = false;
	if (it->quarantined)
		text_add(u, "In the quarantine since %lld days, from %s",
		    it->since ? (long long)(((int64_t)time(NULL) - it->since) /
		    DAY) : 0LL, nz(it->origin));
	if (it->kept)
		text_add(u, "Kept by you.");
	int r = store_item_detail(u->ctx->st, it->folder, it->uid, on_detail,
	    u);
	if (r < 0)
		ui_say(u, true, "%s", store_error(u->ctx->st));
	else if (r > 0)
		text_add(u, "This report is no longer in the store.");
}

void
ui_help(struct ui *u)
{
	const char *names[64], *helps[64];
	size_t n = key_help(ui_top(u), names, helps, 64);

	u->help_of = ui_top(u);
	strv_free(&u->text);
	u->text_top = 0;
	for (size_t i = 0; i < n; i++)
		text_add(u, "  %-12s %s", names[i], helps[i]);
	/* one pattern a line: a pattern is never cut across two */
	static const char *const pats[][2] = {
		{ "~s TEXT", "subject" }, { "~f TEXT", "sender" },
		{ "~r TEXT", "failed recipient" }, { "~R TEXT", "reason" },
		{ "~v TEXT", "verdict (legit, backscatter, unsure)" },
		{ "~k TEXT", "kind" }, { "~F TEXT", "folder" },
		{ "~c N", "campaign number" }, { "~S >0.9", "score above (<: below)" },
		{ "~d <7", "younger than 7 days (>30: older than 30)" },
		{ "~b TEXT", "the report's text (diagnostic, excerpt)" },
		{ "~A", "all" }, { "~T", "tagged" },
		{ "~D ~Q ~K", "marked delete, quarantine, keep" },
		{ "!PATTERN", "not" },
		{ "words", "subject, sender, recipient or reason" },
	};
	text_add(u, "");
	text_add(u, "Patterns (T, l, /):");
	for (size_t i = 0; i < sizeof pats / sizeof *pats; i++)
		text_add(u, "  %-12s %s", pats[i][0], pats[i][1]);
	text_add(u, "");
	text_add(u, "Marks (column M): D delete, S quarantine, K keep, "
	    "R release; after them: * tagged, q in the quarantine, "
	    "d in the Trash, k kept.");
}

static void
draw_text(struct ui *u, int y0, int rows)
{
	for (int r = 0; r < rows; r++) {
		size_t k = u->text_top + (size_t)r;
		if (k >= u->text.n)
			break;
		ui_putl(u, y0 + r, 0, u->cols, u->text.v[k], false);
	}
}

static void
detail_title(struct ui *u, char *buf, size_t len)
{
	snprintf(buf, len, "%s %s/%u%s", u->raw_shown ? "Message" : "Report",
	    u->shown ? u->shown->folder : "?", u->shown ? u->shown->uid : 0,
	    u->raw_shown ? " as the server has it (h: the report)" : "");
}

static void
help_title(struct ui *u, char *buf, size_t len)
{
	snprintf(buf, len, "Help: %s", view_names[u->help_of]);
}

const struct view_ops view_detail = {
	.draw = draw_text, .title = detail_title,
	.hints = "j/k:scroll  d/s/K/r:mark  u:undo  h:raw  q:back  ?:help",
};

const struct view_ops view_help = {
	.draw = draw_text, .title = help_title, .hints = "q:back",
};
