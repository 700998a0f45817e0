/* account.c - what the commands that work on an account share: the
 * configuration, the account chosen, its store. */
#include <sys/file.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/bayes.h"
#include "core/config.h"
#include "core/judge.h"
#include "core/store.h"
#include "imap/imap.h"
#include "cmd.h"
#include "log.h"

int
account_store(const struct ndr_account *a, const char *path,
    struct store **st, char *err, size_t errlen)
{
	if (store_open(path, st, err, errlen) != 0)
		return -1;
	if (!a->shared_classifier)
		return 0;
	/* beside the stores; ".sqlite", so that no account's store (NAME.db)
	 * can be it */
	const char *slash = strrchr(path, '/');
	struct ndr_buf b = { 0 };
	ndr_buf_printf(&b, "%.*sshared-classifier.sqlite",
	    slash ? (int)(slash - path + 1) : 0, path);
	if (store_share_classifier(*st, b.s) != 0) {
		snprintf(err, errlen, "%s: %s", b.s, store_error(*st));
		store_close(*st);
		*st = NULL;
		ndr_buf_free(&b);
		return -1;
	}
	ndr_buf_free(&b);
	return 0;
}

int
account_open(struct account_ctx *ctx, const char *cfgpath,
    const char *name)
{
	char err[1024], *def = NULL, *path;

	if (cfgpath == NULL) {
		cfgpath = def = ndr_config_default_path();
		/* a first run: say what to do, not only what is missing */
		if (access(def, F_OK) != 0 && errno == ENOENT) {
			ndr_log(NDR_LOG_ERROR, "no configuration at %s: write "
			    "one (see ndrsweep.conf(5) and its example), or try "
			    "'ndrsweep demo'", def);
			free(def);
			return EXIT_CONFIG;
		}
	}
	/* another account's mistake is that account's: said, not fatal
	 * (a --all run says it once, for all) */
	if (ndr_config_load_all(cfgpath, &ctx->cfg, err, sizeof err) != 0 ||
	    (ctx->a = ndr_config_account(&ctx->cfg, name, err, sizeof err))
	    == NULL) {
		ndr_log(NDR_LOG_ERROR, "%s", err);
		ndr_config_free(&ctx->cfg);
		free(def);
		return EXIT_CONFIG;
	}
	free(def);
	for (size_t i = 0; i < ctx->cfg.naccounts && !all_child(); i++)
		if (ctx->cfg.accounts[i].error)
			ndr_log(NDR_LOG_WARN, "account %s left aside: %s",
			    ctx->cfg.accounts[i].name,
			    ctx->cfg.accounts[i].error);
	path = store_default_path(ctx->a->name);
	if (account_store(ctx->a, path, &ctx->st, err, sizeof err) != 0) {
		ndr_log(NDR_LOG_ERROR, "%s", err);
		free(path);
		ctx->a = NULL;
		ndr_config_free(&ctx->cfg);	/* zeroed: closing again is safe */
		return EXIT_CONFIG;
	}
	ctx->store_path = path;
	return EXIT_OK;
}

void
account_close(struct account_ctx *ctx)
{
	store_close(ctx->st);
	free(ctx->store_path);
	ndr_config_free(&ctx->cfg);
}

/*
 * One run per account at a time: flock on ACCOUNT.lock beside the store.
 * The kernel drops the lock of a process that died, so a stale lock is
 * simply taken over. 0 locked, 1 held by another run, -1 error.
 */
