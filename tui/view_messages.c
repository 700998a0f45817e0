/* view_messages.c - lists of reports: those of a verdict, a campaign or a
 * folder, all of them, and the quarantine (review). */
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

static const char mark_chars[MARK__N] = { ' ', 'D', 'S', 'K', 'R' };

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
		ui_day_str(it->date, d, sizeof d);
		state = it->quarantined ? 'q' : it->trashed ? 'd' : it->kept ?
		    'k' : ' ';
		int col = it->mark ? C_MARK : ui_verdict_color(it->verdict);
		if (k == li->cur)
			attron(A_REVERSE);
		else if (u->color && col)
			attron(COLOR_PAIR(col));
		snprintf(line, sizeof line, "%c%c%c %s %-9.9s %-11.11s %4.2f ",
		    it->tagged ? '*' : ' ', mark_chars[it->mark], state, d,
		    it->kind, it->verdict != NDR_UNJUDGED ?
		    ndr_verdict_name(it->verdict) : "-", it->score);
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
messages_draw(struct ui *u, int y0, int rows)
{
	draw_msgs(u, &u->msgs, y0, rows);
}

static void
review_draw(struct ui *u, int y0, int rows)
{
	draw_msgs(u, &u->review, y0, rows);
}

static struct list *
messages_list(struct ui *u)
{
	return &u->msgs;
}

static struct list *
review_list(struct ui *u)
{
	return &u->review;
}

static void
messages_title(struct ui *u, char *buf, size_t len)
{
	if (u->src == SRC_CAMPAIGN)
		snprintf(buf, len, "Campaign #%lld: %zu messages",
		    (long long)u->src_campaign, u->msgs.n);
	else if (u->src == SRC_FOLDER)
		snprintf(buf, len, "Folder %s: %zu messages", u->src_folder,
		    u->msgs.n);
	else if (u->src == SRC_VERDICT)
		snprintf(buf, len, "%s: %zu messages",
		    ndr_verdict_name(u->src_verdict),
		    u->msgs.n);
	else
		snprintf(buf, len, "All reports: %zu", u->msgs.n);
}

static void
review_title(struct ui *u, char *buf, size_t len)
{
	snprintf(buf, len, "Quarantine %s: %zu messages", u->m.quarantine,
	    u->review.n);
}

/* Enter on a report: its detail. */
static void
report_open(struct ui *u, struct list *l)
{
	ui_open_detail(u, &u->m.items[l->v[l->cur]]);
	ui_open_view(u, VIEW_DETAIL);
}

const struct view_ops view_messages = {
	.draw = messages_draw, .list = messages_list, .title = messages_title,
	.open = report_open,
	.hints = "Enter:open  d:del s:quar S:quar-all K:keep u:undo  $:commit  "
	    "l:limit /:search  t/T:tag ;:tagged  q:back  ?:help",
};

const struct view_ops view_review = {
	.draw = review_draw, .list = review_list, .title = review_title,
	.open = report_open,
	.hints = "Enter:open  r:release d:purge u:undo  $:commit  "
	    "l:limit  t:tag ;:tagged  q:back  ?:help",
};
