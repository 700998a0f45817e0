/* cmd_classify.c - ndrsweep classify: judge raw messages from files. */
#include <sys/stat.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/bayes.h"
#include "core/core.h"
#include "core/store.h"
#include "cmd.h"

struct run {
	bool			 json;
	struct ndr_bayes	*bayes;		/* NULL: scores are 0.5 */
	int			 failed;	/* inputs that could not be read */
	size_t			 seen;		/* messages met, read or not */
	struct ndr_limits	 lim;
	struct ndr_buf		 out;
};

static void
classify_usage(FILE *f)
{
	fprintf(f,
	    "usage: ndrsweep classify [--json] [--config FILE] [--account NAME]\n"
	    "                         PATH...\n"
	    "\n"
	    "Read each message and say what it is: bounce, delay, delivered,\n"
	    "autoreply, feedback or other; for bounces, who failed and why.\n"
	    "PATH is a message file, an mbox file, a Maildir folder, a folder\n"
	    "of message files, or - for standard input.\n"
	    "\n"
	    "  --json    one JSON object per message per line (JSON Lines),\n"
	    "            with the classifier's content_score (0 like the user's\n"
	    "            mail .. 1 spam) of the bounced original, or of the\n"
	    "            message itself when it has none, and candidate: would\n"
	    "            a scan's first look, at header fields only, fetch it\n"
	    "            whole (a report that is none, a scan would miss)\n"
	    "  --config FILE, --account NAME\n"
	    "            whose classifier scores (default: the configuration's\n"
	    "            only account; without a configuration every score is\n"
	    "            0.5)\n"
	    "  --help    this text\n"
	    "\n"
	    "Exit status: 0 all inputs read, 1 some input could not be read,\n"
	    "64 bad usage.\n");
}

static int
on_message(const char *name, const char *raw, size_t len, void *arg)
{
	struct run *run = arg;
	struct ndr_report *r;
	enum ndr_err e;

	run->seen++;
	e = ndr_read(raw, len, &run->lim, &r);
	if (e != NDR_OK) {
		ndr_log(NDR_LOG_ERROR, "%s: %s", name, ndr_strerror(e));
		run->failed++;
		return 0;
	}
	run->out.len = 0;
	if (run->json) {
		ndr_report_json(r, name, &run->out);
		run->out.len--;		/* the closing brace */
		ndr_buf_adds(&run->out, r->candidate ?
		    ",\"candidate\":true" : ",\"candidate\":false");
		if (run->bayes == NULL)	/* neutral: no classifier trained */
			ndr_buf_adds(&run->out, ",\"content_score\":0.5000}\n");
		else
			ndr_buf_printf(&run->out, ",\"content_score\":%.4f}\n",
			    ndr_bayes_score(run->bayes, r->tokens, r->ntokens));
		fwrite(run->out.s, 1, run->out.len, stdout);
	} else {
		ndr_report_text(r, name, &run->out);
		print_safe(stdout, run->out.s);
	}
	ndr_report_free(&r);
	return 0;
}

static void
on_error(const char *name, const char *why, void *arg)
{
	struct run *run = arg;

	ndr_log(NDR_LOG_ERROR, "%s: %s", name, why);
	run->failed++;
}

static int
classify_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct run run = { 0 };
	struct account_ctx ctx = { 0 };
	struct cmd_global g = { .name = "classify", .usage = classify_usage,
	    .max_args = -1 };
	bool opened = false;
	int c, rc;

	ndr_limits_default(&run.lim);
	while ((c = cmd_getopt(argc, argv, "j", opts, &g)) == 'j')
		run.json = true;
	if (c == CMD_STOP)
		return g.status;
	if (optind >= argc)
		return cmd_usage_error(&g, "no PATH given (- reads standard "
		    "input)");
	/* the classifier of the account named, or of the only one; none
	 * configured is no error: the scores are then neutral */
	if (run.json) {
		char *def = g.config ? NULL : ndr_config_default_path();
		struct stat sb;
		if (g.config || g.account || (def && stat(def, &sb) == 0)) {
			if ((rc = account_open(&ctx, g.config, g.account)) !=
			    EXIT_OK) {
				free(def);
				return rc;
			}
			opened = true;
			if (ndr_bayes_open(ctx.st, &run.bayes) != 0) {
				ndr_log(NDR_LOG_ERROR, "%s",
				    store_error(ctx.st));
				account_close(&ctx);
				free(def);
				return EXIT_CONFIG;
			}
			if (!ndr_bayes_trained(run.bayes)) {
				ndr_bayes_free(run.bayes);
				run.bayes = NULL;
			}
		}
		free(def);
		run.lim.tokens = run.bayes != NULL;
	}
	/* a line per message: written in large blocks when not to a
	 * person (the default block is a page: a write per few lines) */
	static char obuf[1 << 16];
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
	for (int i = optind; i < argc; i++) {
		size_t before = run.seen, failed = (size_t)run.failed;
		ndr_source_walk(argv[i], on_message, on_error, &run);
		/* an empty folder or file is an input with nothing in it:
		 * said, not passed over in silence */
		if (run.seen == before && (size_t)run.failed == failed) {
			ndr_log(NDR_LOG_ERROR, "no messages in %s", argv[i]);
			run.failed++;
		}
	}
	ndr_buf_free(&run.out);
	ndr_bayes_free(run.bayes);
	if (opened)
		account_close(&ctx);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		ndr_log(NDR_LOG_ERROR, "standard output: %s", strerror(errno));
		return EXIT_INPUT;
	}
	return run.failed ? EXIT_INPUT : EXIT_OK;
}

const struct cmd cmd_classify = {
	"classify", "judge raw messages from files, Maildir, mbox or stdin",
	classify_run, classify_usage,
};
