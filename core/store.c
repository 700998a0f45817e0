/* store.c - the SQLite store: opening, the schema and its migrations,
 * the checkpoint thread, small facts (meta). The rest, by
 * concern, in store_*.c. */
#include <sys/stat.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "engine.h"
#include "store.h"
#include "store_int.h"

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
	ST_CLASSIFIER_TABLES("")
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
	/* 7 -> 8: what the interface lists of a report's first recipient
	 * as columns of their own, not read back out of the JSON */
	"ALTER TABLE evidence ADD COLUMN reason TEXT;"
	"ALTER TABLE evidence ADD COLUMN status TEXT;"
	"UPDATE evidence SET (reason, status) = (SELECT json_extract("
	"m.report, '$.recipients[0].reason'), json_extract(m.report, "
	"'$.recipients[0].status') FROM messages m WHERE m.folder = "
	"evidence.folder AND m.uid = evidence.uid);",
	/* 8 -> 9: the journal's actions on one message found by an index:
	 * "is this the latest action on it?" (what is in the quarantine,
	 * what was kept) scanned every done row for every row, quadratic
	 * in the journal (0.9 s at 3,700 quarantined, each watch round) */
	"CREATE INDEX journal_msg ON journal(folder, uid);",
	/* 9 -> 10: a folder's messages counted (twice a scan, to tell
	 * whether any went) by an index of its keys alone, not by reading
	 * every row with its report: 0.5 s of a 100,000-message rescan
	 * that found nothing new */
	"CREATE INDEX messages_folder ON messages(folder);",
	/* 10 -> 11: what the server could not give, asked for again at
	 * every scan, found by a partial index of those rows alone: the
	 * query read all of a 100,000-message folder's rows (140 ms of a
	 * rescan that found nothing new) */
	"CREATE INDEX messages_unreadable ON messages(folder, uid) "
	"WHERE unreadable;",
	/* 11 -> 12: the verdicts in a table of their own. In the evidence
	 * row, a judging rewrote every report's whole row (its excerpt,
	 * links, Received, tokens) to change its verdict: 0.6 s of the
	 * 1.6 s first judging of 100,000 reports. The evidence table's
	 * verdict, score, signals and campaign are no longer used. A
	 * verdict goes with its evidence by a trigger, not a foreign key
	 * (whose check of each verdict written cost 0.1 s more); the
	 * store sets recursive_triggers, so that the row an INSERT OR
	 * REPLACE of new evidence deletes takes its verdict with it. */
	"CREATE TABLE verdicts ("
	"  folder INTEGER NOT NULL,"
	"  uid INTEGER NOT NULL,"
	"  verdict TEXT NOT NULL, score REAL, signals TEXT, campaign INTEGER,"
	"  PRIMARY KEY (folder, uid)) WITHOUT ROWID;"
	"CREATE TRIGGER evidence_gone AFTER DELETE ON evidence BEGIN "
	"  DELETE FROM verdicts WHERE folder = old.folder AND uid = old.uid;"
	"  END;"
	"INSERT INTO verdicts SELECT folder, uid, verdict, score, signals, "
	"campaign FROM evidence WHERE verdict IS NOT NULL;"
	"UPDATE evidence SET verdict = NULL, score = NULL, signals = NULL, "
	"campaign = NULL WHERE verdict IS NOT NULL;",
	/* 12 -> 13: ordinary mail that was never a candidate (told from
	 * its header fields alone) kept as its UID only, in a table of its
	 * own: a row each in messages, with its Message-ID, date, size,
	 * kind and flags, made 150 of a 226 MB store at a million
	 * messages. What reads them only counts them and walks their
	 * UIDs. No foreign key: folders are never deleted, and each insert
	 * would look its folder up. */
	"CREATE TABLE plain ("
	"  folder INTEGER NOT NULL,"
	"  uid INTEGER NOT NULL,"
	"  PRIMARY KEY (folder, uid)) WITHOUT ROWID;"
	"INSERT INTO plain SELECT folder, uid FROM messages WHERE "
	"kind = 'other' AND NOT unreadable AND report IS NULL;"
	"DELETE FROM messages WHERE kind = 'other' AND NOT unreadable AND "
	"report IS NULL;",
	/* 13 -> 14: ordinary mail as runs of UIDs (lo to hi, both in): a
	 * row for each of 94,000 UIDs of a first scan of 100,000 messages
	 * was a sixth of the scan's CPU; new mail comes in UID order, and
	 * the few candidates among it are what breaks a run */
	"CREATE TABLE plain_runs ("
	"  folder INTEGER NOT NULL,"
	"  lo INTEGER NOT NULL,"
	"  hi INTEGER NOT NULL,"
	"  PRIMARY KEY (folder, lo)) WITHOUT ROWID;"
	"INSERT INTO plain_runs SELECT folder, min(uid), max(uid) FROM "
	"(SELECT folder, uid, uid - row_number() OVER (PARTITION BY folder "
	"ORDER BY uid) AS run FROM plain) GROUP BY folder, run;"
	"DROP TABLE plain;",
	/* 14 -> 15: the original's own recipients (its To), for a bounce
	 * whose original's Message-ID is not the Sent copy's (verdict.c);
	 * rows of before stay without them */
	"ALTER TABLE evidence ADD COLUMN orig_to TEXT;",
};

