/*
 * cmd_rules.c - ndrsweep rules: Sieve rules on the user's server that
 * file a campaign's future backscatter into the quarantine while
 * ndrsweep is not running (core/rules.c writes them, imap/managesieve.c
 * installs them).
 *
 * ndrsweep owns two scripts: "ndrsweep-rules" (the rules) and "ndrsweep"
 * (what is active: the rules included, then the user's own active script
 * included, untouched). Removing the last rule makes the user's script
 * active again and deletes both. The rules' campaigns, and the user's
 * script, are kept in the store ("rules", "rules_user_script").
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/core.h"
#include "core/rules.h"
#include "core/store.h"
#include "imap/imap.h"
#include "cmd.h"
#include "log.h"

#define RULES_SCRIPT	"ndrsweep-rules"
#define MAIN_SCRIPT	"ndrsweep"
#define DAY		86400
#define RULE_KEYS	20	/* subjects, links: at most as many a rule */

static void
rules_usage(FILE *f)
{
	fprintf(f,
	    "usage: ndrsweep rules add CAMPAIGN... | --all\n"
	    "       ndrsweep rules remove CAMPAIGN... | --all\n"
	    "       ndrsweep rules list\n"
	    "       ndrsweep rules show\n"
	    "       (each with [--config FILE] [--account NAME])\n"
	    "\n"
	    "Sieve rules on your server (ManageSieve, sieve_port, default\n"
	    "4190) that file a campaign's future backscatter into the\n"
	    "quarantine even while ndrsweep is not running. A rule takes only\n"
	    "a report (null sender, mailer daemon, multipart/report) that\n"
	    "names nothing of your own mail (the Message-ID domains of your\n"
	    "Sent mail, your relays) and carries the campaign's subject or\n"
	    "one of its link hosts; it retires itself after rule_quiet_days\n"
	    "(default 30) without the campaign. Your own active script is\n"
	    "never edited: ndrsweep's script runs its rules, then includes\n"
	    "yours; removing the last rule makes yours active again.\n"
	    "\n"
	    "  add N... | --all     rules for these campaigns (--all: every\n"
	    "                       campaign of two or more reports)\n"
	    "  remove N... | --all  rules taken away\n"
	    "  list                 the rules, from the store\n"
	    "  show                 the rules script as installed\n"
	    "\n"
	    "Exit status: 0 done; 1 refused (the server cannot take them\n"
	    "safely: the script is printed to add by hand) or no such\n"
	    "campaign; 2 the server could not be reached or refused the\n"
	    "login; 64 bad usage; 78 configuration or store error.\n");
}

/* ---- what the store knows ---- */

struct camp {
	int64_t		 id, size, last;
	char		*subject, *links;
};

struct camps {
	struct camp	*v;
	size_t		 n, cap;
};

static int
on_camp(const struct store_campaign *c, void *arg)
{
	struct camps *cs = arg;

	if (cs->n == cs->cap) {
		cs->cap = cs->cap ? 2 * cs->cap : 64;
		cs->v = xreallocarray(cs->v, cs->cap, sizeof *cs->v);
	}
	cs->v[cs->n++] = (struct camp){ c->id, c->size, c->last_seen,
	    c->subject ? xstrdup(c->subject) : NULL, c->links ?
	    xstrdup(c->links) : NULL };
	return 0;
}

static struct camp *
camp_find(struct camps *cs, int64_t id)
{
	for (size_t i = 0; i < cs->n; i++)
		if (cs->v[i].id == id)
			return &cs->v[i];
	return NULL;
}

static void
camps_free(struct camps *cs)
{
	for (size_t i = 0; i < cs->n; i++) {
		free(cs->v[i].subject);
		free(cs->v[i].links);
	}
	free(cs->v);
}

/* The rules' campaigns and when each was added, from the store's
 * "rules" ("ID:ADDED", spaces between). */
static void
ids_load(struct store *st, int64_t **ids, int64_t **added, size_t *n)
{
	char *s = store_meta_get(st, "rules");

	*ids = NULL;
	*added = NULL;
	*n = 0;
	for (char *p = s; p && *p; ) {
		char *end;
		long long v = strtoll(p, &end, 10), t = 0;
		if (end == p)
			break;
		if (*end == ':')
			t = strtoll(end + 1, &end, 10);
		*ids = xreallocarray(*ids, *n + 1, sizeof **ids);
		*added = xreallocarray(*added, *n + 1, sizeof **added);
		(*ids)[*n] = v;
		(*added)[(*n)++] = t;
		p = end;
	}
	free(s);
}

