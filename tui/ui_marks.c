/* ui_marks.c - marks, tags, patterns, search and limit in the interface. */
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

/* ---- the undo history: one record a marking action ---- */

static void *
need(void *p)
{
	if (p == NULL)
		abort();
	return p;
}

static void
undo_clear(struct undo *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->folder[i]);
	free(r->folder);
	free(r->uid);
	free(r->mark);
	memset(r, 0, sizeof *r);
}

void
ui_undo_free(struct ui *u)
{
	for (size_t i = 0; i < u->nundo; i++)
		undo_clear(&u->undo[i]);
	free(u->undo);
	u->undo = NULL;
	u->nundo = 0;
}

/* A new record, the oldest dropped past UNDO_MAX. */
static void
undo_begin(struct ui *u)
{
	if (u->undo == NULL)
		u->undo = need(calloc(UNDO_MAX, sizeof *u->undo));
	if (u->nundo == UNDO_MAX) {
		undo_clear(&u->undo[0]);
		memmove(u->undo, u->undo + 1, (UNDO_MAX - 1) * sizeof *u->undo);
		memset(&u->undo[UNDO_MAX - 1], 0, sizeof *u->undo);
		u->nundo--;
	}
	u->nundo++;
}

/* Mark it, the mark it had kept in the current record. */
static bool
mark_noted(struct ui *u, struct item *it, enum mark mk)
{
	struct undo *r = &u->undo[u->nundo - 1];
	unsigned char was = it->mark;

	if (!item_mark(it, mk))
		return false;
	if (was == it->mark)
		return true;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->folder = need(reallocarray(r->folder, r->cap,
		    sizeof *r->folder));
		r->uid = need(reallocarray(r->uid, r->cap, sizeof *r->uid));
		r->mark = need(reallocarray(r->mark, r->cap, sizeof *r->mark));
	}
	r->folder[r->n] = ui_text_dup(it->folder);
	r->uid[r->n] = it->uid;
	r->mark[r->n++] = was;
	return true;
}

/* A record that changed nothing is none. */
static void
undo_end(struct ui *u)
{
	if (u->nundo && u->undo[u->nundo - 1].n == 0)
		undo_clear(&u->undo[--u->nundo]);
}

void
ui_do_undo(struct ui *u)
{
	size_t n = 0;

	if (u->nundo == 0) {
		ui_say(u, true, "nothing to undo");
		return;
	}
	struct undo *r = &u->undo[--u->nundo];
	for (size_t i = r->n; i-- > 0; ) {
		struct item *it = model_find(&u->m, r->folder[i], r->uid[i]);
		if (it) {
			it->mark = r->mark[i];
			n++;
		}
	}
	undo_clear(r);
	model_finish(&u->m);
	ui_say(u, false, "undone: %zu message%s as %s", n, n == 1 ? "" : "s",
	    n == 1 ? "it was" : "they were");
}

void
ui_do_clear(struct ui *u)
{
	size_t n = 0;

	undo_begin(u);
	for (size_t i = 0; i < u->m.nitems; i++)
		if (u->m.items[i].mark != MARK_NONE)
			n += mark_noted(u, &u->m.items[i], MARK_NONE);
	undo_end(u);
	model_finish(&u->m);
	if (n)
		ui_say(u, false, "%zu marks cleared (u brings them back)", n);
	else
		ui_say(u, false, "no marks");
}

/* Mark the messages of a campaign not yet handled. */
static size_t
mark_campaign(struct ui *u, int64_t id, enum mark mk)
{
	size_t n = 0;

	for (size_t i = 0; i < u->m.nitems; i++) {
		struct item *it = &u->m.items[i];
		if (it->campaign != id || (item_handled(it) && mk != MARK_NONE))
			continue;
		n += mark_noted(u, it, mk);
	}
	return n;
}

static enum mark
mark_of(enum action a)
{
	switch (a) {
	case ACT_DELETE: return MARK_DELETE;
	case ACT_QUARANTINE: return MARK_QUARANTINE;
	case ACT_KEEP: return MARK_KEEP;
	case ACT_RELEASE: return MARK_RELEASE;
	default: return MARK_NONE;
	}
}

struct item *
ui_cur_item(struct ui *u)
{
	struct list *l = ui_cur_list(u);

	if (ui_top(u) == VIEW_DETAIL)
		return u->shown;
	if (l == NULL || l->n == 0 || (ui_top(u) != VIEW_MESSAGES && ui_top(u) !=
	    VIEW_REVIEW))
		return NULL;
	return &u->m.items[l->v[l->cur]];
}

