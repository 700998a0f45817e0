/*
 * admin.c - what an administrator sees of every account at once, from
 * the stores alone (nothing asked of the server): each account's
 * quarantine at a glance, its last run, its failures (report --all,
 * review --all), and a search across accounts for one message ("where is
 * my bounce?").
 */
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/config.h"
#include "core/store.h"
#include "admin.h"
#include "cmd.h"

static int
on_quar(const struct store_quar *q, void *arg)
{
	struct glance *g = arg;

	g->quarantined++;
	if (g->oldest == 0 || q->since < g->oldest)
		g->oldest = q->since;
	/* campaigns: distinct numbers; the quarantine is small enough for
	 * a list */
	if (q->campaign > 0) {
		size_t k;
		for (k = 0; k < g->ncamps && g->camps[k] != q->campaign; k++)
			;
		if (k == g->ncamps) {
			g->camps = xreallocarray(g->camps, g->ncamps + 1,
			    sizeof *g->camps);
			g->camps[g->ncamps++] = q->campaign;
		}
	}
	return 0;
}

int
config_open_all(const char *cfgpath, struct ndr_config *cfg)
{
	char err[1024], *def = NULL;
	int rc = EXIT_OK;

	if (cfgpath == NULL)
		cfgpath = def = ndr_config_default_path();
	if (ndr_config_load_all(cfgpath, cfg, err, sizeof err) != 0) {
		ndr_log(NDR_LOG_ERROR, "%s", err);
		rc = EXIT_CONFIG;
	}
	free(def);
	return rc;
}

/* The account's store, when it has one: 0 opened, 1 none (never run:
 * nothing made), -1 with err. */
static int
store_if_any(const struct ndr_account *a, struct store **st, char *err,
    size_t errlen)
{
	char *path = store_default_path(a->name);
	struct stat sb;
	int rc = 1;

	if (stat(path, &sb) == 0)
		rc = store_open(path, st, err, errlen) == 0 ? 0 : -1;
	free(path);
	return rc;
}

/* One account's glance from its store (opened and closed). */
static void
glance_one(const struct ndr_account *a, struct glance *g)
{
	struct store *st;
	char err[512];
	int r;

	g->name = a->name;
	g->user = a->user;
	if (a->error) {
		g->error = xstrdup(a->error);
		return;
	}
	if ((r = store_if_any(a, &st, err, sizeof err)) != 0) {
		if (r < 0)
			g->error = xstrdup(err);
		return;
	}
	g->scanned = true;
	char *run = store_meta_get(st, "last_run");
	if (run) {
		long long t;
		int status, n = 0;
		char cmd[16];
		if (sscanf(run, "%lld %15s %d%n", &t, cmd, &status, &n) >= 3) {
			g->last_run = t;
			g->last_status = status;
			snprintf(g->last_cmd, sizeof g->last_cmd, "%s", cmd);
		}
		free(run);
	}
	g->last_error = store_meta_get(st, "last_error");
	if (g->last_error && *g->last_error == '\0') {
		free(g->last_error);
		g->last_error = NULL;
	}
	if (store_verdict_counts(st, &g->legit, &g->backscatter, &g->unsure)
	    != 0 || store_each_quarantined(st, a->quarantine, on_quar, g) !=
	    0)
		g->error = xstrdup(store_error(st));
	store_close(st);
}

int
glance_all(const char *cfgpath, struct ndr_config *cfg, struct glance **out,
    size_t *n)
{
	*out = NULL;
	*n = 0;
	if (config_open_all(cfgpath, cfg) != EXIT_OK)
		return EXIT_CONFIG;
	*out = xcalloc(cfg->naccounts ? cfg->naccounts : 1, sizeof **out);
	for (size_t i = 0; i < cfg->naccounts; i++)
		glance_one(&cfg->accounts[i], &(*out)[i]);
	*n = cfg->naccounts;
	return EXIT_OK;
}

void
glance_free(struct glance *g, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(g[i].error);
		free(g[i].last_error);
		free(g[i].camps);
	}
	free(g);
}

bool
glance_failed(const struct glance *g)
{
	return g->error != NULL || (g->last_run && g->last_status != 0);
}

/* "3d", "5h", "-" */
void
glance_age(int64_t since, int64_t now, char *buf, size_t len)
{
	int64_t s = now - since;

	if (since == 0)
		snprintf(buf, len, "-");
	else if (s >= 86400)
		snprintf(buf, len, "%lldd", (long long)(s / 86400));
	else if (s >= 3600)
		snprintf(buf, len, "%lldh", (long long)(s / 3600));
	else
		snprintf(buf, len, "%lldm", (long long)(s / 60 > 0 ? s / 60 : 0));
}

static void
json_str_or_null(struct ndr_buf *b, const char *s)
{
	if (s)
		ndr_buf_json(b, s);
	else
		ndr_buf_adds(b, "null");
}

