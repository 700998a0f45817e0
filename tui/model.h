/*
 * model.h (private to tui/) - what the interface shows, without curses: the reports and
 * campaigns, the lists of the views, marks and tags, patterns, the key
 * table and the text helpers (display width, sparkline). Unit-tested in
 * tests/check_model.c; ui.c draws it.
 */
#ifndef NDR_MODEL_H
#define NDR_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/store.h"

/* What a commit will do to a message. */
enum mark {
	MARK_NONE,
	MARK_DELETE,		/* to Trash; in the quarantine: expunged */
	MARK_QUARANTINE,	/* to the quarantine folder */
	MARK_KEEP,		/* stays, remembered, not offered again */
	MARK_RELEASE,		/* from the quarantine back where it was */
	MARK__N
};
extern const char *const mark_names[MARK__N];	/* "delete", ... */

/* One report the store knows. Strings live in the model's arena. */
struct item {
	const char	*folder;
	uint32_t	 uid;
	const char	*message_id;
	int64_t		 date;
	const char	*kind;		/* "bounce", "delay", ... */
	const char	*rcpt, *reason, *status;
	enum ndr_verdict_kind verdict;
	double		 score;
	int64_t		 campaign;	/* 0: none */
	const char	*subject, *from, *mta;
	bool		 kept;
	bool		 quarantined;	/* in the quarantine folder */
	bool		 trashed;	/* in the Trash folder */
	int64_t		 qid;		/* its journal row there, 0 unknown */
	const char	*origin;	/* where it came from, when quarantined */
	int64_t		 since;		/* quarantined since */
	unsigned char	 mark;		/* enum mark */
	bool		 tagged;
};

struct campaign {
	int64_t		 id;
	int64_t		 size, backscatter;
	int64_t		 first_seen, last_seen;
	const char	*subject, *forged, *mtas;
	int64_t		 handled;	/* quarantined or kept */
	int64_t		 present;	/* its messages the store still has */
	int64_t		 marked;
	bool		 tagged;	/* all of its messages are */
};

struct arena;

struct model {
	struct item	*items;		/* by folder, then UID */
	size_t		 nitems, icap;
	struct campaign	*camps;		/* largest first */
	size_t		 ncamps, ccap;
	struct arena	*arena;
	const char	*quarantine;	/* the account's folder */
	const char	*trash;
	/* counts for the overview */
	int64_t		 legit, backscatter, unsure, unjudged;
	int64_t		 by_kind[6];	/* bounce delay delivered autoreply
					 * feedback other */
	int64_t		 in_quarantine, oldest_quarantined;
	/* the folders that hold reports, by name, and how many each */
	const char	**folders;
	int64_t		*folder_n;
	size_t		 nfolders;
};

void	model_init(struct model *, const char *quarantine,
	    const char *trash);
/* Handled: in the quarantine or the Trash, or kept. */
bool	item_handled(const struct item *);
void	model_free(struct model *);
/* Add a report (copied); the quarantine's journal rows are added after. */
struct item *model_add(struct model *, const struct store_item *);
/* A quarantined message as the journal knows it: its item learns where it
 * came from and since when. */
void	model_quarantined(struct model *, uint32_t uid, int64_t qid,
	    const char *origin, int64_t since);
struct campaign *model_add_campaign(struct model *, int64_t id, int64_t size,
	    int64_t backscatter, int64_t first, int64_t last,
	    const char *subject, const char *forged, const char *mtas);
/* Counts, handled shares; after every add. */
void	model_finish(struct model *);
/* The item at folder/uid, or NULL. */
struct item *model_find(struct model *, const char *folder, uint32_t uid);
/* Marks and tags of old carried over to the same messages in m. */
void	model_carry(struct model *m, const struct model *old);
/* Count the marks per action; the total. */
size_t	model_marks(const struct model *, size_t counts[MARK__N]);
/* The campaign of this id, or NULL. */
struct campaign *model_campaign(struct model *, int64_t id);