static int
ids_save(struct store *st, const int64_t *ids, const int64_t *added,
    size_t n)
{
	struct ndr_buf b = { 0 };

	ndr_buf_add(&b, "", 1);
	b.len = 0;
	for (size_t i = 0; i < n; i++)
		ndr_buf_printf(&b, "%s%lld:%lld", i ? " " : "", (long long)ids[i],
		    (long long)added[i]);
	int r = store_meta_set(st, "rules", b.s);
	ndr_buf_free(&b);
	return r;
}

/* id added now (when not there yet) */
static void
ids_add(int64_t **ids, int64_t **added, size_t *n, int64_t id)
{
	for (size_t i = 0; i < *n; i++)
		if ((*ids)[i] == id)
			return;
	*ids = xreallocarray(*ids, *n + 1, sizeof **ids);
	*added = xreallocarray(*added, *n + 1, sizeof **added);
	(*ids)[*n] = id;
	(*added)[(*n)++] = (int64_t)time(NULL);
}

/* A rule's last day: its campaign's last report, or the day it was
 * added when later, and the quiet days after. */
static int64_t
last_day(const struct ndr_account *a, int64_t last_seen, int64_t added)
{
	return (last_seen > added ? last_seen : added) +
	    (int64_t)a->rule_quiet_days * DAY;
}

/* "@rhs>" of the Message-IDs the user's mail has, most used first */
struct rhs {
	struct ndr_strv	 v;
	size_t		*count;
};

static int
on_sent(const char *mid, int64_t date, const char *rcpts, void *arg)
{
	struct rhs *r = arg;
	const char *at = mid ? strrchr(mid, '@') : NULL;
	char *key;

	(void)date;
	(void)rcpts;
	if (at == NULL || at[1] == '\0')
		return 0;
	size_t n = strcspn(at, ">");
	if (asprintf(&key, "%.*s>", (int)n, at) < 0)
		abort();
	for (size_t i = 0; i < r->v.n; i++)
		if (strcasecmp(r->v.v[i], key) == 0) {
			r->count[i]++;
			free(key);
			return 0;
		}
	strv_add(&r->v, key);
	r->count = xreallocarray(r->count, r->v.n, sizeof *r->count);
	r->count[r->v.n - 1] = 1;
	return 0;
}

static int
on_subject(const char *s, void *arg)
{
	strv_add(arg, xstrdup(s));
	return 0;
}

/* How a change runs: from the command line (the password read, the
 * script printed when refused, what was done said) or from the
 * interface (its password; what was done in done, nothing printed). */
struct how {
	const char	*pw;		/* NULL: read it */
	bool		 print;
	char		*done;
	size_t		 donelen;
	unsigned	 retired;
};

/* ---- the scripts ---- */

struct rules {
	struct ndr_rule	*r;
	struct ndr_strv	 keep;		/* what the rules point into */
	size_t		 n;
};

static void
rules_free(struct rules *rs)
{
	for (size_t i = 0; i < rs->n; i++) {
		free((void *)rs->r[i].links);
		free((void *)rs->r[i].subjects);
		free((void *)rs->r[i].senders);
	}
	free(rs->r);
	strv_free(&rs->keep);
}

/* v's strings handed to rs->keep (v emptied), as a new array of them for
 * a rule; *n how many. */
static const char *const *
kept(struct rules *rs, struct ndr_strv *v, size_t *n)
{
	const char **a = xcalloc(v->n + 1, sizeof *a);

	for (size_t q = 0; q < v->n; q++) {
		strv_add(&rs->keep, v->v[q]);
		a[q] = v->v[q];
	}
	*n = v->n;
	free(v->v);
	*v = (struct ndr_strv){ 0 };
	return a;
}

