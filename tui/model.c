/* model.c - the interface's data and rules, without curses (see model.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

#include "model.h"

const char *const mark_names[MARK__N] = {
	"none", "delete", "quarantine", "keep", "release"
};
const char *const sort_names[SORT__N] = { "size", "last seen", "first seen" };
const char *const view_names[VIEW__N] = {
	"overview", "campaigns", "messages", "detail", "review", "help"
};

/* ---- an arena for the strings of 100,000s of reports ---- */
struct arena {
	struct arena	*next;
	size_t		 used, size;
	char		 mem[];
};
#define ARENA_BLOCK	(1 << 20)

static const char *
arena_dup(struct model *m, const char *s)
{
	size_t len;
	char *p;

	if (s == NULL || *s == '\0')
		return "";
	len = strlen(s) + 1;
	if (m->arena == NULL || m->arena->size - m->arena->used < len) {
		size_t size = len > ARENA_BLOCK ? len : ARENA_BLOCK;
		struct arena *a = malloc(sizeof *a + size);
		if (a == NULL)
			abort();
		a->next = m->arena;
		a->used = 0;
		a->size = size;
		m->arena = a;
	}
	p = m->arena->mem + m->arena->used;
	memcpy(p, s, len);
	m->arena->used += len;
	return p;
}

void
model_init(struct model *m, const char *quarantine, const char *trash)
{
	memset(m, 0, sizeof *m);
	m->quarantine = arena_dup(m, quarantine ? quarantine : "");
	m->trash = arena_dup(m, trash ? trash : "");
}

bool
item_handled(const struct item *it)
{
	return it->quarantined || it->trashed || it->kept;
}

void
model_free(struct model *m)
{
	while (m->arena) {
		struct arena *next = m->arena->next;
		free(m->arena);
		m->arena = next;
	}
	free(m->items);
	free(m->camps);
	free(m->folders);
	free(m->folder_n);
	memset(m, 0, sizeof *m);
}

static void *
grow(void *v, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return v;
	*cap = *cap ? *cap * 2 : 1024;
	if ((v = realloc(v, *cap * size)) == NULL)
		abort();
	return v;
}

struct item *
model_add(struct model *m, const struct store_item *s)
{
	const char *folder = s->folder ? s->folder : "";
	struct item *it;

	m->items = grow(m->items, &m->icap, m->nitems, sizeof *it);
	it = &m->items[m->nitems++];
	memset(it, 0, sizeof *it);
	/* folders repeat: share the last one's copy */
	if (m->nitems > 1 && strcmp(it[-1].folder, folder) == 0)
		it->folder = it[-1].folder;
	else
		it->folder = arena_dup(m, folder);
	it->uid = s->uid;
	it->message_id = arena_dup(m, s->message_id);
	it->date = s->date;
	it->kind = arena_dup(m, s->kind);
	it->rcpt = arena_dup(m, s->rcpt);
	it->reason = arena_dup(m, s->reason);
	it->status = arena_dup(m, s->status);
	it->verdict = s->verdict;
	it->score = s->score;
	it->campaign = s->campaign;
	it->subject = arena_dup(m, s->subject);
	it->from = arena_dup(m, s->from);
	it->mta = arena_dup(m, s->mta);
	it->kept = s->kept;
	it->quarantined = strcmp(it->folder, m->quarantine) == 0;
	it->trashed = *m->trash && strcmp(it->folder, m->trash) == 0;
	it->origin = "";
	return it;
}

static int
item_cmp(const char *folder, uint32_t uid, const struct item *it)
{
	int c = strcmp(folder, it->folder);
	if (c)
		return c;
	return uid < it->uid ? -1 : uid > it->uid;
}

