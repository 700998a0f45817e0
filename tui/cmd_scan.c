/* cmd_scan.c - ndrsweep scan: read the account's folders into the store. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>


#include "core/config.h"
#include "core/judge.h"
#include "core/store.h"
#include "imap/imap.h"
#include "cmd.h"

static void
scan_usage(FILE *f)
{
	fprintf(f,
	    "usage: ndrsweep scan [--config FILE] [--account NAME | --all [--jobs N]]\n"
	    "\n"
	    "Scan the account's folders (the configuration's 'folders', INBOX\n"
	    "and Junk by default, and its Sent folders) into the store, reading\n"
	    "only what is new since the last scan.\n"
	    "\n"
	    "  --config FILE   the configuration (default\n"
	    "                  $XDG_CONFIG_HOME/ndrsweep/config)\n"
	    "  --account NAME  which account (needed when there are several)\n"
	    "  --all           every account, each in a process of its own\n"
	    "  --jobs N        with --all: N accounts at once (default 4)\n"
	    "\n"
	    "Exit status: 0 scanned; 1 some folder (with --all: some account)\n"
	    "could not be scanned;\n"
	    "2 the server could not be reached or refused the login;\n"
	    "64 bad usage; 78 configuration error.\n");
}

static const struct imap_folder *
find_folder(const struct imap_folder *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0 ||
		    (strcasecmp(name, "INBOX") == 0 &&
		    strcasecmp(v[i].name, "INBOX") == 0))
			return &v[i];
	return NULL;
}

struct todo {
	const struct imap_folder	*f;
	bool				 sent;
};

/* The folders to scan: those named (or the defaults), then the Sent ones,
 * which are also indexed. */
static size_t
pick(const struct ndr_account *a, const struct imap_folder *v, size_t n,
    struct todo *out)
{
	size_t k = 0;

	for (size_t i = 0; i < a->folders.n; i++) {
		const struct imap_folder *f = find_folder(v, n, a->folders.v[i]);
		if (f && !f->noselect)
			out[k++] = (struct todo){ f, false };
		else
			ndr_log(NDR_LOG_ERROR, "folder %s not found on %s; "
			    "skipped", a->folders.v[i], a->host);
	}
	for (size_t i = 0; i < n; i++) {
		bool sent = false, dup = false;
		if (a->sent.n) {
			for (size_t j = 0; j < a->sent.n; j++)
				sent |= strcmp(v[i].name, a->sent.v[j]) == 0;
		} else
			sent = (v[i].special & IMAP_SENT) != 0;
		for (size_t j = 0; j < k; j++)
			if (out[j].f == &v[i]) {
				dup = true;
				out[j].sent |= sent;	/* scanned, and indexed */
			}
		if (sent && !dup && !v[i].noselect)
			out[k++] = (struct todo){ &v[i], true };
	}
	return k;
}

/*
 * The folders the last scan read, kept in the store ("scan_folders": one
 * line each, "SENT<TAB>WIRE<TAB>NAME"), so that the next scan opens them
 * before it asks for the folder list: Dovecot's EXAMINE of a Maildir
 * costs time that grows with the folder once the session has sent any
 * LIST (4 ms alone at 100,000 messages, 0.1 s after a LIST, 1.2 s at a
 * million), which was most of a rescan with nothing new.
 */
#define SCAN_FOLDERS	"scan_folders"

struct known {
	struct imap_folder	 f;
	bool			 sent;
	bool			 done;	/* scanned, or tried and said */
};

static bool
still_wanted(const struct ndr_account *a, const char *name, bool sent)
{
	const struct ndr_strv *l = sent ? &a->sent : &a->folders;

	if (sent && a->sent.n == 0)
		return true;	/* SPECIAL-USE: the LIST will say */
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], name) == 0 ||
		    (strcasecmp(name, "INBOX") == 0 &&
		    strcasecmp(l->v[i], "INBOX") == 0))
			return true;
	return false;
}

