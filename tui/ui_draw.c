/* ui_draw.c - the interface drawn: the bars, the overview, the lists of
 * campaigns and reports, the text of the detail and help views. */
#include <sys/types.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

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

void
ui_day_str(int64_t t, char *out, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0 || localtime_r(&tt, &tm) == NULL)
		snprintf(out, len, "%-10s", "-");
	else
		strftime(out, len, "%Y-%m-%d", &tm);
}

int
ui_verdict_color(enum ndr_verdict_kind v)
{
	switch (v) {
	case NDR_LEGIT: return C_LEGIT;
	case NDR_BACKSCATTER: return C_BACK;
	case NDR_UNSURE: return C_UNSURE;
	default: return 0;
	}
}


void
ui_scan_line(struct ui *u, char *out, size_t len)
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

/*
 * The hints ("Enter:open  d:del s:quar  $:commit", groups two spaces
 * apart, hints one) cut to width by priority: commit ($:), the way back
 * (q:) and help (?:) always stay; the others in their order while they
 * fit, hint by hint (a group is not dropped whole for its last hint).
 */
static void
fit_hints(const char *hints, int width, char *out, size_t len)
{
	const char *h[48];	/* the hints: start, length, group's first */
	size_t n[48], nh = 0, o = 0, room = width > 0 ? (size_t)width : 0;
	bool first[48], keep[48], take[48];
	size_t need = 0;

	for (const char *p = hints; *p && nh < 48; nh++) {
		size_t sp = strspn(p, " ");
		first[nh] = nh == 0 || sp >= 2;
		p += sp;
		h[nh] = p;
		n[nh] = strcspn(p, " ");
		keep[nh] = strchr("q?$", *p) && p[1] == ':';
		p += n[nh];
		if (n[nh] == 0)
			break;
	}
	/* the kept ones first, then the others in order while they fit */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < nh; i++) {
			if (keep[i] != (pass == 0))
				continue;
			size_t cost = n[i] + (i == 0 ? 0 : first[i] ? 2 : 1);
			take[i] = keep[i] || need + cost <= room;
			if (take[i])
				need += cost;
		}
	for (size_t i = 0; i < nh; i++) {
		if (!take[i] || o + n[i] + 3 >= len)
			continue;
		/* two spaces where a group begins (or one was left out) */
		bool gap = o && (first[i] || !take[i - 1]);
		o += (size_t)snprintf(out + o, len - o, "%s%.*s", o == 0 ? "" :
		    gap ? "  " : " ", (int)n[i], h[i]);
	}
	out[o] = '\0';
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
	ui_view(u)->title(u, title + strlen(title), sizeof title - strlen(title));
	int w;
	if (ui_limit_of(u, &w)) {	/* said plainly, with its way out */
		size_t l = strlen(title);
		snprintf(title + l, sizeof title - l, " (limit: %s; l ~A: all)",
		    u->limit_src[w]);
	}
	if (marks)
		snprintf(right, sizeof right, "marks: %zu D %zu S %zu K %zu R ",
		    counts[MARK_DELETE], counts[MARK_QUARANTINE],
		    counts[MARK_KEEP], counts[MARK_RELEASE]);
	else
		snprintf(right, sizeof right, "no marks ");
	bar(u, 0, title, right);
	ui_view(u)->draw(u, 1, rows);
	ui_scan_line(u, scan, sizeof scan);
	char hints[256], bound[256];
	key_hints(ui_top(u), ui_view(u)->hints, bound, sizeof bound);
	/* the hints first: the scan's line yields (the overview shows it
	 * whole), down to 10 columns */
	int sl = (int)strlen(scan), room = u->cols - (sl < 10 ? sl : 10) - 2;
	fit_hints(bound, room, hints, sizeof hints);
	int left = u->cols - (int)strlen(hints) - 2;
	if (sl > left && left > 0) {
		char cut[256];
		text_fit(scan, left, false, u->utf8, cut, sizeof cut);
		snprintf(scan, sizeof scan, "%s", cut);
	}
	bar(u, u->rows - 2, hints, scan);
	if (*u->msg) {
		if (u->msg_error)
			attron(u->color ? COLOR_PAIR(C_ERR) : A_BOLD);
		ui_putl(u, u->rows - 1, 0, u->cols - 1, u->msg, false);
		if (u->msg_error)
			attroff(u->color ? COLOR_PAIR(C_ERR) : A_BOLD);
	}
	refresh();
}

/* ---- the prompt line ---- */

int
ui_read_key(void)
{
	wint_t wc;
	int r = get_wch(&wc);

	if (r == ERR)
		return ERR;
	if (r == KEY_CODE_YES)
		switch (wc) {
		case KEY_UP: return NK_UP;
		case KEY_DOWN: return NK_DOWN;
		case KEY_PPAGE: return NK_PGUP;
		case KEY_NPAGE: return NK_PGDN;
		case KEY_HOME: return NK_HOME;
		case KEY_END: return NK_END;
		case KEY_ENTER: return NK_ENTER;
		case KEY_BACKSPACE: return NK_BACKSPACE;
		case KEY_RESIZE: return KEY_RESIZE;
		default: return 0;
		}
	if (wc == '\r' || wc == '\n')
		return NK_ENTER;
	if (wc == 27)
		return NK_ESC;
	if (wc == 127 || wc == 8)
		return NK_BACKSPACE;
	return (int)wc;
}

/* A line typed after prompt; NULL when cancelled (Esc, ^G). */
char *
ui_prompt(struct ui *u, const char *what, const char *init)
{
	char buf[256];
	size_t len = 0;

	snprintf(buf, sizeof buf, "%s", init ? init : "");
	len = strlen(buf);
	timeout(-1);
	for (;;) {
		move(u->rows - 1, 0);
		clrtoeol();
		ui_putl(u, u->rows - 1, 0, u->cols - 1, what, false);
		addstr(buf);
		refresh();
		int k = ui_read_key();
		if (ui_got_signal) {
			timeout(100);
			return NULL;
		}
		if (k == NK_ENTER)
			break;
		if (k == NK_ESC || k == 7) {
			timeout(100);
			*u->msg = '\0';
			return NULL;
		}
		if (k == 21) {		/* ^U: the whole line, as readline */
			len = 0;
			buf[0] = '\0';
		} else if (k == 23) {	/* ^W: the word before */
			while (len > 0 && buf[len - 1] == ' ')
				len--;
			while (len > 0 && buf[len - 1] != ' ' &&
			    buf[len - 1] != '/')
				len--;
			buf[len] = '\0';
		} else if (k == NK_BACKSPACE) {
			/* a whole UTF-8 character */
			while (len > 0 && (buf[--len] & 0xc0) == 0x80)
				;
			buf[len] = '\0';
		} else if (k >= 0x20 && k < 0x110000 && k != 0x7f) {
			char mb[8];
			mbstate_t ps = { 0 };
			size_t n = wcrtomb(mb, (wchar_t)k, &ps);
			if (n != (size_t)-1 && len + n < sizeof buf - 1) {
				memcpy(buf + len, mb, n);
				len += n;
				buf[len] = '\0';
			}
		}
	}
	timeout(100);
	char *s = strdup(buf);
	if (s == NULL)
		abort();
	return s;
}

bool
ui_confirm(struct ui *u, const char *q)
{
	move(u->rows - 1, 0);
	clrtoeol();
	ui_putl(u, u->rows - 1, 0, u->cols - 1, q, false);
	refresh();
	timeout(-1);
	int k = ui_read_key();
	timeout(100);
	*u->msg = '\0';
	return k == 'y' || k == 'Y';
}
