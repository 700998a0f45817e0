/* ui.h - the interface's state and what its files share; private to tui/. */
#ifndef NDR_UI_H
#define NDR_UI_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "core/core.h"
#include "model.h"

#define DAY	86400

/* The overview's entries before the folders (ui.c). */
#define MENU_N	6
extern const char *const menu_names[MENU_N];
/* The signal that asks the interface to end, 0 while none came. */
extern volatile sig_atomic_t ui_got_signal;

/* the colour pairs: 1 + enum ui_color */
enum { C_BAR = 1, C_LEGIT, C_BACK, C_UNSURE, C_MARK, C_ERR };

/* What the scan thread tells the interface. */
struct scan_state {
	pthread_mutex_t	 mu;
	bool		 finished, reloaded;
	char		 line[256];	/* what it does, or how it ended */
	char		 ended[256];	/* how it ended: into line once the
					 * store is read again, so that it
					 * never stands beside older counts */
};

struct view_ops;
struct imap_conn;

/* How the lists of messages are ordered (o, O). */
enum msg_sort { MSORT_FOLDER, MSORT_DATE, MSORT_SCORE, MSORT_SUBJECT,
	MSORT_RCPT, MSORT__N };

/* One marking action: the messages it changed and the marks they had
 * (by folder and UID: the model is reloaded under them). */
struct undo {
	char		**folder;
	uint32_t	 *uid;
	unsigned char	 *mark;
	size_t		  n, cap;
};
#define UNDO_MAX	64
/* Which list a limit belongs to. */
enum { LIM_MSGS, LIM_REVIEW };

struct ui {
	const struct view_ops *const *views;	/* by enum view (ui.c's) */
	struct account_ctx	*ctx;
	char			*pw;
	char			 trash[256];	/* the Trash folder, UTF-8 */
	bool			 offline;
	struct model		 m;
	enum view		 stack[8];
	int			 depth;
	struct list		 menu, camps, msgs, review;
	enum camp_sort		 sort;
	enum msg_sort		 msort;		/* the message lists' order */
	bool			 mrev;
	/* what the messages view shows */
	enum { SRC_ALL, SRC_VERDICT, SRC_CAMPAIGN, SRC_FOLDER } src;
	enum ndr_verdict_kind	 src_verdict;
	char			 src_folder[256];
	char			 last_scan[128];	/* as the store says */
	char			 watch_line[160];	/* what watch did, or "" */
	/* the watch the message line last told of: its start, its total */
	long long		 watch_started;
	unsigned		 watch_total;
	bool			 watch_read;	/* the first load is done */
	int64_t			 src_campaign;
	/* each list's own limit (messages, review), and the search */
	struct pattern		*limit[2], *search;
	char			 limit_src[2][128];
	/* what the last marking actions changed, to undo them (u) */
	struct undo		*undo;
	size_t			 nundo;
	/* detail and help */
	struct ndr_strv		 text;
	size_t			 text_top;
	struct item		*shown;
	enum view		 help_of;
	/* the screen */
	bool			 utf8, color;
	struct ui_colors	 pal;		/* [ui] color, or the defaults */
	int			 rows, cols;
	char			 msg[512];	/* the message line */
	bool			 msg_error;
	/* the scan */
	pthread_t		 thread;
	bool			 thread_started;
	struct scan_state	 scan;
	int64_t			 data_version;	/* of the store when loaded */
	struct timespec		 polled;	/* when it was last asked */
	int			 errpipe[2], saved_stderr;
	struct ndr_strv		 errors;	/* repeated after endwin */
	/* the message fetched whole (h | C), and the session for it */
	struct imap_conn	*raw_conn;
	char			*raw;
	size_t			 rawlen;
	char			 raw_folder[256];
	uint32_t		 raw_uid;
	bool			 raw_shown;	/* the detail shows it raw */
};

/* What a view does; one file each (view_*.c), listed in ui.c. */
struct view_ops {
	void		(*draw)(struct ui *, int y0, int rows);
	struct list	*(*list)(struct ui *);	/* NULL: a text view */
	void		(*title)(struct ui *, char *, size_t);
	/* Enter on the current line of the list; NULL: nothing */
	void		(*open)(struct ui *, struct list *);
	const char	*hints;			/* the bottom bar's keys */
};
extern const struct view_ops view_overview, view_campaigns, view_messages,
	    view_review, view_detail, view_help;

