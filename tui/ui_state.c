/*
 * ui_state.c - what the interface holds, below its views: the model
 * loaded from the store, the lists built from it, the stack of views,
 * the message line. The views, the drawing, the marks, the commit and
 * the loop (ui.c) call these; these call none of them, so the
 * interface's files depend on each other one way: ui.c over the views
 * and ui_commit/ui_marks/ui_scan, over ui_draw.c, over this file.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NCURSES_WIDECHAR 1
#include <curses.h>

#include "core/core.h"
#include "core/store.h"
#include "cmd.h"
#include "model.h"
#include "ui.h"

volatile sig_atomic_t ui_got_signal;

/* The overview's entries before the folders. */
const char *const menu_names[MENU_N] = {
	"Campaigns", "Backscatter", "Unsure", "Legit", "All reports",
	"Quarantine (review)"
};

char *
ui_text_dup(const char *s)
{
	char *d = strdup(s);

	if (d == NULL)
		abort();
	return d;
}

void
ui_say(struct ui *u, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(u->msg, sizeof u->msg, fmt, ap);
	va_end(ap);
	u->msg_error = error;
}

/* The message line's error, to be repeated on the terminal at the end. */
void
ui_record(struct ui *u)
{
	strv_add(&u->errors, ui_text_dup(u->msg));
}

static int
on_item(const struct store_item *s, void *arg)
{
	struct model *m = arg;

	model_add(m, s);
	return 0;
}

static int
on_quar(const struct store_quar *q, void *arg)
{
	model_quarantined(arg, q->uid, q->id, q->origin, q->since);
	return 0;
}

static int
on_camp(const struct store_campaign *c, void *arg)
{
	model_add_campaign(arg, c->id, c->size, c->backscatter, c->first_seen,
	    c->last_seen, c->subject, c->forged, c->mtas);
	return 0;
}

struct keys {
	uint64_t	*v;
	size_t		 n, cap;
};

static int
on_text_hit(const char *folder, uint32_t uid, void *arg)
{
	struct keys *k = arg;

	if (k->n == k->cap) {
		k->cap = k->cap ? 2 * k->cap : 64;
		if ((k->v = realloc(k->v, k->cap * sizeof *k->v)) == NULL)
			abort();
	}
	k->v[k->n++] = pattern_key(folder, uid);
	return 0;
}

int
ui_pattern_resolve(struct ui *u, struct pattern *p)
{
	if (p == NULL)
		return 0;
	for (size_t i = 0; i < pattern_body_n(p); i++) {
		struct keys k = { NULL, 0, 0 };
		if (store_each_text_match(u->ctx->st, pattern_body_text(p, i),
		    on_text_hit, &k) != 0) {
			free(k.v);
			ui_say(u, true, "%s", store_error(u->ctx->st));
			return -1;
		}
		pattern_body_hits(p, i, k.v, k.n);
	}
	return 0;
}

/*
 * What a watch running beside the interface did since the message line
 * last told: said there (an error on the line is left standing). The
 * first load compares with what the interface last saw before it quit
 * (meta watch_seen, "STARTED TOTAL"), so that opening it tells what
 * watch did meanwhile.
 */
static void
watch_news(struct ui *u, long long started, long long round, unsigned total,
    unsigned acted, size_t camps)
{
	char when[16];
	struct tm tm;
	time_t t = (time_t)round;
	unsigned n;
	bool first = !u->watch_read;

	if (first) {
		char *seen = store_meta_get(u->ctx->st, "watch_seen");
		long long ss;
		unsigned st;
		bool known = seen && sscanf(seen, "%lld %u", &ss, &st) == 2;
		free(seen);
		u->watch_started = known ? ss : started;
		u->watch_total = known ? st : total;
	}
	n = u->watch_started == started ? (total > u->watch_total ? total -
	    u->watch_total : 0) : total;
	u->watch_started = started;
	u->watch_total = total;
	if (n == 0 || (*u->msg && u->msg_error))
		return;
	localtime_r(&t, &tm);
	strftime(when, sizeof when, first ? "%m-%d %H:%M" : "%H:%M:%S", &tm);
	if (first)
		ui_say(u, false, "watch quarantined %u since you last looked "
		    "(the last at %s)", n, when);
	else if (camps && n == acted)	/* the last round's alone */
		ui_say(u, false, "watch %s: %u quarantined (%zu campaign%s); "
		    "%u since it started", when, n, camps, camps == 1 ? "" :
		    "s", total);
	else
		ui_say(u, false, "watch %s: %u quarantined; %u since it started",
		    when, n, total);
}