struct item *
model_find(struct model *m, const char *folder, uint32_t uid)
{
	size_t lo = 0, hi = m->nitems;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = item_cmp(folder, uid, &m->items[mid]);
		if (c == 0)
			return &m->items[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

void
model_quarantined(struct model *m, uint32_t uid, int64_t qid,
    const char *origin, int64_t since)
{
	struct item *it = model_find(m, m->quarantine, uid);

	if (it == NULL)
		return;
	it->qid = qid;
	it->origin = arena_dup(m, origin);
	it->since = since;
}

struct campaign *
model_add_campaign(struct model *m, int64_t id, int64_t size,
    int64_t backscatter, int64_t first, int64_t last, const char *subject,
    const char *forged, const char *mtas)
{
	struct campaign *c;

	m->camps = grow(m->camps, &m->ccap, m->ncamps, sizeof *c);
	c = &m->camps[m->ncamps++];
	memset(c, 0, sizeof *c);
	c->id = id;
	c->size = size;
	c->backscatter = backscatter;
	c->first_seen = first;
	c->last_seen = last;
	c->subject = arena_dup(m, subject);
	c->forged = arena_dup(m, forged);
	c->mtas = arena_dup(m, mtas);
	return c;
}

struct campaign *
model_campaign(struct model *m, int64_t id)
{
	/* campaign ids are small and dense: try the index first */
	if (id > 0 && (size_t)id <= m->ncamps && m->camps[id - 1].id == id)
		return &m->camps[id - 1];
	for (size_t i = 0; i < m->ncamps; i++)
		if (m->camps[i].id == id)
			return &m->camps[i];
	return NULL;
}

static const char *const kinds[6] = {
	"bounce", "delay", "delivered", "autoreply", "feedback", "other"
};

void
model_finish(struct model *m)
{
	struct campaign **by_id = NULL;
	int64_t maxid = 0;

	m->legit = m->backscatter = m->unsure = m->unjudged = 0;
	memset(m->by_kind, 0, sizeof m->by_kind);
	m->in_quarantine = m->oldest_quarantined = 0;
	m->nfolders = 0;
	for (size_t i = 0; i < m->ncamps; i++) {
		struct campaign *c = &m->camps[i];
		c->handled = c->marked = c->present = 0;
		c->tagged = true;
		if (c->id > maxid)
			maxid = c->id;
	}
	if (maxid > 0 && (size_t)maxid < 64 * (m->ncamps + 16)) {
		if ((by_id = calloc((size_t)maxid + 1, sizeof *by_id)) == NULL)
			abort();
		for (size_t i = 0; i < m->ncamps; i++)
			if (m->camps[i].id > 0)
				by_id[m->camps[i].id] = &m->camps[i];
	}
	for (size_t i = 0; i < m->nitems; i++) {
		struct item *it = &m->items[i];
		switch (it->verdict) {
		case NDR_LEGIT: m->legit++; break;
		case NDR_BACKSCATTER: m->backscatter++; break;
		case NDR_UNSURE: m->unsure++; break;
		default: m->unjudged++; break;
		}
		/* items are by folder: a new folder starts a new count */
		if (m->nfolders == 0 || strcmp(m->folders[m->nfolders - 1],
		    it->folder) != 0) {
			m->folders = realloc(m->folders, (m->nfolders + 1) *
			    sizeof *m->folders);
			m->folder_n = realloc(m->folder_n, (m->nfolders + 1) *
			    sizeof *m->folder_n);
			if (m->folders == NULL || m->folder_n == NULL)
				abort();
			m->folders[m->nfolders] = it->folder;
			m->folder_n[m->nfolders++] = 0;
		}
		m->folder_n[m->nfolders - 1]++;
		for (size_t k = 0; k < 6; k++)
			if (strcmp(it->kind, kinds[k]) == 0) {
				m->by_kind[k]++;
				break;
			}
		if (it->quarantined) {
			m->in_quarantine++;
			if (it->since && (m->oldest_quarantined == 0 ||
			    it->since < m->oldest_quarantined))
				m->oldest_quarantined = it->since;
		}
		if (it->campaign <= 0)
			continue;
		struct campaign *c = by_id ? (it->campaign <= maxid ?
		    by_id[it->campaign] : NULL) : model_campaign(m, it->campaign);
		if (c == NULL)
			continue;
		c->present++;
		if (item_handled(it))
			c->handled++;
		if (it->mark != MARK_NONE)
			c->marked++;
		if (!it->tagged)
			c->tagged = false;
	}
	/* what another client moved or expunged is gone from the store:
	 * a campaign is as large as what is left of it */
	for (size_t i = 0; i < m->ncamps; i++)
		if (m->camps[i].present < m->camps[i].size)
			m->camps[i].size = m->camps[i].present;
	free(by_id);
}

void
model_carry(struct model *m, const struct model *old)
{
	for (size_t i = 0; i < old->nitems; i++) {
		const struct item *o = &old->items[i];
		struct item *it;
		if (o->mark == MARK_NONE && !o->tagged)
			continue;
		if ((it = model_find(m, o->folder, o->uid)) == NULL)
			continue;
		it->tagged = o->tagged;
		if (o->mark != MARK_NONE)
			item_mark(it, (enum mark)o->mark);
	}
}

size_t
model_marks(const struct model *m, size_t counts[MARK__N])
{
	size_t total = 0;

	memset(counts, 0, MARK__N * sizeof *counts);
	for (size_t i = 0; i < m->nitems; i++)
		if (m->items[i].mark != MARK_NONE) {
			counts[m->items[i].mark]++;
			total++;
		}
	return total;
}

bool
item_mark(struct item *it, enum mark mk)
{
	if (it->trashed && mk != MARK_NONE)
		return false;
	switch (mk) {
	case MARK_QUARANTINE:
	case MARK_KEEP:
		if (it->quarantined)
			return false;
		break;
	case MARK_RELEASE:
		if (!it->quarantined)
			return false;
		break;
	default:
		break;
	}
	it->mark = (unsigned char)mk;
	return true;
}

/* ---- lists ---- */
void
list_clear(struct list *l)
{
	l->n = l->cur = l->top = 0;
}

void
list_push(struct list *l, size_t v)
{
	l->v = grow(l->v, &l->cap, l->n, sizeof *l->v);
	l->v[l->n++] = v;
}

void
list_free(struct list *l)
{
	free(l->v);
	memset(l, 0, sizeof *l);
}

void
list_move(struct list *l, long delta, size_t rows)
{
	long cur = (long)l->cur + delta;

	if (l->n == 0) {
		l->cur = l->top = 0;
		return;
	}
	if (cur < 0)
		cur = 0;
	if ((size_t)cur >= l->n)
		cur = (long)l->n - 1;
	l->cur = (size_t)cur;
	if (rows == 0)
		rows = 1;
	if (l->cur < l->top)
		l->top = l->cur;
	if (l->cur >= l->top + rows)
		l->top = l->cur - rows + 1;
	if (l->top + rows > l->n)
		l->top = l->n > rows ? l->n - rows : 0;
}

bool
list_find(struct list *l, size_t from, bool (*match)(size_t, void *),
    void *arg)
{
	for (size_t k = 0; k < l->n; k++) {
		size_t i = (from + k) % l->n;
		if (match(l->v[i], arg)) {
			l->cur = i;
			return true;
		}
	}
	return false;
}

bool
list_find_back(struct list *l, size_t from, bool (*match)(size_t, void *),
    void *arg)
{
	for (size_t k = 0; k < l->n; k++) {
		size_t i = (from + l->n - k % l->n) % l->n;
		if (match(l->v[i], arg)) {
			l->cur = i;
			return true;
		}
	}
	return false;
}

static const struct model *sort_model;
static enum camp_sort sort_by;

static int
camp_cmp(const void *a, const void *b)
{
	const struct campaign *x = &sort_model->camps[*(const size_t *)a];
	const struct campaign *y = &sort_model->camps[*(const size_t *)b];
	int64_t kx, ky;

	switch (sort_by) {
	case SORT_LAST: kx = x->last_seen; ky = y->last_seen; break;
	case SORT_FIRST: kx = x->first_seen; ky = y->first_seen; break;
	default: kx = x->size; ky = y->size; break;
	}
	if (kx != ky)
		return kx > ky ? -1 : 1;	/* largest, newest first */
	return x->id < y->id ? -1 : x->id > y->id;
}

void
campaigns_list(const struct model *m, enum camp_sort by, struct list *l)
{
	list_clear(l);
	for (size_t i = 0; i < m->ncamps; i++)
		list_push(l, i);
	sort_model = m;
	sort_by = by;
	if (l->n > 1)
		qsort(l->v, l->n, sizeof *l->v, camp_cmp);
}

/* ---- keys ---- */
#define V(x)	(1u << (x))
#define LISTS	(V(VIEW_OVERVIEW) | V(VIEW_CAMPAIGNS) | V(VIEW_MESSAGES) | \
		 V(VIEW_REVIEW))
#define MOVE	(LISTS | V(VIEW_DETAIL) | V(VIEW_HELP))
#define MARKS	(V(VIEW_CAMPAIGNS) | V(VIEW_MESSAGES) | V(VIEW_REVIEW) | \
		 V(VIEW_DETAIL))
