/* ui_draw.c - the interface drawn: the bars, the overview, the lists of
 * campaigns and reports, the text of the detail and help views. */
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


/* text_fit in the terminal's locale. */
void
ui_putl(struct ui *u, int y, int x, int cols, const char *s, bool pad)
{
	char buf[2048];

	if (cols <= 0)
		return;
	text_fit(s, cols, pad, u->utf8, buf, sizeof buf);
	mvaddstr(y, x, buf);
}

static void
day_str(int64_t t, char *out, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0 || localtime_r(&tt, &tm) == NULL)
		snprintf(out, len, "%-10s", "-");
	else
		strftime(out, len, "%Y-%m-%d", &tm);
}

static int
verdict_color(const char *v)
{
	if (strcmp(v, "legit") == 0)
		return C_LEGIT;
	if (strcmp(v, "backscatter") == 0)
		return C_BACK;
	if (strcmp(v, "unsure") == 0)
		return C_UNSURE;
	return 0;
}

static const char mark_chars[MARK__N] = { ' ', 'D', 'S', 'K', 'R' };

static void
scan_line(struct ui *u, char *out, size_t len)
{
	pthread_mutex_lock(&u->scan.mu);
	snprintf(out, len, "%s", u->scan.line);
	pthread_mutex_unlock(&u->scan.mu);
}

static void
bar(struct ui *u, int y, const char *left, const char *right)
{
	int rl = (int)strlen(right);

	attron(u->color ? COLOR_PAIR(C_BAR) : A_REVERSE);
	move(y, 0);
	hline(' ', u->cols);
	ui_putl(u, y, 0, u->cols - rl - 1, left, false);
	if (rl < u->cols)
		ui_putl(u, y, u->cols - rl, rl, right, false);
	attroff(u->color ? COLOR_PAIR(C_BAR) : A_REVERSE);
}

static const char *
view_title(struct ui *u, char *buf, size_t len)
{
	switch (ui_top(u)) {
	case VIEW_CAMPAIGNS:
		snprintf(buf, len, "Campaigns (%zu, by %s)", u->camps.n,
		    sort_names[u->sort]);
		break;
	case VIEW_MESSAGES:
		if (u->src == SRC_CAMPAIGN)
			snprintf(buf, len, "Campaign #%lld: %zu messages",
			    (long long)u->src_campaign, u->msgs.n);
		else if (u->src == SRC_FOLDER)
			snprintf(buf, len, "Folder %s: %zu messages", u->src_folder,
			    u->msgs.n);
		else if (u->src == SRC_VERDICT)
			snprintf(buf, len, "%s: %zu messages", u->src_verdict,
			    u->msgs.n);
		else
			snprintf(buf, len, "All reports: %zu", u->msgs.n);
		break;
	case VIEW_REVIEW:
		snprintf(buf, len, "Quarantine %s: %zu messages",
		    u->m.quarantine, u->review.n);
		break;
	case VIEW_DETAIL:
		snprintf(buf, len, "Report %s/%u", u->shown ?
		    u->shown->folder : "?", u->shown ? u->shown->uid : 0);
		break;
	case VIEW_HELP:
		snprintf(buf, len, "Help: %s", view_names[u->help_of]);
		break;
	default:
		snprintf(buf, len, "Overview");
	}
	if (u->limit && (ui_top(u) == VIEW_MESSAGES || ui_top(u) ==
	    VIEW_REVIEW)) {
		size_t l = strlen(buf);
		snprintf(buf + l, len - l, " (limit: %s)", u->limit_src);
	}
	return buf;
}

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
	if (m->in_quarantine)
		snprintf(line, sizeof line, "quarantine %s: %lld messages, the "
		    "oldest %lld days", m->quarantine,
		    (long long)m->in_quarantine, m->oldest_quarantined ?
		    (long long)(((int64_t)time(NULL) - m->oldest_quarantined)
		    / DAY) : 0LL);
	else
		snprintf(line, sizeof line, "quarantine %s: empty",
		    m->quarantine);
	ui_putl(u, y++, 1, w - 2, line, false);
	scan_line(u, scan, sizeof scan);
	pthread_mutex_lock(&u->scan.mu);
	bool finished = u->scan.finished;
	pthread_mutex_unlock(&u->scan.mu);
	if (finished)
		snprintf(line, sizeof line, "scan: %s", scan);
	else
		snprintf(line, sizeof line, "scan: %s; the last finished: %s",
		    scan, u->last_scan);
	ui_putl(u, y++, 1, w - 2, line, false);
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
	char fname[300], nm[64], line[1024];
	int64_t n;

	if (name) {
		n = views[i];
	} else {
		snprintf(fname, sizeof fname, "Folder %s",
		    m->folders[i - MENU_N]);
		name = fname;
		n = m->folder_n[i - MENU_N];
	}
	text_fit(name, 22, true, u->utf8, nm, sizeof nm);
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

static void
draw_camps(struct ui *u, int y0, int rows)
{
	char line[1024], f[16], l[16];
	struct list *li = &u->camps;

	attron(A_BOLD);
	ui_putl(u, y0, 0, u->cols, "   #      size done first      last       "
	    "subject / forged sender", true);
	attroff(A_BOLD);
	for (int r = 1; r < rows; r++) {
		size_t k = li->top + (size_t)r - 1;
		if (k >= li->n)
			break;
		const struct campaign *c = &u->m.camps[li->v[k]];
		day_str(c->first_seen, f, sizeof f);
		day_str(c->last_seen, l, sizeof l);
		snprintf(line, sizeof line, "%c%c%-6lld %6lld %3lld%% %s %s %s  "
		    "<%s>", c->marked ? 'M' : ' ', c->tagged && c->size ? '*' :
		    ' ', (long long)c->id, (long long)c->size, c->size ?
		    (long long)(c->handled * 100 / c->size) : 0LL, f, l,
		    *c->subject ? c->subject : "(no subject)", c->forged);
		if (k == li->cur)
			attron(A_REVERSE);
		ui_putl(u, y0 + r, 0, u->cols, line, true);
		if (k == li->cur)
			attroff(A_REVERSE);
	}
}