/* What watch last said of itself, for the interface to keep: at its next
 * opening, it tells what watch did meanwhile. */
void
ui_watch_seen(struct ui *u)
{
	char v[64];

	if (u->watch_started == 0)
		return;
	snprintf(v, sizeof v, "%lld %u", u->watch_started, u->watch_total);
	(void)store_meta_set(u->ctx->st, "watch_seen", v);
}

int
ui_load(struct ui *u)
{
	struct model m;
	struct store *st = u->ctx->st;

	u->data_version = store_data_version(st);
	model_init(&m, u->ctx->a->quarantine, u->trash);
	if (store_each_item(st, on_item, &m) != 0 ||
	    store_each_quarantined(st, u->ctx->a->quarantine, on_quar, &m) !=
	    0 || store_each_campaign(st, on_camp, &m) != 0) {
		model_free(&m);
		ui_say(u, true, "%s", store_error(st));
		return -1;
	}
	model_carry(&m, &u->m);
	model_finish(&m);
	model_free(&u->m);
	u->m = m;
	/* ~b looked up again: the store may hold new reports */
	ui_pattern_resolve(u, u->limit[LIM_MSGS]);
	ui_pattern_resolve(u, u->limit[LIM_REVIEW]);
	ui_pattern_resolve(u, u->search);
	u->menu.n = MENU_N + m.nfolders;
	/* "TIME NEW GONE ok|partial", as scan_session() leaves it */
	char *last = store_meta_get(st, "last_scan");
	long long t;
	unsigned nw, gone;
	char how[16];
	if (last && sscanf(last, "%lld %u %u %15s", &t, &nw, &gone, how) == 4) {
		char when[32];
		time_t tt = (time_t)t;
		struct tm tm;
		localtime_r(&tt, &tm);
		strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
		snprintf(u->last_scan, sizeof u->last_scan, "%s, %u new, %u gone%s",
		    when, nw, gone, strcmp(how, "ok") ? ", some folders failed" :
		    "");
	} else
		snprintf(u->last_scan, sizeof u->last_scan, "never");
	free(last);
	/* "STARTED LAST-ROUND TOTAL LAST-ACTED CAMPAIGNS", as watch
	 * leaves it */
	char *wl = store_meta_get(st, "watch");
	long long ws, wr;
	unsigned total, acted;
	size_t camps = 0;
	*u->watch_line = '\0';
	if (wl && sscanf(wl, "%lld %lld %u %u %zu", &ws, &wr, &total, &acted,
	    &camps) >= 4) {
		char a[32], b[32];
		struct tm tm;
		time_t t1 = (time_t)ws, t2 = (time_t)wr;
		localtime_r(&t1, &tm);
		strftime(a, sizeof a, "%Y-%m-%d %H:%M", &tm);
		localtime_r(&t2, &tm);
		strftime(b, sizeof b, "%Y-%m-%d %H:%M", &tm);
		snprintf(u->watch_line, sizeof u->watch_line, "watch: started "
		    "%s, %u quarantined since; its last round %s", a, total, b);
		watch_news(u, ws, wr, total, acted, camps);
	}
	u->watch_read = true;
	free(wl);
	return 0;
}

static bool
in_source(struct ui *u, const struct item *it)
{
	switch (u->src) {
	case SRC_VERDICT:	/* what is still to decide */
		return !item_handled(it) && it->verdict == u->src_verdict;
	case SRC_CAMPAIGN:
		return it->campaign == u->src_campaign;
	case SRC_FOLDER:
		return strcmp(it->folder, u->src_folder) == 0;
	default:
		return true;
	}
}