void
ui_do_mark(struct ui *u, enum action a)
{
	enum mark mk = mark_of(a);
	size_t rows = (size_t)u->rows - 4;

	if (u->offline) {	/* said at the mark, not at the commit */
		ui_say(u, true, "offline: nothing can be committed, so nothing "
		    "is marked (start without --offline to act)");
		return;
	}
	undo_begin(u);
	if (ui_top(u) == VIEW_CAMPAIGNS) {
		if (u->camps.n == 0)
			return;
		const struct campaign *c = &u->m.camps[u->camps.v[u->camps.cur]];
		size_t n = mark_campaign(u, c->id, mk);
		ui_say(u, false, "campaign #%lld: %zu messages %s%s", (long long)c->id,
		    n, mk == MARK_NONE ? "unmarked" : "marked ",
		    mk == MARK_NONE ? "" : mark_names[mk]);
		list_move(&u->camps, 1, rows);
	} else {
		struct item *it = ui_cur_item(u);
		if (it == NULL) {
			undo_end(u);
			return;
		}
		if (!mark_noted(u, it, mk)) {
			undo_end(u);
			ui_say(u, true, mk == MARK_RELEASE ? "only a message in the "
			    "quarantine can be released" : "this message is in "
			    "the quarantine: r releases it, d expunges it");
			return;
		}
		if (ui_top(u) != VIEW_DETAIL)
			list_move(ui_cur_list(u), 1, rows);
	}
	undo_end(u);
	model_finish(&u->m);
}

void
ui_do_mark_all(struct ui *u)
{
	struct list *l = ui_cur_list(u);
	size_t n = 0;

	if (u->offline) {
		ui_say(u, true, "offline: nothing can be committed, so nothing "
		    "is marked (start without --offline to act)");
		return;
	}
	if (l == NULL)
		return;
	undo_begin(u);
	for (size_t k = 0; k < l->n; k++) {
		if (ui_top(u) == VIEW_CAMPAIGNS)
			n += mark_campaign(u, u->m.camps[l->v[k]].id,
			    MARK_QUARANTINE);
		else if (!item_handled(&u->m.items[l->v[k]]))
			n += mark_noted(u, &u->m.items[l->v[k]],
			    MARK_QUARANTINE);
	}
	undo_end(u);
	model_finish(&u->m);
	ui_say(u, false, "%zu messages marked quarantine ($ commits, u undoes)",
	    n);
}

void
ui_do_tagged(struct ui *u)
{
	move(u->rows - 1, 0);
	clrtoeol();
	ui_putl(u, u->rows - 1, 0, u->cols - 1, "tagged: d s K u r t?", false);
	refresh();
	timeout(-1);
	int k = ui_read_key();
	timeout(100);
	*u->msg = '\0';
	enum action a = key_action(VIEW_MESSAGES, k);
	size_t n = 0, refused = 0;
	if (u->offline && a != ACT_TAG) {
		ui_say(u, true, "offline: nothing can be committed, so nothing "
		    "is marked (start without --offline to act)");
		return;
	}
	undo_begin(u);
	for (size_t i = 0; i < u->m.nitems; i++) {
		struct item *it = &u->m.items[i];
		if (!it->tagged)
			continue;
		if (a == ACT_TAG)
			it->tagged = false, n++;
		else if (a == ACT_DELETE || a == ACT_QUARANTINE || a == ACT_KEEP ||
		    a == ACT_UNDO || a == ACT_RELEASE) {
			if (mark_noted(u, it, mark_of(a)))
				n++;
			else
				refused++;
		} else {
			undo_end(u);
			ui_say(u, true, "; takes d, s, K, u, r or t");
			return;
		}
	}
	undo_end(u);
	model_finish(&u->m);
	ui_say(u, false, "%zu tagged messages %s%s", n, a == ACT_TAG ? "untagged" :
	    a == ACT_UNDO ? "unmarked" : "marked ", a == ACT_TAG || a ==
	    ACT_UNDO ? "" : mark_names[mark_of(a)]);
	if (refused)
		ui_say(u, true, "%zu tagged messages could not take that mark "
		    "(release is for the quarantine, quarantine and keep for "
		    "outside it)", refused);
}

void
ui_do_tag(struct ui *u)
{
	size_t rows = (size_t)u->rows - 4;

	if (ui_top(u) == VIEW_CAMPAIGNS) {
		if (u->camps.n == 0)
			return;
		struct campaign *c = &u->m.camps[u->camps.v[u->camps.cur]];
		bool to = !c->tagged;
		for (size_t i = 0; i < u->m.nitems; i++)
			if (u->m.items[i].campaign == c->id)
				u->m.items[i].tagged = to;
		list_move(&u->camps, 1, rows);
	} else {
		struct item *it = ui_cur_item(u);
		if (it == NULL)
			return;
		it->tagged = !it->tagged;
		if (ui_top(u) != VIEW_DETAIL)
			list_move(ui_cur_list(u), 1, rows);
	}
	undo_end(u);
	model_finish(&u->m);
}

