/* store.c - the SQLite store: folder state, scanned messages, migrations. */
#include <sys/stat.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "engine.h"
#include "store.h"
#include "verdict.h"

#define BUSY_MS	5000

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

/*
 * The migrations, in order: migrations[i] brings schema i to i + 1. A
 * published step is never edited; a change is a new step.
 */
static const char *const migrations[] = {
	/* 0 -> 1 */
	"CREATE TABLE folders ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  uidvalidity INTEGER NOT NULL DEFAULT 0,"
	"  highest_uid INTEGER NOT NULL DEFAULT 0,"
	"  highestmodseq INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE messages ("
	"  folder INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,"
	"  uid INTEGER NOT NULL,"
	"  message_id TEXT,"
	"  date INTEGER NOT NULL DEFAULT 0,"
	"  size INTEGER NOT NULL DEFAULT 0,"
	"  kind TEXT NOT NULL,"
	"  flags TEXT,"
	"  report TEXT,"
	"  unreadable INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (folder, uid)) WITHOUT ROWID;",
	/* 1 -> 2: the Sent index */
	"CREATE TABLE sent ("
	"  folder INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,"
	"  uid INTEGER NOT NULL,"
	"  message_id TEXT,"
	"  date INTEGER NOT NULL DEFAULT 0,"
	"  recipients TEXT,"
	"  PRIMARY KEY (folder, uid)) WITHOUT ROWID;"
	"CREATE INDEX sent_message_id ON sent(message_id);",
	/* 2 -> 3: the evidence of reports, their verdicts, campaigns */
	"CREATE TABLE evidence ("
	"  folder INTEGER NOT NULL,"
	"  uid INTEGER NOT NULL,"
	"  kind INTEGER NOT NULL, form INTEGER NOT NULL, date INTEGER,"
	"  report_to TEXT, rcpts TEXT, nrcpts INTEGER, mta TEXT,"
	"  orig_mid TEXT, orig_from TEXT, orig_sender TEXT, orig_date INTEGER,"
	"  subject TEXT, received TEXT, links TEXT, simhash INTEGER,"
	"  excerpt TEXT,"
	"  verdict TEXT, score REAL, signals TEXT, campaign INTEGER,"
	"  PRIMARY KEY (folder, uid),"
	"  FOREIGN KEY (folder, uid) REFERENCES messages(folder, uid)"
	"    ON DELETE CASCADE) WITHOUT ROWID;"
	"CREATE TABLE campaigns ("
	"  id INTEGER PRIMARY KEY,"
	"  size INTEGER NOT NULL, first_seen INTEGER, last_seen INTEGER,"
	"  subject TEXT, forged TEXT, mtas TEXT, links TEXT,"
	"  backscatter INTEGER NOT NULL DEFAULT 0);",
	/* 3 -> 4: the classifier: token counts, what was trained, and the
	 * tokens of each report's original to score it again */
	"CREATE TABLE tokens ("
	"  hash INTEGER PRIMARY KEY,"
	"  spam INTEGER NOT NULL DEFAULT 0,"
	"  ham INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE trained ("
	"  digest INTEGER PRIMARY KEY,"
	"  spam INTEGER NOT NULL,"
	"  at INTEGER NOT NULL,"
	"  tokens BLOB NOT NULL);"
	"ALTER TABLE evidence ADD COLUMN tokens BLOB;",
	/* 4 -> 5: the journal of actions, written before each is sent */
	"CREATE TABLE journal ("
	"  id INTEGER PRIMARY KEY,"
	"  batch INTEGER NOT NULL,"
	"  action TEXT NOT NULL,"
	"  folder TEXT NOT NULL,"
	"  uidvalidity INTEGER NOT NULL,"
	"  uid INTEGER NOT NULL,"
	"  message_id TEXT,"
	"  dest TEXT,"
	"  origin TEXT,"
	"  state TEXT NOT NULL DEFAULT 'pending',"
	"  dest_uidvalidity INTEGER,"
	"  dest_uid INTEGER,"
	"  at INTEGER NOT NULL,"
	"  done_at INTEGER);"
	"CREATE INDEX journal_state ON journal(state);"
	"CREATE INDEX journal_dest ON journal(dest, dest_uid);",
	/* 5 -> 6: small facts, such as how the last scan went */
	"CREATE TABLE meta ("
	"  key TEXT PRIMARY KEY,"
	"  value TEXT) WITHOUT ROWID;",
	/* 6 -> 7: where the proof that a moved message is this very one
	 * looks: the destination's UIDNEXT (and UIDVALIDITY) before the
	 * command (imap/actions.c) */
	"ALTER TABLE journal ADD COLUMN dest_next INTEGER;"
	"ALTER TABLE journal ADD COLUMN dest_next_uv INTEGER;",
};

static int
fail(struct store *st, const char *what)
{
	snprintf(st->err, sizeof st->err, "%s: %s", what,
	    st->db ? sqlite3_errmsg(st->db) : "out of memory");
	return -1;
}

const char *
store_error(struct store *st)
{
	return st->err;
}

static int
exec(struct store *st, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(st->err, sizeof st->err, "store: %s",
		    msg ? msg : "error");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int
user_version(struct store *st)
{
	sqlite3_stmt *s;
	int v = -1;

	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL)
	    == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return v;
}

static int
migrate(struct store *st)
{
	int v = user_version(st);
	const int last = (int)(sizeof migrations / sizeof *migrations);

	if (v < 0)
		return fail(st, "store");
	if (v > last) {
		snprintf(st->err, sizeof st->err, "store has schema %d, newer "
		    "than this ndrsweep knows (%d): upgrade ndrsweep", v, last);
		return -1;
	}
	for (; v < last; v++) {
		char pragma[48];
		if (exec(st, "BEGIN IMMEDIATE") != 0)
			return -1;
		snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d",
		    v + 1);
		if (exec(st, migrations[v]) != 0 || exec(st, pragma) != 0) {
			exec(st, "ROLLBACK");
			return -1;
		}
		if (exec(st, "COMMIT") != 0)
			return -1;
	}
	return 0;
}

/* mkdir -p of the folder path is in, mode 0700 for what it creates */
static int
make_parent(const char *path, char *err, size_t errlen)
{
	char *d = xstrdup(path), *p;

	for (p = strchr(d + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(d, 0700) == -1 && errno != EEXIST) {
			snprintf(err, errlen, "%s: %s", d, strerror(errno));
			free(d);
			return -1;
		}
		*p = '/';
	}
	free(d);
	return 0;
}

/*
 * A store that exists but holds nothing (a disk that filled, a copy cut
 * short) would be taken by SQLite for a new one, and the journal and the
 * releases in it forgotten: a released message would go back to the
 * quarantine. Refused; the user removes it to start over. A new store's
 * first pages may still sit in its WAL: then it is not empty.
 */
static int
cut_short(const char *path, char *err, size_t errlen)
{
	struct stat sb, wb;
	char wal[4096];

	if (stat(path, &sb) != 0 || sb.st_size > 0)
		return 0;
	snprintf(wal, sizeof wal, "%s-wal", path);
	if (stat(wal, &wb) == 0 && wb.st_size > 0)
		return 0;
	snprintf(err, errlen, "store %s is empty (cut short?): ndrsweep will "
	    "not start it afresh, which would forget its journal and your "
	    "releases; remove it to start over", path);
	return -1;
}

static int
prepare(struct store *st, sqlite3_stmt **s, const char *sql)
{
	return sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    s, NULL) == SQLITE_OK ? 0 : fail(st, "store");
}

