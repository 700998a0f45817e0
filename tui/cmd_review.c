/* cmd_review.c - ndrsweep review: the quarantine, for an administrator. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"
#include "core/store.h"
#include "imap/imap.h"
#include "cmd.h"
#include "log.h"
#include "decide.h"
#include "admin.h"

#define DAY	86400

static void
review_usage(FILE *f)
{
	fprintf(f,
	    "usage: ndrsweep review [--config FILE] [--account NAME]\n"
	    "                       [--list [--json]] [--release ID...]\n"
	    "                       [--release-campaign N]\n"
	    "                       [--purge --older-than DAYS [--dry-run] [--yes]]\n"
	    "                       [--find TEXT]\n"
	    "       ndrsweep review --all [--list [--json]] [--find TEXT]\n"
	    "                       [--purge --older-than DAYS --dry-run|--yes]\n"
	    "\n"
	    "The account's quarantine, as ndrsweep put messages there. On a\n"
	    "terminal and without options: the interface on the quarantine.\n"
	    "With --all, every account: on a terminal, the list of accounts\n"
	    "(Enter opens one's review, / finds a message in all of them);\n"
	    "else one line each (messages in the quarantine, the oldest,\n"
	    "campaigns, the last run and what failed).\n"
	    "\n"
	    "  --list                each message: its ID, days in the quarantine,\n"
	    "                        verdict, score, campaign, folder it came from\n"
	    "                        and subject (the default)\n"
	    "  --json                the list as JSON Lines\n"
	    "  --release ID...       move these back where they came from (each\n"
	    "                        teaches the classifier: not backscatter)\n"
	    "  --release-campaign N  the same for every message of campaign N\n"
	    "  --purge --older-than DAYS\n"
	    "                        expunge what has been there longer: for\n"
	    "                        good, so on a terminal it asks first;\n"
	    "                        without one it needs --yes\n"
	    "  --dry-run             with --purge: say what would go, do nothing\n"
	    "  --yes                 with --purge: do not ask\n"
	    "  --find TEXT           the reports whose failed recipient,\n"
	    "                        Message-ID, or original's subject or sender\n"
	    "                        hold TEXT, in every folder the store knows\n"
	    "                        (\"where is my bounce?\"): account, folder,\n"
	    "                        UID, date, verdict, recipient, subject\n"
	    "\n"
	    "Exit status: 0 done; 1 some of it failed or an ID is unknown;\n"
	    "2 the server could not be reached; 64 bad usage; 75 another run\n"
	    "holds the account's lock; 78 configuration or store error.\n");
}

/* review --list: a row's columns, and the header's, the same widths */
#define ORIGIN_W	16
#define ROW_FMT		"%6lld %4lldd  %-11s %5.2f %8s  "
#define HEAD_FMT	"%6s %5s  %-11s %5s %8s  %-*s  %s\n"

struct entry {
	int64_t		 id, campaign, since;
	uint32_t	 uid;
	char		*origin, *message_id;
	uint64_t	*tokens;
	size_t		 ntokens;
};

struct list {
	struct entry	*v;
	size_t		 n;
	bool		 json, print;
	struct ndr_buf	 b;
	int64_t		 now;
};

