/* account.c - what the commands that work on an account share: the
 * configuration, the account chosen, its store. */
#include <stdio.h>
#include <stdlib.h>

#include "core/config.h"
#include "core/store.h"
#include "cmd.h"

int
account_open(struct account_ctx *ctx, const char *cfgpath,
    const char *name)
{
	char err[1024], *def = NULL, *path;

	if (cfgpath == NULL)
		cfgpath = def = ndr_config_default_path();
	if (ndr_config_load(cfgpath, &ctx->cfg, err, sizeof err) != 0 ||
	    (ctx->a = ndr_config_account(&ctx->cfg, name, err, sizeof err))
	    == NULL) {
		fprintf(stderr, "ndrsweep: %s\n", err);
		free(def);
		return EXIT_CONFIG;
	}
	free(def);
	path = store_default_path(ctx->a->name);
	if (store_open(path, &ctx->st, err, sizeof err) != 0) {
		fprintf(stderr, "ndrsweep: %s\n", err);
		free(path);
		return EXIT_CONFIG;
	}
	ctx->store_path = path;
	return EXIT_OK;
}

void
account_close(struct account_ctx *ctx)
{
	store_close(ctx->st);
	free(ctx->store_path);
	ndr_config_free(&ctx->cfg);
}
