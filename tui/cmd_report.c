/* cmd_report.c - ndrsweep report: what the store knows of an account. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/config.h"
#include "core/core.h"
#include "core/store.h"
#include "admin.h"
#include "cmd.h"

static void
report_usage(FILE *f)
{
	fprintf(f,
	    "usage: ndrsweep report [--config FILE] [--account NAME] [--json]\n"
	    "                       [--messages]\n"
	    "       ndrsweep report --all [--json]\n"
	    "\n"
	    "What the store knows of the account, from its last scans: per\n"
	    "folder, how many messages and how many bounces, delays,\n"
	    "auto-replies and feedback reports; the verdicts (legitimate,\n"
	    "backscatter, unsure) and the campaigns of backscatter, largest\n"
	    "first. Nothing is asked of the server.\n"
	    "\n"
	    "  --json      one JSON object instead of text, campaigns and all\n"
	    "  --messages  one JSON object per line for each report message\n"
	    "              (folder, uid, message_id, the engine's fields, and\n"
	    "              verdict, score, signals and campaign)\n"
	    "\n"
	    "With --all, every account of the configuration, one line (or one\n"
	    "JSON object in a list) each, for monitoring: its verdicts, its\n"
	    "quarantine (messages, the oldest, campaigns), its last run and\n"
	    "what failed.\n"
	    "\n"
	    "Exit status: 0 reported; 1 (--all) some account's section is\n"
	    "wrong or its last run failed; 64 bad usage; 78 configuration or\n"
	    "store error.\n");
}

/* Per folder totals, gathered from (folder, kind, count) rows. */
struct folder_sum {
	char	*name;
	int64_t	 total, kinds[7];	/* the last: unreadable */
};

struct sums {
	struct folder_sum	*v;
	size_t			 n;
};

static int
add_count(const char *folder, const char *kind, int64_t n, void *arg)
{
	static const char *const names[] = { "other", "bounce", "delay",
	    "delivered", "autoreply", "feedback", "unreadable" };
	struct sums *s = arg;

	if (s->n == 0 || strcmp(s->v[s->n - 1].name, folder) != 0) {
		s->v = realloc(s->v, (s->n + 1) * sizeof *s->v);
		if (s->v == NULL)
			abort();
		memset(&s->v[s->n], 0, sizeof *s->v);
		s->v[s->n++].name = strdup(folder);
	}
	s->v[s->n - 1].total += n;
	for (size_t k = 0; k < 7; k++)
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
	    sizeof file_null - 1) == 0) {
		ndr_buf_printf(b, ",%s", r->report + sizeof file_null - 1);
		b->s[--b->len] = '\0';		/* the report's closing brace */
	} else {
		ndr_buf_adds(b, ",\"kind\":");
		ndr_buf_json(b, r->kind);
		ndr_buf_printf(b, ",\"unreadable\":%s",
		    r->unreadable ? "true" : "false");
	}
	if (r->verdict) {
		ndr_buf_adds(b, ",\"verdict\":");
		ndr_buf_json(b, r->verdict);
		ndr_buf_printf(b, ",\"score\":%.3f,\"signals\":%s", r->score,
		    r->signals ? r->signals : "[]");
		if (r->campaign > 0)
			ndr_buf_printf(b, ",\"campaign\":%lld",
			    (long long)r->campaign);
		else
			ndr_buf_adds(b, ",\"campaign\":null");
	}
	ndr_buf_addc(b, '}');
	puts(b->s);
	return 0;
}

/* "a, b, c" as a JSON array */
static void
json_list(struct ndr_buf *b, const char *s)
{
	ndr_buf_addc(b, '[');
	for (bool first = true; s && *s; first = false) {
		size_t n = strcspn(s, ",");
		char *item = strndup(s, n);
		if (item == NULL)
			abort();
		if (!first)
			ndr_buf_addc(b, ',');
		ndr_buf_json(b, item + strspn(item, " "));
		free(item);
		s += n + (s[n] == ',');
	}
	ndr_buf_addc(b, ']');
}

struct camp_out {
	struct ndr_buf	*b;
	bool		 json;
	size_t		 n;
};

#define TEXT_CAMPAIGNS	10	/* shown in the text report */

static int
print_campaign(const struct store_campaign *c, void *arg)
{
	struct camp_out *o = arg;
	char first[16], last[16];

	if (o->json) {
		struct ndr_buf *b = o->b;
		ndr_buf_adds(b, o->n++ ? ",{" : "{");
		ndr_buf_printf(b, "\"id\":%lld,\"size\":%lld,\"backscatter\":"
		    "%lld,\"first_seen\":%lld,\"last_seen\":%lld,\"subject\":",
		    (long long)c->id, (long long)c->size,
		    (long long)c->backscatter, (long long)c->first_seen,
		    (long long)c->last_seen);
		ndr_buf_json(b, c->subject);
		ndr_buf_adds(b, ",\"forged\":");
		json_list(b, c->forged);
		ndr_buf_adds(b, ",\"mtas\":");
		json_list(b, c->mtas);
		ndr_buf_adds(b, ",\"links\":");
		json_list(b, c->links);
		ndr_buf_addc(b, '}');
		return 0;
	}
	if (o->n++ == TEXT_CAMPAIGNS)
		return 1;
	ndr_day(c->first_seen, first, sizeof first, "?");
	ndr_day(c->last_seen, last, sizeof last, "?");
	printf("    #%-5lld %6lld bounces  %s..%s  ", (long long)c->id,
	    (long long)c->size, first, last);
	print_safe(stdout, c->subject ? c->subject : "(no subject)");
	printf("\n");
	return 0;
}