static int
msg_cmp(const void *a, const void *b, void *arg)
{
	const struct ui *u = arg;
	const struct item *x = &u->m.items[*(const size_t *)a];
	const struct item *y = &u->m.items[*(const size_t *)b];
	int c = 0;

	switch (u->msort) {
	case MSORT_DATE: c = (x->date > y->date) - (x->date < y->date); break;
	case MSORT_SCORE: c = (x->score > y->score) - (x->score < y->score);
		break;
	case MSORT_SUBJECT: c = strcasecmp(x->subject, y->subject); break;
	case MSORT_RCPT: c = strcasecmp(x->rcpt, y->rcpt); break;
	default: break;
	}
	if (c == 0)	/* else as the store lists them: folder, UID */
		c = (*(const size_t *)a > *(const size_t *)b) -
		    (*(const size_t *)a < *(const size_t *)b);
	return u->mrev ? -c : c;
}

static const char *const msort_names[MSORT__N] = {
	"folder", "date", "score", "subject", "recipient"
};

void
ui_sort_msgs(struct ui *u, bool reverse)
{
	if (reverse)
		u->mrev = !u->mrev;
	else
		u->msort = (u->msort + 1) % MSORT__N;
	ui_build_msgs(u);
	ui_build_review(u);
	ui_say(u, false, "sorted by %s%s", msort_names[u->msort], u->mrev ?
	    ", reversed" : "");
}

void
ui_build_msgs(struct ui *u)
{
	size_t keep = u->msgs.cur;

	list_clear(&u->msgs);
	for (size_t i = 0; i < u->m.nitems; i++) {
		const struct item *it = &u->m.items[i];
		if (in_source(u, it) && (u->limit[LIM_MSGS] == NULL ||
		    pattern_match(u->limit[LIM_MSGS], it)))
			list_push(&u->msgs, i);
	}
	if ((u->msort != MSORT_FOLDER || u->mrev) && u->msgs.n > 1)
		qsort_r(u->msgs.v, u->msgs.n, sizeof *u->msgs.v, msg_cmp, u);
	u->msgs.cur = keep;
}

void
ui_build_review(struct ui *u)
{
	size_t keep = u->review.cur;

	list_clear(&u->review);
	for (size_t i = 0; i < u->m.nitems; i++)
		if (u->m.items[i].quarantined && (u->limit[LIM_REVIEW] ==
		    NULL || pattern_match(u->limit[LIM_REVIEW], &u->m.items[i])))
			list_push(&u->review, i);
	if ((u->msort != MSORT_FOLDER || u->mrev) && u->review.n > 1)
		qsort_r(u->review.v, u->review.n, sizeof *u->review.v, msg_cmp,
		    u);
	u->review.cur = keep;
}

void
ui_build_camps(struct ui *u)
{
	size_t keep = u->camps.cur;

	campaigns_list(&u->m, u->sort, &u->camps);
	u->camps.cur = keep;
}

enum view
ui_top(struct ui *u)
{
	return u->stack[u->depth];
}

const struct view_ops *
ui_view(struct ui *u)
{
	return u->views[ui_top(u)];
}

/* The reports of u->src, from the top, in the messages view. */
void
ui_show_msgs(struct ui *u)
{
	/* the messages of another source: a limit set on the last is
	 * not carried over, unseen */
	pattern_free(u->limit[LIM_MSGS]);
	u->limit[LIM_MSGS] = NULL;
	u->msgs.cur = u->msgs.top = 0;
	ui_build_msgs(u);
	ui_open_view(u, VIEW_MESSAGES);
}

struct list *
ui_cur_list(struct ui *u)
{
	return ui_view(u)->list ? ui_view(u)->list(u) : NULL;
}

void
ui_rebuild(struct ui *u)
{
	ui_build_camps(u);
	ui_build_msgs(u);
	ui_build_review(u);
	size_t rows = u->rows > 4 ? (size_t)u->rows - 3 : 1;
	list_move(&u->camps, 0, rows);
	list_move(&u->msgs, 0, rows);
	list_move(&u->review, 0, rows);
}

void
ui_open_view(struct ui *u, enum view v)
{
	if (u->depth < (int)(sizeof u->stack / sizeof *u->stack) - 1)
		u->stack[++u->depth] = v;
	else
		u->stack[u->depth] = v;
}

/* The limit of the list on top, or NULL; which list in *which. */
struct pattern *
ui_limit_of(struct ui *u, int *which)
{
	int w = ui_top(u) == VIEW_REVIEW ? LIM_REVIEW : LIM_MSGS;

	if (which)
		*which = w;
	if (ui_top(u) != VIEW_MESSAGES && ui_top(u) != VIEW_REVIEW)
		return NULL;
	return u->limit[w];
}