/* The rules of ids (the retired dropped from ids, and said). */
static void
rules_build(struct account_ctx *ctx, struct camps *cs, int64_t *ids,
    int64_t *added, size_t *nids, struct rules *rs, struct how *h)
{
	int64_t now = (int64_t)time(NULL);
	size_t k = 0;
	struct ndr_strv legit = { 0 };

	/* no subject of the user's own mail that bounced names a rule */
	store_legit_subjects(ctx->st, on_subject, &legit);
	rs->r = xcalloc(*nids + 1, sizeof *rs->r);
	for (size_t i = 0; i < *nids; i++) {
		struct camp *c = camp_find(cs, ids[i]);
		int64_t until = c ? last_day(ctx->a, c->last, added[i]) : 0;
		if (c == NULL || until < now) {
			h->retired++;	/* quiet too long, or gone */
			continue;
		}
		added[k] = added[i];
		ids[k++] = ids[i];
		struct ndr_rule *r = &rs->r[rs->n++];
		r->campaign = c->id;
		/* how its reports' originals' subjects begin */
		struct ndr_strv subj = { 0 }, pre = { 0 };
		store_campaign_subjects(ctx->st, c->id, on_subject, &subj);
		ndr_subject_prefixes((const char *const *)subj.v, subj.n,
		    (const char *const *)legit.v, legit.n, &pre, RULE_KEYS);
		strv_free(&subj);
		r->subjects = kept(rs, &pre, &r->nsubjects);
		/* its link hosts */
		const char **links = xcalloc(RULE_KEYS + 1, sizeof *links);
		for (char *p = c->links; p && *p && r->nlinks < RULE_KEYS; ) {
			p += strspn(p, " ,");
			size_t l = strcspn(p, " ,");
			if (l == 0)
				break;
			char *host = xstrndup(p, l);
			strv_add(&rs->keep, host);
			links[r->nlinks++] = host;
			p += l;
		}
		r->links = links;
		/* the machines that sent its originals */
		struct ndr_strv rcv = { 0 }, snd = { 0 };
		store_campaign_received(ctx->st, c->id, on_subject, &rcv);
		ndr_sender_keys((const char *const *)rcv.v, rcv.n, &snd,
		    RULE_KEYS);
		strv_free(&rcv);
		r->senders = kept(rs, &snd, &r->nsenders);
		char day[16];
		time_t t = (time_t)until;
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(day, sizeof day, "%Y-%m-%d", &tm);
		strv_add(&rs->keep, xstrdup(day));
		r->until = rs->keep.v[rs->keep.n - 1];
	}
	strv_free(&legit);
	*nids = k;
}

/* The script for these rules on this server (NULL: it cannot take them,
 * said). */
static char *
script_for(struct account_ctx *ctx, struct msieve *ms, struct rules *rs)
{
	struct rhs own = { 0 };
	struct ndr_strv ex = { 0 };

	if (ms && (!msieve_has(ms, "fileinto") || !msieve_has(ms, "body"))) {
		ndr_log(NDR_LOG_ERROR, "%s: the server's Sieve lacks fileinto or "
		    "body: rules not installed", ctx->a->name);
		return NULL;
	}
	/* what is the user's own: never taken. Every right-hand side of
	 * her Message-IDs (no cap: one left out is a bounce of hers
	 * that a rule may take); her relays where the engine sees a
	 * relay: the name a relay stamps (by NAME) and the name a server
	 * found for the connection ("(NAME [ip])"), not a HELO, which any
	 * bot can say (the engine calls that a forged HELO); a domain
	 * (".example.org") or an address as it is, anywhere */
	store_each_sent(ctx->st, on_sent, &own);
	for (size_t i = 0; i < own.v.n; i++)
		strv_add(&ex, xstrdup(own.v.v[i]));
	for (size_t i = 0; i < ctx->a->own_relays.n; i++) {
		const char *r = ctx->a->own_relays.v[i];
		char *k;
		if (strchr(r, '/'))
			continue;	/* a network: no string names it */
		if (*r == '.' || strspn(r, "0123456789.") == strlen(r) ||
		    strchr(r, ':')) {
			strv_add(&ex, xstrdup(r));
			continue;
		}
		if (asprintf(&k, "by %s", r) < 0)
			abort();
		strv_add(&ex, k);
		if (asprintf(&k, "(%s ", r) < 0)
			abort();
		strv_add(&ex, k);
	}
	struct ndr_rules_ctx rc = {
		.folder = ctx->a->quarantine,
		.exclude = (const char *const *)ex.v, .nexclude = ex.n,
		.envelope = ms == NULL || msieve_has(ms, "envelope"),
		.date = ms == NULL || (msieve_has(ms, "date") &&
		    msieve_has(ms, "relational")),
		.mailbox = ms == NULL || msieve_has(ms, "mailbox"),
	};
	char *s = ndr_rules_script(&rc, rs->r, rs->n);
	strv_free(&ex);
	strv_free(&own.v);
	free(own.count);
	return s;
}