void
glance_json(const struct glance *g, size_t n, struct ndr_buf *b)
{
	size_t failures = 0;

	ndr_buf_adds(b, "{\"accounts\":[");
	for (size_t i = 0; i < n; i++) {
		const struct glance *x = &g[i];
		failures += glance_failed(x);
		ndr_buf_adds(b, i ? ",{\"account\":" : "{\"account\":");
		ndr_buf_json(b, x->name);
		ndr_buf_adds(b, ",\"user\":");
		json_str_or_null(b, x->user);
		ndr_buf_printf(b, ",\"scanned\":%s,\"verdicts\":{\"legit\":%lld,"
		    "\"backscatter\":%lld,\"unsure\":%lld},\"quarantine\":"
		    "{\"messages\":%zu,\"oldest\":%lld,\"campaigns\":%zu},"
		    "\"last_run\":", x->scanned ? "true" : "false",
		    (long long)x->legit, (long long)x->backscatter,
		    (long long)x->unsure, x->quarantined,
		    (long long)x->oldest, x->ncamps);
		if (x->last_run) {
			ndr_buf_printf(b, "{\"time\":%lld,\"command\":",
			    (long long)x->last_run);
			ndr_buf_json(b, x->last_cmd);
			ndr_buf_printf(b, ",\"status\":%d,\"error\":",
			    x->last_status);
			json_str_or_null(b, x->last_error);
			ndr_buf_adds(b, "}");
		} else
			ndr_buf_adds(b, "null");
		ndr_buf_adds(b, ",\"error\":");
		json_str_or_null(b, x->error);
		ndr_buf_printf(b, ",\"failed\":%s}", glance_failed(x) ?
		    "true" : "false");
	}
	ndr_buf_printf(b, "],\"failures\":%zu}", failures);
}

const char glance_head[] = "account               quar. oldest camp. "
    "backsc  legit  last run";

void
glance_line(const struct glance *g, int64_t now, struct ndr_buf *b)
{
	char age[16], ran[16];

	ndr_buf_printf(b, "%-20.20s ", g->name);
	if (!g->scanned && g->error == NULL) {
		ndr_buf_adds(b, "never scanned");
		return;
	}
	glance_age(g->oldest, now, age, sizeof age);
	ndr_buf_printf(b, "%6zu %6s %5zu %6lld %6lld  ", g->quarantined, age,
	    g->ncamps, (long long)g->backscatter, (long long)g->legit);
	if (g->last_run) {
		glance_age(g->last_run, now, ran, sizeof ran);
		ndr_buf_printf(b, "%s %s ago, %s", g->last_cmd, ran,
		    g->last_status == 0 ? "ok" : "FAILED");
	} else
		ndr_buf_adds(b, "-");
	if (g->error || g->last_error)
		ndr_buf_printf(b, ": %s", g->error ? g->error : g->last_error);
}

void
glance_text(const struct glance *g, size_t n, FILE *f)
{
	int64_t now = (int64_t)time(NULL);

	fprintf(f, "%s\n", glance_head);
	for (size_t i = 0; i < n; i++) {
		struct ndr_buf b = { 0 };
		glance_line(&g[i], now, &b);
		print_safe(f, b.s);
		fputc('\n', f);
		ndr_buf_free(&b);
	}
}

/* ---- the search across accounts ---- */

struct find {
	const char	*needle;
	const char	*account;
	const char	*quarantine;
	int		(*fn)(const struct hit *, void *);
	void		*arg;
	size_t		 n;
};

static int
on_item(const struct store_item *it, void *arg)
{
	struct find *f = arg;

	struct hit h = { f->account, it->folder, it->uid, it->date,
	    it->verdict, it->rcpt, it->subject, it->message_id,
	    strcmp(it->folder, f->quarantine) == 0 };
	f->n++;
	return f->fn(&h, f->arg);
}

int
find_all(const struct ndr_account *accounts, size_t n, const char *needle,
    int (*fn)(const struct hit *, void *), void *arg, size_t *nhits)
{
	int rc = EXIT_OK;

	*nhits = 0;
	for (size_t i = 0; i < n; i++) {
		const struct ndr_account *a = &accounts[i];
		struct store *st;
		char err[512];
		int r;
		if (a->error || (r = store_if_any(a, &st, err, sizeof err)) > 0)
			continue;
		if (r < 0) {
			ndr_log(NDR_LOG_ERROR, "%s: %s", a->name, err);
			rc = EXIT_PARTIAL;
			continue;
		}
		struct find f = { needle, a->name, a->quarantine, fn, arg, 0 };
		if (store_each_item_find(st, needle, on_item, &f) < 0) {
			ndr_log(NDR_LOG_ERROR, "%s: %s", a->name,
			    store_error(st));
			rc = EXIT_PARTIAL;
		}
		*nhits += f.n;
		store_close(st);
	}
	return rc;
}

int
glance_print(const char *cfgpath, bool json)
{
	struct ndr_config cfg;
	struct glance *g;
	size_t n, failed = 0;
	int rc;

	if ((rc = glance_all(cfgpath, &cfg, &g, &n)) != EXIT_OK)
		return rc;
	if (json) {
		struct ndr_buf b = { 0 };
		glance_json(g, n, &b);
		puts(b.s);
		ndr_buf_free(&b);
	} else
		glance_text(g, n, stdout);
	for (size_t i = 0; i < n; i++)
		failed += glance_failed(&g[i]);
	glance_free(g, n);
	ndr_config_free(&cfg);
	return failed ? 1 : EXIT_OK;
}
