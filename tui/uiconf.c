/*
 * uiconf.c - the configuration's [ui] section: keys bound as mutt binds
 * them, and colours. Without curses (tests/check_model.c runs it).
 *
 *   bind = VIEWS KEY FUNCTION	VIEWS: overview, campaigns, messages,
 *				review, detail, help, lists, all, or some
 *				of them joined by commas; KEY: a character,
 *				^X, or Enter Esc Space Tab Backspace Up Down
 *				PgUp PgDn Home End; FUNCTION: a name of
 *				key_func_names, "noop" unbinds
 *   color = ITEM FG [BG]	ITEM: bar legit backscatter unsure mark
 *				error; a colour: default black red green
 *				yellow blue magenta cyan white, brightNAME,
 *				or colorN (0-255)
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

/* By enum action: what bind calls each. */
const char *const key_func_names[] = {
	"noop", "up", "down", "page-up", "page-down", "first", "last",
	"open", "back", "quit", "tag", "tag-pattern", "tag-prefix",
	"delete", "quarantine", "keep", "undo", "commit",
	"release", "limit", "search", "search-next", "help", "sort",
	"campaigns", "messages", "review", "redraw", "clear-marks",
	"search-prev", "sort-reverse", "raw", "pipe", "save",
	"quarantine-all", "server-rule", NULL
};

#define USER_MAX	64
static struct binding user[USER_MAX];
static char user_name[USER_MAX][16];
static size_t nuser;

static const struct {
	const char	*name;
	int		 key;
} named_keys[] = {
	{ "Enter", NK_ENTER }, { "Esc", NK_ESC }, { "Space", ' ' },
	{ "Tab", '\t' }, { "Backspace", NK_BACKSPACE }, { "Up", NK_UP },
	{ "Down", NK_DOWN }, { "PgUp", NK_PGUP }, { "PgDn", NK_PGDN },
	{ "Home", NK_HOME }, { "End", NK_END },
};

/* A key as bind writes it; -1 when it is none. */
static int
key_parse(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s);

	for (size_t i = 0; i < sizeof named_keys / sizeof *named_keys; i++)
		if (strcasecmp(s, named_keys[i].name) == 0)
			return named_keys[i].key;
	if (len == 2 && p[0] == '^' && toupper(p[1]) >= '@' &&
	    toupper(p[1]) <= '_')
		return toupper(p[1]) - '@';
	if (len == 1 && p[0] > ' ' && p[0] < 0x7f)
		return p[0];
	/* one UTF-8 character */
	int n = p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc2 ? 2 : 0;
	if (n == 0 || (int)len != n)
		return -1;
	int cp = p[0] & (0x7f >> n);
	for (int i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return -1;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	return cp;
}

void
key_label(int key, char *out, size_t len)
{
	for (size_t i = 0; i < sizeof named_keys / sizeof *named_keys; i++)
		if (key == named_keys[i].key) {
			snprintf(out, len, "%s", named_keys[i].name);
			return;
		}
	if (key > 0 && key < ' ')
		snprintf(out, len, "^%c", key + '@');
	else if (key < 0x80)
		snprintf(out, len, "%c", key);
	else if (key < 0x800)
		snprintf(out, len, "%c%c", 0xc0 | key >> 6, 0x80 | (key & 0x3f));
	else if (key < 0x10000)
		snprintf(out, len, "%c%c%c", 0xe0 | key >> 12,
		    0x80 | (key >> 6 & 0x3f), 0x80 | (key & 0x3f));
	else
		snprintf(out, len, "%c%c%c%c", 0xf0 | key >> 18,
		    0x80 | (key >> 12 & 0x3f), 0x80 | (key >> 6 & 0x3f),
		    0x80 | (key & 0x3f));
}

/* "messages,review" as view bits; 0 when a name is wrong. */
static unsigned
views_parse(const char *s)
{
	unsigned bits = 0;
	char buf[128], *save, *w;

	snprintf(buf, sizeof buf, "%s", s);
	for (w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		unsigned b = 0;
		for (int v = 0; v < VIEW__N; v++)
			if (strcmp(w, view_names[v]) == 0)
				b = 1u << v;
		if (strcmp(w, "all") == 0)
			b = (1u << VIEW__N) - 1;
		if (strcmp(w, "lists") == 0)
			b = 1u << VIEW_OVERVIEW | 1u << VIEW_CAMPAIGNS |
			    1u << VIEW_MESSAGES | 1u << VIEW_REVIEW;
		if (b == 0)
			return 0;
		bits |= b;
	}
	return bits;
}