static int
on_quarantined(const struct store_quar *q, void *arg)
{
	struct list *l = arg;
	int64_t days = q->since ? (l->now - q->since) / DAY : 0;

	if (l->print && l->json) {
		l->b.len = 0;
		ndr_buf_printf(&l->b, "{\"id\":%lld,\"days\":%lld,\"verdict\":",
		    (long long)q->id, (long long)days);
		ndr_buf_json(&l->b, q->verdict);
		ndr_buf_printf(&l->b, ",\"score\":%.3f,\"campaign\":", q->score);
		if (q->campaign > 0)
			ndr_buf_printf(&l->b, "%lld", (long long)q->campaign);
		else
			ndr_buf_adds(&l->b, "null");
		ndr_buf_adds(&l->b, ",\"origin\":");
		ndr_buf_json(&l->b, q->origin);
		ndr_buf_adds(&l->b, ",\"message_id\":");
		ndr_buf_json(&l->b, q->message_id);
		ndr_buf_adds(&l->b, ",\"subject\":");
		ndr_buf_json(&l->b, q->subject);
		ndr_buf_adds(&l->b, "}");
		puts(l->b.s);
	} else if (l->print) {
		char camp[24] = "-";
		if (q->campaign > 0)
			snprintf(camp, sizeof camp, "#%lld",
			    (long long)q->campaign);
		char from[ORIGIN_W + 1];
		const char *o = q->origin ? q->origin : "?";
		/* a long folder name cut, the cut shown: the columns stay */
		if (strlen(o) > ORIGIN_W)
			snprintf(from, sizeof from, "%.*s~", ORIGIN_W - 1, o);
		else
			snprintf(from, sizeof from, "%s", o);
		printf(ROW_FMT, (long long)q->id, (long long)days,
		    q->verdict ? q->verdict : "?", q->score, camp);
		print_safe(stdout, from);
		printf("%*s  ", (int)(ORIGIN_W - strlen(from)), "");
		print_safe(stdout, q->subject ? q->subject : "(no subject)");
		printf("\n");
	}
	struct entry *e;
	l->v = realloc(l->v, (l->n + 1) * sizeof *l->v);
	if (l->v == NULL)
		abort();
	e = &l->v[l->n++];
	memset(e, 0, sizeof *e);
	e->id = q->id;
	e->campaign = q->campaign;
	e->since = q->since;
	e->uid = q->uid;
	e->origin = strdup(q->origin ? q->origin : "INBOX");
	e->message_id = q->message_id ? strdup(q->message_id) : NULL;
	if (q->ntokens) {
		e->tokens = malloc(q->ntokens * sizeof *e->tokens);
		if (e->tokens == NULL)
			abort();
		memcpy(e->tokens, q->tokens, q->ntokens * sizeof *e->tokens);
		e->ntokens = q->ntokens;
	}
	return 0;
}

static void
list_free(struct list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].origin);
		free(l->v[i].message_id);
		free(l->v[i].tokens);
	}
	free(l->v);
	ndr_buf_free(&l->b);
}

/* Release (back where they came from, learnt as not backscatter) or
 * purge the picked messages of the quarantine, through the decision
 * path; the count the server carried out in *done. */
static int
apply(struct imap_conn *c, struct account_ctx *ctx, struct entry **pick,
    size_t n, bool purge, unsigned *done)
{
	struct decision *d = calloc(n + 1, sizeof *d);
	struct decide_stats ds;
	enum imap_act act = purge ? IMAP_PURGE : IMAP_RELEASE;
	int rc;

	if (d == NULL)
		abort();
	for (size_t i = 0; i < n; i++)
		d[i] = (struct decision){ .act = act,
		    .folder = ctx->a->quarantine, .uid = pick[i]->uid,
		    .message_id = pick[i]->message_id,
		    .dest = purge ? NULL : pick[i]->origin,
		    .origin = purge ? NULL : pick[i]->origin,
		    .tokens = pick[i]->tokens, .ntokens = pick[i]->ntokens };
	rc = decide(c, ctx, d, n, NULL, log_error_line, NULL, &ds);
	*done = ds.done[act];
	free(d);
	return rc == 0 ? EXIT_OK : EXIT_PARTIAL;
}

struct review_opts {
	struct cmd_global	 g;
	bool			 json, rel, purge, list, dry, yes;
	const char		*find;
	long			 campaign, older;
	int			 ids;	/* argv[ids..]: the IDs to release */
};