/*
 * A mark on an item, as the rules allow: release only from the
 * quarantine, quarantine and keep only outside it, nothing in the Trash. false (and nothing changed)
 * when the mark does not apply.
 */
bool	item_mark(struct item *, enum mark);

/* ---- patterns (T tag, l limit, / search) ----
 * Terms, all of which must match; "!" before a term negates it.
 *   ~A          every message
 *   ~s TEXT     the original's subject      ~f TEXT  its sender (forged)
 *   ~r TEXT     the failed recipient        ~R TEXT  the reason
 *   ~v TEXT     the verdict (legit, backscatter, unsure)
 *   ~k TEXT     the kind                    ~F TEXT  the folder
 *   ~c N        campaign N                  ~S >X, ~S <X  the score
 *   ~d <N, ~d >N  younger, older than N days
 *   ~b TEXT     the report's text (see pattern_body_hits)
 *   ~T tagged   ~D marked delete ~Q marked quarantine ~K kept or marked
 *   TEXT        any of subject, sender, recipient, reason
 * TEXT is matched without regard to ASCII case; "..." holds spaces.
 */
struct pattern;
int	pattern_compile(const char *src, struct pattern **, char *err,
	    size_t errlen);
bool	pattern_match(const struct pattern *, const struct item *);
/*
 * ~b TEXT (the report's text: what the store keeps of its body, the
 * diagnostics and the excerpt) is looked up by the caller, not here: the
 * number of ~b terms, the k-th one's text, and the reports that have it
 * (pattern_key of each, in a malloc'd array the pattern takes).
 */
size_t	pattern_body_n(const struct pattern *);
const char *pattern_body_text(const struct pattern *, size_t k);
void	pattern_body_hits(struct pattern *, size_t k, uint64_t *keys,
	    size_t n);
uint64_t pattern_key(const char *folder, uint32_t uid);
void	pattern_free(struct pattern *);

/* ---- the lists the views show ---- */
struct list {
	size_t		*v;		/* indexes into items or campaigns */
	size_t		 n, cap;
	size_t		 cur, top;	/* cursor and first line shown */
};
void	list_clear(struct list *);
void	list_push(struct list *, size_t);
void	list_free(struct list *);
/* Move the cursor by delta (clamped), keeping it in rows lines. */
void	list_move(struct list *, long delta, size_t rows);
/* The cursor on the first entry at or after from (wrapping) for which
 * match() holds; false when none does. */
bool	list_find_back(struct list *, size_t from,
	    bool (*match)(size_t, void *), void *);
bool	list_find(struct list *, size_t from,
	    bool (*match)(size_t, void *), void *);

enum camp_sort { SORT_SIZE, SORT_LAST, SORT_FIRST, SORT__N };
extern const char *const sort_names[SORT__N];
/* The campaigns' indexes in l, sorted. */
void	campaigns_list(const struct model *, enum camp_sort, struct list *);

/* ---- keys ---- */
enum view {
	VIEW_OVERVIEW, VIEW_CAMPAIGNS, VIEW_MESSAGES, VIEW_DETAIL,
	VIEW_REVIEW, VIEW_HELP, VIEW__N
};
extern const char *const view_names[VIEW__N];

enum action {
	ACT_NONE, ACT_UP, ACT_DOWN, ACT_PGUP, ACT_PGDN, ACT_HOME, ACT_END,
	ACT_OPEN, ACT_BACK, ACT_QUIT, ACT_TAG, ACT_TAG_PATTERN, ACT_TAGGED,
	ACT_DELETE, ACT_QUARANTINE, ACT_KEEP, ACT_UNDO, ACT_COMMIT,
	ACT_RELEASE, ACT_LIMIT, ACT_SEARCH, ACT_NEXT, ACT_HELP, ACT_SORT,
	ACT_CAMPAIGNS, ACT_MESSAGES, ACT_REVIEW, ACT_REDRAW, ACT_CLEAR,
	ACT_PREV, ACT_RSORT, ACT_RAW, ACT_PIPE, ACT_SAVE, ACT_QUAR_ALL, ACT_RULE
};