static struct pattern *
ask_pattern(struct ui *u, const char *what, char *src, size_t srclen)
{
	char err[256];
	struct pattern *p;
	char *s = ui_prompt(u, what, NULL);

	if (s == NULL)
		return NULL;
	if (pattern_compile(s, &p, err, sizeof err) != 0) {
		ui_say(u, true, "%s", err);
		free(s);
		return NULL;
	}
	if (ui_pattern_resolve(u, p) != 0) {
		pattern_free(p);
		free(s);
		return NULL;
	}
	if (src)
		snprintf(src, srclen, "%s", s);
	free(s);
	return p;
}

void
ui_do_tag_pattern(struct ui *u)
{
	struct pattern *p = ask_pattern(u, "Tag messages matching: ", NULL, 0);
	struct list *l = ui_cur_list(u);
	size_t n = 0;

	if (p == NULL)
		return;
	if (ui_top(u) == VIEW_CAMPAIGNS) {
		for (size_t i = 0; i < u->m.nitems; i++)
			if (pattern_match(p, &u->m.items[i]))
				u->m.items[i].tagged = true, n++;
	} else
		for (size_t k = 0; k < l->n; k++)
			if (pattern_match(p, &u->m.items[l->v[k]]))
				u->m.items[l->v[k]].tagged = true, n++;
	pattern_free(p);
	model_finish(&u->m);
	ui_say(u, false, "%zu messages tagged", n);
}

struct search_arg {
	struct ui	*u;
	bool		*camp_hit;	/* campaigns view: by campaign index */
};

static bool
search_match(size_t i, void *arg)
{
	struct search_arg *a = arg;

	if (a->camp_hit)
		return a->camp_hit[i];
	return pattern_match(a->u->search, &a->u->m.items[i]);
}

void
ui_do_search(struct ui *u, bool again, bool back)
{
	struct list *l = ui_cur_list(u);
	struct search_arg a = { u, NULL };

	if (!again || u->search == NULL) {
		struct pattern *p = ask_pattern(u, "Search for: ", NULL, 0);
		if (p == NULL)
			return;
		pattern_free(u->search);
		u->search = p;
	}
	if (l == NULL || l->n == 0)
		return;
	if (ui_top(u) == VIEW_CAMPAIGNS) {
		/* a campaign matches when one of its messages does: one pass
		 * over the messages, not one per campaign */
		a.camp_hit = calloc(u->m.ncamps + 1, sizeof *a.camp_hit);
		if (a.camp_hit == NULL)
			abort();
		for (size_t k = 0; k < u->m.nitems; k++) {
			const struct item *it = &u->m.items[k];
			struct campaign *c;
			if (it->campaign > 0 && pattern_match(u->search, it) &&
			    (c = model_campaign(&u->m, it->campaign)) != NULL)
				a.camp_hit[c - u->m.camps] = true;
		}
	}
	if (!(back ? list_find_back(l, l->cur + l->n - (again ? 1 : 0),
	    search_match, &a) : list_find(l, l->cur + (again ? 1 : 0),
	    search_match, &a)))
		ui_say(u, true, "not found");
	free(a.camp_hit);
	list_move(l, 0, (size_t)u->rows - 4);
}

/* A limit belongs to the list it was set on: the messages (until they
 * are opened on something else) or the review. */
void
ui_do_limit(struct ui *u)
{
	char src[128];
	int w;

	if (ui_top(u) != VIEW_MESSAGES && ui_top(u) != VIEW_REVIEW) {
		ui_say(u, true, "l limits a list of messages: open one first "
		    "(Enter, m or R)");
		return;
	}
	ui_limit_of(u, &w);
	struct pattern *p = ask_pattern(u, "Limit to (~A: all): ", src,
	    sizeof src);
	if (p == NULL)
		return;
	pattern_free(u->limit[w]);
	u->limit[w] = NULL;
	if (strcmp(src, "~A") == 0)
		pattern_free(p);
	else {
		u->limit[w] = p;
		snprintf(u->limit_src[w], sizeof u->limit_src[w], "%s", src);
	}
	(w == LIM_REVIEW ? &u->review : &u->msgs)->cur = 0;
	ui_rebuild(u);
}