/* The command line; -1 when it goes on, else the exit status. */
static int
review_options(int argc, char **argv, struct review_opts *o)
{
	static const struct option opts[] = {
		{ "list", no_argument, NULL, 'L' },
		{ "json", no_argument, NULL, 'j' },
		{ "release", no_argument, NULL, 'r' },
		{ "release-campaign", required_argument, NULL, 'R' },
		{ "purge", no_argument, NULL, 'p' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "yes", no_argument, NULL, 'y' },
		{ "older-than", required_argument, NULL, 'o' },
		{ "find", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int ch;

	o->campaign = o->older = -1;
	o->g = (struct cmd_global){ .name = "review", .usage = review_usage,
	    .max_args = -1, .takes_all = true };
	while ((ch = cmd_getopt(argc, argv, "LjrR:po:nyf:", opts, &o->g)) !=
	    -1)
		switch (ch) {
		case 'f':
			if (*optarg == '\0')
				return cmd_usage_error(&o->g, "--find needs "
				    "something to look for");
			o->find = optarg;
			break;
		case 'L': o->list = true; break;
		case 'j': o->json = true; break;
		case 'r': o->rel = true; break;
		case 'p': o->purge = true; break;
		case 'n': o->dry = true; break;
		case 'y': o->yes = true; break;
		case 'R':
			o->campaign = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end || o->campaign <= 0)
				return cmd_usage_error(&o->g, "--release-campaign "
				    "takes a campaign number, not '%s'", optarg);
			break;
		case 'o':
			o->older = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end || o->older < 0)
				return cmd_usage_error(&o->g, "--older-than takes "
				    "a number of days, not '%s'", optarg);
			break;
		case CMD_STOP: return o->g.status;
		}
	o->ids = optind;
	/* --release takes the IDs that follow */
	if (optind != argc && !o->rel)
		return cmd_usage_error(&o->g, "unexpected argument '%s'",
		    argv[optind]);
	if (o->rel && optind == argc)
		return cmd_usage_error(&o->g, "--release needs the IDs to "
		    "release (see --list)");
	for (int i = optind; o->rel && i < argc; i++) {
		long id = strtol(argv[i], &end, 10);
		if (*argv[i] == '\0' || *end || id <= 0)
			return cmd_usage_error(&o->g, "--release takes the IDs "
			    "--list shows (numbers), not '%s'", argv[i]);
	}
	if (o->purge && o->older < 0)
		return cmd_usage_error(&o->g, "--purge needs --older-than "
		    "DAYS");
	if (!o->purge && o->older >= 0)
		return cmd_usage_error(&o->g, "--older-than goes with --purge");
	if (!o->purge && (o->dry || o->yes))
		return cmd_usage_error(&o->g, "--dry-run and --yes go with "
		    "--purge");
	if ((o->rel + o->purge + (o->campaign > 0) + (o->find != NULL)) > 1)
		return cmd_usage_error(&o->g, "--release, --release-campaign, "
		    "--purge and --find go one at a time");
	if (o->g.all && (o->rel || o->campaign > 0))
		return cmd_usage_error(&o->g, "--release and --release-campaign "
		    "are for one account (--account NAME): --list shows IDs "
		    "per account");
	/* no question asked of a terminal the children have not got */
	if (o->g.all && o->purge && !o->dry && !o->yes)
		return cmd_usage_error(&o->g, "--purge with --all needs --yes "
		    "(or --dry-run to see what would go)");
	return -1;
}

/* The entries the options name: IDs, a campaign, the old ones. */
static int
review_picks(const struct review_opts *o, int argc, char **argv,
    struct list *l, struct entry **pick, size_t *npick)
{
	int rc = EXIT_OK;
	char *end;

	for (int i = o->rel ? o->ids : argc; i < argc; i++) {
		long id = strtol(argv[i], &end, 10);
		size_t k;
		for (k = 0; k < l->n && (*end || l->v[k].id != id); k++)
			;
		if (k == l->n) {
			ndr_log(NDR_LOG_ERROR, "%s: no such message in the "
			    "quarantine", argv[i]);
			rc = EXIT_PARTIAL;
		} else
			pick[(*npick)++] = &l->v[k];
	}
	for (size_t k = 0; k < l->n; k++)
		if ((o->campaign > 0 && l->v[k].campaign == o->campaign) ||
		    (o->purge && l->v[k].since < l->now - o->older * DAY))
			pick[(*npick)++] = &l->v[k];
	if (*npick == 0 && o->campaign > 0) {
		ndr_log(NDR_LOG_ERROR, "campaign %ld has nothing in the "
		    "quarantine", o->campaign);
		rc = EXIT_PARTIAL;
	}
	return rc;
}

/* Under the account's lock, on a session: released or purged. */
static int
review_apply(struct account_ctx *ctx, struct entry **pick, size_t npick,
    bool purge)
{
	struct imap_conn c = { 0 };
	char *pw = NULL, err[1024];
	unsigned done = 0;
	int rc, lockfd = -1;

	if ((rc = account_lock(ctx->store_path, &lockfd, err, sizeof err))
	    != 0) {
		ndr_log(NDR_LOG_ERROR, "%s: %s", ctx->a->name, err);
		return rc > 0 ? EXIT_LOCKED : EXIT_CONFIG;
	}
	if ((rc = account_connect(ctx, &pw, &c, err, sizeof err)) != EXIT_OK)
		ndr_log(NDR_LOG_ERROR, "%s", err);
	else {
		rc = apply(&c, ctx, pick, npick, purge, &done);
		if (purge)
			printf("%s: %u expunged from %s\n", ctx->a->name, done,
			    ctx->a->quarantine);
		else
			printf("%s: %u released\n", ctx->a->name, done);
	}
	imap_close(&c);
	ndr_password_free(pw);
	close(lockfd);
	return rc;
}

/* Expunging is for good: asked on a terminal, else --yes. False (and
 * *rc the exit status) when not agreed. */