int
st_fail(struct store *st, const char *what)
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

int
st_exec(struct store *st, const char *sql)
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

sqlite3_stmt *
st_prepare(struct store *st, const char *sql, const char *fmt, ...)
{
	sqlite3_stmt *s;
	va_list ap;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		st_fail(st, "store");
		return NULL;
	}
	va_start(ap, fmt);
	for (int i = 1; fmt && *fmt; fmt++, i++)
		switch (*fmt) {
		case 't': st_bind_text(s, i, va_arg(ap, const char *)); break;
		case 'i': sqlite3_bind_int64(s, i, va_arg(ap, int64_t)); break;
		case 'u': sqlite3_bind_int64(s, i, va_arg(ap, uint32_t)); break;
		case 'd': sqlite3_bind_double(s, i, va_arg(ap, double)); break;
		case 'b': sqlite3_bind_int(s, i, va_arg(ap, int) != 0); break;
		}
	va_end(ap);
	return s;
}

int
st_rows(struct store *st, sqlite3_stmt *s,
    int (*row)(sqlite3_stmt *, void *), void *arg)
{
	int rc = 0, step;

	if (s == NULL)
		return -1;
	while (rc == 0 && (step = sqlite3_step(s)) == SQLITE_ROW)
		rc = row ? row(s, arg) : 0;
	if (rc == 0 && step != SQLITE_DONE)
		rc = st_fail(st, "store");
	sqlite3_finalize(s);
	return rc;
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

/* the header's schema (what tests and tools are told) is the last step */
_Static_assert(sizeof migrations / sizeof *migrations == STORE_SCHEMA,
    "STORE_SCHEMA is not the number of migrations");

static int
migrate(struct store *st)
{
	int v = user_version(st);
	const int last = (int)(sizeof migrations / sizeof *migrations);

	if (v < 0)
		return st_fail(st, "store");
	if (v > last) {
		snprintf(st->err, sizeof st->err, "store has schema %d, newer "
		    "than this ndrsweep knows (%d): upgrade ndrsweep", v, last);
		return -1;
	}
	for (; v < last; v++) {
		char pragma[48];
		if (st_exec(st, "BEGIN IMMEDIATE") != 0)
			return -1;
		snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d",
		    v + 1);
		if (st_exec(st, migrations[v]) != 0 || st_exec(st, pragma) != 0) {
			st_exec(st, "ROLLBACK");
			return -1;
		}
		if (st_exec(st, "COMMIT") != 0)
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
	    s, NULL) == SQLITE_OK ? 0 : st_fail(st, "store");
}

sqlite3_stmt *
st_cached(struct store *st, const char *sql)
{
	return st_cached_as(st, sql, sql);
}

void
st_cache_drop(struct store *st)
{
	for (size_t i = 0; i < sizeof st->cache / sizeof *st->cache; i++) {
		sqlite3_finalize(st->cache[i]);
		st->cache[i] = NULL;
		st->cache_sql[i] = NULL;
	}
}

sqlite3_stmt *
st_cached_as(struct store *st, const char *key, const char *sql)
{
	size_t i, n = sizeof st->cache / sizeof *st->cache;

	for (i = 0; i < n && st->cache_sql[i] && st->cache_sql[i] != key; i++)
		;
	if (i < n && st->cache_sql[i] == key) {
		sqlite3_reset(st->cache[i]);
		sqlite3_clear_bindings(st->cache[i]);
		return st->cache[i];
	}
	sqlite3_stmt *s;
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s,
	    NULL) != SQLITE_OK) {
		st_fail(st, "store");
		return NULL;
	}
	if (i == n) {	/* full: the last slot changes hands */
		i = n - 1;
		sqlite3_finalize(st->cache[i]);
	}
	st->cache_sql[i] = key;
	st->cache[i] = s;
	return s;
}

