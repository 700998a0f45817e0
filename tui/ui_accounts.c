/*
 * ui_accounts.c - review --all on a terminal: the administrator's list of
 * accounts, each one's quarantine at a glance; Enter opens that account's
 * review (the interface on its quarantine, in a child process, as
 * `ndrsweep review --account NAME` would), / finds a message across every
 * account ("where is my bounce?") and Enter on a hit opens its account.
 */
#include <sys/wait.h>
#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/config.h"
#include "admin.h"
#include "cmd.h"

struct hits {
	struct hit	*v;
	size_t		 n;
};

/* The hit's strings outlive the store: copied. */
static int
keep_hit(const struct hit *h, void *arg)
{
	struct hits *hs = arg;
	struct hit *c;

	if (hs->n >= 5000)	/* enough to look through */
		return 0;
	hs->v = xreallocarray(hs->v, hs->n + 1, sizeof *hs->v);
	c = &hs->v[hs->n++];
	*c = *h;
	c->folder = xstrdup(h->folder);
	c->rcpt = h->rcpt ? xstrdup(h->rcpt) : NULL;
	c->subject = h->subject ? xstrdup(h->subject) : NULL;
	c->message_id = h->message_id ? xstrdup(h->message_id) : NULL;
	return 0;
}

static void
hits_free(struct hits *hs)
{
	for (size_t i = 0; i < hs->n; i++)
		NDR_FREE((void *)hs->v[i].folder, (void *)hs->v[i].rcpt,
		    (void *)hs->v[i].subject, (void *)hs->v[i].message_id);
	free(hs->v);
	memset(hs, 0, sizeof *hs);
}