static bool
purge_agreed(const struct account_ctx *ctx, size_t n, long older, bool yes,
    int *rc)
{
	char line[16];

	if (yes)
		return true;
	if (!isatty(STDIN_FILENO)) {
		ndr_log(NDR_LOG_ERROR, "--purge expunges %zu messages for good: "
		    "add --yes (or see them with --dry-run)", n);
		*rc = EXIT_USAGE;
		return false;
	}
	printf("Expunge %zu messages (in %s more than %ld days) for good? "
	    "[y/N] ", n, ctx->a->quarantine, older);
	fflush(stdout);
	if (fgets(line, sizeof line, stdin) == NULL ||
	    (line[0] != 'y' && line[0] != 'Y')) {
		printf("%s: nothing expunged\n", ctx->a->name);
		return false;
	}
	return true;
}

static int
print_hit(const struct hit *h, void *arg)
{
	char date[16];

	(void)arg;
	print_safe(stdout, h->account);
	putchar('\t');
	print_safe(stdout, h->folder);
	printf("\t%u\t%s\t%s\t", h->uid, ndr_day(h->date, date, sizeof date,
	    "-"), ndr_verdict_name(h->verdict));
	print_safe(stdout, h->rcpt ? h->rcpt : "-");
	putchar('\t');
	print_safe(stdout, h->subject ? h->subject : "");
	putchar('\n');
	return 0;
}

/* review --find TEXT: in the account, or with --all in every one */
static int
review_find(const struct review_opts *o)
{
	struct account_ctx ctx = { 0 };
	struct ndr_config all = { 0 };
	size_t hits = 0;
	int rc;

	if (o->g.all ? config_open_all(o->g.config, &all) :
	    account_open(&ctx, o->g.config, o->g.account))
		return EXIT_CONFIG;
	rc = o->g.all ? find_all(all.accounts, all.naccounts, o->find,
	    print_hit, NULL, &hits) : find_all(ctx.a, 1, o->find, print_hit,
	    NULL, &hits);
	if (rc == EXIT_OK && hits == 0) {
		ndr_log(NDR_LOG_INFO, "nothing holds \"%s\"", o->find);
		rc = 1;
	}
	ndr_config_free(&all);
	account_close(&ctx);
	return rc;
}

static int
review_run(int argc, char **argv)
{
	struct review_opts o = { 0 };
	struct account_ctx ctx = { 0 };
	struct list l = { 0 };
	struct entry **pick = NULL;
	size_t npick = 0;
	int rc;

	if ((rc = review_options(argc, argv, &o)) != -1)
		return rc;
	if (o.find)
		return review_find(&o);
	if (o.g.all && o.purge)
		return all_run(&o.g, argc, argv, review_run, false);
	if (o.g.all) {
		if (!o.list && !o.json && isatty(STDIN_FILENO) &&
		    isatty(STDOUT_FILENO))
			return ui_accounts(o.g.config);
		return glance_print(o.g.config, o.json);
	}
	/* nothing asked for, on a terminal: the interface */
	if (!o.list && !o.json && !o.rel && !o.purge && o.campaign < 0 &&
	    isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
		return ui_run(argc, argv, true);
	if ((rc = account_open(&ctx, o.g.config, o.g.account)) != EXIT_OK)
		return rc;
	l.now = (int64_t)time(NULL);
	l.json = o.json;
	l.print = !o.rel && !o.purge && o.campaign < 0;
	if (l.print && !o.json)
		printf(HEAD_FMT, "ID", "age", "verdict", "score", "campaign",
		    ORIGIN_W, "from", "subject");
	if (store_each_quarantined(ctx.st, ctx.a->quarantine, on_quarantined,
	    &l) != 0) {
		ndr_log(NDR_LOG_ERROR, "%s", store_error(ctx.st));
		rc = EXIT_CONFIG;
	} else if (!l.print) {
		if ((pick = calloc(l.n + 1, sizeof *pick)) == NULL)
			abort();
		rc = review_picks(&o, argc, argv, &l, pick, &npick);
		if (npick > 0 && o.purge && (o.dry || !purge_agreed(&ctx, npick,
		    o.older, o.yes, &rc))) {
			if (o.dry)
				printf("%s: would expunge %zu from %s (there more "
				    "than %ld days)\n", ctx.a->name, npick,
				    ctx.a->quarantine, o.older);
		} else if (npick > 0) {
			int r = review_apply(&ctx, pick, npick, o.purge);
			if (rc == EXIT_OK)	/* an unknown ID stays said */
				rc = r;
		}
	}
	free(pick);
	list_free(&l);
	account_close(&ctx);
	return rc;
}

const struct cmd cmd_review = {
	"review", "the quarantine: list, release, purge",
	review_run, review_usage,
};