int
key_bind(const char *value, char *err, size_t errlen)
{
	char views[128], key[32], func[32], extra[2];
	unsigned v;
	int k, f;

	if (sscanf(value, "%127s %31s %31s %1s", views, key, func, extra) !=
	    3) {
		snprintf(err, errlen, "bind takes VIEWS KEY FUNCTION");
		return -1;
	}
	if ((v = views_parse(views)) == 0) {
		snprintf(err, errlen, "bind: no view '%s' (overview, campaigns, "
		    "messages, review, detail, help, lists, all)", views);
		return -1;
	}
	if ((k = key_parse(key)) < 0) {
		snprintf(err, errlen, "bind: '%s' is not a key (a character, "
		    "^X, Enter, Esc, Space, Up, ...)", key);
		return -1;
	}
	for (f = 0; key_func_names[f]; f++)
		if (strcmp(func, key_func_names[f]) == 0)
			break;
	if (key_func_names[f] == NULL) {
		snprintf(err, errlen, "bind: no function '%s' (see ndrsweep(1), "
		    "KEYS)", func);
		return -1;
	}
	if (nuser == USER_MAX) {
		snprintf(err, errlen, "bind: more than %d bindings", USER_MAX);
		return -1;
	}
	key_label(k, user_name[nuser], sizeof user_name[nuser]);
	user[nuser] = (struct binding){ v, k, (enum action)f,
	    user_name[nuser], NULL };
	nuser++;
	return 0;
}

void
key_unbind_all(void)
{
	nuser = 0;
}

enum action
key_action(enum view v, int key)
{
	/* the configuration's first, the last one written winning */
	for (size_t i = nuser; i-- > 0;)
		if ((user[i].views & 1u << v) && user[i].key == key)
			return user[i].act;
	return key_default(v, key);
}

/* The configuration's key for act in v, or -1. */
static int
key_of(enum view v, enum action act)
{
	for (size_t i = nuser; i-- > 0;)
		if ((user[i].views & 1u << v) && user[i].act == act &&
		    key_action(v, user[i].key) == act)
			return user[i].key;
	return -1;
}

size_t
key_help(enum view v, const char **names, const char **helps, size_t max)
{
	size_t n = 0;

	/* the configuration's bindings first, then the defaults still
	 * standing (a default whose key was bound again is not listed) */
	for (size_t i = 0; i < nuser && n < max; i++)
		if ((user[i].views & 1u << v) && user[i].act != ACT_NONE &&
		    key_action(v, user[i].key) == user[i].act) {
			names[n] = user[i].name;
			helps[n++] = key_default_help(user[i].act);
		}
	for (const struct binding *b = bindings; b->views && n < max; b++)
		if ((b->views & 1u << v) && b->name &&
		    key_action(v, b->key) == b->act) {
			names[n] = b->name;
			helps[n++] = b->help;
		}
	return n;
}

/* One hint ("d/s:mark") with its keys as bound now into out; false
 * when no key does its work any more. */
static bool
hint_rebind(enum view v, const char *h, size_t hl, char *out, size_t len)
{
	const char *colon = memchr(h, ':', hl), *k = h;
	size_t o = 0;

	if (colon == NULL || colon == h) {
		snprintf(out, len, "%.*s", (int)hl, h);
		return true;
	}
	*out = '\0';
	while (k < colon) {
		size_t kl = strcspn(k, "/:");
		char kn[16];
		snprintf(kn, sizeof kn, "%.*s", (int)kl, k);
		int key = key_parse(kn);
		enum action d = key < 0 ? ACT_NONE : key_default(v, key);
		if (d != ACT_NONE && key_action(v, key) != d) {
			/* bound again: the key that does it now, or none */
			int nk = key_of(v, d);
			if (nk < 0)
				kn[0] = '\0';
			else
				key_label(nk, kn, sizeof kn);
		}
		if (*kn && o < len)
			o += (size_t)snprintf(out + o, len - o, "%s%s", o ? "/" :
			    "", kn);
		k += kl;
		if (*k == '/')
			k++;
	}
	if (o == 0)
		return false;
	if (o < len)
		snprintf(out + o, len - o, "%.*s", (int)(h + hl - colon), colon);
	return true;
}