/* The script printed for the user to add by hand. */
static void
print_script(const struct how *h, const char *s)
{
	if (h->print)
		fputs(s, stdout);
}

/* The active script made ndrsweep's, the user's included; 0, or 1 when
 * it cannot be done safely (said, the script printed). */
static int
activate(struct account_ctx *ctx, struct msieve *ms, const char *rules,
    const struct how *h, char *err, size_t errlen)
{
	struct ndr_strv names = { 0 };
	char *active = NULL, *user = store_meta_get(ctx->st,
	    "rules_user_script");
	int rc = -1;

	if (msieve_list(ms, &names, &active, err, errlen) != 0)
		goto out;
	if (active && strcmp(active, MAIN_SCRIPT) != 0 &&
	    strcmp(active, RULES_SCRIPT) != 0) {
		free(user);
		user = xstrdup(active);	/* the user's, to include */
	} else if (active && strcmp(active, MAIN_SCRIPT) == 0) {
		rc = 0;			/* ours already; the rules replaced */
		goto out;
	}
	if (!msieve_has(ms, "include")) {
		if (user && *user) {
			ndr_log(NDR_LOG_ERROR, "%s: your active script '%s' "
			    "cannot be kept beside ndrsweep's without the "
			    "include extension: nothing installed; add these "
			    "rules to it yourself:", ctx->a->name, user);
			msieve_delete(ms, RULES_SCRIPT, err, errlen);
			print_script(h, rules);
			rc = 1;
			goto out;
		}
		rc = msieve_activate(ms, RULES_SCRIPT, err, errlen);
		goto out;
	}
	struct ndr_buf b = { 0 };
	ndr_buf_printf(&b, "# ndrsweep: its rules, then your own script as it "
	    "is (written by\n# `ndrsweep rules`; `ndrsweep rules remove "
	    "--all` makes yours active again)\nrequire [\"include\"];\n"
	    "include :personal \"%s\";\n", RULES_SCRIPT);
	if (user && *user)
		ndr_buf_printf(&b, "include :personal \"%s\";\n", user);
	rc = msieve_put(ms, MAIN_SCRIPT, b.s, err, errlen);
	ndr_buf_free(&b);
	if (rc == 0)
		rc = msieve_activate(ms, MAIN_SCRIPT, err, errlen);
	if (rc == 0 && store_meta_set(ctx->st, "rules_user_script", user ?
	    user : "") != 0)
		rc = -1;
out:
	strv_free(&names);
	free(active);
	free(user);
	return rc;
}

/* Everything of ndrsweep's taken away, the user's script active again. */
static int
uninstall(struct account_ctx *ctx, struct msieve *ms, char *err,
    size_t errlen)
{
	struct ndr_strv names = { 0 };
	char *active = NULL, *user = store_meta_get(ctx->st,
	    "rules_user_script");
	int rc = msieve_list(ms, &names, &active, err, errlen);

	if (rc == 0 && active && (strcmp(active, MAIN_SCRIPT) == 0 ||
	    strcmp(active, RULES_SCRIPT) == 0))
		rc = msieve_activate(ms, user ? user : "", err, errlen);
	for (size_t i = 0; rc == 0 && i < names.n; i++)
		if (strcmp(names.v[i], MAIN_SCRIPT) == 0 ||
		    strcmp(names.v[i], RULES_SCRIPT) == 0)
			rc = msieve_delete(ms, names.v[i], err, errlen);
	if (rc == 0)
		store_meta_set(ctx->st, "rules_user_script", "");
	strv_free(&names);
	free(active);
	free(user);
	return rc;
}

