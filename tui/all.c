/*
 * all.c - a command over every account (--all): an administrator's cron
 * line for a whole organisation. Each account runs in a child process of
 * its own (one account's crash, hang or refused login is that account's
 * alone; its lock is its own), a few at once for the server's sake; what
 * each says is held and printed together when it ends, so that the lines
 * of two accounts never mix; then one summary.
 */
#include <sys/wait.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"
#include "admin.h"
#include "cmd.h"
#include "log.h"

struct job {
	pid_t		 pid;
	size_t		 acct;
	FILE		*out, *err;	/* what the child printed */
};

static volatile sig_atomic_t stop_sig;
static bool in_child;

bool
all_child(void)
{
	return in_child;
}

static void
on_stop(int sig)
{
	stop_sig = sig;
}

/* argv less --all and --jobs, plus --account NAME: one account's run. */
static char **
child_argv(int argc, char **argv, const char *name, int *outc)
{
	char **v = calloc((size_t)argc + 3, sizeof *v);
	int n = 0;

	if (v == NULL)
		_exit(EXIT_CONFIG);
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			while (i < argc)
				v[n++] = argv[i++];
			break;
		}
		if (strcmp(argv[i], "--all") == 0 ||
		    strncmp(argv[i], "--jobs=", 7) == 0)
			continue;
		if (strcmp(argv[i], "--jobs") == 0) {
			i++;
			continue;
		}
		v[n++] = argv[i];
		if (i == 0) {	/* the account first: before any operand */
			v[n++] = "--account";
			v[n++] = (char *)name;
		}
	}
	*outc = n;
	return v;
}

/* Copy what f holds to dst. */
static void
replay(FILE *f, FILE *dst)
{
	char buf[4096];
	size_t n;

	rewind(f);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		fwrite(buf, 1, n, dst);
	fflush(dst);
	fclose(f);
}

static int
start(struct job *j, size_t acct, const char *name, int argc, char **argv,
    int (*run)(int, char **))
{
	fflush(stdout);
	fflush(stderr);
	j->acct = acct;
	if ((j->out = tmpfile()) == NULL || (j->err = tmpfile()) == NULL) {
		ndr_log(NDR_LOG_ERROR, "%s: a temporary file: %s", name,
		    strerror(errno));
		if (j->out)
			fclose(j->out);
		return -1;
	}
	if ((j->pid = fork()) == -1) {
		ndr_log(NDR_LOG_ERROR, "%s: fork: %s", name, strerror(errno));
		fclose(j->out);
		fclose(j->err);
		j->pid = 0;	/* the slot free again */
		return -1;
	}
	if (j->pid == 0) {
		int cargc;
		char **cargv = child_argv(argc, argv, name, &cargc);
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		in_child = true;
		dup2(fileno(j->out), STDOUT_FILENO);
		dup2(fileno(j->err), STDERR_FILENO);
		log_account(name);
		int rc = run(cargc, cargv);
		fflush(stdout);
		fflush(stderr);
		_exit(rc);
	}
	return 0;
}

/* A rank of failure: the worse, the higher. */
static int
rank(int rc)
{
	switch (rc) {
	case EXIT_OK: return 0;
	case EXIT_PARTIAL: return 1;
	case EXIT_CAP: return 2;
	case EXIT_LOCKED: return 3;
	case EXIT_SERVER: return 4;
	default: return 5;	/* configuration, usage, a signal */
	}
}

static const char *
what(int rc)
{
	switch (rc) {
	case EXIT_PARTIAL: return "partly done";
	case EXIT_CAP: return "over --max-actions";
	case EXIT_LOCKED: return "locked by another run";
	case EXIT_SERVER: return "server";
	case EXIT_CONFIG: return "configuration";
	default: return "failed";
	}
}

