/* main.c - the ndrsweep command line: find the subcommand and run it. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "cmd.h"
#include "log.h"

static const struct cmd *const cmds[] = {
	&cmd_classify,
	&cmd_scan,
	&cmd_report,
	&cmd_train,
	&cmd_clean,
	&cmd_review,
	&cmd_watch,
	&cmd_rules,
	&cmd_demo,
	&cmd_ui,
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: ndrsweep [--config FILE] [--account NAME] [--offline]\n"
	    "       ndrsweep scan|clean|review|report --all [--jobs N] ...\n"
	    "       ndrsweep COMMAND [OPTIONS] [ARGS]\n"
	    "\n"
	    "Find bounces in a mailbox and tell real ones from backscatter.\n"
	    "\n"
	    "Commands:\n");
	for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++)
		fprintf(f, "  %-10s %s\n", cmds[i]->name, cmds[i]->summary);
	fprintf(f,
	    "\n"
	    "Without a command: scan and open the interface. --config and\n"
	    "--account may come before the command or after it.\n"
	    "'ndrsweep help COMMAND' (or 'ndrsweep COMMAND --help') tells more\n"
	    "of one command.\n");
}

static const struct cmd *
find(const char *name)
{
	for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++)
		if (strcmp(name, cmds[i]->name) == 0)
			return cmds[i];
	return NULL;
}

/* How many words of argv (from 1) are global options with their values:
 * --config F, --account N, -c F, -a N, --config=F, --account=N, --all,
 * --jobs N. */
static int
globals(int argc, char **argv)
{
	int i = 1;

	while (i < argc) {
		const char *a = argv[i];
		if (strncmp(a, "--config=", 9) == 0 ||
		    strncmp(a, "--account=", 10) == 0 ||
		    strncmp(a, "--jobs=", 7) == 0 || strcmp(a, "--all") == 0)
			i++;
		else if (strcmp(a, "--jobs") == 0 && i + 1 < argc)
			i += 2;
		else if ((strcmp(a, "--config") == 0 || strcmp(a, "--account") ==
		    0 || strcmp(a, "-c") == 0 || strcmp(a, "-a") == 0) &&
		    i + 1 < argc)
			i += 2;
		else
			break;
	}
	return i - 1;
}


int
main(int argc, char **argv)
{
	/* a server that hangs up must give an error, not kill us */
	signal(SIGPIPE, SIG_IGN);
	log_init(getenv("NDRSWEEP_DEBUG") != NULL);
	/* global options before a command go after it, where its own
	 * parser takes them: ndrsweep --config F scan = ndrsweep scan
	 * --config F, as git and notmuch read them */
	int g = globals(argc, argv);
	const struct cmd *cmd;
	if (g > 0 && 1 + g < argc && (cmd = find(argv[1 + g])) != NULL) {
		char *first = argv[1 + g];
		memmove(argv + 2, argv + 1, (size_t)g * sizeof *argv);
		argv[1] = first;
	}
	/* no command: the interface, with its options */
	if (argc < 2 || (argv[1][0] == '-' && strcmp(argv[1], "--help") != 0 &&
	    strcmp(argv[1], "-h") != 0 && strcmp(argv[1], "--version") != 0))
		return ui_run(argc, argv, false);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("ndrsweep %s\n", PACKAGE_VERSION);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "help") == 0) {
		const struct cmd *c = argc > 2 ? find(argv[2]) : NULL;
		if (argc > 2 && c == NULL) {
			ndr_log(NDR_LOG_ERROR, "unknown command '%s' (try "
			    "ndrsweep --help)", argv[2]);
			return EXIT_USAGE;
		}
		if (c)
			c->usage(stdout);
		else
			usage(stdout);
		return EXIT_OK;
	}
	if ((cmd = find(argv[1])) != NULL)
		return cmd->run(argc - 1, argv + 1);
	ndr_log(NDR_LOG_ERROR, "unknown command '%s' (try ndrsweep --help)",
	    argv[1]);
	return EXIT_USAGE;
}