static int
connect_sieve(struct account_ctx *ctx, const char *given, struct msieve **ms)
{
	char err[1024], *pw = given ? NULL : ndr_password(ctx->a, err,
	    sizeof err);

	if (given == NULL && pw == NULL) {
		ndr_log(NDR_LOG_ERROR, "%s", err);
		return EXIT_CONFIG;
	}
	int r = msieve_open(ctx->a, given ? given : pw, ms, err, sizeof err);
	ndr_password_free(pw);
	if (r != 0) {
		ndr_log(NDR_LOG_ERROR, "%s", err);
		return EXIT_SERVER;
	}
	return EXIT_OK;
}

int
rules_change(struct account_ctx *ctx, bool add, bool all, char **args,
    int nargs, const char *pw, char *done, size_t donelen)
{
	struct how h = { pw, pw == NULL, done, donelen, 0 };
	struct camps cs = { 0 };
	struct rules rs = { 0 };
	struct msieve *ms = NULL;
	int64_t *ids = NULL, *added = NULL;
	size_t nids = 0;
	char err[1024], *script = NULL;
	int rc = EXIT_OK, r;

	if (store_each_campaign(ctx->st, on_camp, &cs) != 0) {
		ndr_log(NDR_LOG_ERROR, "%s", store_error(ctx->st));
		rc = EXIT_CONFIG;
		goto out;
	}
	ids_load(ctx->st, &ids, &added, &nids);
	if (all && add) {
		for (size_t i = 0; i < cs.n; i++)
			if (cs.v[i].size >= 2)
				ids_add(&ids, &added, &nids, cs.v[i].id);
	} else if (all)
		nids = 0;
	for (int i = 0; i < nargs; i++) {
		char *end;
		long long v = strtoll(args[i], &end, 10);
		if (add && camp_find(&cs, v) == NULL) {
			ndr_log(NDR_LOG_ERROR, "no campaign %s (ndrsweep report "
			    "lists them)", args[i]);
			rc = EXIT_PARTIAL;
			goto out;
		}
		if (add)
			ids_add(&ids, &added, &nids, v);
		else {
			size_t k = 0;
			for (size_t j = 0; j < nids; j++)
				if (ids[j] != v) {
					added[k] = added[j];
					ids[k++] = ids[j];
				}
			nids = k;
		}
		(void)end;
	}
	if ((rc = connect_sieve(ctx, pw, &ms)) != EXIT_OK)
		goto out;
	rules_build(ctx, &cs, ids, added, &nids, &rs, &h);
	if (nids == 0) {
		if (uninstall(ctx, ms, err, sizeof err) != 0) {
			ndr_log(NDR_LOG_ERROR, "%s", err);
			rc = EXIT_PARTIAL;
			goto out;
		}
		ids_save(ctx->st, ids, added, 0);
		snprintf(done, donelen, "%s: no rules; ndrsweep's scripts "
		    "removed from the server", ctx->a->name);
		goto out;
	}
	if ((script = script_for(ctx, ms, &rs)) == NULL) {
		rc = EXIT_PARTIAL;
		goto out;
	}
	if ((r = msieve_put(ms, RULES_SCRIPT, script, err, sizeof err)) != 0) {
		ndr_log(NDR_LOG_ERROR, "%s; nothing installed; the rules, to "
		    "add by hand:", err);
		print_script(&h, script);
		rc = r < 0 ? EXIT_SERVER : EXIT_PARTIAL;
		goto out;
	}
	if ((r = activate(ctx, ms, script, &h, err, sizeof err)) != 0) {
		if (r < 0)
			ndr_log(NDR_LOG_ERROR, "%s", err);
		rc = EXIT_PARTIAL;
		goto out;
	}
	if (ids_save(ctx->st, ids, added, nids) != 0) {
		ndr_log(NDR_LOG_ERROR, "%s", store_error(ctx->st));
		rc = EXIT_CONFIG;
		goto out;
	}
	char *user = store_meta_get(ctx->st, "rules_user_script");
	snprintf(done, donelen, "%s: rules for %zu campaign%s on the server%s%s",
	    ctx->a->name, nids, nids == 1 ? "" : "s", user && *user ?
	    "; your script runs after them: " : "", user && *user ? user : "");
	free(user);
out:
	if (h.retired && *done) {
		size_t l = strlen(done);
		snprintf(done + l, donelen - l, " (%u retired: quiet for "
		    "rule_quiet_days)", h.retired);
	}
	msieve_close(ms);
	free(script);
	rules_free(&rs);
	free(ids);
	free(added);
	camps_free(&cs);
	return rc;
}