int
store_open(const char *path, struct store **out, char *err, size_t errlen)
{
	struct store *st = xcalloc(1, sizeof *st);

	*out = NULL;
	if (make_parent(path, err, errlen) != 0 ||
	    cut_short(path, err, errlen) != 0) {
		free(st);
		return -1;
	}
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		fail(st, path);
		goto bad;
	}
	chmod(path, 0600);	/* what was read of the mail is private */
	st->path = xstrdup(path);
	sqlite3_busy_timeout(st->db, BUSY_MS);
	/*
	 * A new store's pages are 16 KiB, not 4: a row of these WITHOUT
	 * ROWID tables larger than about a quarter of a page (a report's
	 * JSON, often) leaves its rest on an overflow page of its own, mostly
	 * empty. With 4 KiB pages, half of a 100,000-message store was such
	 * emptiness, written twice (WAL, then the database) by the first
	 * scan's commit. A store that exists keeps its size (no-op).
	 */
	if (exec(st, "PRAGMA page_size = 16384") != 0 ||
	    exec(st, "PRAGMA journal_mode = WAL") != 0 ||
	    exec(st, "PRAGMA synchronous = NORMAL") != 0 ||
	    exec(st, "PRAGMA cache_size = -65536") != 0 ||
	    exec(st, "PRAGMA foreign_keys = ON") != 0 || migrate(st) != 0)
		goto bad;
	if (prepare(st, &st->folder_get, "SELECT id, uidvalidity, "
	    "highest_uid, highestmodseq FROM folders WHERE name = ?") ||
	    prepare(st, &st->folder_add, "INSERT INTO folders(name) "
	    "VALUES (?)") ||
	    prepare(st, &st->folder_save, "UPDATE folders SET uidvalidity = "
	    "?, highest_uid = ?, highestmodseq = ? WHERE id = ?") ||
	    prepare(st, &st->msg_put, "INSERT OR REPLACE INTO " MSG_ROW) ||
	    prepare(st, &st->msg_add, "INSERT INTO " MSG_ROW) ||
	    prepare(st, &st->sent_put, "INSERT OR REPLACE INTO " SENT_ROW) ||
	    prepare(st, &st->sent_add, "INSERT INTO " SENT_ROW) ||
	    prepare(st, &st->sent_find, "SELECT date FROM sent WHERE "
	    "message_id = ? LIMIT 1") ||
	    prepare(st, &st->ev_put, "INSERT OR REPLACE INTO evidence(folder, "
	    "uid, kind, form, date, report_to, rcpts, nrcpts, mta, orig_mid, "
	    "orig_from, orig_sender, orig_date, subject, received, links, "
	    "simhash, excerpt, tokens) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "?, ?, ?, ?, ?, ?, ?, ?)") ||
	    prepare(st, &st->verdict_put, "UPDATE evidence SET verdict = ?, "
	    "score = ?, signals = ?, campaign = ? WHERE folder = ? AND "
	    "uid = ?"))
		goto bad;
	*out = st;
	return 0;
bad:
	if (st->db && (sqlite3_errcode(st->db) == SQLITE_NOTADB ||
	    sqlite3_errcode(st->db) == SQLITE_CORRUPT))
		snprintf(err, errlen, "store %s is damaged (%s): move it away "
		    "to start over", path, sqlite3_errmsg(st->db));
	else
		snprintf(err, errlen, "%s", st->err);
	store_close(st);
	return -1;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	store_checkpoint_wait(st);
	sqlite3_finalize(st->folder_get);
	sqlite3_finalize(st->folder_add);
	sqlite3_finalize(st->folder_save);
	sqlite3_finalize(st->msg_put);
	sqlite3_finalize(st->msg_add);
	sqlite3_finalize(st->sent_add);
	sqlite3_finalize(st->sent_put);
	sqlite3_finalize(st->sent_find);
	sqlite3_finalize(st->ev_put);
	sqlite3_finalize(st->verdict_put);
	sqlite3_finalize(st->token_put);
	sqlite3_finalize(st->token_del);
	sqlite3_finalize(st->item_tokens);
	sqlite3_close(st->db);
	free(st->path);
	free(st);
}

/*
 * The WAL's pages copied into the database file, away from the scan's
 * thread. SQLite does it in the COMMIT that makes the WAL longer than
 * 1,000 pages: a first scan's folder commit waited for 16 MB or more
 * copied and synced. A scan asks for none in its commits, and for a
 * checkpoint on a connection of its own after each folder and while it
 * judges (a checkpoint runs beside a writer in WAL mode; PASSIVE waits
 * for no one), then for the usual ones again. What is left is copied at
 * close.
 */
int
store_checkpoint_defer(struct store *st)
{
	return exec(st, "PRAGMA wal_autocheckpoint = 0");
}

