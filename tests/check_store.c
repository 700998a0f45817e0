/* check_store.c - the SQLite store: schema, folder state, messages. */
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "check_util.h"
#include "core/store.h"

static char dir[64], path[128];

static void
setup(void)
{
	strcpy(dir, "/tmp/ndrsweep-store-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	/* a folder that does not exist yet: the store makes it */
	snprintf(path, sizeof path, "%s/data/ndrsweep/work.db", dir);
}

static void
teardown(void)
{
	char cmd[160];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static struct store *
open_store(void)
{
	struct store *st;
	char err[256];

	ck_assert_msg(store_open(path, &st, err, sizeof err) == 0, "%s", err);
	return st;
}

static int
pragma_int(const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	int v = -1;

	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

/* The store at path made older by sql (run on it closed), opened again:
 * what a store of an earlier schema becomes. */
static struct store *
reopen_after(struct store *st, const char *sql)
{
	sqlite3 *db;

	store_close(st);
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	return open_store();
}

START_TEST(test_created_private_with_schema_and_wal)
{
	struct store *st = open_store();
	struct stat sb;

	store_close(st);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0600);
	ck_assert_int_eq(pragma_int("PRAGMA user_version"), STORE_SCHEMA);
	ck_assert_int_eq(pragma_int("SELECT count(*) FROM pragma_journal_mode "
	    "WHERE journal_mode = 'wal'"), 1);
}
END_TEST

/* a new store has 16 KiB pages (a report's row fits in one); a store made
 * with another size keeps it, and opens */
START_TEST(test_page_size_new_and_kept)
{
	struct store *st = open_store();
	sqlite3 *db;

	store_close(st);
	ck_assert_int_eq(pragma_int("PRAGMA page_size"), 16384);
	unlink(path);
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "PRAGMA page_size = 4096; "
	    "CREATE TABLE t(x)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	st = open_store();
	store_close(st);
	ck_assert_int_eq(pragma_int("PRAGMA page_size"), 4096);
	ck_assert_int_eq(pragma_int("PRAGMA user_version"), STORE_SCHEMA);
}
END_TEST

/* a store of schema 7 gains the interface's typed columns, filled from
 * the reports it holds; the interface reads them and a typed verdict */
static int
one_item(const struct store_item *it, void *arg)
{
	struct store_item *out = arg;

	ck_assert_str_eq(it->reason, "userunknown");
	ck_assert_str_eq(it->status, "5.1.1");
	*out = *it;
	out->reason = out->status = NULL;	/* SQLite's, gone after */
	out->folder = out->kind = out->rcpt = out->subject = NULL;
	out->message_id = out->from = out->mta = NULL;
	return 0;
}

START_TEST(test_schema7_gains_typed_columns)
{
	struct store *st = open_store();
	struct store_item it = { .uid = 0 };

	st = reopen_after(st, "INSERT INTO folders(id, name) "
	    "VALUES (1, 'INBOX'); INSERT INTO messages(folder, uid, kind, "
	    "report) VALUES (1, 5, 'bounce', '{\"recipients\":[{\"address\":"
	    "\"a@b\",\"status\":\"5.1.1\",\"reason\":\"userunknown\"}]}'); "
	    "INSERT INTO evidence(folder, uid, kind, form, verdict, score) "
	    "VALUES (1, 5, 1, 0, 'backscatter', 0.97); "
	    "ALTER TABLE evidence DROP COLUMN reason; "
	    "ALTER TABLE evidence DROP COLUMN status; "
	    "DROP INDEX journal_msg; DROP INDEX messages_folder; "
	    "DROP INDEX messages_unreadable; "
	    "DROP TRIGGER evidence_gone; DROP TABLE verdicts; "
	    "DROP TABLE plain_runs; "
	    "ALTER TABLE evidence DROP COLUMN orig_to; "
	    "PRAGMA user_version = 7");
	ck_assert_int_eq(store_each_item(st, one_item, &it), 0);
	ck_assert_uint_eq(it.uid, 5);
	ck_assert_int_eq(it.verdict, NDR_BACKSCATTER);
	store_close(st);
	ck_assert_int_eq(pragma_int("PRAGMA user_version"), STORE_SCHEMA);
}
END_TEST

/* schema 12 kept ordinary mail as rows of messages: those never read as
 * candidates (no report) become UIDs in plain, the others stay */
START_TEST(test_schema12_ordinary_to_plain)
{
	struct store *st = open_store();
	struct store_folder f;

	st = reopen_after(st, "DROP TABLE plain_runs; "
	    "INSERT INTO folders(id, name) VALUES (1, 'INBOX'); "
	    "INSERT INTO messages(folder, uid, message_id, kind, report, "
	    "unreadable) VALUES (1, 1, '<a@b>', 'other', NULL, 0), "
	    "(1, 2, NULL, 'other', '{}', 0), (1, 3, NULL, 'other', NULL, 1), "
	    "(1, 4, NULL, 'bounce', '{}', 0), (1, 5, '<c@d>', 'other', NULL, "
	    "0); ALTER TABLE evidence DROP COLUMN orig_to; "
	    "PRAGMA user_version = 12");
	ck_assert_int_eq(store_folder(st, "INBOX", &f), 0);
	ck_assert_int_eq(store_msg_count(st, f.id, NULL), 5);
	ck_assert_int_eq(store_msg_count(st, f.id, "other"), 4);
	store_close(st);
	/* 1 and 5: two runs of one */
	ck_assert_int_eq(pragma_int("SELECT count(*) FROM plain_runs"), 2);
	ck_assert_int_eq(pragma_int("SELECT count(*) FROM messages"), 3);
	ck_assert_int_eq(pragma_int("SELECT group_concat(lo * 10 + hi, '') "
	    "FROM plain_runs"), 1155);
	ck_assert_int_eq(pragma_int("PRAGMA user_version"), STORE_SCHEMA);
}
END_TEST

static int
add_count(const char *folder, const char *kind, int64_t n, void *arg)
{
	char *out = arg;

	snprintf(out + strlen(out), 256 - strlen(out), "%s/%s=%lld ", folder,
	    kind, (long long)n);
	return 0;
}

/* plain mail (a UID only) and rows of messages, as one folder */
START_TEST(test_plain_mail)
{
	struct store *st = open_store();
	struct store_folder f;
	struct store_msg m = { .kind = "other" };
	uint32_t *uids;
	size_t n, gone, judged;
	char counts[256] = "";

	store_folder(st, "INBOX", &f);
	store_begin(st);
	for (uint32_t u = 1; u <= 8; u++) {
		m.uid = u;
		m.plain = u % 2 == 0;		/* 2 4 6 8 */
		m.kind = u == 3 ? "bounce" : "other";
		m.unreadable = u == 5;
		m.report = u == 7 ? "{}" : NULL;	/* a candidate, other */
		ck_assert_int_eq(store_msg_put(st, f.id, &m), 0);
	}
	/* stored twice: still one */
	m = (struct store_msg){ .uid = 4, .kind = "other", .plain = true };
	ck_assert_int_eq(store_msg_put(st, f.id, &m), 0);
	store_commit(st);
	ck_assert_int_eq(store_msg_count(st, f.id, NULL), 8);
	ck_assert_int_eq(store_msg_count(st, f.id, "other"), 7);
	ck_assert_int_eq(store_msg_count(st, f.id, "bounce"), 1);
	ck_assert_int_eq(store_msg_uids(st, f.id, &uids, &n), 0);
	ck_assert_int_eq(n, 8);
	for (size_t i = 0; i < n; i++)
		ck_assert_uint_eq(uids[i], i + 1);	/* merged, in order */
	free(uids);
	ck_assert_int_eq(store_each_count(st, add_count, counts), 0);
	ck_assert_str_eq(counts, "INBOX/bounce=1 INBOX/other=6 "
	    "INBOX/unreadable=1 ");
	/* the unreadable one read again as plain mail: its row replaced */
	m = (struct store_msg){ .uid = 5, .kind = "other", .plain = true,
	    .again = true };
	store_begin(st);
	ck_assert_int_eq(store_msg_put(st, f.id, &m), 0);
	store_commit(st);
	ck_assert_int_eq(store_msg_count(st, f.id, NULL), 8);
	ck_assert_int_eq(pragma_int("SELECT count(*) FROM messages WHERE "
	    "unreadable"), 0);
	/* flags: kept for the rows, passed over for plain mail */
	const uint32_t fu[] = { 3, 4 };
	char *fl[] = { "$NdrKept", "\\Seen" };
	ck_assert_int_eq(store_msg_set_flags(st, f.id, fu, fl, 2), 0);
	ck_assert_int_eq(pragma_int("SELECT count(*) FROM messages WHERE "
	    "flags = '$NdrKept' AND uid = 3"), 1);
	/* the server keeps 1, 6, 7: both kinds forgotten, one report */
	const uint32_t kept[] = { 1, 6, 7 };
	ck_assert_int_eq(store_msg_keep_only(st, f.id, kept, 3, &gone,
	    &judged, NULL, NULL), 0);
	ck_assert_int_eq(gone, 5);
	ck_assert_int_eq(judged, 1);	/* 3, the bounce */
	ck_assert_int_eq(store_msg_count(st, f.id, NULL), 3);
	ck_assert_int_eq(pragma_int("SELECT count(*) FROM plain_runs"), 1);
	ck_assert_int_eq(store_folder_reset(st, &f, 77), 0);
	ck_assert_int_eq(store_msg_count(st, f.id, NULL), 0);
	store_close(st);
}
END_TEST

/* schema 13's ordinary mail, a row per UID, becomes runs */
START_TEST(test_schema13_plain_to_runs)
{
	struct store *st = open_store();
	struct store_folder f;

	st = reopen_after(st, "DROP TABLE plain_runs; "
	    "CREATE TABLE plain (folder INTEGER NOT NULL, uid INTEGER NOT "
	    "NULL, PRIMARY KEY (folder, uid)) WITHOUT ROWID; "
	    "INSERT INTO folders(id, name) VALUES (1, 'INBOX'), (2, 'Sent'); "
	    "INSERT INTO plain VALUES (1, 1), (1, 2), (1, 3), (1, 5), (1, 7), "
	    "(1, 8), (2, 4), (2, 5); ALTER TABLE evidence DROP COLUMN orig_to; "
	    "PRAGMA user_version = 13");
	ck_assert_int_eq(store_folder(st, "INBOX", &f), 0);
	ck_assert_int_eq(store_msg_count(st, f.id, NULL), 6);
	store_close(st);
	ck_assert_int_eq(pragma_int("SELECT group_concat(folder || ':' || lo "
	    "|| '-' || hi, ' ') = '1:1-3 1:5-5 1:7-8 2:4-5' FROM (SELECT * "
	    "FROM plain_runs ORDER BY folder, lo)"), 1);
	ck_assert_int_eq(pragma_int("SELECT count(*) FROM sqlite_schema WHERE "
	    "name = 'plain'"), 0);
}
END_TEST

/* The runs of ordinary mail: "1:1-3 1:5-5" of folder 1 as a string */
static int
runs_are(const char *want)
{
	char sql[512];

	snprintf(sql, sizeof sql, "SELECT coalesce(group_concat(lo || '-' || "
	    "hi, ' '), '') = '%s' FROM (SELECT * FROM plain_runs ORDER BY lo)",
	    want);
	return pragma_int(sql);
}

/* ordinary mail put one UID at a time is kept as runs: what breaks a
 * run, what joins two, what an expunge cuts out, what a rollback takes
 * back; counts and UIDs as if each were a row */
START_TEST(test_plain_runs)
{
	struct store *st = open_store();
	struct store_folder f;
	struct store_msg m = { .kind = "other", .plain = true };
	uint32_t *uids;
	size_t n, gone, judged;

	store_folder(st, "INBOX", &f);
	store_begin(st);
	for (uint32_t u = 1; u <= 12; u++) {
		m.uid = u;
		m.plain = u != 5;
		m.report = u == 5 ? "{}" : NULL;
		ck_assert_int_eq(store_msg_put(st, f.id, &m), 0);
	}
	/* counted before the commit: the run being made counts */
	ck_assert_int_eq(store_msg_count(st, f.id, "other"), 12);
	store_commit(st);
	ck_assert_int_eq(runs_are("1-4 6-12"), 1);
	/* an expunge of 3, 8 and 9-10, and of 5 (a row) */
	const uint32_t kept[] = { 1, 2, 4, 6, 7, 11, 12 };
	store_begin(st);
	ck_assert_int_eq(store_msg_keep_only(st, f.id, kept, 7, &gone,
	    &judged, NULL, NULL), 0);
	store_commit(st);
	ck_assert_int_eq(gone, 5);
	ck_assert_int_eq(runs_are("1-2 4-4 6-7 11-12"), 1);
	ck_assert_int_eq(store_msg_uids(st, f.id, &uids, &n), 0);
	ck_assert_int_eq(n, 7);
	for (size_t i = 0; i < n; i++)
		ck_assert_uint_eq(uids[i], kept[i]);
	free(uids);
	/* 3 and 5 back (new again): the runs either side join */
	store_begin(st);
	m = (struct store_msg){ .uid = 3, .kind = "other", .plain = true };
	ck_assert_int_eq(store_msg_put(st, f.id, &m), 0);
	m.uid = 5;
	ck_assert_int_eq(store_msg_put(st, f.id, &m), 0);
	store_commit(st);
	ck_assert_int_eq(runs_are("1-7 11-12"), 1);
	/* a message of a run read again as a report leaves a hole */
	store_begin(st);
	m = (struct store_msg){ .uid = 6, .kind = "bounce", .report = "{}",
	    .again = true };
	ck_assert_int_eq(store_msg_put(st, f.id, &m), 0);
	store_commit(st);
	ck_assert_int_eq(runs_are("1-5 7-7 11-12"), 1);
	ck_assert_int_eq(store_msg_count(st, f.id, NULL), 9);
	ck_assert_int_eq(store_msg_count(st, f.id, "other"), 8);
	/* what a rolled back transaction put is not written by the next */
	store_begin(st);
	m = (struct store_msg){ .uid = 13, .kind = "other", .plain = true };
	ck_assert_int_eq(store_msg_put(st, f.id, &m), 0);
	store_rollback(st);
	store_begin(st);
	store_commit(st);
	ck_assert_int_eq(runs_are("1-5 7-7 11-12"), 1);
	store_close(st);
}
END_TEST

START_TEST(test_newer_schema_is_refused)
{
	struct store *st = open_store();
	sqlite3 *db;
	char err[256];

	store_close(st);
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "PRAGMA user_version = 99", NULL,
	    NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	ck_assert_int_eq(store_open(path, &st, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "newer than this ndrsweep"));
}
END_TEST

/* Truncate (or overwrite) the store file, its WAL and shared memory gone. */
static void
damage(const char *bytes, size_t n)
{
	char side[160];
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(bytes, 1, n, f), n);
	fclose(f);
	snprintf(side, sizeof side, "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);
}

START_TEST(test_empty_store_refused_not_started_afresh)
{
	struct store *st = open_store();
	struct stat sb;
	char err[512];

	store_close(st);
	damage("", 0);
	ck_assert_int_eq(store_open(path, &st, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "is empty"));
	ck_assert_ptr_nonnull(strstr(err, "remove it to start over"));
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_int_eq(sb.st_size, 0);	/* left as it was */
	/* removed by the user: a new store */
	unlink(path);
	st = open_store();
	store_close(st);
}
END_TEST

START_TEST(test_damaged_store_refused)
{
	struct store *st = open_store();
	char junk[8192], err[512];

	store_close(st);
	memset(junk, 'x', sizeof junk);
	damage(junk, sizeof junk);
	ck_assert_int_eq(store_open(path, &st, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "is damaged"));
}
END_TEST

START_TEST(test_folder_state_and_messages_persist)
{
	struct store *st = open_store();
	struct store_folder f, g;
	struct store_msg m = { .uid = 7, .message_id = "<a@b>", .size = 123,
	    .kind = "bounce", .report = "{}" };

	ck_assert_int_eq(store_folder(st, "INBOX", &f), 0);
	ck_assert_int_gt(f.id, 0);
	ck_assert_int_eq(f.uidvalidity, 0);	/* never scanned */
	f.uidvalidity = 1234;
	f.highest_uid = 9;
	f.highestmodseq = 5000000000ULL;	/* beyond 32 bits */
	ck_assert_int_eq(store_begin(st), 0);
	ck_assert_int_eq(store_folder_save(st, &f), 0);
	ck_assert_int_eq(store_msg_put(st, f.id, &m), 0);
	m.uid = 9;
	m.kind = "other";
	m.message_id = NULL;
	ck_assert_int_eq(store_msg_put(st, f.id, &m), 0);
	ck_assert_int_eq(store_commit(st), 0);
	store_close(st);

	st = open_store();
	ck_assert_int_eq(store_folder(st, "INBOX", &g), 0);
	ck_assert_int_eq(g.id, f.id);
	ck_assert_int_eq(g.uidvalidity, 1234);
	ck_assert_int_eq(g.highest_uid, 9);
	ck_assert(g.highestmodseq == 5000000000ULL);
	ck_assert_int_eq(store_msg_count(st, g.id, NULL), 2);
	ck_assert_int_eq(store_msg_count(st, g.id, "bounce"), 1);
	/* a message stored again replaces its row (a plain INSERT is
	 * tried first, then the replacing one) */
	m.uid = 7;
	m.kind = "delay";
	ck_assert_int_eq(store_begin(st), 0);
	ck_assert_int_eq(store_msg_put(st, g.id, &m), 0);
	ck_assert_int_eq(store_commit(st), 0);
	ck_assert_int_eq(store_msg_count(st, g.id, NULL), 2);
	ck_assert_int_eq(store_msg_count(st, g.id, "bounce"), 0);
	ck_assert_int_eq(store_msg_count(st, g.id, "delay"), 1);
	/* and a folder that is not there is still refused */
	ck_assert_int_eq(store_msg_put(st, g.id + 100, &m), -1);
	store_close(st);
}
END_TEST

START_TEST(test_expunged_and_uidvalidity)
{
	struct store *st = open_store();
	struct store_folder f, j;
	struct store_msg m = { .kind = "other" };
	const uint32_t kept[] = { 2, 4 };

	store_folder(st, "INBOX", &f);
	store_folder(st, "Junk", &j);
	store_begin(st);
	for (uint32_t u = 1; u <= 5; u++) {
		m.uid = u;
		m.kind = u == 3 ? "bounce" : "other";
		store_msg_put(st, f.id, &m);
		store_msg_put(st, j.id, &m);
	}
	store_commit(st);
	/* the server still has 2 and 4: the others were expunged, and of
	 * them one report (3), which the verdicts are made of */
	uint32_t missing[2];
	size_t gone, judged, nmissing;
	ck_assert_int_eq(store_msg_keep_only(st, f.id, kept, 2, &gone,
	    &judged, missing, &nmissing), 0);
	ck_assert_int_eq(gone, 3);
	ck_assert_int_eq(judged, 1);
	ck_assert_int_eq(nmissing, 0);
	/* the server lists 9, which the store never had: missing */
	const uint32_t listed[] = { 2, 4, 9 };
	uint32_t miss3[3];
	ck_assert_int_eq(store_msg_keep_only(st, f.id, listed, 3, &gone,
	    NULL, miss3, &nmissing), 0);
	ck_assert_int_eq(gone, 0);
	ck_assert_int_eq(nmissing, 1);
	ck_assert_int_eq(miss3[0], 9);
	ck_assert_int_eq(store_msg_count(st, f.id, NULL), 2);
	ck_assert_int_eq(store_msg_count(st, j.id, NULL), 5);	/* untouched */
	/* a new UIDVALIDITY: the folder starts over */
	f.highest_uid = 5;
	ck_assert_int_eq(store_folder_reset(st, &f, 99), 0);
	ck_assert_int_eq(store_msg_count(st, f.id, NULL), 0);
	ck_assert_int_eq(f.highest_uid, 0);
	store_folder(st, "INBOX", &f);
	ck_assert_int_eq(f.uidvalidity, 99);
	store_close(st);
}
END_TEST

/* the verdict of (folder, uid) as the judge loads it; NULL: none */
static char *
verdict_of(struct store *st, int64_t folder, uint32_t uid)
{
	struct store_judged *j;
	size_t n;
	char *v = NULL;

	ck_assert_int_eq(store_evidence_load(st, &j, &n), 0);
	for (size_t i = 0; i < n; i++)
		if (j[i].folder == folder && j[i].uid == uid && j[i].verdict)
			v = strdup(j[i].verdict);
	store_judged_free(j, n);
	return v;
}

static int64_t
verdict_rows(void)
{
	return pragma_int("SELECT count(*) FROM verdicts");
}

/* Verdicts are kept apart from the evidence (schema 12) but go with it:
 * new evidence for a message is judged again, an expunged report takes
 * its verdict, a moved one carries it. */
START_TEST(test_verdict_follows_its_evidence)
{
	struct store *st = open_store();
	struct store_folder f, q;
	struct store_msg m = { .kind = "bounce" };
	struct ndr_evidence e = { .kind = NDR_KIND_BOUNCE, .subject = "s",
	    .orig_to = "team@lists.example, kim@far.example" };
	char *v;

	store_folder(st, "INBOX", &f);
	store_folder(st, "Quarantine", &q);
	store_begin(st);
	for (uint32_t u = 1; u <= 3; u++) {
		m.uid = u;
		store_msg_put(st, f.id, &m);
		ck_assert_int_eq(store_evidence_put(st, f.id, u, &e), 0);
		ck_assert_int_eq(store_verdict_put(st, f.id, u, "backscatter",
		    0.97, "[]", 1), 0);
	}
	ck_assert_int_eq(store_commit(st), 0);
	ck_assert_int_eq(verdict_rows(), 3);
	/* the original's To comes back as it went in */
	struct store_judged *j;
	size_t nj;
	ck_assert_int_eq(store_evidence_load(st, &j, &nj), 0);
	ck_assert_uint_eq(nj, 3);
	ck_assert_str_eq(j[0].ev.orig_to, "team@lists.example, kim@far.example");
	store_judged_free(j, nj);
	/* read again (new evidence): it replaces the row (a plain INSERT
	 * is tried first), and no verdict until judged again */
	e.subject = "t";
	store_begin(st);
	ck_assert_int_eq(store_evidence_put(st, f.id, 1, &e), 0);
	ck_assert_int_eq(store_commit(st), 0);
	ck_assert_int_eq(pragma_int("SELECT count(*) FROM evidence WHERE "
	    "subject = 't'"), 1);
	ck_assert_int_eq(pragma_int("SELECT count(*) FROM evidence"), 3);
	ck_assert_ptr_null(verdict_of(st, f.id, 1));
	ck_assert_int_eq(verdict_rows(), 2);
	/* 2 expunged: its verdict gone with it */
	const uint32_t left[] = { 1, 3 };
	size_t gone, judged, nmissing;
	uint32_t missing[2];
	ck_assert_int_eq(store_msg_keep_only(st, f.id, left, 2, &gone,
	    &judged, missing, &nmissing), 0);
	ck_assert_int_eq(gone, 1);
	ck_assert_int_eq(verdict_rows(), 1);
	/* 3 moved to the quarantine as its UID 7: the verdict follows */
	store_begin(st);
	ck_assert_int_eq(store_msg_move(st, "INBOX", 3, "Quarantine", 5, 7), 0);
	ck_assert_int_eq(store_commit(st), 0);
	ck_assert_ptr_null(verdict_of(st, f.id, 3));
	ck_assert_ptr_nonnull(v = verdict_of(st, q.id, 7));
	ck_assert_str_eq(v, "backscatter");
	free(v);
	ck_assert_int_eq(verdict_rows(), 1);
	store_close(st);
}
END_TEST

START_TEST(test_default_path_follows_xdg)
{
	char *p;

	setenv("XDG_DATA_HOME", "/xdg", 1);
	p = store_default_path("work");
	ck_assert_str_eq(p, "/xdg/ndrsweep/work.db");
	free(p);
	unsetenv("XDG_DATA_HOME");
	setenv("HOME", "/home/alice", 1);
	p = store_default_path("work");
	ck_assert_str_eq(p, "/home/alice/.local/share/ndrsweep/work.db");
	free(p);
}
END_TEST

START_TEST(test_sent_index)
{
	struct store *st = open_store();
	struct store_folder f;
	struct store_msg m = { .kind = "other" };
	const uint32_t kept[] = { 2 };
	int64_t date = 0;

	store_folder(st, "Sent", &f);
	store_begin(st);
	for (uint32_t u = 1; u <= 2; u++) {
		char id[32];
		snprintf(id, sizeof id, "<s%u@example.org>", u);
		m.uid = u;
		ck_assert_int_eq(store_msg_put(st, f.id, &m), 0);
		ck_assert_int_eq(store_sent_put(st, f.id, u, id, 1000 + u,
		    "bob@example.org"), 0);
	}
	store_commit(st);
	ck_assert_int_eq(store_sent_count(st), 2);
	ck_assert_int_eq(store_sent_find(st, "<s2@example.org>", &date), 1);
	ck_assert_int_eq(date, 1002);
	ck_assert_int_eq(store_sent_find(st, "<nope@example.org>", NULL), 0);
	/* expunged from Sent: gone from the index too, and counted among
	 * what the verdicts are made of */
	size_t judged = 0;
	ck_assert_int_eq(store_msg_keep_only(st, f.id, kept, 1, NULL, &judged,
	    NULL, NULL), 0);
	ck_assert_int_eq(judged, 1);
	ck_assert_int_eq(store_sent_find(st, "<s1@example.org>", NULL), 0);
	ck_assert_int_eq(store_sent_count(st), 1);
	/* renumbered: the folder's index starts over */
	ck_assert_int_eq(store_folder_reset(st, &f, 7), 0);
	ck_assert_int_eq(store_sent_count(st), 0);
	store_close(st);
}
END_TEST

START_TEST(test_another_connections_commit_is_seen)
{
	struct store *ui = open_store(), *scan = open_store();
	struct store_folder f;
	int64_t v0 = store_data_version(ui);

	ck_assert_int_ge(v0, 0);
	/* its own writes do not count; another's commit does */
	ck_assert_int_eq(store_meta_set(ui, "k", "1"), 0);
	ck_assert_int_eq(store_data_version(ui), v0);
	store_folder(scan, "INBOX", &f);
	ck_assert_int_ne(store_data_version(ui), v0);
	char *v = store_meta_get(scan, "k");
	ck_assert_str_eq(v, "1");
	free(v);
	ck_assert_ptr_null(store_meta_get(scan, "nothing"));
	store_close(scan);
	store_close(ui);
}
END_TEST

static off_t
file_size(const char *suffix)
{
	char p[160];
	struct stat sb;

	snprintf(p, sizeof p, "%s%s", path, suffix);
	return stat(p, &sb) == 0 ? sb.st_size : -1;
}

/* a scan's checkpoint: none in the commit while deferred, then one in a
 * thread beside the next transaction; nothing lost either way */
START_TEST(test_checkpoint_deferred_then_in_a_thread)
{
	struct store *st = open_store(), *other;
	struct store_folder f;
	char report[2048];
	off_t before;

	memset(report, 'r', sizeof report - 1);
	report[sizeof report - 1] = '\0';
	ck_assert_int_eq(store_checkpoint_defer(st), 0);
	ck_assert_int_eq(store_begin(st), 0);
	ck_assert_int_eq(store_folder(st, "INBOX", &f), 0);
	for (uint32_t uid = 1; uid <= 12000; uid++) {	/* > 1,000 pages */
		struct store_msg m = { .uid = uid, .kind = "bounce",
		    .report = report };
		ck_assert_int_eq(store_msg_put(st, f.id, &m), 0);
	}
	ck_assert_int_eq(store_commit(st), 0);
	before = file_size("");
	ck_assert_int_gt(file_size("-wal"), 16 << 20);
	ck_assert_int_lt(before, 1 << 20);	/* not copied in the commit */
	store_checkpoint_start(st);
	ck_assert_int_eq(store_begin(st), 0);	/* a writer beside it */
	ck_assert_int_eq(store_meta_set(st, "k", "v"), 0);
	ck_assert_int_eq(store_commit(st), 0);
	store_checkpoint_wait(st);
	ck_assert_int_gt(file_size(""), 16 << 20);	/* copied */
	other = open_store();
	ck_assert_int_eq(store_msg_count(other, f.id, NULL), 12000);
	char *v = store_meta_get(other, "k");
	ck_assert_str_eq(v, "v");
	free(v);
	store_close(other);
	store_close(st);
}
END_TEST

CHECK_MAIN_CASES("store",
	{ "sqlite", TESTS(test_created_private_with_schema_and_wal,
	    test_page_size_new_and_kept,
	    test_checkpoint_deferred_then_in_a_thread,
	    test_schema7_gains_typed_columns,
	    test_schema12_ordinary_to_plain, test_plain_mail,
	    test_schema13_plain_to_runs, test_plain_runs,
	    test_newer_schema_is_refused,
	    test_empty_store_refused_not_started_afresh,
	    test_damaged_store_refused,
	    test_folder_state_and_messages_persist,
	    test_expunged_and_uidvalidity, test_verdict_follows_its_evidence,
	    test_default_path_follows_xdg,
	    test_sent_index, test_another_connections_commit_is_seen), setup, teardown, 0 });
