/* store_int.h - what the store's files share; private to core/. */
#ifndef NDR_STORE_INT_H
#define NDR_STORE_INT_H

#include <pthread.h>
#include <stdbool.h>

#include <sqlite3.h>

/* a row of messages and of the Sent index, added or replaced */
#define MSG_ROW	"messages(folder, uid, message_id, date, size, kind, " \
		"flags, report, unreadable) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
#define SENT_ROW "sent(folder, uid, message_id, date, recipients) " \
		"VALUES (?, ?, ?, ?, ?)"

struct store {
	sqlite3		*db;
	sqlite3_stmt	*folder_get, *folder_add, *folder_save, *msg_put;
	sqlite3_stmt	*msg_add, *sent_add;
	sqlite3_stmt	*sent_put, *sent_find, *ev_put, *verdict_put;
	sqlite3_stmt	*token_put, *token_del, *item_tokens;
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
/* Bind a string, or NULL. */
void	st_bind_text(sqlite3_stmt *, int i, const char *);
/* A column as a new string, NULL for NULL. */
char	*st_col_dup(sqlite3_stmt *, int i);

#endif