static size_t
known_read(struct store *st, const struct ndr_account *a, struct known **out)
{
	char *memo = store_meta_get(st, SCAN_FOLDERS), *line, *next;
	struct known *v = NULL;
	size_t n = 0, cap = 0;

	*out = NULL;
	for (line = memo; line && *line; line = next) {
		char *wire, *name;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		else
			next = line + strlen(line);
		if ((line[0] != '0' && line[0] != '1') || line[1] != '\t')
			continue;
		wire = line + 2;
		if ((name = strchr(wire, '\t')) == NULL)
			continue;
		*name++ = '\0';
		if (*wire == '\0' || *name == '\0' ||
		    !still_wanted(a, name, line[0] == '1'))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			v = xreallocarray(v, cap, sizeof *v);
		}
		v[n] = (struct known){ .sent = line[0] == '1' };
		v[n].f.wire = strdup(wire);
		v[n].f.name = strdup(name);
		if (v[n].f.wire == NULL || v[n].f.name == NULL)
			abort();
		n++;
	}
	/* a first scan: INBOX exists on every server (RFC 3501 5.1) and
	 * is named so on the wire, so it is opened before the LIST too
	 * (a first scan of 100,000 messages: the server's EXAMINE 2-10
	 * ms instead of 65-100 ms); a server that refuses it leaves it to
	 * the LIST, as for any known folder */
	if (memo == NULL && still_wanted(a, "INBOX", false)) {
		v = xreallocarray(v, 1, sizeof *v);
		v[0] = (struct known){ .sent = false };
		v[0].f.wire = strdup("INBOX");
		v[0].f.name = strdup("INBOX");
		if (v[0].f.wire == NULL || v[0].f.name == NULL)
			abort();
		n = 1;
	}
	free(memo);
	*out = v;
	return n;
}

static void
known_free(struct known *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].f.name);
		free(v[i].f.wire);
	}
	free(v);
}

/* The folders this scan picked, for the next one. */
static void
known_save(struct store *st, const struct todo *t, size_t n)
{
	size_t len = 1;
	char *memo, *p;

	for (size_t i = 0; i < n; i++)
		len += strlen(t[i].f->wire) + strlen(t[i].f->name) + 4;
	if ((p = memo = malloc(len)) == NULL)
		abort();
	*p = '\0';
	for (size_t i = 0; i < n; i++) {
		if (strpbrk(t[i].f->wire, "\t\n") ||
		    strpbrk(t[i].f->name, "\t\n"))
			continue;	/* opened after the LIST, as before */
		p += sprintf(p, "%c\t%s\t%s\n", t[i].sent ? '1' : '0',
		    t[i].f->wire, t[i].f->name);
	}
	if (store_meta_set(st, SCAN_FOLDERS, memo) != 0)
		ndr_log(NDR_LOG_ERROR, "%s", store_error(st));
	free(memo);
}

/* Scanned before the LIST, as the same folder in the same role. */
static bool
known_done(const struct known *v, size_t n, const struct todo *t)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].done && v[i].sent == t->sent &&
		    (strcmp(v[i].f.wire, t->f->wire) == 0 ||
		    (strcasecmp(v[i].f.wire, "INBOX") == 0 &&
		    strcasecmp(t->f->wire, "INBOX") == 0)))
			return true;
	return false;
}

/* On a terminal, one line on stderr that says how far the scan is. */
struct progress {
	struct timespec	 start;
	bool		 shown;
};

static void
show_progress(const char *folder, unsigned done, unsigned total, void *arg)
{
	struct progress *p = arg;
	struct timespec now;
	double secs, rate;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!p->shown) {
		p->start = now;
		p->shown = true;
	}
	secs = (double)(now.tv_sec - p->start.tv_sec) +
	    (double)(now.tv_nsec - p->start.tv_nsec) / 1e9;
	rate = secs > 0.05 ? done / secs : 0;
	if (rate > 0)
		ndr_log(NDR_LOG_PROGRESS, "scanning %s: %u/%u messages, %.0f/s, "
		    "%.0f s left", folder, done, total > done ? total : done,
		    rate, total > done ? (total - done) / rate : 0.0);
	else
		ndr_log(NDR_LOG_PROGRESS, "scanning %s: %u/%u messages", folder,
		    done, total > done ? total : done);
}

/* What the scan needs to open the session again after it dropped. */
struct reopen {
	const struct ndr_account	*a;
	const char			*pw;
};

static int
reopen(struct imap_conn *c, void *arg, char *err, size_t errlen)
{
	struct reopen *r = arg;

	return imap_reopen(r->a, r->pw, c, err, errlen);
}

/*
 * A folder could not be scanned (what it read is rolled back, not half
 * kept): said, and the session opened again for the next one (it may be
 * out of step: never talked to again). EXIT_PARTIAL, or EXIT_SERVER when
 * the server cannot be reached again.
 */
static int
scan_failed(struct imap_conn *c, struct reopen *ro, const char *name,
    char *err, size_t errlen)
{
	int r;

	ndr_log(NDR_LOG_ERROR, "%s: %s", name, err);
	if ((r = reopen(c, ro, err, errlen)) != 0) {
		if (r != -2)
			ndr_log(NDR_LOG_ERROR, "%s", err);
		return EXIT_SERVER;
	}
	return EXIT_PARTIAL;
}

