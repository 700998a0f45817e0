/* fuzz_config.c - libFuzzer: any bytes as a configuration file: either it
 * loads, or it is refused with one line naming the file. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/config.h"

/*
 * users_cmd runs a command through the shell: fuzzed bytes must not (one
 * made files in the working folder). These stand in for the C library's
 * popen and pclose: the "command" prints a few users, and fails when its
 * length is odd, so that both the users and the failure are read.
 */
static int cmd_fails;

FILE *
popen(const char *cmd, const char *mode)
{
	static const char out[] = "alice\nbob\n# a comment\n\ncarol\n";

	(void)mode;
	cmd_fails = strlen(cmd) % 2;
	return fmemopen((void *)out, sizeof out - 1, "r");
}

int
pclose(FILE *f)
{
	fclose(f);
	return cmd_fails ? 1 << 8 : 0;	/* exit status 1, or 0 */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ndr_config cfg;
	char path[64], err[1024];
	int fd = memfd_create("config", 0);

	if (fd == -1)
		abort();
	if (size && write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	*err = '\0';
	if (ndr_config_load(path, &cfg, err, sizeof err) == 0) {
		/* each account can be asked for by name */
		for (size_t i = 0; i < cfg.naccounts; i++)
			if (ndr_config_account(&cfg, cfg.accounts[i].name, err,
			    sizeof err) == NULL)
				abort();
		ndr_config_free(&cfg);
	} else if (strncmp(err, path, strlen(path)) != 0 ||
	    strchr(err, '\n') != NULL) {
		fprintf(stderr, "error not one line naming the file: %s\n", err);
		abort();
	}
	close(fd);
	return 0;
}