/* The store's figures in one JSON object. */
static int
report_json(struct account_ctx *ctx, const struct sums *s,
    const int64_t v[3], struct ndr_buf *b)
{
	ndr_buf_adds(b, "{\"account\":");
	ndr_buf_json(b, ctx->a->name);
	ndr_buf_adds(b, ",\"folders\":[");
	for (size_t i = 0; i < s->n; i++) {
		const struct folder_sum *f = &s->v[i];
		ndr_buf_adds(b, i ? ",{\"name\":" : "{\"name\":");
		ndr_buf_json(b, f->name);
		ndr_buf_printf(b, ",\"messages\":%lld,\"bounce\":%lld,"
		    "\"delay\":%lld,\"delivered\":%lld,\"autoreply\":%lld,"
		    "\"feedback\":%lld,\"unreadable\":%lld}",
		    (long long)f->total, (long long)f->kinds[1],
		    (long long)f->kinds[2], (long long)f->kinds[3],
		    (long long)f->kinds[4], (long long)f->kinds[5],
		    (long long)f->kinds[6]);
	}
	ndr_buf_printf(b, "],\"sent_indexed\":%lld,\"verdicts\":"
	    "{\"legit\":%lld,\"backscatter\":%lld,\"unsure\":%lld},"
	    "\"campaigns\":[", (long long)store_sent_count(ctx->st),
	    (long long)v[0], (long long)v[1], (long long)v[2]);
	struct camp_out co = { b, true, 0 };
	if (store_each_campaign(ctx->st, print_campaign, &co) != 0)
		return -1;
	ndr_buf_adds(b, "]}");
	puts(b->s);
	return 0;
}

/* The store's figures as text. */
static int
report_text(struct account_ctx *ctx, const struct sums *s,
    const int64_t v[3])
{
	printf("%s (%s):\n", ctx->a->name, ctx->store_path);
	if (s->n == 0)
		printf("  nothing scanned yet: run ndrsweep scan\n");
	for (size_t i = 0; i < s->n; i++) {
		const struct folder_sum *f = &s->v[i];
		printf("  ");
		print_safe(stdout, f->name);
		printf(": %lld messages: %lld bounces, %lld delays, %lld "
		    "auto-replies, %lld feedback reports", (long long)f->total,
		    (long long)f->kinds[1], (long long)f->kinds[2],
		    (long long)f->kinds[4], (long long)f->kinds[5]);
		if (f->kinds[6])
			printf("; %lld unreadable (asked for again at each "
			    "scan)", (long long)f->kinds[6]);
		printf("\n");
	}
	printf("  Sent index: %lld messages\n",
	    (long long)store_sent_count(ctx->st));
	printf("  Verdicts: %lld legitimate, %lld backscatter, %lld unsure\n",
	    (long long)v[0], (long long)v[1], (long long)v[2]);
	struct camp_out co = { NULL, false, 0 };
	printf("  Campaigns, largest first:\n");
	if (store_each_campaign(ctx->st, print_campaign, &co) < 0)
		return -1;
	if (co.n == 0)
		printf("    none\n");
	return 0;
}

static int
report_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "messages", no_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	struct cmd_global g = { .name = "report", .usage = report_usage,
	    .takes_all = true };
	bool json = false, messages = false;
	struct account_ctx ctx = { 0 };
	struct sums s = { 0 };
	struct ndr_buf b = { 0 };
	int64_t v[3];	/* legit, backscatter, unsure */
	int ch, rc;

	while ((ch = cmd_getopt(argc, argv, "jm", opts, &g)) != -1)
		switch (ch) {
		case 'j': json = true; break;
		case 'm': messages = true; break;
		case CMD_STOP: return g.status;
		}
	if (g.all && messages)
		return cmd_usage_error(&g, "--messages is for one account");
	if (g.all)
		return glance_print(g.config, json);
	if ((rc = account_open(&ctx, g.config, g.account)) != EXIT_OK)
		return rc;
	if (messages ? store_each_msg(ctx.st, true, print_message, &b) != 0 :
	    store_each_count(ctx.st, add_count, &s) != 0 ||
	    store_verdict_counts(ctx.st, &v[0], &v[1], &v[2]) != 0 ||
	    (json ? report_json(&ctx, &s, v, &b) : report_text(&ctx, &s, v))
	    != 0) {
		ndr_log(NDR_LOG_ERROR, "%s", store_error(ctx.st));
		rc = EXIT_CONFIG;
	}
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
