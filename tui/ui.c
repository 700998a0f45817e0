/*
 * ui.c - the interactive interface (ncursesw): the model loaded, the
 * lists of the overview, campaigns, messages and review views, the keys,
 * the loop. Drawing is in ui_draw.c, marks, tags, search and limit in
 * ui_marks.c, the detail and help views in view_detail.c, the scan that
 * runs in a thread while the person reads in ui_scan.c, the commit of the
 * marks in ui_commit.c; ui.h holds what they share.
 *
 * Curses is used from the main thread only. The scan thread has its own
 * store handle and IMAP session, and reports through a mutex-guarded
 * struct; what it prints on stderr goes to a pipe that the status line
 * reads, and is repeated on the terminal after the interface ends.
 */
#include <sys/types.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
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


static void
on_signal(int sig)
{
	ui_got_signal = sig;
}

/* ---- loading the store into the model ---- */

/* ---- the lists ---- */

/* The views, each one file (view_*.c): a new view is a file and a line. */
static const struct view_ops *const views[VIEW__N] = {
	[VIEW_OVERVIEW] = &view_overview, [VIEW_CAMPAIGNS] = &view_campaigns,
	[VIEW_MESSAGES] = &view_messages, [VIEW_DETAIL] = &view_detail,
	[VIEW_REVIEW] = &view_review, [VIEW_HELP] = &view_help,
};

/* ---- input on the last line ---- */

/* ---- the loop ---- */

/* Enter: what the current line opens, as its view says. */
static void
open_cur(struct ui *u)
{
	struct list *l = ui_cur_list(u);

	if (l && l->n > 0 && ui_view(u)->open)
		ui_view(u)->open(u, l);
}

/* Has the scan committed to the store since it was loaded? Asked twice
 * a second at most. */
static bool
store_changed(struct ui *u)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if ((now.tv_sec - u->polled.tv_sec) * 1000 + (now.tv_nsec -
	    u->polled.tv_nsec) / 1000000 < 500)
		return false;
	u->polled = now;
	return store_data_version(u->ctx->st) != u->data_version;
}

/* q: back, or on the overview quit (asking about marks). */
static bool
back(struct ui *u)
{
	size_t counts[MARK__N];

	if (u->depth > 0) {
		u->depth--;
		return false;
	}
	if (model_marks(&u->m, counts) == 0)
		return true;
	if (ui_confirm(u, "Marks are not committed: quit and forget them? [y/N] "))
		return true;
	ui_say(u, false, "$ commits the marks, x quits without them");
	return false;
}

/* What the scan thread brought since: its line, a folder committed, its
 * end (the store again). Whether the screen must be drawn again. */
static bool
poll_scan(struct ui *u, char *drawn_scan, size_t len)
{
	char before[sizeof u->msg];
	bool dirty, reload;

	memcpy(before, u->msg, sizeof before);
	ui_read_errors(u);
	dirty = strcmp(before, u->msg) != 0;
	pthread_mutex_lock(&u->scan.mu);
	reload = u->scan.finished && !u->scan.reloaded;
	if (reload)
		u->scan.reloaded = true;
	dirty |= strcmp(drawn_scan, u->scan.line) != 0;
	snprintf(drawn_scan, len, "%s", u->scan.line);
	pthread_mutex_unlock(&u->scan.mu);
	if (reload)
		ui_scan_wait(u);
	/* a folder of the running scan was committed, or a watch beside
	 * the interface moved mail: what it brought shows now (judged when
	 * the scan ends), what watch did on the message line */
	if (reload || store_changed(u)) {
		if (ui_load(u) == 0)
			ui_rebuild(u);
		dirty = true;
	}
	if (reload) {	/* how it ended, now beside what it brought */
		pthread_mutex_lock(&u->scan.mu);
		if (*u->scan.ended)
			snprintf(u->scan.line, sizeof u->scan.line, "%s",
			    u->scan.ended);
		snprintf(drawn_scan, len, "%s", u->scan.line);
		pthread_mutex_unlock(&u->scan.mu);
	}
	return dirty;
}