int
all_run(const struct cmd_global *g, int argc, char **argv,
    int (*run)(int, char **), bool verbose)
{
	struct ndr_config cfg;
	int jobs = g->jobs > 0 ? g->jobs : ALL_JOBS;
	struct job *run_of;
	int *status;
	size_t next = 0, running = 0, ok = 0, failed = 0;
	bool said = false, forwarded = false;

	if (config_open_all(g->config, &cfg) != EXIT_OK)
		return EXIT_CONFIG;
	run_of = calloc((size_t)jobs, sizeof *run_of);
	status = calloc(cfg.naccounts, sizeof *status);
	if (run_of == NULL || status == NULL)
		abort();
	struct sigaction sa = { .sa_handler = on_stop }, old_term, old_int;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGINT, &sa, &old_int);
	stop_sig = 0;

	while (next < cfg.naccounts || running > 0) {
		/* start what may start */
		while (!stop_sig && next < cfg.naccounts && running <
		    (size_t)jobs) {
			const struct ndr_account *a = &cfg.accounts[next];
			if (a->error) {
				ndr_log(NDR_LOG_ERROR, "%s: %s", a->name,
				    a->error);
				status[next++] = EXIT_CONFIG;
				said = true;
				continue;
			}
			size_t k = 0;
			while (run_of[k].pid != 0)
				k++;
			if (start(&run_of[k], next, a->name, argc, argv,
			    run) != 0)
				status[next] = EXIT_CONFIG;
			else
				running++;
			next++;
		}
		if (stop_sig && next < cfg.naccounts) {
			/* not started: not done, and said so below */
			for (; next < cfg.naccounts; next++)
				status[next] = -1;
		}
		if (running == 0)
			break;
		if (stop_sig && !forwarded) {
			/* pass the stop on: each child ends as a single run
			 * would, its journal kept for the next run */
			for (int k = 0; k < jobs; k++)
				if (run_of[k].pid > 0)
					kill(run_of[k].pid, stop_sig);
			forwarded = true;
		}
		int st;
		pid_t pid = wait(&st);
		if (pid == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int k = 0; k < jobs; k++) {
			struct job *j = &run_of[k];
			if (j->pid != pid)
				continue;
			long out = ftell(j->out), errn = ftell(j->err);
			if (out > 0 || errn > 0)
				said = true;
			replay(j->out, stdout);
			replay(j->err, stderr);
			if (WIFEXITED(st))
				status[j->acct] = WEXITSTATUS(st);
			else {
				status[j->acct] = 128 + WTERMSIG(st);
				ndr_log(NDR_LOG_ERROR, "%s: killed by signal "
				    "%d", cfg.accounts[j->acct].name,
				    WTERMSIG(st));
			}
			j->pid = 0;
			running--;
		}
	}
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGINT, &old_int, NULL);

	/* the summary: how many, and each account that did not succeed */
	struct ndr_buf b = { 0 };
	int worst = EXIT_OK;
	size_t notrun = 0;
	for (size_t i = 0; i < cfg.naccounts; i++) {
		if (status[i] == -1) {
			notrun++;
			continue;
		}
		if (status[i] == EXIT_OK) {
			ok++;
			continue;
		}
		failed++;
		if (rank(status[i]) > rank(worst))
			worst = status[i];
		ndr_buf_printf(&b, "%s%s (%s)", failed > 1 ? ", " : "",
		    cfg.accounts[i].name, what(status[i]));
	}
	if (said || failed || notrun || verbose)
		ndr_log(failed || notrun ? NDR_LOG_WARN : NDR_LOG_INFO,
		    "%s --all: %zu account%s, %zu done, %zu failed%s%s%s%s",
		    g->name, cfg.naccounts, cfg.naccounts == 1 ? "" : "s", ok,
		    failed, failed ? ": " : "", b.s ? b.s : "",
		    notrun ? "; stopped before the last " : "",
		    notrun ? "ones" : "");
	ndr_buf_free(&b);
	free(run_of);
	free(status);
	ndr_config_free(&cfg);
	if (stop_sig)
		return 128 + stop_sig;
	if (failed == 0 && notrun == 0)
		return EXIT_OK;
	return ok > 0 ? 1 : worst;
}