static void *
checkpoint_main(void *arg)
{
	struct store *st = arg;
	sqlite3 *db = NULL;

	if (sqlite3_open_v2(st->path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL) == SQLITE_OK) {
		sqlite3_busy_timeout(db, BUSY_MS);
		/* failing is harmless: the next one copies the pages; a
		 * connection knows the store is in WAL mode once it has
		 * read it: before, a checkpoint does nothing */
		if (sqlite3_exec(db, "SELECT count(*) FROM sqlite_schema", NULL,
		    NULL, NULL) == SQLITE_OK)
			sqlite3_wal_checkpoint_v2(db, NULL,
			    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	}
	sqlite3_close(db);
	st->ckpt_done = true;
	return NULL;
}

/* A checkpoint in a thread, unless one still runs. */
void
store_checkpoint_start(struct store *st)
{
	if (st->ckpt_running && st->ckpt_done) {
		pthread_join(st->ckpt, NULL);
		st->ckpt_running = false;
	}
	if (!st->ckpt_running && st->path) {
		st->ckpt_done = false;
		st->ckpt_running = pthread_create(&st->ckpt, NULL,
		    checkpoint_main, st) == 0;
	}
}

void
store_checkpoint_wait(struct store *st)
{
	if (st->ckpt_running) {
		pthread_join(st->ckpt, NULL);
		st->ckpt_running = false;
	}
	if (st->db)
		sqlite3_exec(st->db, "PRAGMA wal_autocheckpoint = 1000", NULL,
		    NULL, NULL);
}

char *
store_default_path(const char *account)
{
	const char *x = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	struct ndr_buf b = { 0 };

	if (x && *x == '/')
		ndr_buf_printf(&b, "%s/ndrsweep/%s.db", x, account);
	else
		ndr_buf_printf(&b, "%s/.local/share/ndrsweep/%s.db",
		    home && *home ? home : ".", account);
	return b.s;
}

int
store_begin(struct store *st)
{
	return exec(st, "BEGIN IMMEDIATE");
}

int
store_commit(struct store *st)
{
	return exec(st, "COMMIT");
}

void
store_rollback(struct store *st)
{
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

int
store_folder(struct store *st, const char *name, struct store_folder *f)
{
	sqlite3_stmt *s = st->folder_get;
	int rc;

	memset(f, 0, sizeof *f);
	sqlite3_reset(s);
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		f->id = sqlite3_column_int64(s, 0);
		f->uidvalidity = (uint32_t)sqlite3_column_int64(s, 1);
		f->highest_uid = (uint32_t)sqlite3_column_int64(s, 2);
		f->highestmodseq = (uint64_t)sqlite3_column_int64(s, 3);
		sqlite3_reset(s);
		return 0;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return fail(st, "store");
	s = st->folder_add;
	sqlite3_reset(s);
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return fail(st, "store");
	f->id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int
store_folder_save(struct store *st, const struct store_folder *f)
{
	sqlite3_stmt *s = st->folder_save;
	int rc;

	sqlite3_reset(s);
	sqlite3_bind_int64(s, 1, f->uidvalidity);
	sqlite3_bind_int64(s, 2, f->highest_uid);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)f->highestmodseq);
	sqlite3_bind_int64(s, 4, f->id);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : fail(st, "store");
}

int
store_folder_reset(struct store *st, struct store_folder *f,
    uint32_t uidvalidity)
{
	sqlite3_stmt *s;
	int rc;

	for (int k = 0; k < 2; k++) {
		if (sqlite3_prepare_v2(st->db, k ? "DELETE FROM sent WHERE "
		    "folder = ?" : "DELETE FROM messages WHERE folder = ?", -1,
		    &s, NULL) != SQLITE_OK)
			return fail(st, "store");
		sqlite3_bind_int64(s, 1, f->id);
		rc = sqlite3_step(s);
		sqlite3_finalize(s);
		if (rc != SQLITE_DONE)
			return fail(st, "store");
	}
	f->uidvalidity = uidvalidity;
	f->highest_uid = 0;
	f->highestmodseq = 0;
	return store_folder_save(st, f);
}

static void
bind_text_or_null(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

int
store_msg_put(struct store *st, int64_t folder, const struct store_msg *m)
{
	int rc = SQLITE_CONSTRAINT;

	/* a plain INSERT first: a scan adds rows, and OR REPLACE costs a
	 * third more (the evidence it would cascade to is looked up); the
	 * row already there is replaced */
	for (int k = 0; k < 2 && rc == SQLITE_CONSTRAINT; k++) {
		sqlite3_stmt *s = k ? st->msg_put : st->msg_add;
		sqlite3_reset(s);
		sqlite3_bind_int64(s, 1, folder);
		sqlite3_bind_int64(s, 2, m->uid);
		bind_text_or_null(s, 3, m->message_id);
		sqlite3_bind_int64(s, 4, m->date);
		sqlite3_bind_int64(s, 5, m->size);
		sqlite3_bind_text(s, 6, m->kind ? m->kind : "other", -1,
		    SQLITE_STATIC);
		bind_text_or_null(s, 7, m->flags);
		bind_text_or_null(s, 8, m->report);
		sqlite3_bind_int(s, 9, m->unreadable);
		rc = sqlite3_step(s);
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
	}
	return rc == SQLITE_DONE ? 0 : fail(st, "store");
}

int
store_msg_keep_only(struct store *st, int64_t folder, const uint32_t *uids,
    size_t n, size_t *dropped, uint32_t *missing, size_t *nmissing)
{
	static const char *const sql[] = {
		"SELECT uid FROM messages WHERE folder = ? ORDER BY uid",
		"DELETE FROM messages WHERE folder = ? AND uid = ?",
		"DELETE FROM sent WHERE folder = ? AND uid = ?",
	};
	sqlite3_stmt *s[3] = { NULL, NULL, NULL };
	size_t i = 0, gone = 0, miss = 0;
	int rc = 0;

	for (int k = 0; k < 3; k++) {
		if (sqlite3_prepare_v2(st->db, sql[k], -1, &s[k], NULL) !=
		    SQLITE_OK) {
			rc = fail(st, "store");
			goto out;
		}
		sqlite3_bind_int64(s[k], 1, folder);
	}
	/* one walk of the stored UIDs against the sorted list: stored and
	 * not listed are dropped, listed and not stored are missing */
	while (sqlite3_step(s[0]) == SQLITE_ROW) {
		uint32_t uid = (uint32_t)sqlite3_column_int64(s[0], 0);
		for (; i < n && uids[i] < uid; i++)
			if (missing)
				missing[miss++] = uids[i];
		if (i < n && uids[i] == uid) {
			i++;
			continue;
		}
		for (int k = 1; k < 3; k++) {
			sqlite3_reset(s[k]);
			sqlite3_bind_int64(s[k], 2, uid);
			if (sqlite3_step(s[k]) != SQLITE_DONE) {
				rc = fail(st, "store");
				goto out;
			}
		}
		gone++;
	}
	for (; missing && i < n; i++)
		missing[miss++] = uids[i];
out:
	for (int k = 0; k < 3; k++)
		sqlite3_finalize(s[k]);
	if (dropped)
		*dropped = gone;
	if (nmissing)
		*nmissing = miss;
	return rc;
}

int64_t
store_msg_count(struct store *st, int64_t folder, const char *kind)
{
	sqlite3_stmt *s;
	int64_t n = -1;

	if (sqlite3_prepare_v2(st->db, kind ?
	    "SELECT count(*) FROM messages WHERE folder = ? AND kind = ?" :
	    "SELECT count(*) FROM messages WHERE folder = ?", -1, &s, NULL)
	    != SQLITE_OK)
		return fail(st, "store");
	sqlite3_bind_int64(s, 1, folder);
	if (kind)
		sqlite3_bind_text(s, 2, kind, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

int
store_each_msg(struct store *st, bool reports_only,
    int (*fn)(const struct store_row *, void *), void *arg)
{
	sqlite3_stmt *s;
	int rc = 0, step;

	if (sqlite3_prepare_v2(st->db, reports_only ?
	    "SELECT f.name, m.uid, m.message_id, m.kind, m.report, m.size, "
	    "m.unreadable, e.verdict, e.score, e.signals, e.campaign "
	    "FROM messages m JOIN folders f ON f.id = m.folder LEFT JOIN "
	    "evidence e ON e.folder = m.folder AND e.uid = m.uid "
	    "WHERE m.kind != 'other' OR m.unreadable ORDER BY f.name, m.uid" :
	    "SELECT f.name, m.uid, m.message_id, m.kind, m.report, m.size, "
	    "m.unreadable, e.verdict, e.score, e.signals, e.campaign "
	    "FROM messages m JOIN folders f ON f.id = m.folder LEFT JOIN "
	    "evidence e ON e.folder = m.folder AND e.uid = m.uid "
	    "ORDER BY f.name, m.uid", -1, &s, NULL) != SQLITE_OK)
		return fail(st, "store");
	while (rc == 0 && (step = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_row r = {
			.folder = (const char *)sqlite3_column_text(s, 0),
			.uid = (uint32_t)sqlite3_column_int64(s, 1),
			.message_id = (const char *)sqlite3_column_text(s, 2),
			.kind = (const char *)sqlite3_column_text(s, 3),
			.report = (const char *)sqlite3_column_text(s, 4),
			.size = sqlite3_column_int64(s, 5),
			.unreadable = sqlite3_column_int(s, 6) != 0,
			.verdict = (const char *)sqlite3_column_text(s, 7),
			.score = sqlite3_column_double(s, 8),
			.signals = (const char *)sqlite3_column_text(s, 9),
			.campaign = sqlite3_column_int64(s, 10),
		};
		rc = fn(&r, arg);
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = fail(st, "store");
	sqlite3_finalize(s);
	return rc;
}

int
store_each_count(struct store *st,
    int (*fn)(const char *, const char *, int64_t, void *), void *arg)
{
	sqlite3_stmt *s;
	int rc = 0, step;

	if (sqlite3_prepare_v2(st->db, "SELECT f.name, CASE WHEN m.unreadable "
	    "THEN 'unreadable' ELSE m.kind END k, count(*) FROM messages m "
	    "JOIN folders f ON f.id = m.folder GROUP BY f.name, k ORDER BY "
	    "f.name, k", -1, &s, NULL) != SQLITE_OK)
		return fail(st, "store");
	while (rc == 0 && (step = sqlite3_step(s)) == SQLITE_ROW)
		rc = fn((const char *)sqlite3_column_text(s, 0),
		    (const char *)sqlite3_column_text(s, 1),
		    sqlite3_column_int64(s, 2), arg);
	if (rc == 0 && step != SQLITE_DONE)
		rc = fail(st, "store");
	sqlite3_finalize(s);
	return rc;
}

int
store_sent_put(struct store *st, int64_t folder, uint32_t uid,
    const char *message_id, int64_t date, const char *recipients)
{
	int rc = SQLITE_CONSTRAINT;

	for (int k = 0; k < 2 && rc == SQLITE_CONSTRAINT; k++) {
		sqlite3_stmt *s = k ? st->sent_put : st->sent_add;
		sqlite3_reset(s);	/* as store_msg_put: INSERT, then REPLACE */
		sqlite3_bind_int64(s, 1, folder);
		sqlite3_bind_int64(s, 2, uid);
		bind_text_or_null(s, 3, message_id);
		sqlite3_bind_int64(s, 4, date);
		bind_text_or_null(s, 5, recipients);
		rc = sqlite3_step(s);
		sqlite3_reset(s);
	}
	return rc == SQLITE_DONE ? 0 : fail(st, "store");
}

int
store_sent_find(struct store *st, const char *message_id, int64_t *date)
{
	sqlite3_stmt *s = st->sent_find;
	int rc;

	sqlite3_reset(s);
	sqlite3_bind_text(s, 1, message_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && date)
		*date = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : fail(st, "store");
}

int64_t
store_sent_count(struct store *st)
{
	sqlite3_stmt *s;
	int64_t n = -1;

	if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM sent", -1, &s,
	    NULL) != SQLITE_OK)
		return fail(st, "store");
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

static int
uids_where(struct store *st, int64_t folder, const char *sql, uint32_t **uids,
    size_t *n)
{
	sqlite3_stmt *s;
	size_t cap = 0;

	*uids = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return fail(st, "store");
	sqlite3_bind_int64(s, 1, folder);
	while (sqlite3_step(s) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 1024;
			*uids = xreallocarray(*uids, cap, sizeof **uids);
		}
		(*uids)[(*n)++] = (uint32_t)sqlite3_column_int64(s, 0);
	}
	sqlite3_finalize(s);
	return 0;
}

int
store_msg_uids(struct store *st, int64_t folder, uint32_t **uids, size_t *n)
{
	return uids_where(st, folder, "SELECT uid FROM messages WHERE "
	    "folder = ? ORDER BY uid", uids, n);
}

int
store_msg_unreadable(struct store *st, int64_t folder, uint32_t **uids,
    size_t *n)
{
	return uids_where(st, folder, "SELECT uid FROM messages WHERE "
	    "folder = ? AND unreadable ORDER BY uid", uids, n);
}

/* ---- evidence, verdicts, campaigns ---- */

int
store_evidence_put(struct store *st, int64_t folder, uint32_t uid,
    const struct ndr_evidence *e)
{
	sqlite3_stmt *s = st->ev_put;
	int rc;

	sqlite3_reset(s);
	sqlite3_bind_int64(s, 1, folder);
	sqlite3_bind_int64(s, 2, uid);
	sqlite3_bind_int(s, 3, e->kind);
	sqlite3_bind_int(s, 4, e->form);
	sqlite3_bind_int64(s, 5, e->date);
	bind_text_or_null(s, 6, e->report_to);
	bind_text_or_null(s, 7, e->rcpts);
	sqlite3_bind_int(s, 8, (int)e->nrcpts);
	bind_text_or_null(s, 9, e->mta);
	bind_text_or_null(s, 10, e->orig_mid);
	bind_text_or_null(s, 11, e->orig_from);
	bind_text_or_null(s, 12, e->orig_sender);
	sqlite3_bind_int64(s, 13, e->orig_date);
	bind_text_or_null(s, 14, e->subject);
	bind_text_or_null(s, 15, e->received);
	bind_text_or_null(s, 16, e->links);
	sqlite3_bind_int64(s, 17, (int64_t)e->simhash);
	bind_text_or_null(s, 18, e->excerpt);
	if (e->ntokens)
		sqlite3_bind_blob(s, 19, e->tokens,
		    (int)(e->ntokens * sizeof *e->tokens), SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 19);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc == SQLITE_DONE ? 0 : fail(st, "store");
}

static char *
col_dup(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? xstrdup((const char *)t) : NULL;
}

int
store_evidence_load(struct store *st, struct store_judged **out, size_t *n)
{
	sqlite3_stmt *s;
	struct store_judged *v = NULL;
	size_t len = 0, cap = 0;
	int step;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(st->db, "SELECT folder, uid, kind, form, date, "
	    "report_to, rcpts, nrcpts, mta, orig_mid, orig_from, orig_sender, "
	    "orig_date, subject, received, links, simhash, excerpt, verdict, "
	    "score, signals, campaign, tokens FROM evidence ORDER BY folder, "
	    "uid",
	    -1, &s, NULL) != SQLITE_OK)
		return fail(st, "store");
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		if (len == cap) {
			cap = cap ? cap * 2 : 256;
			v = xreallocarray(v, cap, sizeof *v);
		}
		struct store_judged *j = &v[len++];
		struct ndr_evidence *e = &j->ev;
		memset(j, 0, sizeof *j);
		j->folder = sqlite3_column_int64(s, 0);
		j->uid = (uint32_t)sqlite3_column_int64(s, 1);
		e->kind = (enum ndr_kind)sqlite3_column_int(s, 2);
		e->form = (enum ndr_form)sqlite3_column_int(s, 3);
		e->date = sqlite3_column_int64(s, 4);
		e->report_to = col_dup(s, 5);
		e->rcpts = col_dup(s, 6);
		e->nrcpts = (unsigned)sqlite3_column_int(s, 7);
		e->mta = col_dup(s, 8);
		e->orig_mid = col_dup(s, 9);
		e->orig_from = col_dup(s, 10);
		e->orig_sender = col_dup(s, 11);
		e->orig_date = sqlite3_column_int64(s, 12);
		e->subject = col_dup(s, 13);
		e->received = col_dup(s, 14);
		e->links = col_dup(s, 15);
		e->simhash = (uint64_t)sqlite3_column_int64(s, 16);
		e->excerpt = col_dup(s, 17);
		j->verdict = col_dup(s, 18);
		j->score = sqlite3_column_double(s, 19);
		j->signals = col_dup(s, 20);
		j->campaign = sqlite3_column_int64(s, 21);
		size_t bytes = (size_t)sqlite3_column_bytes(s, 22);
		if (bytes >= sizeof *e->tokens) {
			e->ntokens = bytes / sizeof *e->tokens;
			e->tokens = xcalloc(e->ntokens, sizeof *e->tokens);
			memcpy(e->tokens, sqlite3_column_blob(s, 22),
			    e->ntokens * sizeof *e->tokens);
		}
	}
	sqlite3_finalize(s);
	if (step != SQLITE_DONE) {
		store_judged_free(v, len);
		return fail(st, "store");
	}
	*out = v;
	*n = len;
	return 0;
}

void
store_judged_free(struct store_judged *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		ndr_evidence_free(&v[i].ev);
		free(v[i].verdict);
		free(v[i].signals);
	}
	free(v);
}

int
store_verdict_put(struct store *st, int64_t folder, uint32_t uid,
    const char *verdict, double score, const char *signals, int64_t campaign)
{
	sqlite3_stmt *s = st->verdict_put;
	int rc;

	sqlite3_reset(s);
	bind_text_or_null(s, 1, verdict);
	sqlite3_bind_double(s, 2, score);
	bind_text_or_null(s, 3, signals);
	if (campaign > 0)
		sqlite3_bind_int64(s, 4, campaign);
	else
		sqlite3_bind_null(s, 4);
	sqlite3_bind_int64(s, 5, folder);
	sqlite3_bind_int64(s, 6, uid);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc == SQLITE_DONE ? 0 : fail(st, "store");
}

int
store_campaigns_put(struct store *st, const struct store_campaign *c,
    size_t n)
{
	sqlite3_stmt *s;
	int rc = 0;

	if (exec(st, "DELETE FROM campaigns") != 0)
		return -1;
	if (sqlite3_prepare_v2(st->db, "INSERT INTO campaigns(id, size, "
	    "first_seen, last_seen, subject, forged, mtas, links, backscatter) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", -1, &s, NULL) != SQLITE_OK)
		return fail(st, "store");
	for (size_t i = 0; i < n && rc == 0; i++) {
		sqlite3_reset(s);
		sqlite3_bind_int64(s, 1, c[i].id);
		sqlite3_bind_int64(s, 2, c[i].size);
		sqlite3_bind_int64(s, 3, c[i].first_seen);
		sqlite3_bind_int64(s, 4, c[i].last_seen);
		bind_text_or_null(s, 5, c[i].subject);
		bind_text_or_null(s, 6, c[i].forged);
		bind_text_or_null(s, 7, c[i].mtas);
		bind_text_or_null(s, 8, c[i].links);
		sqlite3_bind_int64(s, 9, c[i].backscatter);
		if (sqlite3_step(s) != SQLITE_DONE)
			rc = fail(st, "store");
	}
	sqlite3_finalize(s);
	return rc;
}

int
store_each_campaign(struct store *st,
    int (*fn)(const struct store_campaign *, void *), void *arg)
{
	sqlite3_stmt *s;
	int rc = 0, step;

	if (sqlite3_prepare_v2(st->db, "SELECT id, size, first_seen, "
	    "last_seen, subject, forged, mtas, links, backscatter FROM "
	    "campaigns ORDER BY size DESC, id", -1, &s, NULL) != SQLITE_OK)
		return fail(st, "store");
	while (rc == 0 && (step = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_campaign c = {
			.id = sqlite3_column_int64(s, 0),
			.size = sqlite3_column_int64(s, 1),
			.first_seen = sqlite3_column_int64(s, 2),
			.last_seen = sqlite3_column_int64(s, 3),
			.subject = (const char *)sqlite3_column_text(s, 4),
			.forged = (const char *)sqlite3_column_text(s, 5),
			.mtas = (const char *)sqlite3_column_text(s, 6),
			.links = (const char *)sqlite3_column_text(s, 7),
			.backscatter = sqlite3_column_int64(s, 8),
		};
		rc = fn(&c, arg);
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = fail(st, "store");
	sqlite3_finalize(s);
	return rc;
}

int
store_each_sent(struct store *st, int (*fn)(const char *mid, int64_t date,
    const char *recipients, void *), void *arg)
{
	sqlite3_stmt *s;
	int rc = 0, step;

	if (sqlite3_prepare_v2(st->db, "SELECT message_id, date, recipients "
	    "FROM sent", -1, &s, NULL) != SQLITE_OK)
		return fail(st, "store");
	while (rc == 0 && (step = sqlite3_step(s)) == SQLITE_ROW)
		rc = fn((const char *)sqlite3_column_text(s, 0),
		    sqlite3_column_int64(s, 1),
		    (const char *)sqlite3_column_text(s, 2), arg);
	if (rc == 0 && step != SQLITE_DONE)
		rc = fail(st, "store");
	sqlite3_finalize(s);
	return rc;
}

int
store_verdict_counts(struct store *st, int64_t *legit, int64_t *backscatter,
    int64_t *unsure)
{
	sqlite3_stmt *s;
	int step;

	*legit = *backscatter = *unsure = 0;
	if (sqlite3_prepare_v2(st->db, "SELECT verdict, count(*) FROM evidence "
	    "WHERE verdict IS NOT NULL GROUP BY verdict", -1, &s, NULL) !=
	    SQLITE_OK)
		return fail(st, "store");
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(s, 0);
		int64_t n = sqlite3_column_int64(s, 1);
		if (strcmp(v, "legit") == 0)
			*legit = n;
		else if (strcmp(v, "backscatter") == 0)
			*backscatter = n;
		else
			*unsure += n;
	}
	sqlite3_finalize(s);
	return step == SQLITE_DONE ? 0 : fail(st, "store");
}

/* ---- the classifier ---- */

int
store_each_token(struct store *st, int (*fn)(uint64_t hash, uint32_t spam,
    uint32_t ham, void *), void *arg)
{
	sqlite3_stmt *s;
	int rc = 0, step;

	if (sqlite3_prepare_v2(st->db, "SELECT hash, spam, ham FROM tokens",
	    -1, &s, NULL) != SQLITE_OK)
		return fail(st, "store");
	while (rc == 0 && (step = sqlite3_step(s)) == SQLITE_ROW)
		rc = fn((uint64_t)sqlite3_column_int64(s, 0),
		    (uint32_t)sqlite3_column_int64(s, 1),
		    (uint32_t)sqlite3_column_int64(s, 2), arg);
	if (rc == 0 && step != SQLITE_DONE)
		rc = fail(st, "store");
	sqlite3_finalize(s);
	return rc;
}

int
store_token_put(struct store *st, uint64_t hash, uint32_t spam, uint32_t ham)
{
	sqlite3_stmt **s = spam || ham ? &st->token_put : &st->token_del;
	int rc;

	if (*s == NULL && sqlite3_prepare_v2(st->db, spam || ham ?
	    "INSERT OR REPLACE INTO tokens(hash, spam, ham) VALUES (?, ?, ?)" :
	    "DELETE FROM tokens WHERE hash = ?", -1, s, NULL) != SQLITE_OK)
		return fail(st, "store");
	sqlite3_reset(*s);
	sqlite3_bind_int64(*s, 1, (int64_t)hash);
	if (spam || ham) {
		sqlite3_bind_int64(*s, 2, spam);
		sqlite3_bind_int64(*s, 3, ham);
	}
	rc = sqlite3_step(*s);
	sqlite3_reset(*s);
	return rc == SQLITE_DONE ? 0 : fail(st, "store");
}

int
store_trained_counts(struct store *st, int64_t *spam, int64_t *ham)
{
	sqlite3_stmt *s;
	int rc = -1;

	*spam = *ham = 0;
	if (sqlite3_prepare_v2(st->db, "SELECT coalesce(sum(spam), 0), "
	    "count(*) FROM trained", -1, &s, NULL) != SQLITE_OK)
		return fail(st, "store");
	if (sqlite3_step(s) == SQLITE_ROW) {
		*spam = sqlite3_column_int64(s, 0);
		*ham = sqlite3_column_int64(s, 1) - *spam;
		rc = 0;
	} else
		rc = fail(st, "store");
	sqlite3_finalize(s);
	return rc;
}

int
store_trained_get(struct store *st, uint64_t digest, bool *spam,
    uint64_t **tokens, size_t *n)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(st->db, "SELECT spam, tokens FROM trained "
	    "WHERE digest = ?", -1, &s, NULL) != SQLITE_OK)
		return fail(st, "store");
	sqlite3_bind_int64(s, 1, (int64_t)digest);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*spam = sqlite3_column_int(s, 0) != 0;
		if (tokens) {
			size_t bytes = (size_t)sqlite3_column_bytes(s, 1);
			*n = bytes / sizeof **tokens;
			*tokens = xcalloc(*n ? *n : 1, sizeof **tokens);
			if (bytes)
				memcpy(*tokens, sqlite3_column_blob(s, 1),
				    *n * sizeof **tokens);
		}
		rc = 1;
	} else
		rc = rc == SQLITE_DONE ? 0 : fail(st, "store");
	sqlite3_finalize(s);
	return rc;
}