/* Up, down, a page, the ends: in a list, or in the detail's text. */
static void
move_cursor(struct ui *u, enum action a, size_t rows)
{
	struct list *l = ui_cur_list(u);
	long d = a == ACT_UP ? -1 : a == ACT_DOWN ? 1 : a == ACT_PGUP ?
	    -(long)rows : a == ACT_PGDN ? (long)rows : a == ACT_HOME ?
	    -(1L << 40) : 1L << 40;

	if (ui_top(u) == VIEW_DETAIL || ui_top(u) == VIEW_HELP) {
		long t = (long)u->text_top + d;
		long max = (long)u->text.n - (long)rows;
		if (t > max)
			t = max;
		u->text_top = t < 0 ? 0 : (size_t)t;
	} else if (l)
		list_move(l, d, ui_top(u) == VIEW_OVERVIEW ? l->n : rows);
}

/* A view opened by its key. */
static void
open_by_key(struct ui *u, enum action a)
{
	switch (a) {
	case ACT_HELP:
		ui_help(u);
		ui_open_view(u, VIEW_HELP);
		break;
	case ACT_CAMPAIGNS:
		ui_open_view(u, VIEW_CAMPAIGNS);
		break;
	case ACT_MESSAGES:
		u->src = SRC_ALL;
		ui_show_msgs(u);
		break;
	default:	/* ACT_REVIEW */
		ui_build_review(u);
		ui_open_view(u, VIEW_REVIEW);
	}
}

/* One key's action; -1 to go on, else how the interface ends. */
static int
on_key(struct ui *u, int k)
{
	size_t rows = u->rows > 4 ? (size_t)u->rows - 4 : 1;
	enum action a = key_action(ui_top(u), k);

	if (a != ACT_NONE && a != ACT_REDRAW)
		*u->msg = '\0';
	switch (a) {
	case ACT_UP: case ACT_DOWN: case ACT_PGUP: case ACT_PGDN:
	case ACT_HOME: case ACT_END: move_cursor(u, a, rows); break;
	case ACT_OPEN: open_cur(u); break;
	case ACT_BACK: return back(u) ? EXIT_OK : -1;
	case ACT_QUIT: return EXIT_OK;
	case ACT_HELP: case ACT_CAMPAIGNS: case ACT_MESSAGES:
	case ACT_REVIEW: open_by_key(u, a); break;
	case ACT_TAG: ui_do_tag(u); break;
	case ACT_TAG_PATTERN: ui_do_tag_pattern(u); break;
	case ACT_TAGGED: ui_do_tagged(u); break;
	case ACT_DELETE: case ACT_QUARANTINE: case ACT_KEEP:
	case ACT_RELEASE: ui_do_mark(u, a); break;
	case ACT_UNDO: ui_do_undo(u); break;
	case ACT_CLEAR: ui_do_clear(u); break;
	case ACT_COMMIT: ui_commit(u); break;
	case ACT_LIMIT: ui_do_limit(u); break;
	case ACT_SEARCH: ui_do_search(u, false, false); break;
	case ACT_NEXT: ui_do_search(u, true, false); break;
	case ACT_PREV: ui_do_search(u, true, true); break;
	case ACT_SORT:
		if (ui_top(u) == VIEW_CAMPAIGNS) {
			u->sort = (u->sort + 1) % SORT__N;
			u->camps.cur = u->camps.top = 0;
			ui_build_camps(u);
		} else
			ui_sort_msgs(u, false);
		break;
	case ACT_RSORT: ui_sort_msgs(u, true); break;
	case ACT_RAW: ui_do_raw(u); break;
	case ACT_PIPE: ui_do_pipe(u); break;
	case ACT_SAVE: ui_do_save(u); break;
	case ACT_QUAR_ALL: ui_do_mark_all(u); break;
	case ACT_RULE: ui_rule(u); break;
	case ACT_REDRAW: clearok(curscr, TRUE); break;
	case ACT_NONE:
		if (k < 0x110000 && k >= 0x20)
			ui_say(u, false, "that key does nothing here; ? lists the "
			    "keys");
		break;
	}
	return -1;
}

