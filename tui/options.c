/*
 * options.c - the command line's one option parser: every command's own
 * options, and the ones all commands share (--config, --account, --help),
 * taken here once.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

#define OWN_MAX	24	/* a command's own long options, at most */
#define OPT_ALL		0x101	/* long only: no letter taken from a command */
#define OPT_JOBS	0x102

int
cmd_usage_error(const struct cmd_global *g, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ndrsweep%s%s: ", *g->name ? " " : "", g->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	g->usage(stderr);
	return EXIT_USAGE;
}

/* The option getopt stopped at, as the user wrote it. */
static void
bad_option(struct cmd_global *g, char **argv, int ch)
{
	const char *arg = argv[optind - 1];

	if (optopt && !(arg[0] == '-' && arg[1] == '-'))
		g->status = cmd_usage_error(g, ch == ':' ? "option -%c needs a "
		    "value" : "unknown option -%c", optopt);
	else
		g->status = cmd_usage_error(g, ch == ':' ? "option %s needs a "
		    "value" : "unknown option %s", arg);
}

int
cmd_getopt(int argc, char **argv, const char *own_short,
    const struct option *own, struct cmd_global *g)
{
	static const struct option shared[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "account", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ "all", no_argument, NULL, OPT_ALL },
		{ "jobs", required_argument, NULL, OPT_JOBS },
	};
	struct option all[OWN_MAX + 6];
	char shorts[64];
	size_t n = 0;
	int ch;

	if (!g->started) {
		optind = 1;
		opterr = 0;	/* the errors are said here, with the name */
		g->started = true;
	}
	for (; own && own[n].name && n < OWN_MAX; n++)
		all[n] = own[n];
	memcpy(all + n, shared, sizeof shared);
	memset(&all[n + 5], 0, sizeof all[n + 5]);
	snprintf(shorts, sizeof shorts, ":c:a:h%s", own_short ? own_short : "");
	while ((ch = getopt_long(argc, argv, shorts, all, NULL)) == 'c' ||
	    ch == 'a' || ch == OPT_ALL || ch == OPT_JOBS) {
		char *end;
		if (ch == 'c')
			g->config = optarg;
		else if (ch == 'a')
			g->account = optarg;
		else if (!g->takes_all) {
			g->status = cmd_usage_error(g, "%s is for scan, clean, "
			    "review and report", ch == OPT_ALL ? "--all" :
			    "--jobs");
			return CMD_STOP;
		} else if (ch == OPT_ALL)
			g->all = true;
		else if ((g->jobs = (int)strtol(optarg, &end, 10)) < 1 ||
		    g->jobs > 64 || *end || end == optarg) {
			g->status = cmd_usage_error(g, "--jobs takes a number "
			    "from 1 to 64, not '%s'", optarg);
			return CMD_STOP;
		}
	}
	if (ch == -1 && g->all && g->account) {
		g->status = cmd_usage_error(g, "--all and --account: choose one");
		return CMD_STOP;
	}
	if (ch == 'h') {
		g->usage(stdout);
		g->status = EXIT_OK;
		return CMD_STOP;
	}
	if (ch == '?' || ch == ':') {
		bad_option(g, argv, ch);
		return CMD_STOP;
	}
	if (ch == -1 && g->max_args >= 0 && argc - optind > g->max_args) {
		g->status = cmd_usage_error(g, "unexpected argument '%s'",
		    argv[optind + g->max_args]);
		return CMD_STOP;
	}
	return ch;
}
