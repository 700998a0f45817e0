/* cmd_report.c - ndrsweep report: what the store knows of an account. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "core/store.h"
#include "cmd.h"

static void
report_usage(FILE *f)
{
	fprintf(f,
	    "usage: ndrsweep report [--config FILE] [--account NAME] [--json]\n"
	    "                       [--messages]\n"
	    "\n"
	    "What the store knows of the account, from its last scans: per\n"
	    "folder, how many messages and how many bounces, delays,\n"
	    "auto-replies and feedback reports. Nothing is asked of the server.\n"
	    "\n"
	    "  --json      one JSON object instead of text\n"
	    "  --messages  one JSON object per line for each report message\n"
	    "              (folder, uid, message_id, and the engine's fields)\n"
	    "\n"
	    "Exit status: 0 reported; 64 bad usage; 78 configuration or store\n"
	    "error.\n");
}

/* Per folder totals, gathered from (folder, kind, count) rows. */
struct folder_sum {
	char	*name;
	int64_t	 total, kinds[6];
};

struct sums {
	struct folder_sum	*v;
	size_t			 n;
};

static int
add_count(const char *folder, const char *kind, int64_t n, void *arg)
{
	static const char *const names[] = { "other", "bounce", "delay",
	    "delivered", "autoreply", "feedback" };
	struct sums *s = arg;

	if (s->n == 0 || strcmp(s->v[s->n - 1].name, folder) != 0) {
		s->v = realloc(s->v, (s->n + 1) * sizeof *s->v);
		if (s->v == NULL)
			abort();
		memset(&s->v[s->n], 0, sizeof *s->v);
		s->v[s->n++].name = strdup(folder);
	}
	s->v[s->n - 1].total += n;
	for (size_t k = 0; k < 6; k++)
		if (strcmp(kind, names[k]) == 0)
			s->v[s->n - 1].kinds[k] += n;
	return 0;
}

static int
print_message(const struct store_row *r, void *arg)
{
	struct ndr_buf *b = arg;
	static const char file_null[] = "{\"file\":null,";

	b->len = 0;
	ndr_buf_adds(b, "{\"folder\":");
	ndr_buf_json(b, r->folder);
	ndr_buf_printf(b, ",\"uid\":%u,\"message_id\":", r->uid);
	ndr_buf_json(b, r->message_id);
	if (r->report && strncmp(r->report, file_null,
	    sizeof file_null - 1) == 0)
		ndr_buf_printf(b, ",%s", r->report + sizeof file_null - 1);
	else {
		ndr_buf_adds(b, ",\"kind\":");
		ndr_buf_json(b, r->kind);
		ndr_buf_printf(b, ",\"unreadable\":%s}",
		    r->unreadable ? "true" : "false");
	}
	puts(b->s);
	return 0;
}

static int
report_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "account", required_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "messages", no_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cfgpath = NULL, *account = NULL;
	bool json = false, messages = false;
	struct account_ctx ctx = { 0 };
	struct sums s = { 0 };
	struct ndr_buf b = { 0 };
	int ch, rc;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:a:jmh", opts, NULL)) != -1)
		switch (ch) {
		case 'c': cfgpath = optarg; break;
		case 'a': account = optarg; break;
		case 'j': json = true; break;
		case 'm': messages = true; break;
		case 'h': report_usage(stdout); return EXIT_OK;
		default: report_usage(stderr); return EXIT_USAGE;
		}
	if (optind != argc) {
		report_usage(stderr);
		return EXIT_USAGE;
	}
	if ((rc = account_open(&ctx, cfgpath, account)) != EXIT_OK)
		return rc;
	if (messages) {
		if (store_each_msg(ctx.st, true, print_message, &b) != 0)
			goto store_err;
		goto out;
	}
	if (store_each_count(ctx.st, add_count, &s) != 0)
		goto store_err;
	if (json) {
		ndr_buf_adds(&b, "{\"account\":");
		ndr_buf_json(&b, ctx.a->name);
		ndr_buf_adds(&b, ",\"folders\":[");
		for (size_t i = 0; i < s.n; i++) {
			const struct folder_sum *f = &s.v[i];
			ndr_buf_adds(&b, i ? ",{\"name\":" : "{\"name\":");
			ndr_buf_json(&b, f->name);
			ndr_buf_printf(&b, ",\"messages\":%lld,\"bounce\":%lld,"
			    "\"delay\":%lld,\"delivered\":%lld,\"autoreply\":"
			    "%lld,\"feedback\":%lld}", (long long)f->total,
			    (long long)f->kinds[1], (long long)f->kinds[2],
			    (long long)f->kinds[3], (long long)f->kinds[4],
			    (long long)f->kinds[5]);
		}
		ndr_buf_printf(&b, "],\"sent_indexed\":%lld}",
		    (long long)store_sent_count(ctx.st));
		puts(b.s);
	} else {
		printf("%s (%s):\n", ctx.a->name, ctx.store_path);
		if (s.n == 0)
			printf("  nothing scanned yet: run ndrsweep scan\n");
		for (size_t i = 0; i < s.n; i++) {
			const struct folder_sum *f = &s.v[i];
			printf("  ");
			print_safe(stdout, f->name);
			printf(": %lld messages: %lld bounces, %lld delays, "
			    "%lld auto-replies, %lld feedback reports\n",
			    (long long)f->total, (long long)f->kinds[1],
			    (long long)f->kinds[2], (long long)f->kinds[4],
			    (long long)f->kinds[5]);
		}
		printf("  Sent index: %lld messages\n",
		    (long long)store_sent_count(ctx.st));
	}
	goto out;
store_err:
	fprintf(stderr, "ndrsweep: %s\n", store_error(ctx.st));
	rc = EXIT_CONFIG;
out:
	for (size_t i = 0; i < s.n; i++)
		free(s.v[i].name);
	free(s.v);
	ndr_buf_free(&b);
	account_close(&ctx);
	return rc;
}

const struct cmd cmd_report = {
	"report", "what the store knows: folders, counts, report messages",
	report_run, report_usage,
};