/*
 * Statement journals (what lets one statement of a transaction be undone
 * alone: an UPDATE OR REPLACE that moves a message's rows) kept in memory
 * up to 512 KB instead of SQLite's 64 KB: above that they went to a file
 * in /var/tmp, and a clean that moved 2,266 messages wrote 27,000 pages
 * to it, a third of its system time. (SQLite allocates the whole spill
 * size for each statement's journal: 64 MB was slower than the file.)
 * Set once, before SQLite starts.
 */
static void
sqlite_setup(void)
{
	sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, 512 << 10);
}

int
store_open(const char *path, struct store **out, char *err, size_t errlen)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	struct store *st = xcalloc(1, sizeof *st);

	pthread_once(&once, sqlite_setup);

	*out = NULL;
	if (make_parent(path, err, errlen) != 0 ||
	    cut_short(path, err, errlen) != 0) {
		free(st);
		return -1;
	}
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		st_fail(st, path);
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
	if (st_exec(st, "PRAGMA page_size = 16384") != 0 ||
	    st_exec(st, "PRAGMA journal_mode = WAL") != 0 ||
	    st_exec(st, "PRAGMA synchronous = NORMAL") != 0 ||
	    store_cache_limit(st, STORE_CACHE_KIB) != 0 ||
	    st_exec(st, "PRAGMA foreign_keys = ON") != 0 ||
	    st_exec(st, "PRAGMA recursive_triggers = ON") != 0 ||
	    migrate(st) != 0)
		goto bad;
	if (prepare(st, &st->folder_get, "SELECT id, uidvalidity, "
	    "highest_uid, highestmodseq FROM folders WHERE name = ?") ||
	    prepare(st, &st->folder_add, "INSERT INTO folders(name) "
	    "VALUES (?)") ||
	    prepare(st, &st->folder_save, "UPDATE folders SET uidvalidity = "
	    "?, highest_uid = ?, highestmodseq = ? WHERE id = ?") ||
	    prepare(st, &st->msg_put, "INSERT OR REPLACE INTO " MSG_ROW) ||
	    prepare(st, &st->msg_add, "INSERT INTO " MSG_ROW) ||
	    prepare(st, &st->plain_put, "INSERT INTO plain_runs (folder, lo, "
	    "hi) VALUES (?, ?, ?)") ||
	    prepare(st, &st->sent_put, "INSERT OR REPLACE INTO " SENT_ROW) ||
	    prepare(st, &st->sent_add, "INSERT INTO " SENT_ROW) ||
	    prepare(st, &st->sent_find, "SELECT date FROM sent WHERE "
	    "message_id = ? LIMIT 1") ||
	    prepare(st, &st->ev_put, "INSERT OR REPLACE INTO " EV_ROW) ||
	    prepare(st, &st->ev_add, "INSERT INTO " EV_ROW) ||
	    prepare(st, &st->verdict_put, "INSERT OR REPLACE INTO "
	    "verdicts(verdict, score, signals, campaign, folder, uid) VALUES "
	    "(?, ?, ?, ?, ?, ?)"))
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
	sqlite3_finalize(st->plain_put);
	sqlite3_finalize(st->sent_add);
	sqlite3_finalize(st->sent_put);
	sqlite3_finalize(st->sent_find);
	sqlite3_finalize(st->ev_put);
	sqlite3_finalize(st->ev_add);
	sqlite3_finalize(st->verdict_put);
	sqlite3_finalize(st->item_tokens);
	st_cache_drop(st);
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
store_cache_limit(struct store *st, int kib)
{
	char sql[64];

	snprintf(sql, sizeof sql, "PRAGMA cache_size = -%d", kib);
	return st_exec(st, sql);
}

int
store_checkpoint_defer(struct store *st)
{
	return st_exec(st, "PRAGMA wal_autocheckpoint = 0");
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
store_meta_set(struct store *st, const char *key, const char *value)
{
	sqlite3_stmt *s;
	int rc = 0;

	if (sqlite3_prepare_v2(st->db, "INSERT OR REPLACE INTO meta(key, value) "
	    "VALUES (?1, ?2)", -1, &s, NULL) != SQLITE_OK)
		return st_fail(st, "store");
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, value, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = st_fail(st, "store");
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

void
st_bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

int
st_add_or_replace(struct store *st, sqlite3_stmt *add, sqlite3_stmt *put,
    void (*bind)(sqlite3_stmt *, const void *), const void *arg)
{
	int rc = SQLITE_CONSTRAINT;

	for (int k = 0; k < 2 && rc == SQLITE_CONSTRAINT; k++) {
		sqlite3_stmt *s = k ? put : add;
		sqlite3_reset(s);
		bind(s, arg);
		rc = sqlite3_step(s);
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
	}
	return rc == SQLITE_DONE ? 0 : st_fail(st, "store");
}