/* The detail and help texts wrapped again at the screen's new width,
 * where they were scrolled to kept. */
static void
rewrap(struct ui *u)
{
	size_t top = u->text_top;

	getmaxyx(stdscr, u->rows, u->cols);
	if (ui_top(u) == VIEW_DETAIL && u->raw_shown)
		ui_raw_text(u);
	else if (ui_top(u) == VIEW_DETAIL && u->shown)
		ui_open_detail(u, u->shown);
	else if (ui_top(u) == VIEW_HELP) {
		u->depth--;
		ui_help(u);
		u->depth++;
	} else
		return;
	u->text_top = u->text.n == 0 ? 0 : top < u->text.n ? top :
	    u->text.n - 1;
}

static int
loop(struct ui *u)
{
	/* drawn when something changed: a key, the scan's line, a reload,
	 * a message; an idle interface costs no CPU */
	bool dirty = true;
	char drawn_scan[sizeof u->scan.line] = "";
	int rc;

	for (;;) {
		if (ui_got_signal)
			return 128 + ui_got_signal;
		dirty |= poll_scan(u, drawn_scan, sizeof drawn_scan);
		if (dirty)
			ui_draw(u);
		dirty = false;
		int k = ui_read_key();
		if (k == ERR)
			continue;
		dirty = true;
		if (k == KEY_RESIZE || k == 12)	/* ^L: redrawn, rewrapped */
			rewrap(u);
		if (k == KEY_RESIZE)
			continue;
		if ((rc = on_key(u, k)) != -1)
			return rc;
	}
}

static void
ui_usage(FILE *f)
{
	fprintf(f,
	    "usage: ndrsweep [--config FILE] [--account NAME] [--offline]\n"
	    "       ndrsweep review [--config FILE] [--account NAME]\n"
	    "\n"
	    "The interface: what the store knows at once, while a scan of the\n"
	    "account runs and what it reads shows as it comes. Mark with d\n"
	    "(delete), s (quarantine), K (keep), r (release), commit with $;\n"
	    "? lists the keys of each view.\n"
	    "\n"
	    "  --offline   no scan, no server: browse what the store knows\n"
	    "              (marks cannot be committed)\n");
}

/* stderr to a pipe while curses owns the terminal; the signals that
 * end the interface; curses, and colours where they are wanted. */