/* A line of text at (y, 0), cut to the width, control characters out. */
static void
line_at(int y, const char *s, bool rev)
{
	int cols = COLS;
	char buf[1024];
	size_t n = 0;

	for (; *s && n + 1 < sizeof buf && (int)n < cols; s++)
		buf[n++] = (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s;
	buf[n] = '\0';
	if (rev)
		attron(A_REVERSE);
	mvaddstr(y, 0, buf);
	for (int x = (int)n; x < cols; x++)
		addch(' ');
	if (rev)
		attroff(A_REVERSE);
}

static void
hit_line(const struct hit *h, char *buf, size_t len)
{
	char date[16];

	snprintf(buf, len, "%-14.14s %-11.11s %-10s %-11s %-28.28s %s",
	    h->account, h->quarantined ? "QUARANTINE" : h->folder,
	    ndr_day(h->date, date, sizeof date, "-"),
	    ndr_verdict_name(h->verdict), h->rcpt ? h->rcpt : "-",
	    h->subject ? h->subject : "");
}

/* The account's review, the whole terminal its own until it ends. */
static void
open_review(const char *cfgpath, const char *name)
{
	pid_t pid;

	def_prog_mode();
	endwin();
	fflush(NULL);
	if ((pid = fork()) == 0) {
		char *argv[6];
		int argc = 0;
		argv[argc++] = "review";
		if (cfgpath) {
			argv[argc++] = "--config";
			argv[argc++] = (char *)cfgpath;
		}
		argv[argc++] = "--account";
		argv[argc++] = (char *)name;
		argv[argc] = NULL;
		_exit(ui_run(argc, argv, true));
	}
	if (pid > 0)
		while (waitpid(pid, NULL, 0) == -1)
			;
	reset_prog_mode();
	refresh();
}

/* What a prompt at the bottom line reads; false on an empty answer. */
static bool
ask(const char *prompt, char *buf, size_t len)
{
	line_at(LINES - 1, prompt, false);
	move(LINES - 1, (int)strlen(prompt));
	echo();
	curs_set(1);
	int r = getnstr(buf, (int)len - 1);
	noecho();
	curs_set(0);
	return r == OK && *buf;
}

static const char help_text[] =
    "review --all: every account's quarantine\n"
    "\n"
    "  j, Down      next line          k, Up      previous line\n"
    "  PgDn, Space  next page          PgUp, -    previous page\n"
    "  Enter        open the account's review (release, purge, keep)\n"
    "  /            find a message in every account: an address, a\n"
    "               Message-ID or a subject (\"where is my bounce?\")\n"
    "  r            read the stores again\n"
    "  q            back (from the hits), or quit\n"
    "  ?            this help\n"
    "\n"
    "Columns: the messages in the quarantine, how long the oldest has\n"
    "been there, its campaigns, the store's backscatter and legitimate\n"
    "reports, and the last run (scan or clean) with what failed.\n"
    "\n"
    "Press any key.";

static void
help(void)
{
	erase();
	int y = 0;
	for (const char *p = help_text; *p && y < LINES; y++) {
		size_t n = strcspn(p, "\n");
		char buf[256];
		snprintf(buf, sizeof buf, "%.*s", (int)n, p);
		line_at(y, buf, y == 0);
		p += n + (p[n] == '\n');
	}
	refresh();
	getch();
}

int
ui_accounts(const char *cfgpath)
{
	struct ndr_config cfg;
	struct glance *g = NULL;
	struct hits hs = { 0 };
	size_t n = 0, cur = 0, top = 0;
	bool in_hits = false;
	char needle[200] = "", msg[300] = "";
	int rc;

	setlocale(LC_ALL, "");
	if ((rc = glance_all(cfgpath, &cfg, &g, &n)) != EXIT_OK)
		return rc;
	initscr();
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	for (;;) {
		size_t count = in_hits ? hs.n : n;
		int rows = LINES - 3 > 1 ? LINES - 3 : 1;
		int64_t now = (int64_t)time(NULL);
		char buf[1024];

		if (cur >= count)
			cur = count ? count - 1 : 0;
		if (cur < top)
			top = cur;
		if (cur >= top + (size_t)rows)
			top = cur - (size_t)rows + 1;
		erase();
		if (in_hits)
			snprintf(buf, sizeof buf, "ndrsweep review --all: %zu "
			    "message%s with \"%s\"", hs.n, hs.n == 1 ? "" : "s",
			    needle);
		else {
			size_t q = 0, f = 0;
			for (size_t i = 0; i < n; i++) {
				q += g[i].quarantined;
				f += glance_failed(&g[i]);
			}
			snprintf(buf, sizeof buf, "ndrsweep review --all: %zu "
			    "account%s, %zu quarantined, %zu failing", n,
			    n == 1 ? "" : "s", q, f);
		}
		line_at(0, buf, true);
		if (in_hits)
			snprintf(buf, sizeof buf, "%-14s %-11s %-10s %-11s "
			    "%-28s %s", "account", "folder", "date", "verdict",
			    "recipient", "subject");
		else
			snprintf(buf, sizeof buf, "%s", glance_head);
		line_at(1, buf, false);
		for (int r = 0; r < rows && top + (size_t)r < count; r++) {
			size_t i = top + (size_t)r;
			struct ndr_buf row = { 0 };
			if (in_hits)
				hit_line(&hs.v[i], buf, sizeof buf);
			else {
				glance_line(&g[i], now, &row);
				snprintf(buf, sizeof buf, "%s", row.s);
				ndr_buf_free(&row);
			}
			line_at(2 + r, buf, i == cur);
		}
		if (count == 0)
			line_at(2, in_hits ? "  nothing found" : "  no account",
			    false);
		line_at(LINES - 1, *msg ? msg : in_hits ?
		    "q:back  Enter:open its account  /:find  ?:help" :
		    "q:quit  Enter:open  /:find  r:reread  ?:help", true);
		msg[0] = '\0';
		refresh();

		int ch = getch();
		switch (ch) {
		case 'q':
		case 27:
			if (in_hits) {
				in_hits = false;
				cur = top = 0;
				continue;
			}
			goto out;
		case 'j': case KEY_DOWN:
			if (cur + 1 < count)
				cur++;
			break;
		case 'k': case KEY_UP:
			if (cur > 0)
				cur--;
			break;
		case ' ': case KEY_NPAGE:
			cur = cur + (size_t)rows < count ? cur + (size_t)rows :
			    (count ? count - 1 : 0);
			break;
		case '-': case KEY_PPAGE:
			cur = cur > (size_t)rows ? cur - (size_t)rows : 0;
			break;
		case KEY_HOME: case 'g': cur = 0; break;
		case KEY_END: case 'G': cur = count ? count - 1 : 0; break;
		case '?': help(); break;
		case KEY_RESIZE: break;
		case '/':
			if (!ask("Find (address, Message-ID, subject): ", needle,
			    sizeof needle))
				break;
			hits_free(&hs);
			size_t nh;
			find_all(cfg.accounts, cfg.naccounts, needle, keep_hit, &hs,
			    &nh);
			in_hits = true;
			cur = top = 0;
			break;
		case 'r':
		case '\n': case '\r': case KEY_ENTER:
			if (ch != 'r' && count > 0)
				open_review(cfgpath, in_hits ? hs.v[cur].account :
				    g[cur].name);
			/* what the review changed */
			glance_free(g, n);
			ndr_config_free(&cfg);
			if (glance_all(cfgpath, &cfg, &g, &n) != EXIT_OK) {
				g = NULL;
				n = 0;
				rc = EXIT_CONFIG;
				goto out;
			}
			if (in_hits) {
				hits_free(&hs);
				size_t nh2;
				find_all(cfg.accounts, cfg.naccounts, needle,
				    keep_hit, &hs, &nh2);
			}
			break;
		default:
			snprintf(msg, sizeof msg, "unknown key; ? for help");
			break;
		}
	}
out:
	endwin();
	hits_free(&hs);
	glance_free(g, n);
	if (g || n)
		ndr_config_free(&cfg);
	return rc;
}