int
store_trained_put(struct store *st, uint64_t digest, bool spam,
    const uint64_t *tokens, size_t n, int64_t at)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(st->db, "INSERT OR REPLACE INTO trained(digest, "
	    "spam, at, tokens) VALUES (?, ?, ?, ?)", -1, &s, NULL) != SQLITE_OK)
		return fail(st, "store");
	sqlite3_bind_int64(s, 1, (int64_t)digest);
	sqlite3_bind_int(s, 2, spam);
	sqlite3_bind_int64(s, 3, at);
	sqlite3_bind_blob(s, 4, tokens ? (const void *)tokens : "",
	    (int)(n * sizeof *tokens), SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : fail(st, "store");
}

int
store_trained_del(struct store *st, uint64_t digest)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(st->db, "DELETE FROM trained WHERE digest = ?",
	    -1, &s, NULL) != SQLITE_OK)
		return fail(st, "store");
	sqlite3_bind_int64(s, 1, (int64_t)digest);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : fail(st, "store");
}

/* ---- the journal of actions ---- */

int
store_journal_batch(struct store *st, int64_t *batch)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(st->db, "SELECT coalesce(max(batch), 0) + 1 "
	    "FROM journal", -1, &s, NULL) != SQLITE_OK)
		return fail(st, "store");
	rc = sqlite3_step(s);
	*batch = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : fail(st, "store");
}

