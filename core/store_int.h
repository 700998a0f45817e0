/* store_int.h - what the store's files share; private to core/. */
#ifndef NDR_STORE_INT_H
#define NDR_STORE_INT_H

#include <pthread.h>
#include <stdbool.h>

#include <sqlite3.h>

#define BUSY_MS	5000	/* how long a busy store is waited for, in ms */

/* a row of messages and of the Sent index, added or replaced */
#define MSG_ROW	"messages(folder, uid, message_id, date, size, kind, " \
		"flags, report, unreadable) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
#define SENT_ROW "sent(folder, uid, message_id, date, recipients) " \
		"VALUES (?, ?, ?, ?, ?)"
/* and of a report's evidence */
#define EV_ROW	"evidence(folder, uid, kind, form, date, report_to, rcpts, " \
		"nrcpts, mta, orig_mid, orig_from, orig_sender, orig_date, " \
		"subject, received, links, simhash, excerpt, tokens, reason, " \
		"status, orig_to) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, " \
		"?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"

struct store {
	sqlite3		*db;
	sqlite3_stmt	*folder_get, *folder_add, *folder_save, *msg_put,
			*plain_put;
	sqlite3_stmt	*msg_add, *sent_add;
	sqlite3_stmt	*sent_put, *sent_find, *ev_put, *ev_add,
			*verdict_put;
	sqlite3_stmt	*item_tokens;
	bool		 shared;	/* the classifier's tables: cls.* */
	bool		 fk_deferred;	/* in this transaction (store_msg_move) */
	/* statements of the per-message paths, kept by st_cached */
	const char	*cache_sql[24];	/* 16 used: room, no thrashing */
	sqlite3_stmt	*cache[24];
	/* ordinary mail's UIDs put and not yet written: one run, written
	 * when the next UID does not extend it, and before anything reads
	 * or changes the runs (st_plain_flush) */
	struct {
		int64_t		 folder;
		uint32_t	 lo, hi;
		bool		 open;
	} run;
	char		 err[256];
	char		*path;
	pthread_t	 ckpt;		/* store_checkpoint_start's thread */
	bool		 ckpt_running;
	_Atomic bool	 ckpt_done;	/* it has ended */
};

/* st->err from SQLite's words after what; -1 */
int	st_fail(struct store *, const char *what);
/* Run SQL (no rows); -1 and st->err when it fails. */
int	st_exec(struct store *, const char *sql);
/* The ordinary mail put and not yet written, written (store_msg.c). */
int	st_plain_flush(struct store *);
/*
 * The statement of sql (a string literal: it is known by its address),
 * prepared once per store and kept, reset and its bindings cleared; run
 * it and reset it. NULL and st->err when SQLite refuses it. For what runs
 * once per message (moving a message, its journal row): parsing the SQL
 * each time was a sixth of a clean's CPU.
 */
sqlite3_stmt *st_cached(struct store *, const char *sql);
/* The same, known by key, its SQL text sql (made from key). */
sqlite3_stmt *st_cached_as(struct store *, const char *key, const char *sql);
/* Every kept statement let go (the schema's names changed meaning). */
void	st_cache_drop(struct store *);
/*
 * The classifier's tables, in schema S ("" for the store's own; "cls."
 * for the shared classifier, store_share_classifier): store.c's
 * migration 3 -> 4 makes them, ATTACH makes them in the shared file.
 */
#define ST_CLASSIFIER_TABLES(S) \
	"CREATE TABLE IF NOT EXISTS " S "tokens (" \
	"  hash INTEGER PRIMARY KEY," \
	"  spam INTEGER NOT NULL DEFAULT 0," \
	"  ham INTEGER NOT NULL DEFAULT 0);" \
	"CREATE TABLE IF NOT EXISTS " S "trained (" \
	"  digest INTEGER PRIMARY KEY," \
	"  spam INTEGER NOT NULL," \
	"  at INTEGER NOT NULL," \
	"  tokens BLOB NOT NULL);"
/*
 * One statement, its parameters bound from a format (one letter each, in
 * order: t a string or NULL, i an int64_t, u a uint32_t, d a double, b an
 * int used as a boolean); NULL and st->err when SQLite refuses the SQL.
 */
sqlite3_stmt *st_prepare(struct store *, const char *sql, const char *fmt,
	    ...);
/*
 * Step the statement to its end, calling row() on each row until it
 * answers non-zero; finalize it. Its answer: row()'s last, or -1 and
 * st->err when SQLite fails. row may be NULL (a statement without rows);
 * st_prepare's NULL gives -1, so st_rows(st, st_prepare(...), ...) is the
 * whole of a query.
 */
int	st_rows(struct store *, sqlite3_stmt *,
	    int (*row)(sqlite3_stmt *, void *), void *);
/* A caller's callback and its argument, carried through st_rows to the
 * row function, which casts fn back to the callback's own type. */
struct st_each {
	void	(*fn)(void);
	void	*arg;
};
#define ST_EACH(f, a) (&(struct st_each){ (void (*)(void))(f), (a) })
/* Bind a string, or NULL. */
void	st_bind_text(sqlite3_stmt *, int i, const char *);
/*
 * A row written by its plain INSERT (add) first, and by its INSERT OR
 * REPLACE (put) only when the row is there (a constraint): a scan adds
 * rows, and OR REPLACE looks for the row it would replace (and what its
 * trigger or cascade would take) on every one. bind binds arg to either.
 * 0, or st_fail's -1.
 */
int	st_add_or_replace(struct store *, sqlite3_stmt *add, sqlite3_stmt *put,
	    void (*bind)(sqlite3_stmt *, const void *), const void *arg);
/* A column as a new string, NULL for NULL. */
char	*st_col_dup(sqlite3_stmt *, int i);

#endif
