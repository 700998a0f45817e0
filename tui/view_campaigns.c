/* view_campaigns.c - the campaigns, largest (or by date) first. */
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
		ui_day_str(c->first_seen, f, sizeof f);
		ui_day_str(c->last_seen, l, sizeof l);
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

static struct list *
camps_list(struct ui *u)
{
	return &u->camps;
}

static void
campaigns_title(struct ui *u, char *buf, size_t len)
{
	snprintf(buf, len, "Campaigns (%zu, by %s)", u->camps.n,
	    sort_names[u->sort]);
}

/* Enter on a campaign: its reports. */
static void
campaigns_open(struct ui *u, struct list *l)
{
	u->src = SRC_CAMPAIGN;
	u->src_campaign = u->m.camps[l->v[l->cur]].id;
	ui_show_msgs(u);
}

const struct view_ops view_campaigns = {
	.draw = draw_camps, .list = camps_list, .title = campaigns_title,
	.open = campaigns_open,
	.hints = "Enter:open  d:del s:quar S:quar-all K:keep u:undo  $:commit  "
	    "o:sort  t:tag  F:rule  q:back  ?:help",
};