int
store_journal_add(struct store *st, const struct store_act *a, int64_t *id)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(st->db, "INSERT INTO journal(batch, action, "
	    "folder, uidvalidity, uid, message_id, dest, origin, state, at, "
	    "dest_next, dest_next_uv) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
	    "'pending', ?, ?, ?)", -1, &s, NULL) !=
	    SQLITE_OK)
		return fail(st, "store");
	sqlite3_bind_int64(s, 1, a->batch);
	bind_text_or_null(s, 2, a->action);
	bind_text_or_null(s, 3, a->folder);
	sqlite3_bind_int64(s, 4, a->uidvalidity);
	sqlite3_bind_int64(s, 5, a->uid);
	bind_text_or_null(s, 6, a->message_id);
	bind_text_or_null(s, 7, a->dest);
	bind_text_or_null(s, 8, a->origin ? a->origin : a->folder);
	sqlite3_bind_int64(s, 9, a->at);
	sqlite3_bind_int64(s, 10, a->dest_next);
	sqlite3_bind_int64(s, 11, a->dest_next_uv);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return fail(st, "store");
	if (id)
		*id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int
store_journal_set(struct store *st, int64_t id, const char *state,
    uint32_t dest_uidvalidity, uint32_t dest_uid, int64_t when)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(st->db, "UPDATE journal SET state = ?, "
	    "dest_uidvalidity = ?, dest_uid = ?, done_at = ? WHERE id = ?",
	    -1, &s, NULL) != SQLITE_OK)
		return fail(st, "store");
	bind_text_or_null(s, 1, state);
	if (dest_uid) {
		sqlite3_bind_int64(s, 2, dest_uidvalidity);
		sqlite3_bind_int64(s, 3, dest_uid);
	}
	sqlite3_bind_int64(s, 4, when);
	sqlite3_bind_int64(s, 5, id);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : fail(st, "store");
}