int
scan_session(struct account_ctx *ctx, struct imap_conn *c, const char *pw,
    bool quiet, bool quick, bool leave, struct imap_scan_stats *stats,
    struct ndr_judge_stats *js)
{
	const struct ndr_account *a = ctx->a;
	struct imap_folder *folders = NULL;
	struct todo *todo = NULL;
	struct reopen ro = { a, pw };
	struct progress prog = { 0 };
	struct known *known = NULL;
	struct imap_status *sts = NULL;
	size_t nfolders = 0, ntodo, nknown = 0, early = 0;
	char err[1024];
	int rc = EXIT_SERVER;

	memset(stats, 0, sizeof *stats);
	memset(js, 0, sizeof *js);
	/* a second session for phase two, while phase one reads: not when
	 * accounts run side by side (--all), which keep the server and the
	 * cores busy already; there it is one more login and process per
	 * account for the server */
	if (!all_child()) {
		c->reopen = reopen;
		c->reopen_arg = &ro;
	}
	if (!quiet && isatty(STDERR_FILENO)) {	/* in cron, no progress */
		stats->progress = show_progress;
		stats->progress_arg = &prog;
	}
	rc = EXIT_OK;
	/* the WAL is copied into the store beside the next folder and the
	 * judging, not in a folder's commit */
	if (store_checkpoint_defer(ctx->st) != 0)
		ndr_log(NDR_LOG_ERROR, "%s", store_error(ctx->st));
	/* first the folders the last scan read, before any LIST; one the
	 * server no longer opens is left to the LIST, which says why */
	nknown = known_read(ctx->st, a, &known);
	/* with CONDSTORE, the STATUS of every one at once: a folder that
	 * did not change needs no EXAMINE (a round trip each) */
	if (c->condstore && nknown > 1) {
		const char **wires = xcalloc(nknown, sizeof *wires);
		sts = xcalloc(nknown, sizeof *sts);
		for (size_t i = 0; i < nknown; i++)
			wires[i] = known[i].f.wire;
		if (imap_status_many(c, wires, nknown, sts, err,
		    sizeof err) != 0)
			rc = scan_failed(c, &ro, known[0].f.name, err,
			    sizeof err);
		free(wires);
	}
	for (size_t i = 0; i < nknown && rc == EXIT_OK; i++) {
		if (sts && imap_scan_unchanged(ctx->st, &known[i].f, &sts[i],
		    stats)) {
			known[i].done = true;
			early++;
			continue;
		}
		int r = imap_scan_folder(c, ctx->st, &known[i].f, known[i].sent,
		    stats, err, sizeof err);
		if (r == -2)
			continue;
		known[i].done = true;
		if (r == 0) {
			store_checkpoint_start(ctx->st);
			early++;
		} else
			rc = scan_failed(c, &ro, known[i].f.name, err,
			    sizeof err);
	}
	if (rc == EXIT_SERVER)
		goto judge;
	if (imap_folders(c, &folders, &nfolders, err, sizeof err) != 0) {
		ndr_log(NDR_LOG_ERROR, "%s", err);
		if (early == 0) {	/* nothing read: nothing to judge */
			rc = EXIT_SERVER;
			goto out;
		}
		rc = EXIT_PARTIAL;
		goto judge;
	}
	todo = calloc(a->folders.n + nfolders + 1, sizeof *todo);
	if (todo == NULL)
		abort();
	ntodo = pick(a, folders, nfolders, todo);
	known_save(ctx->st, todo, ntodo);
	for (size_t i = 0; i < ntodo; i++) {
		if (known_done(known, nknown, &todo[i]))
			continue;
		if (imap_scan_folder(c, ctx->st, todo[i].f, todo[i].sent, stats,
		    err, sizeof err) == 0)
			store_checkpoint_start(ctx->st);
		else if ((rc = scan_failed(c, &ro, todo[i].f->name, err,
		    sizeof err)) == EXIT_SERVER)
			break;
	}
judge:
	if (prog.shown)
		ndr_log(NDR_LOG_PROGRESS, "%s", "");	/* the line cleared */
	/* a round trip less over a long link: the LOGOUT travels while
	 * the store is judged */
	if (leave)
		imap_leave(c);
	/* judged again: the Sent index or the configuration may have
	 * changed, not only the reports (unless nothing did); apart
	 * (watch), with no checkpoint thread at work when it forks */
	/* the pages the scan wrote are of no use to the judging: a
	 * smaller cache (16 MB) gives their memory to it (at a million
	 * messages the peak was the 64 MB cache full of them plus the
	 * judging's 66 MB) */
	store_cache_limit(ctx->st, 16384);
	int jr;
	if (!quick && rc == EXIT_OK && stats->new_msgs == 0 &&
	    stats->expunged_judged == 0 && stats->resets == 0 &&
	    stats->recovered == 0 && ndr_judge_current(ctx->st, a, js))
		/* nothing came, no report nor Sent message went, and
		 * nothing the verdicts are made of changed: they stand (a
		 * rescan with nothing new, or with ordinary mail deleted
		 * elsewhere, is its round trips, not a judging of the whole
		 * store) */
		jr = 0;
	else if (ctx->judge_apart) {
		store_checkpoint_wait(ctx->st);
		jr = account_judge_apart(ctx, !quick, js, err, sizeof err);
	} else {
		store_checkpoint_start(ctx->st);
		jr = (quick ? ndr_judge_new : ndr_judge_store)(ctx->st, a, js,
		    err, sizeof err);
	}
	if (jr != 0) {
		ndr_log(NDR_LOG_ERROR, "%s", err);
		if (rc == EXIT_OK)
			rc = EXIT_PARTIAL;
	}
	store_checkpoint_wait(ctx->st);
	store_cache_limit(ctx->st, STORE_CACHE_KIB);
	/* for the interface's overview: when, and how it went */
	char last[128];
	snprintf(last, sizeof last, "%lld %u %u %s", (long long)time(NULL),
	    stats->new_msgs, stats->expunged, rc == EXIT_OK ? "ok" :
	    "partial");
	if (store_meta_set(ctx->st, "last_scan", last) != 0)
		ndr_log(NDR_LOG_ERROR, "%s", store_error(ctx->st));
out:
	c->reopen = NULL;
	c->reopen_arg = NULL;
	free(sts);
	known_free(known, nknown);
	imap_folders_free(folders, nfolders);
	free(todo);
	return rc;
}