#define ALL	(LISTS | V(VIEW_DETAIL))
#define MSGS	(V(VIEW_MESSAGES) | V(VIEW_REVIEW))

const struct binding bindings[] = {
	{ MOVE, 'j', ACT_DOWN, "j Down", "next line" },
	{ MOVE, NK_DOWN, ACT_DOWN, NULL, NULL },
	{ MOVE, 'k', ACT_UP, "k Up", "previous line" },
	{ MOVE, NK_UP, ACT_UP, NULL, NULL },
	{ MOVE, NK_PGDN, ACT_PGDN, "PgDn Space", "next page" },
	{ MOVE, ' ', ACT_PGDN, NULL, NULL },
	{ MOVE, NK_PGUP, ACT_PGUP, "PgUp -", "previous page" },
	{ MOVE, '-', ACT_PGUP, NULL, NULL },
	{ MOVE, NK_HOME, ACT_HOME, "Home =", "first line" },
	{ MOVE, '=', ACT_HOME, NULL, NULL },
	{ MOVE, NK_END, ACT_END, "End *", "last line" },
	{ MOVE, '*', ACT_END, NULL, NULL },
	{ LISTS, NK_ENTER, ACT_OPEN, "Enter", "open" },
	{ V(VIEW_OVERVIEW) | V(VIEW_MESSAGES) | V(VIEW_REVIEW), 'c',
	    ACT_CAMPAIGNS, "c", "campaigns" },
	{ V(VIEW_OVERVIEW) | V(VIEW_CAMPAIGNS) | V(VIEW_REVIEW), 'm',
	    ACT_MESSAGES, "m", "all reports" },
	{ V(VIEW_OVERVIEW) | V(VIEW_CAMPAIGNS) | V(VIEW_MESSAGES), 'R',
	    ACT_REVIEW, "R", "review the quarantine" },
	{ V(VIEW_CAMPAIGNS) | MSGS | V(VIEW_DETAIL), 't', ACT_TAG, "t",
	    "tag (a campaign: all its messages)" },
	{ V(VIEW_CAMPAIGNS) | MSGS, 'T', ACT_TAG_PATTERN, "T",
	    "tag messages matching a pattern" },
	{ MARKS, ';', ACT_TAGGED, ";",
	    "apply the next key (d s K u r t) to the tagged" },
	{ MARKS, 'd', ACT_DELETE, "d",
	    "mark delete (to Trash; in the quarantine: expunge)" },
	{ MARKS, 's', ACT_QUARANTINE, "s", "mark quarantine" },
	{ V(VIEW_CAMPAIGNS) | V(VIEW_MESSAGES), 'S', ACT_QUAR_ALL, "S",
	    "mark quarantine every line of the list (as limited)" },
	{ MARKS, 'K', ACT_KEEP, "K", "mark keep (not backscatter)" },
	{ MARKS, 'u', ACT_UNDO, "u", "undo the last marking (again: the one "
	    "before)" },
	{ MARKS, 'U', ACT_CLEAR, "U", "clear every mark (u brings them back)" },
	{ MSGS | V(VIEW_DETAIL), 'r', ACT_RELEASE, "r",
	    "mark release (back where it came from)" },
	{ ALL, '$', ACT_COMMIT, "$", "commit the marks (asks first)" },
	{ V(VIEW_CAMPAIGNS) | MSGS, 'l', ACT_LIMIT, "l",
	    "limit to a pattern (~A: all)" },
	{ V(VIEW_CAMPAIGNS) | MSGS, '/', ACT_SEARCH, "/", "search" },
	{ V(VIEW_CAMPAIGNS) | MSGS, 'n', ACT_NEXT, "n", "search again" },
	{ V(VIEW_CAMPAIGNS) | MSGS, 'N', ACT_PREV, "N",
	    "search again, backwards" },
	{ V(VIEW_CAMPAIGNS), 'F', ACT_RULE, "F",
	    "a rule on the server that files this campaign's future "
	    "backscatter (Sieve; asks first)" },
	{ V(VIEW_CAMPAIGNS), 'o', ACT_SORT, "o",
	    "sort by size, last seen, first seen" },
	{ MSGS, 'o', ACT_SORT, "o",
	    "sort by date, score, subject, recipient" },
	{ MSGS, 'O', ACT_RSORT, "O", "reverse the order" },
	{ MSGS | V(VIEW_DETAIL), 'h', ACT_RAW, "h",
	    "the message as the server has it, all headers (again: back)" },
	{ MSGS | V(VIEW_DETAIL), '|', ACT_PIPE, "|",
	    "pipe the message to a command" },
	{ MSGS | V(VIEW_DETAIL), 'C', ACT_SAVE, "C",
	    "save the message to a file (s is quarantine)" },
	{ ALL, '?', ACT_HELP, "?", "this help" },
	{ ALL | V(VIEW_HELP), 'q', ACT_BACK, "q", "back; quit on the overview" },
	{ V(VIEW_HELP), '?', ACT_BACK, NULL, NULL },
	{ V(VIEW_HELP) | V(VIEW_DETAIL), NK_ESC, ACT_BACK, NULL, NULL },
	{ ALL, 'x', ACT_QUIT, "x", "quit without committing" },
	{ ALL | V(VIEW_HELP), 12, ACT_REDRAW, "^L", "redraw" },
	{ 0, 0, ACT_NONE, NULL, NULL },
};