static void
act_of(sqlite3_stmt *s, struct store_act *a)
{
	memset(a, 0, sizeof *a);
	a->id = sqlite3_column_int64(s, 0);
	a->batch = sqlite3_column_int64(s, 1);
	a->action = (const char *)sqlite3_column_text(s, 2);
	a->folder = (const char *)sqlite3_column_text(s, 3);
	a->uidvalidity = (uint32_t)sqlite3_column_int64(s, 4);
	a->uid = (uint32_t)sqlite3_column_int64(s, 5);
	a->message_id = (const char *)sqlite3_column_text(s, 6);
	a->dest = (const char *)sqlite3_column_text(s, 7);
	a->origin = (const char *)sqlite3_column_text(s, 8);
	a->state = (const char *)sqlite3_column_text(s, 9);
	a->dest_uidvalidity = (uint32_t)sqlite3_column_int64(s, 10);
	a->dest_uid = (uint32_t)sqlite3_column_int64(s, 11);
	a->at = sqlite3_column_int64(s, 12);
	a->done_at = sqlite3_column_int64(s, 13);
	a->dest_next = (uint32_t)sqlite3_column_int64(s, 14);
	a->dest_next_uv = (uint32_t)sqlite3_column_int64(s, 15);
}

#define ACT_COLUMNS "id, batch, action, folder, uidvalidity, uid, " \
	"message_id, dest, origin, state, dest_uidvalidity, dest_uid, at, " \
	"done_at, dest_next, dest_next_uv"

