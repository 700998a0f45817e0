/* cmd_demo.c - ndrsweep demo: a private Dovecot with a generated mailbox,
 * and the interface on it (the work is share/demo.sh's). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

static void
demo_usage(FILE *f)
{
	fprintf(f,
	    "usage: ndrsweep demo [SCALE]\n"
	    "\n"
	    "Start a private Dovecot on 127.0.0.1 in a temporary folder, write\n"
	    "a mailbox into it (a backscatter flood of 24 campaigns forging\n"
	    "alice@example.org, legitimate bounces of mail in her Sent folder,\n"
	    "auto-replies, ordinary mail: about 4,000 messages, SCALE 0.2 of\n"
	    "the benchmark's), and open the interface on it over verified TLS.\n"
	    "Nothing outside the temporary folder is touched; the server is\n"
	    "stopped and the folder removed when the interface ends (Ctrl-C\n"
	    "too). Needs dovecot-imapd, openssl and python3.\n");
}

/* The folder that holds demo.sh: $NDRSWEEP_SHARE, share/ beside the
 * binary (a build in the source tree), the source tree's share/, or where
 * make install put it. */
static int
find_share(char *out, size_t len)
{
	char exe[PATH_MAX], path[PATH_MAX + 32];
	const char *env = getenv("NDRSWEEP_SHARE");
	ssize_t n;

	if (env && *env) {
		snprintf(out, len, "%s", env);
		return 0;
	}
	if ((n = readlink("/proc/self/exe", exe, sizeof exe - 1)) > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(path, sizeof path, "%s/share/demo.sh", exe);
			if (access(path, R_OK) == 0) {
				snprintf(out, len, "%s/share", exe);
				return 0;
			}
		}
	}
	snprintf(path, sizeof path, "%s/share/demo.sh", NDR_SRCDIR);
	if (access(path, R_OK) == 0) {
		snprintf(out, len, "%s/share", NDR_SRCDIR);
		return 0;
	}
	snprintf(path, sizeof path, "%s/demo.sh", PKGDATADIR);
	if (access(path, R_OK) == 0) {
		snprintf(out, len, "%s", PKGDATADIR);
		return 0;
	}
	return -1;
}

static int
demo_run(int argc, char **argv)
{
	char share[PATH_MAX + 16], script[PATH_MAX + 32], self[PATH_MAX];
	ssize_t n;

	if (argc > 2 || (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0))) {
		demo_usage(argc == 2 ? stdout : stderr);
		return argc == 2 ? EXIT_OK : EXIT_USAGE;
	}
	if (argc == 2 && strspn(argv[1], "0123456789.") != strlen(argv[1])) {
		demo_usage(stderr);
		return EXIT_USAGE;
	}
	if (find_share(share, sizeof share) != 0) {
		ndr_log(NDR_LOG_ERROR, "demo.sh not found (in $NDRSWEEP_SHARE, "
		    "beside the binary, or %s)", PKGDATADIR);
		return EXIT_CONFIG;
	}
	if ((n = readlink("/proc/self/exe", self, sizeof self - 1)) <= 0) {
		ndr_log(NDR_LOG_ERROR, "cannot tell where this binary is");
		return EXIT_CONFIG;
	}
	self[n] = '\0';
	snprintf(script, sizeof script, "%s/demo.sh", share);
	char *args[] = { "bash", script, self, share,
	    argc == 2 ? argv[1] : NULL, NULL };
	execvp("bash", args);
	ndr_log(NDR_LOG_ERROR, "bash: %s", strerror(errno));
	return EXIT_CONFIG;
}

const struct cmd cmd_demo = {
	"demo", "a private Dovecot with a generated mailbox, and the interface",
	demo_run, demo_usage,
};
