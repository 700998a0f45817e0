/* view_overview.c - the overview: counts, days, the quarantine, the scan,
 * the menu of views and folders, the largest campaigns. */
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

/* The overview's head: counts, the sparkline of the last days, the
 * quarantine, the scan. The line it ends on. */
static int
overview_head(struct ui *u, int y)
{
	char line[1024], spark[1024], scan[256];
	int64_t counts[200], peak = 0;
	const struct model *m = &u->m;
	int w = u->cols;
	size_t days = w - 30 > 0 ? (size_t)(w - 30) : 1;

	snprintf(line, sizeof line, "%zu reports: %lld backscatter, %lld "
	    "legitimate, %lld unsure%s", m->nitems, (long long)m->backscatter,
	    (long long)m->legit, (long long)m->unsure, m->unjudged ?
	    ", some not judged yet" : "");
	ui_putl(u, y++, 1, w - 2, line, false);
	snprintf(line, sizeof line, "by kind: %lld bounces, %lld delays, "
	    "%lld auto-replies, %lld feedback reports",
	    (long long)m->by_kind[0], (long long)m->by_kind[1],
	    (long long)m->by_kind[3], (long long)m->by_kind[4]);
	ui_putl(u, y++, 1, w - 2, line, false);
	if (days > 90)
		days = 90;
	per_day(m, (int64_t)time(NULL), days, counts);
	sparkline(counts, days, u->utf8, spark, sizeof spark);
	for (size_t i = 0; i < days; i++)
		if (counts[i] > peak)
			peak = counts[i];
	snprintf(line, sizeof line, "per day, %zu days: ", days);
	mvaddstr(y, 1, line);
	addstr(spark);
	snprintf(line, sizeof line, " max %lld", (long long)peak);
	addstr(line);
	y++;
	if (m->in_quarantine) {
		long long d = m->oldest_quarantined ? (long long)(((int64_t)
		    time(NULL) - m->oldest_quarantined) / DAY) : 0;
		char age[32];
		if (d <= 0)
			snprintf(age, sizeof age, "since today");
		else
			snprintf(age, sizeof age, "%lld day%s", d, d == 1 ? "" :
			    "s");
		snprintf(line, sizeof line, "quarantine %s: %lld messages, the "
		    "oldest there %s", m->quarantine,
		    (long long)m->in_quarantine, age);
	} else
		snprintf(line, sizeof line, "quarantine %s: empty",
		    m->quarantine);
	ui_putl(u, y++, 1, w - 2, line, false);
	ui_scan_line(u, scan, sizeof scan);
	pthread_mutex_lock(&u->scan.mu);
	bool finished = u->scan.finished;
	pthread_mutex_unlock(&u->scan.mu);
	if (finished)
		snprintf(line, sizeof line, "scan: %s", scan);
	else
		snprintf(line, sizeof line, "scan: %s; the last finished: %s",
		    scan, u->last_scan);
	ui_putl(u, y++, 1, w - 2, line, false);
	if (*u->watch_line)
		ui_putl(u, y++, 1, w - 2, u->watch_line, false);
	return y;
}

/* One entry of the overview's menu: a view, or a folder, with its count. */
static void
menu_entry(struct ui *u, size_t i, int y)
{
	const struct model *m = &u->m;
	const int64_t views[] = { (int64_t)m->ncamps, m->backscatter,
	    m->unsure, m->legit, (int64_t)m->nitems, m->in_quarantine };
	const char *name = i < MENU_N ? menu_names[i] : NULL;
	char fname[300], nm[320], line[1024];
	int64_t n;

	if (name) {
		n = views[i];
		text_fit(name, 22, true, u->utf8, nm, sizeof nm);
	} else {
		/* a long name keeps its start and its last part */
		text_fit_path(m->folders[i - MENU_N], 15, true, u->utf8, fname,
		    sizeof fname);
		snprintf(nm, sizeof nm, "Folder %s", fname);
		n = m->folder_n[i - MENU_N];
	}
	snprintf(line, sizeof line, " %s %8lld", nm, (long long)n);
	if (i == u->menu.cur)
		attron(A_REVERSE);
	ui_putl(u, y, 1, 34, line, true);
	if (i == u->menu.cur)
		attroff(A_REVERSE);
}

static void
draw_overview(struct ui *u, int y0, int rows)
{
	const struct model *m = &u->m;
	char line[1024];
	int y = overview_head(u, y0) + 1;

	/* the menu: the views, then the folders */
	for (size_t i = 0; i < u->menu.n && y < y0 + rows; i++, y++)
		menu_entry(u, i, y);
	y++;
	if (y < y0 + rows)
		ui_putl(u, y++, 1, u->cols - 2, "largest campaigns:", false);
	for (size_t i = 0; i < m->ncamps && y < y0 + rows; i++, y++) {
		const struct campaign *c = &m->camps[i];
		snprintf(line, sizeof line, "#%-5lld %7lld  %s  %s",
		    (long long)c->id, (long long)c->size, *c->subject ?
		    c->subject : "(no subject)", c->forged);
		ui_putl(u, y, 3, u->cols - 4, line, false);
	}
}

static struct list *
overview_list(struct ui *u)
{
	return &u->menu;
}

static void
overview_title(struct ui *u, char *buf, size_t len)
{
	(void)u;
	snprintf(buf, len, "Overview");
}

/* Enter on the menu: a view, or the reports of a verdict or a folder. */
static void
overview_open(struct ui *u, struct list *l)
{
	switch (l->cur) {
	case 0: ui_open_view(u, VIEW_CAMPAIGNS); return;
	case 1: u->src = SRC_VERDICT; u->src_verdict = NDR_BACKSCATTER; break;
	case 2: u->src = SRC_VERDICT; u->src_verdict = NDR_UNSURE; break;
	case 3: u->src = SRC_VERDICT; u->src_verdict = NDR_LEGIT; break;
	case 4: u->src = SRC_ALL; break;
	case 5:
		ui_build_review(u);
		ui_open_view(u, VIEW_REVIEW);
		return;
	default:
		u->src = SRC_FOLDER;
		snprintf(u->src_folder, sizeof u->src_folder, "%s",
		    u->m.folders[l->cur - MENU_N]);
	}
	ui_show_msgs(u);
}

const struct view_ops view_overview = {
	.draw = draw_overview, .list = overview_list, .title = overview_title,
	.open = overview_open,
	.hints = "Enter:open  c:campaigns  m:reports  R:review  q:quit  ?:help",
};