/* Keys beyond bytes, so the table needs no curses. */
enum {
	NK_UP = 0x110000, NK_DOWN, NK_PGUP, NK_PGDN, NK_HOME, NK_END,
	NK_ENTER, NK_BACKSPACE, NK_ESC
};

struct binding {
	unsigned	 views;		/* 1 << enum view */
	int		 key;
	enum action	 act;
	const char	*name;		/* as help shows it */
	const char	*help;
};
extern const struct binding bindings[];
/* What key does in view, the configuration's bindings first (uiconf.c);
 * ACT_NONE when nothing. key_default: the table's alone. */
enum action key_action(enum view, int key);
enum action key_default(enum view, int key);
const char *key_default_help(enum action);
/* Help lines of a view: "name  help", the configuration's bindings
 * first, then the table's still standing; n returned. */
size_t	key_help(enum view, const char **names, const char **helps,
	    size_t max);

/* ---- the configuration's [ui] (uiconf.c) ---- */
extern const char *const key_func_names[];	/* by enum action */
/* "VIEWS KEY FUNCTION" bound (mutt's bind); -1 and err when wrong. */
int	key_bind(const char *value, char *err, size_t errlen);
void	key_unbind_all(void);
void	key_label(int key, char *out, size_t len);
/* A view's hints ("d:del  q:back") with the keys bound again: the key
 * that does it now, or the hint left out when no key does. */
void	key_hints(enum view, const char *hints, char *out, size_t len);
enum ui_color { UC_BAR, UC_LEGIT, UC_BACK, UC_UNSURE, UC_MARK, UC_ERR,
	UC__N };
extern const char *const ui_color_names[UC__N];
/* curses's numbers: 0-7 black red green yellow blue magenta cyan white,
 * 8-15 bright, up to 255; -1 the terminal's default */
struct ui_colors {
	short	 fg[UC__N], bg[UC__N];
};
void	ui_colors_default(struct ui_colors *);
int	ui_color_set(struct ui_colors *, const char *value, char *err,
	    size_t errlen);
/* The [ui] lines ("LINE KEY VALUE") applied: bindings and colours; -1
 * and "PATH:LINE: what" in err at the first wrong one. */
int	ui_config(const struct ndr_strv *lines, const char *path,
	    struct ui_colors *, char *err, size_t errlen);

/* ---- text ---- */
/*
 * Copy s into out (size outlen) as at most cols columns of the terminal:
 * control characters and invalid UTF-8 as '?', wide characters counted
 * double, cut with '>' when it did not fit; padded with spaces to cols
 * when pad. Non-UTF-8 locales (utf8 false): non-ASCII as '?'. The
 * columns used.
 */
int	text_fit(const char *s, int cols, bool pad, bool utf8, char *out,
	    size_t outlen);
/* The same for a folder's name: one that does not fit keeps its start
 * and its last part ("Archive/2019/Bounces" -> "Arch…/Bounces"), an
 * ellipsis ("..." without UTF-8) between. */
int	text_fit_path(const char *s, int cols, bool pad, bool utf8, char *out,
	    size_t outlen);
/* How many bytes of s fit in cols columns: cut after the last space when
 * there is one in the second half, else where the columns end; at least
 * one character. */
size_t	text_cut(const char *s, int cols, bool utf8);
/*
 * counts[0..n) as a sparkline of n cells: "▁▂▃▄▅▆▇█" scaled to the
 * largest (a blank for 0) or, without UTF-8, " .:-=+*#".
 */
void	sparkline(const int64_t *counts, size_t n, bool utf8, char *out,
	    size_t outlen);
/* Reports per day over the days days up to today (day index from the
 * left), by the reports' dates. */
void	per_day(const struct model *, int64_t today, size_t days,
	    int64_t *counts);

#endif