static void
screen_start(struct ui *u)
{
	struct sigaction sa = { .sa_handler = on_signal };

	if (pipe(u->errpipe) == 0) {
		fcntl(u->errpipe[0], F_SETFL, O_NONBLOCK);
		fcntl(u->errpipe[1], F_SETFL, O_NONBLOCK);
		fflush(stderr);
		u->saved_stderr = dup(STDERR_FILENO);
		dup2(u->errpipe[1], STDERR_FILENO);
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	initscr();
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	set_escdelay(25);
	timeout(100);
	u->color = has_colors() && getenv("NO_COLOR") == NULL;
	if (u->color) {
		start_color();
		use_default_colors();
		/* the configuration's colours ([ui] color); one the
		 * terminal lacks (bright on 8 colours) as its basic one */
		for (int i = 0; i < UC__N; i++)
			init_pair((short)(C_BAR + i), u->pal.fg[i] >= COLORS ?
			    u->pal.fg[i] % 8 : u->pal.fg[i], u->pal.bg[i] >=
			    COLORS ? u->pal.bg[i] % 8 : u->pal.bg[i]);
	}
}

/* The terminal back, and what was said on the way repeated on it. */
static void
screen_end(struct ui *u, int rc)
{
	endwin();
	if (u->saved_stderr != -1) {
		ui_read_errors(u);
		dup2(u->saved_stderr, STDERR_FILENO);
		close(u->saved_stderr);
	}
	for (size_t i = 0; i < u->errors.n; i++)
		ndr_log(NDR_LOG_ERROR, "%s", u->errors.v[i] +
		    (strncmp(u->errors.v[i], "ndrsweep: ", 10) == 0 ? 10 : 0));
	if (rc >= 128)
		ndr_log(NDR_LOG_ERROR, "%s: quit; marks not committed were "
		    "dropped", strsignal(rc - 128));
}

/* The scan in its thread while the person reads (not offline). */
static void
scan_start(struct ui *u)
{
	if (u->offline) {
		ui_scan_set(u, "offline: no scan");
		return;
	}
	ui_scan_set(u, "starting the scan");
	if (pthread_create(&u->thread, NULL, ui_scan_main, u) == 0)
		u->thread_started = true;
	else
		ui_scan_set(u, "no scan: cannot start a thread");
}

static void
ui_free_lists(struct ui *u)
{
	strv_free(&u->errors);
	strv_free(&u->text);
	pattern_free(u->limit[LIM_MSGS]);
	pattern_free(u->limit[LIM_REVIEW]);
	ui_undo_free(u);
	pattern_free(u->search);
	list_free(&u->menu);
	list_free(&u->camps);
	list_free(&u->msgs);
	list_free(&u->review);
}

int
ui_run(int argc, char **argv, bool review)
{
	static const struct option opts[] = {
		{ "offline", no_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	struct cmd_global g = { .name = "", .usage = ui_usage };
	struct account_ctx ctx = { 0 };
	struct ui u = { .views = views, .ctx = &ctx, .errpipe = { -1, -1 },
	    .saved_stderr = -1 };
	char err[1024];
	int ch, rc;

	while ((ch = cmd_getopt(argc, argv, "o", opts, &g)) != -1)
		switch (ch) {
		case 'o': u.offline = true; break;
		case CMD_STOP: return g.status;
		}
	setlocale(LC_ALL, "");
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		ndr_log(NDR_LOG_ERROR, "the interface needs a terminal; "
		    "'ndrsweep scan', 'report' and 'clean' work without one");
		return EXIT_USAGE;
	}
	if ((rc = account_open(&ctx, g.config, g.account)) != EXIT_OK)
		return rc;
	ui_colors_default(&u.pal);
	if (ui_config(&ctx.cfg.ui, ctx.cfg.path, &u.pal, err, sizeof err) !=
	    0) {
		ndr_log(NDR_LOG_ERROR, "%s", err);
		account_close(&ctx);
		return EXIT_CONFIG;
	}
	/* the password before curses: a prompt needs the terminal as is */
	if (!u.offline && (u.pw = ndr_password(ctx.a, err, sizeof err)) ==
	    NULL) {
		ndr_log(NDR_LOG_ERROR, "%s", err);
		account_close(&ctx);
		return EXIT_CONFIG;
	}
	pthread_mutex_init(&u.scan.mu, NULL);
	snprintf(u.trash, sizeof u.trash, "%s", ctx.a->trash ? ctx.a->trash :
	    "Trash");
	model_init(&u.m, ctx.a->quarantine, u.trash);
	if (ui_load(&u) != 0) {
		ndr_log(NDR_LOG_ERROR, "%s", u.msg);
		rc = EXIT_CONFIG;
		goto out;
	}
	u.utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;

	screen_start(&u);
	getmaxyx(stdscr, u.rows, u.cols);
	ui_rebuild(&u);
	if (review)
		ui_open_view(&u, VIEW_REVIEW);
	scan_start(&u);
	rc = loop(&u);
	ui_watch_seen(&u);
	screen_end(&u, rc);
out:
	ui_raw_close(&u);
	free(u.raw);
	ui_free_lists(&u);
	if (u.thread_started) {
		/* a scan still running is left to die with the process: what
		 * it committed is in the store, the rest is read again by the
		 * next scan; the frame it reads must outlive it, so exit here */
		fflush(NULL);
		exit(rc);
	}
	model_free(&u.m);
	account_close(&ctx);
	ndr_password_free(u.pw);
	return rc;
}

static int
ui_cmd(int argc, char **argv)
{
	return ui_run(argc, argv, false);
}

const struct cmd cmd_ui = {
	"ui", "the interactive interface (the default command)",
	ui_cmd, ui_usage,
};