enum action
key_default(enum view v, int key)
{
	for (const struct binding *b = bindings; b->views; b++)
		if ((b->views & V(v)) && b->key == key)
			return b->act;
	return ACT_NONE;
}

const char *
key_default_help(enum action a)
{
	for (const struct binding *b = bindings; b->views; b++)
		if (b->act == a && b->help)
			return b->help;
	return "nothing";
}

/* ---- text ---- */

/* One UTF-8 character of s: its code point (or -1 when invalid) and
 * length. */
static long
utf8_next(const unsigned char *s, int *len)
{
	unsigned char c = s[0];
	long cp;
	int n;

	if (c < 0x80) {
		*len = 1;
		return c;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else {
		*len = 1;
		return -1;
	}
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*len = i;
			return -1;
		}
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	*len = n;
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 ||
	    cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	return cp;
}

/* A bidirectional control (core's ndr_bidi_len, by code point): shown
 * as '?', so that a subject cannot turn the rest of a row around. */
static bool
is_bidi(long cp)
{
	return cp == 0x61c || cp == 0x200e || cp == 0x200f ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/* How the character at p shows: its length in bytes, its width in
 * columns, and a replacement when it must not be shown as itself. */
static const char *
char_show(const unsigned char *p, bool utf8, int *len, int *w)
{
	long cp = utf8_next(p, len);

	*w = 1;
	if (cp == '\t' || cp == '\n' || cp == '\r')
		return " ";
	if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) ||
	    is_bidi(cp))
		return "?";
	if (cp < 0x80)
		return NULL;
	if (!utf8)
		return "?";
	if ((*w = wcwidth((wchar_t)cp)) < 0) {
		*w = 1;
		return "?";
	}
	return NULL;
}

