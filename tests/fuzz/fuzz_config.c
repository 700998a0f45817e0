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