/* ui.c */
const struct view_ops *ui_view(struct ui *);	/* the one on top */
void	ui_open_view(struct ui *, enum view);
void	ui_build_msgs(struct ui *);
/* The reports of u->src, from the top, in the messages view. */
void	ui_show_msgs(struct ui *);
void	ui_build_review(struct ui *);
/* The campaigns view's list, from the model. */
void	ui_build_camps(struct ui *);
/* The message line says this (an error in its colour). */
void	ui_say(struct ui *, bool error, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* The message line's error, repeated on the terminal at the end. */
void	ui_record(struct ui *);
char	*ui_text_dup(const char *);
enum view ui_top(struct ui *);
bool	ui_confirm(struct ui *, const char *question);
void	ui_draw(struct ui *);
/* The model from the store again; the lists rebuilt from the model. */
int	ui_load(struct ui *);
void	ui_watch_seen(struct ui *);
void	ui_rebuild(struct ui *);
struct list *ui_cur_list(struct ui *);
/* A line at (y, x), cut (or padded) to cols. */
void	ui_putl(struct ui *, int y, int x, int cols, const char *s, bool pad);
int	ui_read_key(void);
/* A line the person types on the last line (NULL: cancelled). */
char	*ui_prompt(struct ui *, const char *what, const char *init);
/* ui_state.c: the pattern's ~b terms looked up in the store; -1 said
 * on failure */
int	ui_pattern_resolve(struct ui *, struct pattern *);
/* ui_marks.c: marks, tags, patterns, search, limit */
void	ui_do_mark(struct ui *, enum action);
/* The message under the cursor of a message list, or the one the
 * detail shows; NULL elsewhere. */
struct item *ui_cur_item(struct ui *);
/* S: every line of the list on screen (campaigns or messages, as
 * limited) marked quarantine, as one action u undoes */
void	ui_do_mark_all(struct ui *);
void	ui_do_tagged(struct ui *);
void	ui_do_tag(struct ui *);
void	ui_do_tag_pattern(struct ui *);
void	ui_do_search(struct ui *, bool again, bool back);
/* o: the next order of the message lists; O (reverse): the same order,
 * backwards */
void	ui_sort_msgs(struct ui *, bool reverse);
void	ui_do_limit(struct ui *);
/* u: the last marking action undone; U: every mark cleared (undoable) */
void	ui_do_undo(struct ui *);
void	ui_do_clear(struct ui *);
void	ui_undo_free(struct ui *);
/* The limit of the list on top, or NULL; its index in *which. */
struct pattern *ui_limit_of(struct ui *, int *which);
/* ui_draw.c */
void	ui_day_str(int64_t t, char *out, size_t len);
int	ui_verdict_color(enum ndr_verdict_kind);
void	ui_scan_line(struct ui *, char *out, size_t len);
/* ui_raw.c: the message itself: h raw, | piped, C saved */
void	ui_do_raw(struct ui *);
void	ui_do_pipe(struct ui *);
void	ui_do_save(struct ui *);
void	ui_raw_text(struct ui *);	/* the detail's text from it */
void	ui_raw_close(struct ui *);
/* view_detail.c */
/* A line of text added to the detail or help, wrapped at the screen's
 * width, the lines after the first indented under it. */
void	ui_text_wrap(struct ui *, const char *line);
void	ui_open_detail(struct ui *, struct item *);
void	ui_help(struct ui *);
/* ui_scan.c: the scan in a thread of its own */
void	ui_scan_set(struct ui *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	*ui_scan_main(void *ui);
void	ui_scan_wait(struct ui *);
/* What the scan wrote on stderr, to the message line. */
void	ui_read_errors(struct ui *);
/* ui_commit.c: the marks carried out through the decision path */
void	ui_commit(struct ui *);
/* F: a Sieve rule on the server for the campaign under the cursor */
void	ui_rule(struct ui *);

#endif
