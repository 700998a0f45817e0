/* pattern.c - the interface's patterns (mutt's ~s ~f ... with ! and
 * quotes): compiled once, matched against each report (see model.h). */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <strings.h>

#include "model.h"

enum term_kind {
	T_ALL, T_SUBJECT, T_FROM, T_RCPT, T_REASON, T_VERDICT, T_KIND,
	T_FOLDER, T_CAMPAIGN, T_SCORE_GT, T_SCORE_LT, T_TAGGED, T_DELETE,
	T_QUARANTINE, T_KEPT, T_ANY, T_YOUNGER, T_OLDER, T_BODY
};

struct term {
	enum term_kind	 kind;
	bool		 neg;
	char		*text;
	double		 num;
	uint64_t	*hits;		/* ~b: the reports whose text has it */
	size_t		 nhits;
};

struct pattern {
	struct term	*t;
	size_t		 n;
};

static const struct {
	char		 c;
	enum term_kind	 kind;
	bool		 arg;
} ops[] = {
	{ 'A', T_ALL, false }, { 's', T_SUBJECT, true }, { 'f', T_FROM, true },
	{ 'r', T_RCPT, true }, { 'R', T_REASON, true }, { 'v', T_VERDICT, true },
	{ 'k', T_KIND, true }, { 'F', T_FOLDER, true },
	{ 'c', T_CAMPAIGN, true }, { 'S', T_SCORE_GT, true },
	{ 'T', T_TAGGED, false }, { 'D', T_DELETE, false },
	{ 'Q', T_QUARANTINE, false }, { 'K', T_KEPT, false },
	{ 'd', T_YOUNGER, true }, { 'b', T_BODY, true },
};

/* The next word of *s (quotes hold spaces) in a new string, or NULL. */
static char *
word(const char **s, char *err, size_t errlen)
{
	const char *p = *s, *start;
	char *w;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0')
		return NULL;
	if (*p == '"') {
		start = ++p;
		while (*p && *p != '"')
			p++;
		if (*p != '"') {
			snprintf(err, errlen, "a quote is not closed");
			*s = p;
			return NULL;
		}
		w = strndup(start, (size_t)(p - start));
		p++;
	} else {
		start = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		w = strndup(start, (size_t)(p - start));
	}
	if (w == NULL)
		abort();
	*s = p;
	return w;
}

/* A "~x" operator at p, and its value from *s when it takes one, into t;
 * its text (the value, or NULL) in *text. -1 and err when it is wrong. */
static int
term_op(const char *p, const char **s, struct term *t, char **text,
    char *err, size_t errlen)
{
	size_t k;
	char *a, *end;

	*text = NULL;
	for (k = 0; k < sizeof ops / sizeof *ops; k++)
		if (p[1] == ops[k].c && p[2] == '\0')
			break;
	if (k == sizeof ops / sizeof *ops) {
		snprintf(err, errlen, "%.40s: no such pattern (try ~s ~f ~r ~R "
		    "~v ~k ~F ~c ~S ~d ~b ~A ~T ~D ~Q ~K)", p);
		return -1;
	}
	t->kind = ops[k].kind;
	if (!ops[k].arg)
		return 0;
	if ((a = word(s, err, errlen)) == NULL) {
		if (*err == '\0')
			snprintf(err, errlen, "%s needs a value", p);
		return -1;
	}
	*text = a;
	if (t->kind != T_CAMPAIGN && t->kind != T_SCORE_GT &&
	    t->kind != T_YOUNGER)
		return 0;
	if (t->kind == T_SCORE_GT && (*a == '<' || *a == '>')) {
		if (*a == '<')
			t->kind = T_SCORE_LT;
		memmove(a, a + 1, strlen(a));	/* the text without it */
	}
	/* ~d <7: younger than 7 days; ~d >30: older (mutt's way) */
	if (t->kind == T_YOUNGER) {
		if (*a != '<' && *a != '>') {
			snprintf(err, errlen, "~d takes <DAYS or >DAYS");
			free(*text);
			*text = NULL;
			return -1;
		}
		if (*a == '>')
			t->kind = T_OLDER;
		memmove(a, a + 1, strlen(a));
	}
	t->num = strtod(a, &end);
	if (*a == '\0' || *end) {
		snprintf(err, errlen, "%.40s: not a number", *text);
		free(*text);
		*text = NULL;
		return -1;
	}
	return 0;
}