static int
list(struct account_ctx *ctx)
{
	struct camps cs = { 0 };
	int64_t *ids, *added;
	size_t nids;

	if (store_each_campaign(ctx->st, on_camp, &cs) != 0) {
		ndr_log(NDR_LOG_ERROR, "%s", store_error(ctx->st));
		return EXIT_CONFIG;
	}
	ids_load(ctx->st, &ids, &added, &nids);
	if (nids == 0)
		ndr_log(NDR_LOG_INFO, "%s: no rules", ctx->a->name);
	for (size_t i = 0; i < nids; i++) {
		struct camp *c = camp_find(&cs, ids[i]);
		char day[16] = "-";
		if (c) {
			time_t t = (time_t)last_day(ctx->a, c->last,
			    added[i]);
			struct tm tm;
			gmtime_r(&t, &tm);
			strftime(day, sizeof day, "%Y-%m-%d", &tm);
		}
		printf("#%-6lld until %s  %6lld reports  ", (long long)ids[i],
		    day, c ? (long long)c->size : 0LL);
		print_safe(stdout, c && c->subject ? c->subject : "(gone)");
		putchar('\n');
	}
	free(ids);
	free(added);
	camps_free(&cs);
	return EXIT_OK;
}

static int
show(struct account_ctx *ctx)
{
	struct msieve *ms = NULL;
	char err[1024], *text = NULL;
	int rc, r;

	if ((rc = connect_sieve(ctx, NULL, &ms)) != EXIT_OK)
		return rc;
	if ((r = msieve_get(ms, RULES_SCRIPT, &text, err, sizeof err)) != 0) {
		if (r > 0)
			ndr_log(NDR_LOG_ERROR, "%s: no rules on the server",
			    ctx->a->name);
		else
			ndr_log(NDR_LOG_ERROR, "%s", err);
		rc = r > 0 ? EXIT_PARTIAL : EXIT_SERVER;
	} else
		fputs(text, stdout);
	free(text);
	msieve_close(ms);
	return rc;
}

static int
rules_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'L' },
		{ NULL, 0, NULL, 0 },
	};
	struct cmd_global g = { .name = "rules", .usage = rules_usage,
	    .max_args = -1 };
	struct account_ctx ctx = { 0 };
	bool all = false;
	int ch, rc;

	while ((ch = cmd_getopt(argc, argv, "", opts, &g)) != -1)
		switch (ch) {
		case 'L': all = true; break;
		case CMD_STOP: return g.status;
		}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		return cmd_usage_error(&g, "rules needs add, remove, list or "
		    "show");
	const char *what = argv[0];
	bool add = strcmp(what, "add") == 0, rm = strcmp(what, "remove") == 0;
	if (!add && !rm && strcmp(what, "list") != 0 &&
	    strcmp(what, "show") != 0)
		return cmd_usage_error(&g, "no rules command '%s' (add, remove, "
		    "list, show)", what);
	if ((add || rm) && (all == (argc > 1)))
		return cmd_usage_error(&g, "rules %s takes campaign numbers or "
		    "--all", what);
	if (!add && !rm && (all || argc > 1))
		return cmd_usage_error(&g, "rules %s takes no arguments", what);
	for (int i = 1; i < argc; i++) {
		char *end;
		long long v = strtoll(argv[i], &end, 10);
		if (*argv[i] == '\0' || *end || v <= 0)
			return cmd_usage_error(&g, "'%s' is not a campaign "
			    "number", argv[i]);
	}
	if ((rc = account_open(&ctx, g.config, g.account)) != EXIT_OK)
		return rc;
	char done[512] = "";
	if (add || rm) {
		rc = rules_change(&ctx, add, all, argv + 1, argc - 1, NULL, done,
		    sizeof done);
		if (*done)
			ndr_log(NDR_LOG_INFO, "%s", done);
	}
	else if (strcmp(what, "list") == 0)
		rc = list(&ctx);
	else
		rc = show(&ctx);
	account_close(&ctx);
	return rc;
}

const struct cmd cmd_rules = {
	"rules", "Sieve rules on the server for campaigns' future backscatter",
	rules_run, rules_usage,
};