/* The characters at *p shown into out at *o while their columns stay
 * within limit (counted in *used) and reserve bytes are left; *p left at
 * the first that did not fit. */
static void
copy_fit(const unsigned char **p, int limit, bool utf8, char *out,
    size_t outlen, size_t reserve, size_t *o, int *used)
{
	int len, w;

	for (; **p; *p += len) {
		const char *rep = char_show(*p, utf8, &len, &w);
		size_t need = rep ? strlen(rep) : (size_t)len;
		if (*used + w > limit || *o + need + reserve > outlen)
			break;
		memcpy(out + *o, rep ? rep : (const char *)*p, need);
		*o += need;
		*used += w;
	}
}

/* Padded with spaces to cols when pad, and ended. */
static int
pad_end(char *out, size_t outlen, size_t o, int used, int cols, bool pad)
{
	while (pad && used < cols && o + 1 < outlen) {
		out[o++] = ' ';
		used++;
	}
	out[o] = '\0';
	return used;
}

int
text_fit(const char *s, int cols, bool pad, bool utf8, char *out,
    size_t outlen)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t o = 0;
	int used = 0, len, w, total = 0, limit = cols;

	if (outlen == 0)
		return 0;
	/* all of it, or what fits before a '>' that says there is more */
	for (const unsigned char *q = p; *q && total <= cols; q += len) {
		char_show(q, utf8, &len, &w);
		total += w;
	}
	if (total > cols)
		limit = cols - 1;
	copy_fit(&p, limit, utf8, out, outlen, 2, &o, &used);
	if (*p && cols > 0) {
		out[o++] = '>';
		used++;
	}
	return pad_end(out, outlen, o, used, cols, pad);
}