int
pattern_compile(const char *src, struct pattern **out, char *err,
    size_t errlen)
{
	struct pattern *pt = calloc(1, sizeof *pt);
	const char *s = src;
	char *w;

	if (pt == NULL)
		abort();
	*err = '\0';
	*out = NULL;
	while ((w = word(&s, err, errlen)) != NULL) {
		struct term t = { .kind = T_ANY };
		char *text = w;
		const char *p = w;
		if (*p == '!') {
			t.neg = true;
			p++;
		}
		if (*p == '~') {
			int r = term_op(p, &s, &t, &text, err, errlen);
			free(w);
			if (r != 0)
				goto bad;
		} else if (p != w && (text = strdup(p)) == NULL)
			abort();
		else if (p != w)
			free(w);
		t.text = text;
		if ((pt->t = realloc(pt->t, (pt->n + 1) * sizeof *pt->t)) == NULL)
			abort();
		pt->t[pt->n++] = t;
	}
	if (*err)
		goto bad;
	if (pt->n == 0) {
		snprintf(err, errlen, "an empty pattern");
		goto bad;
	}
	*out = pt;
	return 0;
bad:
	pattern_free(pt);
	return -1;
}

uint64_t
pattern_key(const char *folder, uint32_t uid)
{
	uint64_t h = 0xcbf29ce484222325ull;	/* FNV-1a of the folder */

	for (const unsigned char *p = (const unsigned char *)folder; *p; p++)
		h = (h ^ *p) * 0x100000001b3ull;
	return (h << 32) ^ (h >> 32) ^ uid;
}

static int
key_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

size_t
pattern_body_n(const struct pattern *pt)
{
	size_t n = 0;

	for (size_t i = 0; i < pt->n; i++)
		n += pt->t[i].kind == T_BODY;
	return n;
}

/* The k-th ~b term, or NULL. */
static struct term *
body_term(const struct pattern *pt, size_t k)
{
	for (size_t i = 0; i < pt->n; i++)
		if (pt->t[i].kind == T_BODY && k-- == 0)
			return &pt->t[i];
	return NULL;
}

const char *
pattern_body_text(const struct pattern *pt, size_t k)
{
	struct term *t = body_term(pt, k);

	return t ? t->text : NULL;
}

void
pattern_body_hits(struct pattern *pt, size_t k, uint64_t *keys, size_t n)
{
	struct term *t = body_term(pt, k);

	if (t == NULL) {
		free(keys);
		return;
	}
	free(t->hits);
	if (n > 1)
		qsort(keys, n, sizeof *keys, key_cmp);
	t->hits = keys;
	t->nhits = n;
}

static bool
has(const char *hay, const char *needle)
{
	return hay && strcasestr(hay, needle) != NULL;
}

static bool
term_match(const struct term *t, const struct item *it)
{
	switch (t->kind) {
	case T_ALL: return true;
	case T_SUBJECT: return has(it->subject, t->text);
	case T_FROM: return has(it->from, t->text);
	case T_RCPT: return has(it->rcpt, t->text);
	case T_REASON: return has(it->reason, t->text);
	case T_VERDICT: return strncasecmp(ndr_verdict_name(it->verdict), t->text,
	    strlen(t->text)) == 0;
	case T_KIND: return strncasecmp(it->kind, t->text,
	    strlen(t->text)) == 0;
	case T_FOLDER: return strcasecmp(it->folder, t->text) == 0;
	case T_CAMPAIGN: return it->campaign == (int64_t)t->num;
	case T_YOUNGER: return it->date > 0 &&
	    (double)(time(NULL) - it->date) < t->num * 86400;
	case T_OLDER: return it->date > 0 &&
	    (double)(time(NULL) - it->date) > t->num * 86400;
	case T_SCORE_GT: return it->score > t->num;
	case T_SCORE_LT: return it->score < t->num;
	case T_TAGGED: return it->tagged;
	case T_DELETE: return it->mark == MARK_DELETE;
	case T_QUARANTINE: return it->mark == MARK_QUARANTINE;
	case T_KEPT: return it->kept || it->mark == MARK_KEEP;
	case T_BODY: return t->nhits && bsearch(&(uint64_t){ pattern_key(it->folder,
	    it->uid) }, t->hits, t->nhits, sizeof *t->hits, key_cmp) != NULL;
	case T_ANY: return has(it->subject, t->text) ||
	    has(it->from, t->text) || has(it->rcpt, t->text) ||
	    has(it->reason, t->text);
	}
	return false;
}

bool
pattern_match(const struct pattern *pt, const struct item *it)
{
	for (size_t i = 0; i < pt->n; i++)
		if (term_match(&pt->t[i], it) == pt->t[i].neg)
			return false;
	return true;
}

void
pattern_free(struct pattern *pt)
{
	if (pt == NULL)
		return;
	for (size_t i = 0; i < pt->n; i++) {
		free(pt->t[i].text);
		free(pt->t[i].hits);
	}
	free(pt->t);
	free(pt);
}