int
account_lock(const char *store_path, int *fd, char *err, size_t errlen)
{
	char path[4096], pid[32];
	ssize_t n;

	snprintf(path, sizeof path, "%s.lock", store_path);
	if ((*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1) {
		snprintf(err, errlen, "%.900s: %s", path, strerror(errno));
		return -1;
	}
	if (flock(*fd, LOCK_EX | LOCK_NB) == -1) {
		n = pread(*fd, pid, sizeof pid - 1, 0);
		pid[n > 0 ? n : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		snprintf(err, errlen, "another run is cleaning this account%s%s",
		    *pid ? ": pid " : "", pid);
		close(*fd);
		*fd = -1;
		return 1;
	}
	n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	if (ftruncate(*fd, 0) != 0 || pwrite(*fd, pid, (size_t)n, 0) != n) {
		/* the lock holds all the same; the pid is only a courtesy */
	}
	return 0;
}

int
account_learn(struct account_ctx *ctx, const struct lesson *l, size_t n,
    bool spam)
{
	struct ndr_bayes *b = NULL;
	enum ndr_train out;

	/* the lessons' tokens fetched inside the transaction, which holds
	 * the store (and a shared classifier) until their counts are back */
	if (store_begin(ctx->st) != 0 || ndr_bayes_open_lazy(ctx->st, &b) != 0)
		goto bad;
	for (size_t i = 0; i < n; i++)
		if (l[i].ntokens && ndr_bayes_train(b, ctx->st, l[i].id,
		    l[i].tokens, l[i].ntokens, spam, &out) != 0)
			goto bad;
	if (ndr_bayes_flush(b, ctx->st) != 0 || store_commit(ctx->st) != 0)
		goto bad;
	ndr_bayes_free(b);
	return 0;
bad:
	store_rollback(ctx->st);
	ndr_bayes_free(b);
	return -1;
}

int
account_connect(struct account_ctx *ctx, char **pw, struct imap_conn *c,
    char *err, size_t errlen)
{
	/* read afresh (watch connects again and again: a password_cmd
	 * may hand out a new one), the last one let go */
	ndr_password_free(*pw);
	if ((*pw = ndr_password(ctx->a, err, errlen)) == NULL)
		return EXIT_CONFIG;
	if (imap_open(ctx->a, *pw, c, err, errlen) != 0)
		return EXIT_SERVER;
	return EXIT_OK;
}

void
account_note_run(struct account_ctx *ctx, const char *cmd, int rc)
{
	char v[128];

	if (ctx->st == NULL)
		return;
	snprintf(v, sizeof v, "%lld %s %d", (long long)time(NULL), cmd, rc);
	/* a record of the run, for report --all: nothing to say if it
	 * cannot be kept (the store's error was said already) */
	if (store_meta_set(ctx->st, "last_run", v) == 0)
		store_meta_set(ctx->st, "last_error", rc == EXIT_OK ? "" :
		    log_last_error());
}

/* What the judging child hands back. */
struct apart {
	int			 rc;
	struct ndr_judge_stats	 js;
	char			 err[512];
};

int
account_judge_apart(struct account_ctx *ctx, bool whole,
    struct ndr_judge_stats *js, char *err, size_t errlen)
{
	struct apart ap = { .rc = -1 };
	int fd[2], status;
	pid_t pid;

	if (pipe(fd) != 0) {
		snprintf(err, errlen, "cannot judge the store: %s",
		    strerror(errno));
		return -1;
	}
	fflush(NULL);
	if ((pid = fork()) < 0) {
		snprintf(err, errlen, "cannot judge the store: %s",
		    strerror(errno));
		close(fd[0]);
		close(fd[1]);
		return -1;
	}
	if (pid == 0) {
		struct store *st = NULL;
		close(fd[0]);
		ap.rc = account_store(ctx->a, ctx->store_path, &st, ap.err,
		    sizeof ap.err);
		if (ap.rc == 0)
			ap.rc = (whole ? ndr_judge_store : ndr_judge_new)(st,
			    ctx->a, &ap.js, ap.err, sizeof ap.err);
		if (st)
			store_close(st);
		ssize_t w = write(fd[1], &ap, sizeof ap);
		_exit(w == (ssize_t)sizeof ap && ap.rc == 0 ? 0 : 1);
	}
	close(fd[1]);
	size_t got = 0;
	while (got < sizeof ap) {
		ssize_t r = read(fd[0], (char *)&ap + got, sizeof ap - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (got != sizeof ap) {
		snprintf(err, errlen, "cannot judge the store: the judging "
		    "process ended (%s)", WIFSIGNALED(status) ?
		    strsignal(WTERMSIG(status)) : "without a word");
		return -1;
	}
	if (ap.rc != 0) {
		snprintf(err, errlen, "%s", ap.err);
		return -1;
	}
	*js = ap.js;
	return 0;
}