int
text_fit_path(const char *s, int cols, bool pad, bool utf8, char *out,
    size_t outlen)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	const char *ell = utf8 ? "\u2026" : "...";
	int ellw = utf8 ? 1 : 3, total = 0, len, w, sepw = -1;

	for (const unsigned char *q = p; *q; q += len) {
		char_show(q, utf8, &len, &w);
		if (*q == '/' || *q == '.')
			sepw = total;	/* the last part starts here */
		total += w;
	}
	if (total <= cols || cols < ellw + 2 || outlen < 16)
		return text_fit(s, cols, pad, utf8, out, outlen);
	/* the last part whole where it leaves the head a third, the head
	 * from the start in what is left */
	int budget = cols - ellw, tailw = sepw < 0 ? budget / 2 : total - sepw;
	if (tailw > budget - budget / 3)
		tailw = budget - budget / 3;
	int headw = budget - tailw, used = 0;
	size_t o = 0;
	const unsigned char *q = p;
	copy_fit(&q, headw, utf8, out, outlen, 8, &o, &used);
	o += (size_t)snprintf(out + o, outlen - o, "%s", ell);
	used += ellw;
	/* the tail: from the first character that starts within what is
	 * left of the end, as many as fit */
	int skip = total - (cols - used), at = 0;
	for (q = p; *q && at < skip; q += len) {
		char_show(q, utf8, &len, &w);
		at += w;
	}
	copy_fit(&q, cols, utf8, out, outlen, 3, &o, &used);
	return pad_end(out, outlen, o, used, cols, pad);
}

size_t
text_cut(const char *s, int cols, bool utf8)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t space = 0;
	int used = 0, len, w;

	while (*p) {
		char_show(p, utf8, &len, &w);
		if (used + w > cols && p != (const unsigned char *)s)
			break;
		used += w;
		p += len;
		if (*p == ' ')
			space = (size_t)(p - (const unsigned char *)s);
	}
	if (*p == '\0')
		return (size_t)(p - (const unsigned char *)s);
	if (space > 0 && used > 0 && (int)space >= cols / 2)
		return space;
	return (size_t)(p - (const unsigned char *)s);
}

void
sparkline(const int64_t *counts, size_t n, bool utf8, char *out,
    size_t outlen)
{
	static const char *const blocks[8] = {
		"\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
		"\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88"
	};
	static const char ascii[] = ".:-=+*#";
	int64_t max = 0;
	size_t o = 0;

	for (size_t i = 0; i < n; i++)
		if (counts[i] > max)
			max = counts[i];
	for (size_t i = 0; i < n; i++) {
		const char *cell = " ";
		char a[2] = { 0, 0 };
		if (counts[i] > 0) {
			int lv = utf8 ? 8 : 7;
			int k = (int)((counts[i] * lv + max - 1) / max) - 1;
			if (k < 0)
				k = 0;
			if (utf8)
				cell = blocks[k];
			else {
				a[0] = ascii[k];
				cell = a;
			}
		}
		size_t len = strlen(cell);
		if (o + len + 1 > outlen)
			break;
		memcpy(out + o, cell, len);
		o += len;
	}
	if (outlen)
		out[o] = '\0';
}

void
per_day(const struct model *m, int64_t today, size_t days, int64_t *counts)
{
	int64_t last = today / 86400;

	memset(counts, 0, days * sizeof *counts);
	for (size_t i = 0; i < m->nitems; i++) {
		int64_t d = m->items[i].date / 86400;
		if (m->items[i].date <= 0 || d > last || last - d >= (int64_t)days)
			continue;
		counts[days - 1 - (size_t)(last - d)]++;
	}
}