static void
draw_msgs(struct ui *u, struct list *li, int y0, int rows)
{
	char line[1024], d[16], state;
	int w = u->cols;

	/* recipient and reason narrow first when the screen is narrow;
	 * the subject takes what is left */
	int rest = w - 42, rw = rest * 35 / 100, sw = rest * 20 / 100;
	if (rw > 25)
		rw = 25;
	if (sw > 15)
		sw = 15;
	attron(A_BOLD);
	snprintf(line, sizeof line, "  M date       kind      verdict     score "
	    "%-*.*s %-*.*s subject", rw, rw, "recipient", sw, sw, "reason");
	ui_putl(u, y0, 0, w, line, true);
	attroff(A_BOLD);
	for (int r = 1; r < rows; r++) {
		size_t k = li->top + (size_t)r - 1;
		if (k >= li->n)
			break;
		const struct item *it = &u->m.items[li->v[k]];
		day_str(it->date, d, sizeof d);
		state = it->quarantined ? 'q' : it->trashed ? 'd' : it->kept ?
		    'k' : ' ';
		int col = it->mark ? C_MARK : verdict_color(it->verdict);
		if (k == li->cur)
			attron(A_REVERSE);
		else if (u->color && col)
			attron(COLOR_PAIR(col));
		snprintf(line, sizeof line, "%c%c%c %s %-9.9s %-11.11s %4.2f ",
		    it->tagged ? '*' : ' ', mark_chars[it->mark], state, d,
		    it->kind, *it->verdict ? it->verdict : "-", it->score);
		ui_putl(u, y0 + r, 0, w, line, true);
		int x = (int)strlen(line);
		ui_putl(u, y0 + r, x, rw < w - x ? rw : w - x, *it->rcpt ?
		    it->rcpt : "-", true);
		x += rw + 1;
		ui_putl(u, y0 + r, x, sw < w - x ? sw : w - x, *it->reason ?
		    it->reason : "-", true);
		x += sw + 1;
		ui_putl(u, y0 + r, x, w - x, *it->subject ? it->subject :
		    "(no subject)", true);
		if (k == li->cur)
			attroff(A_REVERSE);
		else if (u->color && col)
			attroff(COLOR_PAIR(col));
	}
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

static const char *
hints(enum view v)
{
	switch (v) {
	case VIEW_OVERVIEW:
		return "Enter:open  c:campaigns  m:reports  R:review  q:quit  "
		    "?:help";
	case VIEW_CAMPAIGNS:
		return "Enter:open  d:del s:quar K:keep u:undo  t:tag  o:sort  "
		    "$:commit  q:back  ?:help";
	case VIEW_REVIEW:
		return "Enter:open  r:release d:purge u:undo  t:tag ;:tagged  "
		    "$:commit  q:back  ?:help";
	case VIEW_DETAIL:
		return "j/k:scroll  d/s/K/r:mark  u:undo  q:back  ?:help";
	case VIEW_HELP:
		return "q:back";
	default:
		return "Enter:open  d:del s:quar K:keep u:undo  t/T:tag ;:tagged  "
		    "l:limit /:search  $:commit  q:back  ?:help";
	}
}

void
ui_draw(struct ui *u)
{
	char title[512], right[128], scan[256];
	size_t counts[MARK__N], marks;
	int rows;

	getmaxyx(stdscr, u->rows, u->cols);
	erase();
	if (u->rows < 5 || u->cols < 20) {
		mvaddstr(0, 0, "too small");
		refresh();
		return;
	}
	rows = u->rows - 3;
	marks = model_marks(&u->m, counts);
	snprintf(title, sizeof title, "ndrsweep %s: ", u->ctx->a->name);
	view_title(u, title + strlen(title), sizeof title - strlen(title));
	if (marks)
		snprintf(right, sizeof right, "marks: %zu D %zu S %zu K %zu R ",
		    counts[MARK_DELETE], counts[MARK_QUARANTINE],
		    counts[MARK_KEEP], counts[MARK_RELEASE]);
	else
		snprintf(right, sizeof right, "no marks ");
	bar(u, 0, title, right);
	switch (ui_top(u)) {
	case VIEW_OVERVIEW: draw_overview(u, 1, rows); break;
	case VIEW_CAMPAIGNS: draw_camps(u, 1, rows); break;
	case VIEW_MESSAGES: draw_msgs(u, &u->msgs, 1, rows); break;
	case VIEW_REVIEW: draw_msgs(u, &u->review, 1, rows); break;
	default: draw_text(u, 1, rows); break;
	}
	scan_line(u, scan, sizeof scan);
	bar(u, u->rows - 2, hints(ui_top(u)), scan);
	if (*u->msg) {
		if (u->msg_error)
			attron(u->color ? COLOR_PAIR(C_ERR) : A_BOLD);
		ui_putl(u, u->rows - 1, 0, u->cols - 1, u->msg, false);
		if (u->msg_error)
			attroff(u->color ? COLOR_PAIR(C_ERR) : A_BOLD);
	}
	refresh();
}