void
key_hints(enum view v, const char *hints, char *out, size_t len)
{
	size_t o = 0, pending = 0;
	const char *p = hints;

	*out = '\0';
	while (*p) {
		size_t sep = strspn(p, " "), hl;
		char h[64];
		p += sep;
		if ((hl = strcspn(p, " ")) == 0)
			break;
		if (!hint_rebind(v, p, hl, h, sizeof h)) {
			/* left out, with the space before it */
			pending = sep > pending ? sep : pending;
		} else if (o < len) {
			size_t gap = o == 0 ? 0 : sep > pending ? sep : pending;
			o += (size_t)snprintf(out + o, len - o, "%*s%s", (int)gap,
			    "", h);
			pending = 0;
		}
		p += hl;
	}
}

/* ---- colours ---- */
const char *const ui_color_names[UC__N] = {
	"bar", "legit", "backscatter", "unsure", "mark", "error"
};

static const char *const basic[] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"
};

/* A colour's number (-1: the terminal's default); -2 when it is none. */
static int
color_parse(const char *s)
{
	char *end;

	if (strcmp(s, "default") == 0)
		return -1;
	if (strncmp(s, "color", 5) == 0 && isdigit((unsigned char)s[5])) {
		long n = strtol(s + 5, &end, 10);
		return *end == '\0' && n <= 255 ? (int)n : -2;
	}
	int bright = strncmp(s, "bright", 6) == 0 ? 8 : 0;
	for (int i = 0; i < 8; i++)
		if (strcmp(s + (bright ? 6 : 0), basic[i]) == 0)
			return i + bright;
	return -2;
}

void
ui_colors_default(struct ui_colors *c)
{
	static const short fg[UC__N] = { 7, 2, 1, 3, 5, 1 };

	for (int i = 0; i < UC__N; i++) {
		c->fg[i] = fg[i];
		c->bg[i] = i == UC_BAR ? 4 : -1;
	}
}

int
ui_color_set(struct ui_colors *c, const char *value, char *err,
    size_t errlen)
{
	char item[32], fg[32], bg[32] = "default", extra[2];
	int n = sscanf(value, "%31s %31s %31s %1s", item, fg, bg, extra);
	int i, f, b;

	if (n != 2 && n != 3) {
		snprintf(err, errlen, "color takes ITEM FOREGROUND [BACKGROUND]");
		return -1;
	}
	for (i = 0; i < UC__N; i++)
		if (strcmp(item, ui_color_names[i]) == 0)
			break;
	if (i == UC__N) {
		snprintf(err, errlen, "color: no item '%s' (bar, legit, "
		    "backscatter, unsure, mark, error)", item);
		return -1;
	}
	if ((f = color_parse(fg)) == -2 || (b = color_parse(bg)) == -2) {
		snprintf(err, errlen, "color: '%s' is not a colour (default, "
		    "red, brightred, color208, ...)", f == -2 ? fg : bg);
		return -1;
	}
	c->fg[i] = (short)f;
	c->bg[i] = (short)b;
	return 0;
}

int
ui_config(const struct ndr_strv *lines, const char *path,
    struct ui_colors *c, char *err, size_t errlen)
{
	for (size_t i = 0; i < lines->n; i++) {
		unsigned lineno;
		char key[16], why[256];
		int off = 0, r;

		if (sscanf(lines->v[i], "%u %15s %n", &lineno, key, &off) < 2)
			continue;
		if (strcmp(key, "bind") == 0)
			r = key_bind(lines->v[i] + off, why, sizeof why);
		else
			r = ui_color_set(c, lines->v[i] + off, why, sizeof why);
		if (r != 0) {
			snprintf(err, errlen, "%s:%u: %s", path, lineno, why);
			return -1;
		}
	}
	return 0;
}