int
store_journal_pending(struct store *st, int64_t batch,
    int (*fn)(const struct store_act *, void *), void *fnarg)
{
	sqlite3_stmt *s;
	int rc = 0, step;

	if (sqlite3_prepare_v2(st->db, "SELECT " ACT_COLUMNS " FROM journal "
	    "WHERE state = 'pending' AND (?1 = 0 OR batch = ?1) ORDER BY "
	    "batch, folder, uid", -1, &s, NULL) != SQLITE_OK)
		return fail(st, "store");
	sqlite3_bind_int64(s, 1, batch);
	while (rc == 0 && (step = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_act a;
		act_of(s, &a);
		rc = fn(&a, fnarg);
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = fail(st, "store");
	sqlite3_finalize(s);
	return rc;
}

int
store_msg_move(struct store *st, const char *from, uint32_t uid,
    const char *to, uint32_t to_uidvalidity, uint32_t new_uid)
{
	struct store_folder f, t;
	sqlite3_stmt *s;
	int rc = 0;

	if (store_folder(st, from, &f) != 0)
		return -1;
	if (new_uid == 0 || to == NULL) {	/* where it went is unknown */
		if (sqlite3_prepare_v2(st->db, "DELETE FROM messages WHERE "
		    "folder = ? AND uid = ?", -1, &s, NULL) != SQLITE_OK)
			return fail(st, "store");
		sqlite3_bind_int64(s, 1, f.id);
		sqlite3_bind_int64(s, 2, uid);
		rc = sqlite3_step(s) == SQLITE_DONE ? 0 : fail(st, "store");
		sqlite3_finalize(s);
		return rc;
	}
	if (store_folder(st, to, &t) != 0)
		return -1;
	if (t.uidvalidity == 0 && to_uidvalidity) {
		t.uidvalidity = to_uidvalidity;
		if (store_folder_save(st, &t) != 0)
			return -1;
	}
	/* the row and its evidence follow the message; the two keys are
	 * only consistent again at the end of the transaction */
	if (exec(st, "PRAGMA defer_foreign_keys = ON") != 0)
		return -1;
	for (int k = 0; k < 2 && rc == 0; k++) {
		if (sqlite3_prepare_v2(st->db, k ? "UPDATE OR REPLACE evidence "
		    "SET folder = ?, uid = ? WHERE folder = ? AND uid = ?" :
		    "UPDATE OR REPLACE messages SET folder = ?, uid = ? WHERE "
		    "folder = ? AND uid = ?", -1, &s, NULL) != SQLITE_OK)
			return fail(st, "store");
		sqlite3_bind_int64(s, 1, t.id);
		sqlite3_bind_int64(s, 2, new_uid);
		sqlite3_bind_int64(s, 3, f.id);
		sqlite3_bind_int64(s, 4, uid);
		rc = sqlite3_step(s) == SQLITE_DONE ? 0 : fail(st, "store");
		sqlite3_finalize(s);
	}
	return rc;
}

/* ---- what clean and review act on ---- */

int
store_each_candidate(struct store *st, const char *quarantine,
    double threshold, bool unsure,
    int (*fn)(const struct store_cand *, void *), void *arg)
{
	sqlite3_stmt *s;
	int rc = 0, step;

	if (sqlite3_prepare_v2(st->db, "SELECT f.name, m.uid, m.message_id, "
	    "e.verdict, e.score, e.campaign, e.tokens FROM evidence e JOIN "
	    "messages m ON m.folder = e.folder AND m.uid = e.uid JOIN folders f "
	    "ON f.id = e.folder WHERE f.name != ?1 AND ((e.verdict = "
	    "'backscatter' AND e.score >= ?2) OR (?3 AND e.verdict = 'unsure')) "
	    "AND (m.flags IS NULL OR instr(m.flags, '$NdrKept') = 0) AND NOT "
	    "EXISTS (SELECT 1 FROM journal j WHERE j.action = 'keep' AND "
	    "j.state = 'done' AND j.folder = f.name AND j.uid = m.uid AND "
	    "j.uidvalidity = f.uidvalidity) AND NOT EXISTS (SELECT 1 FROM "
	    "journal r WHERE r.action = 'release' AND r.state IN ('done', "
	    "'copied') AND ((r.dest = f.name AND r.dest_uid = m.uid AND "
	    "r.dest_uidvalidity = f.uidvalidity) OR r.message_id = "
	    "m.message_id)) ORDER BY f.name, m.uid", -1, &s,
	    NULL) != SQLITE_OK)
		return fail(st, "store");
	sqlite3_bind_text(s, 1, quarantine, -1, SQLITE_STATIC);
	sqlite3_bind_double(s, 2, threshold);
	sqlite3_bind_int(s, 3, unsure);
	while (rc == 0 && (step = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_cand c = {
			.folder = (const char *)sqlite3_column_text(s, 0),
			.uid = (uint32_t)sqlite3_column_int64(s, 1),
			.message_id = (const char *)sqlite3_column_text(s, 2),
			.verdict = (const char *)sqlite3_column_text(s, 3),
			.score = sqlite3_column_double(s, 4),
			.campaign = sqlite3_column_int64(s, 5),
			.tokens = sqlite3_column_blob(s, 6),
			.ntokens = (size_t)sqlite3_column_bytes(s, 6) /
			    sizeof(uint64_t),
		};
		rc = fn(&c, arg);
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = fail(st, "store");
	sqlite3_finalize(s);
	return rc;
}

int
store_each_quarantined(struct store *st, const char *quarantine,
    int (*fn)(const struct store_quar *, void *), void *arg)
{
	sqlite3_stmt *s;
	int rc = 0, step;

	/* what was moved to the quarantine and is still there (in the
	 * store's view): the latest action on it was the quarantine */
	if (sqlite3_prepare_v2(st->db, "SELECT j.id, j.origin, j.dest_uid, "
	    "j.dest_uidvalidity, j.message_id, j.done_at, e.verdict, e.score, "
	    "e.campaign, e.subject, e.tokens FROM journal j JOIN folders f ON "
	    "f.name = j.dest LEFT JOIN evidence e ON e.folder = f.id AND "
	    "e.uid = j.dest_uid WHERE j.action = 'quarantine' AND j.state = "
	    "'done' AND j.dest = ?1 AND j.dest_uid IS NOT NULL AND NOT EXISTS "
	    "(SELECT 1 FROM journal k WHERE k.folder = j.dest AND k.uid = "
	    "j.dest_uid AND k.uidvalidity = j.dest_uidvalidity AND k.id > j.id "
	    "AND k.state IN ('done', 'pending', 'vanished')) ORDER BY j.id",
	    -1, &s, NULL) != SQLITE_OK)
		return fail(st, "store");
	sqlite3_bind_text(s, 1, quarantine, -1, SQLITE_STATIC);
	while (rc == 0 && (step = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_quar q = {
			.id = sqlite3_column_int64(s, 0),
			.origin = (const char *)sqlite3_column_text(s, 1),
			.uid = (uint32_t)sqlite3_column_int64(s, 2),
			.uidvalidity = (uint32_t)sqlite3_column_int64(s, 3),
			.message_id = (const char *)sqlite3_column_text(s, 4),
			.since = sqlite3_column_int64(s, 5),
			.verdict = (const char *)sqlite3_column_text(s, 6),
			.score = sqlite3_column_double(s, 7),
			.campaign = sqlite3_column_int64(s, 8),
			.subject = (const char *)sqlite3_column_text(s, 9),
			.tokens = sqlite3_column_blob(s, 10),
			.ntokens = (size_t)sqlite3_column_bytes(s, 10) /
			    sizeof(uint64_t),
		};
		rc = fn(&q, arg);
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = fail(st, "store");
	sqlite3_finalize(s);
	return rc;
}

/* ---- the interface ---- */

int
store_each_item(struct store *st,
    int (*fn)(const struct store_item *, void *), void *arg)
{
	sqlite3_stmt *s;
	int rc = 0, step;

	if (sqlite3_prepare_v2(st->db, "SELECT f.name, m.uid, m.message_id, "
	    "coalesce(nullif(e.date, 0), m.date), m.kind, e.rcpts, "
	    "json_extract(m.report, '$.recipients[0].reason'), "
	    "json_extract(m.report, '$.recipients[0].status'), e.verdict, "
	    "e.score, e.campaign, e.subject, coalesce(e.orig_from, "
	    "e.orig_sender), e.mta, (instr(coalesce(m.flags, ''), '$NdrKept') "
	    "> 0 OR k.kf IS NOT NULL) FROM evidence e JOIN messages m ON "
	    "m.folder = e.folder AND m.uid = e.uid JOIN folders f ON f.id = "
	    "e.folder LEFT JOIN (SELECT DISTINCT folder AS kf, uid AS ku FROM "
	    "journal WHERE action = 'keep' AND state = 'done') k ON k.kf = "
	    "f.name AND k.ku = m.uid ORDER BY f.name, m.uid", -1, &s, NULL) !=
	    SQLITE_OK)
		return fail(st, "store");
	while (rc == 0 && (step = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_item it = {
			.folder = (const char *)sqlite3_column_text(s, 0),
			.uid = (uint32_t)sqlite3_column_int64(s, 1),
			.message_id = (const char *)sqlite3_column_text(s, 2),
			.date = sqlite3_column_int64(s, 3),
			.kind = (const char *)sqlite3_column_text(s, 4),
			.rcpt = (const char *)sqlite3_column_text(s, 5),
			.reason = (const char *)sqlite3_column_text(s, 6),
			.status = (const char *)sqlite3_column_text(s, 7),
			.verdict = (const char *)sqlite3_column_text(s, 8),
			.score = sqlite3_column_double(s, 9),
			.campaign = sqlite3_column_int64(s, 10),
			.subject = (const char *)sqlite3_column_text(s, 11),
			.from = (const char *)sqlite3_column_text(s, 12),
			.mta = (const char *)sqlite3_column_text(s, 13),
			.kept = sqlite3_column_int(s, 14) != 0,
		};
		rc = fn(&it, arg);
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = fail(st, "store");
	sqlite3_finalize(s);
	return rc;
}

/* Each row of a query over one report (folder, uid bound) to fn as what. */
static int
detail_rows(struct store *st, const char *sql, const char *folder,
    uint32_t uid, const char *what,
    int (*fn)(const char *, const char *const *, int, void *), void *arg,
    int *found)
{
	sqlite3_stmt *s;
	const char *v[8];
	int rc = 0, step, n;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return fail(st, "store");
	sqlite3_bind_text(s, 1, folder, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, uid);
	n = sqlite3_column_count(s);
	if (n > 8)
		n = 8;
	while (rc == 0 && (step = sqlite3_step(s)) == SQLITE_ROW) {
		for (int i = 0; i < n; i++)
			v[i] = (const char *)sqlite3_column_text(s, i);
		(*found)++;
		rc = fn(what, v, n, arg);
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = fail(st, "store");
	sqlite3_finalize(s);
	return rc;
}

#define DETAIL_JOIN \
	" FROM messages m JOIN folders f ON f.id = m.folder" \
	" LEFT JOIN evidence e ON e.folder = m.folder AND e.uid = m.uid"
#define DETAIL_WHERE	" WHERE f.name = ?1 AND m.uid = ?2"

int
store_item_detail(struct store *st, const char *folder, uint32_t uid,
    int (*fn)(const char *, const char *const *, int, void *), void *arg)
{
	/* SQLite reads the engine's JSON; arrays join as tables */
	static const struct {
		const char *what, *sql;
	} q[] = {
		{ "report", "SELECT json_extract(m.report, '$.format'), "
		    "json_extract(m.report, '$.from'), json_extract(m.report, "
		    "'$.subject'), json_extract(m.report, '$.reporting_mta'), "
		    "m.kind" DETAIL_JOIN DETAIL_WHERE },
		{ "rcpt", "SELECT json_extract(r.value, '$.address'), "
		    "json_extract(r.value, '$.action'), json_extract(r.value, "
		    "'$.status'), json_extract(r.value, '$.reply_code'), "
		    "json_extract(r.value, '$.reason'), json_extract(r.value, "
		    "'$.diagnostic'), json_extract(r.value, '$.remote_mta')"
		    DETAIL_JOIN ", json_each(CASE WHEN json_valid(m.report) THEN "
		    "m.report ELSE '{}' END, '$.recipients') r" DETAIL_WHERE },
		{ "original", "SELECT json_extract(m.report, '$.original.form'), "
		    "json_extract(m.report, '$.original.message_id'), "
		    "json_extract(m.report, '$.original.from'), "
		    "json_extract(m.report, '$.original.subject'), "
		    "json_extract(m.report, '$.original.date'), "
		    "json_extract(m.report, '$.original.return_path')"
		    DETAIL_JOIN DETAIL_WHERE " AND json_valid(m.report) AND "
		    "json_extract(m.report, '$.original.form') != 'none'" },
		{ "received", "SELECT r.value" DETAIL_JOIN ", json_each(CASE WHEN "
		    "json_valid(m.report) THEN m.report ELSE '{}' END, "
		    "'$.original.received') r" DETAIL_WHERE },
		{ "excerpt", "SELECT e.excerpt" DETAIL_JOIN DETAIL_WHERE
		    " AND e.excerpt IS NOT NULL AND e.excerpt != ''" },
		{ "verdict", "SELECT e.verdict, printf('%.2f', e.score), "
		    "e.campaign" DETAIL_JOIN DETAIL_WHERE " AND e.verdict IS NOT "
		    "NULL" },
		{ "signal", "SELECT json_extract(g.value, '$.name'), "
		    "printf('%+.2f', json_extract(g.value, '$.weight')), "
		    "json_extract(g.value, '$.evidence')" DETAIL_JOIN ", json_each("
		    "CASE WHEN json_valid(e.signals) THEN e.signals ELSE '[]' END) "
		    "g" DETAIL_WHERE },
	};
	int found = 0;

	for (size_t i = 0; i < sizeof q / sizeof *q; i++) {
		int rc = detail_rows(st, q[i].sql, folder, uid, q[i].what, fn,
		    arg, &found);
		if (rc != 0)
			return rc;
		if (found == 0)
			return 1;	/* not even the message */
	}
	return 0;
}

int
store_item_tokens(struct store *st, const char *folder, uint32_t uid,
    uint64_t **tokens, size_t *n)
{
	sqlite3_stmt *s;
	int rc = 0, step;

	*tokens = NULL;
	*n = 0;
	/* asked once per message a commit teaches: prepared once */
	if (st->item_tokens == NULL && sqlite3_prepare_v2(st->db, "SELECT "
	    "e.tokens FROM evidence e JOIN folders f ON f.id = e.folder WHERE "
	    "f.name = ?1 AND e.uid = ?2", -1, &st->item_tokens, NULL) !=
	    SQLITE_OK)
		return fail(st, "store");
	s = st->item_tokens;
	sqlite3_reset(s);
	sqlite3_bind_text(s, 1, folder, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, uid);
	if ((step = sqlite3_step(s)) == SQLITE_ROW) {
		size_t bytes = (size_t)sqlite3_column_bytes(s, 0);
		if (bytes >= sizeof(uint64_t)) {
			*n = bytes / sizeof(uint64_t);
			if ((*tokens = malloc(*n * sizeof(uint64_t))) == NULL)
				abort();
			memcpy(*tokens, sqlite3_column_blob(s, 0),
			    *n * sizeof(uint64_t));
		}
	} else if (step != SQLITE_DONE)
		rc = fail(st, "store");
	sqlite3_reset(s);
	return rc;
}

int
store_meta_set(struct store *st, const char *key, const char *value)
{
	sqlite3_stmt *s;
	int rc = 0;

	if (sqlite3_prepare_v2(st->db, "INSERT OR REPLACE INTO meta(key, value) "
	    "VALUES (?1, ?2)", -1, &s, NULL) != SQLITE_OK)
		return fail(st, "store");
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, value, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = fail(st, "store");
	sqlite3_finalize(s);
	return rc;
}

char *
store_meta_get(struct store *st, const char *key)
{
	sqlite3_stmt *s;
	char *v = NULL;

	if (sqlite3_prepare_v2(st->db, "SELECT value FROM meta WHERE key = ?1",
	    -1, &s, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
		v = strdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return v;
}

int64_t
store_data_version(struct store *st)
{
	sqlite3_stmt *s;
	int64_t v = -1;

	if (sqlite3_prepare_v2(st->db, "PRAGMA data_version", -1, &s, NULL) !=
	    SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}