static int
scan_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ NULL, 0, NULL, 0 },
	};
	struct cmd_global g = { .name = "scan", .usage = scan_usage,
	    .takes_all = true };
	char *pw = NULL, err[1024];
	struct account_ctx ctx = { 0 };
	const struct ndr_account *a;
	struct imap_conn c = { 0 };
	struct imap_scan_stats stats;
	struct ndr_judge_stats js;
	int rc;

	if (cmd_getopt(argc, argv, "", opts, &g) == CMD_STOP)
		return g.status;
	if (g.all)
		return all_run(&g, argc, argv, scan_run, true);
	if ((rc = account_open(&ctx, g.config, g.account)) != EXIT_OK)
		goto out;
	a = ctx.a;
	if ((rc = account_connect(&ctx, &pw, &c, err, sizeof err)) != EXIT_OK) {
		ndr_log(NDR_LOG_ERROR, "%s", err);
		goto out;
	}
	rc = scan_session(&ctx, &c, pw, false, false, true, &stats, &js);
	if (stats.folders == 0 && rc == EXIT_SERVER)
		goto out;
	printf("%s: %u folder%s, %u messages (%u new): %u bounces, %u delays, "
	    "%u auto-replies, %u feedback reports", a->name, stats.folders,
	    stats.folders == 1 ? "" : "s", stats.messages, stats.new_msgs,
	    stats.by_kind[NDR_KIND_BOUNCE], stats.by_kind[NDR_KIND_DELAY],
	    stats.by_kind[NDR_KIND_AUTOREPLY],
	    stats.by_kind[NDR_KIND_FEEDBACK]);
	if (stats.expunged)
		printf("; %u gone from the server", stats.expunged);
	if (stats.resets)
		printf("; %u folder%s renumbered (UIDVALIDITY), read again",
		    stats.resets, stats.resets == 1 ? "" : "s");
	if (stats.recovered)
		printf("; %u unreadable before, read now", stats.recovered);
	if (stats.unreadable)
		printf("; %u unreadable (asked for again next time)",
		    stats.unreadable);
	if (stats.sent)
		printf("; %u sent messages indexed", stats.sent);
	printf("\n");
	if (js.legit + js.backscatter + js.unsure > 0)
		printf("%s: %zu legitimate, %zu backscatter, %zu unsure; "
		    "%zu campaign%s\n", a->name, js.legit, js.backscatter,
		    js.unsure, js.campaigns, js.campaigns == 1 ? "" : "s");
out:
	imap_close(&c);
	ndr_password_free(pw);
	account_note_run(&ctx, "scan", rc);
	account_close(&ctx);
	return rc;
}

const struct cmd cmd_scan = {
	"scan", "read the account's folders into the store (incremental)",
	scan_run, scan_usage,
};
