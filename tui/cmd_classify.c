/* cmd_classify.c - ndrsweep classify: judge raw messages from files. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "cmd.h"

struct run {
	bool			 json;
	int			 failed;	/* inputs that could not be read */
	struct ndr_limits	 lim;
	struct ndr_buf		 out;
};

static void
classify_usage(FILE *f)
{
	fprintf(f,
	    "usage: ndrsweep classify [--json] PATH...\n"
	    "\n"
	    "Read each message and say what it is: bounce, delay, delivered,\n"
	    "autoreply, feedback or other; for bounces, who failed and why.\n"
	    "PATH is a message file, an mbox file, a Maildir folder, a folder\n"
	    "of message files, or - for standard input.\n"
	    "\n"
	    "  --json    one JSON object per message per line (JSON Lines)\n"
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

	e = ndr_read(raw, len, &run->lim, &r);
	if (e != NDR_OK) {
		fprintf(stderr, "ndrsweep: ");
		print_safe(stderr, name);
		fprintf(stderr, ": %s\n", ndr_strerror(e));
		run->failed++;
		return 0;
	}
	run->out.len = 0;
	if (run->json) {
		ndr_report_json(r, name, &run->out);
		ndr_buf_addc(&run->out, '\n');
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

	fprintf(stderr, "ndrsweep: ");
	print_safe(stderr, name);
	fprintf(stderr, ": %s\n", why);
	run->failed++;
}

static int
classify_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct run run = { 0 };
	int c;

	ndr_limits_default(&run.lim);
	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			run.json = true;
			break;
		case 'h':
			classify_usage(stdout);
			return EXIT_OK;
		default:
			classify_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "ndrsweep classify: no PATH given (- reads "
		    "standard input)\n");
		return EXIT_USAGE;
	}
	for (int i = optind; i < argc; i++)
		ndr_source_walk(argv[i], on_message, on_error, &run);
	ndr_buf_free(&run.out);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		perror("ndrsweep: standard output");
		return EXIT_INPUT;
	}
	return run.failed ? EXIT_INPUT : EXIT_OK;
}

const struct cmd cmd_classify = {
	"classify", "judge raw messages from files, Maildir, mbox or stdin",
	classify_run, classify_usage,
};
