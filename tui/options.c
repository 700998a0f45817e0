/*
 * options.c - the command line's one option parser: every command's own
 * options, and the ones all commands share (--config, --account, --help),
 * taken here once.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"

#define OWN_MAX	24	/* a command's own long options, at most */

int
cmd_getopt(int argc, char **argv, const char *own_short,
    const struct option *own, struct cmd_global *g)
{
	static const struct option shared[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "account", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
	};
	struct option all[OWN_MAX + 4];
	char shorts[64];
	size_t n = 0;
	int ch;

	if (!g->started) {
		optind = 1;
		g->started = true;
	}
	for (; own && own[n].name && n < OWN_MAX; n++)
		all[n] = own[n];
	memcpy(all + n, shared, sizeof shared);
	memset(&all[n + 3], 0, sizeof all[n + 3]);
	snprintf(shorts, sizeof shorts, "c:a:h%s", own_short ? own_short : "");
	while ((ch = getopt_long(argc, argv, shorts, all, NULL)) == 'c' ||
	    ch == 'a') {
		if (ch == 'c')
			g->config = optarg;
		else
			g->account = optarg;
	}
	return ch;
}
