/* cmd_train.c - ndrsweep train: teach the classifier from examples. */
#include <sys/stat.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bayes.h"
#include "core/core.h"
#include "core/store.h"
#include "imap/imap.h"
#include "cmd.h"

static void
train_usage(FILE *f)
{
	fprintf(f,
	    "usage: ndrsweep train [--config FILE] [--account NAME]\n"
	    "                      [--spam SOURCE]... [--ham SOURCE]...\n"
	    "\n"
	    "Teach the account's classifier: --spam what backscatter (or spam)\n"
	    "looks like, --ham what the user's own mail looks like. A SOURCE\n"
	    "is a message file, an mbox, a Maildir, a folder of message files,\n"
	    "- for standard input, or else a folder of the account on the\n"
	    "server (write ./NAME for a local file that could be taken for a\n"
	    "folder). The bounced original of a report is what is learnt; of\n"
	    "other mail, the message itself. A message learnt before as the\n"
	    "same is counted once; learnt as the other, it is moved over.\n"
	    "\n"
	    "Exit status: 0 learnt (messages already known are no error);\n"
	    "1 some input could not be read; 2 the server could not be\n"
	    "reached; 64 bad usage; 78 configuration or store error.\n");
}

struct source {
	const char	*what;
	bool		 spam;
};

struct train {
	struct account_ctx	 ctx;
	struct ndr_bayes	*b;
	struct ndr_limits	 lim;
	bool			 spam;
	unsigned		 learned[2], known, reversed, unreadable;
	int			 store_failed;
};

static int
learn(const char *name, const char *raw, size_t len, void *arg)
{
	struct train *t = arg;
	struct ndr_report *r = NULL;
	enum ndr_train out;

	if (ndr_read(raw, len, &t->lim, &r) != NDR_OK || r == NULL) {
		ndr_log(NDR_LOG_ERROR, "%s: not a message", name);
		t->unreadable++;
		return 0;
	}
	if (ndr_bayes_train(t->b, t->ctx.st, r->message_id, r->tokens,
	    r->ntokens, t->spam, &out) != 0) {
		t->store_failed = 1;
		ndr_report_free(&r);
		return 1;
	}
	ndr_report_free(&r);
	if (out == NDR_TRAIN_KNOWN)
		t->known++;
	else
		t->learned[t->spam]++;
	t->reversed += out == NDR_TRAIN_REVERSED;
	return 0;
}

static int
learn_uid(uint32_t uid, const char *raw, size_t len, void *arg)
{
	char name[32];

	snprintf(name, sizeof name, "UID %u", uid);
	return learn(name, raw, len, arg);
}

static void
unreadable(const char *name, const char *why, void *arg)
{
	struct train *t = arg;

	ndr_log(NDR_LOG_ERROR, "%s: %s", name, why);
	t->unreadable++;
}

static bool
local(const char *src)
{
	struct stat sb;

	return strcmp(src, "-") == 0 || stat(src, &sb) == 0;
}

/* Each source learnt from: files here, folders over one session. */
static int
learn_sources(struct train *t, const struct source *src, size_t nsrc,
    struct imap_conn *c, char **pw)
{
	char err[1024];
	int rc = EXIT_OK;

	for (size_t i = 0; i < nsrc && !t->store_failed; i++) {
		t->spam = src[i].spam;
		if (local(src[i].what)) {
			ndr_source_walk(src[i].what, learn, unreadable, t);
			continue;
		}
		/* a path (it names a folder of this machine) that is not
		 * there: a missing input, never a question for the server */
		const char *w = src[i].what;
		if (*w == '/' || strncmp(w, "./", 2) == 0 ||
		    strncmp(w, "../", 3) == 0) {
			ndr_log(NDR_LOG_ERROR, "%s: no such file or folder", w);
			t->unreadable++;
			continue;
		}
		if (!imap_usable(c)) {
			imap_drop(c);
			if ((rc = account_connect(&t->ctx, pw, c, err,
			    sizeof err)) != EXIT_OK) {
				ndr_log(NDR_LOG_ERROR, "%s", err);
				return rc;
			}
		}
		if (imap_each_message(c, src[i].what, learn_uid, t, err,
		    sizeof err) < 0) {
			/* the server answered, and has no such folder: the
			 * input is missing, the server is fine */
			if (imap_usable(c)) {
				ndr_log(NDR_LOG_ERROR, "%s: no such file here, "
				    "nor folder on the server", src[i].what);
				t->unreadable++;
				continue;
			}
			ndr_log(NDR_LOG_ERROR, "%s", err);
			return EXIT_SERVER;
		}
	}
	return rc;
}

static void
say_learnt(const struct train *t)
{
	printf("%s: learnt %u as spam, %u as ham", t->ctx.a->name,
	    t->learned[1], t->learned[0]);
	if (t->reversed)
		printf(" (%u moved over from the other kind)", t->reversed);
	if (t->known)
		printf("; %u already known", t->known);
	if (t->unreadable)
		printf("; %u unreadable", t->unreadable);
	printf("\n");
}

static int
train_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "spam", required_argument, NULL, 's' },
		{ "ham", required_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 },
	};
	struct cmd_global g = { .name = "train", .usage = train_usage };
	struct train t = { 0 };
	struct source *src = calloc((size_t)argc + 1, sizeof *src);
	struct imap_conn c = { 0 };
	size_t nsrc = 0;
	char *pw = NULL;
	int ch, rc;

	if (src == NULL)
		abort();
	while ((ch = cmd_getopt(argc, argv, "s:H:", opts, &g)) != -1)
		switch (ch) {
		case 's': src[nsrc++] = (struct source){ optarg, true }; break;
		case 'H': src[nsrc++] = (struct source){ optarg, false }; break;
		case CMD_STOP: free(src); return g.status;
		}
	if (nsrc == 0) {
		free(src);
		return cmd_usage_error(&g, "nothing to learn: give --spam or "
		    "--ham");
	}
	if ((rc = account_open(&t.ctx, g.config, g.account)) != EXIT_OK) {
		free(src);
		return rc;
	}
	ndr_limits_default(&t.lim);
	t.lim.tokens = true;
	rc = EXIT_CONFIG;
	if (ndr_bayes_open(t.ctx.st, &t.b) != 0 || store_begin(t.ctx.st) != 0)
		goto store_err;
	rc = learn_sources(&t, src, nsrc, &c, &pw);
	if (t.store_failed || ndr_bayes_flush(t.b, t.ctx.st) != 0 ||
	    store_commit(t.ctx.st) != 0) {
		store_rollback(t.ctx.st);
		goto store_err;
	}
	say_learnt(&t);
	if (rc == EXIT_OK && t.unreadable)
		rc = EXIT_INPUT;
	goto out;
store_err:
	ndr_log(NDR_LOG_ERROR, "%s", store_error(t.ctx.st));
	rc = EXIT_CONFIG;
out:
	imap_close(&c);
	ndr_password_free(pw);
	ndr_bayes_free(t.b);
	account_close(&t.ctx);
	free(src);
	return rc;
}

const struct cmd cmd_train = {
	"train", "teach the classifier from spam and ham examples",
	train_run, train_usage,
};
