/* main.c - the ndrsweep command line: find the subcommand and run it. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "cmd.h"

static const struct cmd *const cmds[] = {
	&cmd_classify,
	&cmd_scan,
	&cmd_report,
	&cmd_train,
	&cmd_clean,
	&cmd_review,
	&cmd_demo,
	&cmd_ui,
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: ndrsweep [--config FILE] [--account NAME] [--offline]\n"
	    "       ndrsweep COMMAND [OPTIONS] [ARGS]\n"
	    "\n"
	    "Find bounces in a mailbox and tell real ones from backscatter.\n"
	    "\n"
	    "Commands:\n");
	for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++)
		fprintf(f, "  %-10s %s\n", cmds[i]->name, cmds[i]->summary);
	fprintf(f,
	    "\n"
	    "Without a command: scan and open the interface.\n"
	    "'ndrsweep COMMAND --help' tells more of one command.\n");
}

void
print_safe(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = *s;
		size_t bidi = ndr_bidi_len(s, strnlen(s, 3));
		if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f || bidi) {
			c = '?';
			s += bidi ? bidi - 1 : 0;
		}
		putc(c, f);
	}
}

int
main(int argc, char **argv)
{
	/* a server that hangs up must give an error, not kill us */
	signal(SIGPIPE, SIG_IGN);
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
	for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++)
		if (strcmp(argv[1], cmds[i]->name) == 0)
			return cmds[i]->run(argc - 1, argv + 1);
	fprintf(stderr, "ndrsweep: unknown command '%s' (try ndrsweep --help)\n",
	    argv[1]);
	return EXIT_USAGE;
}
