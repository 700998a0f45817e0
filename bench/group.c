/*
 * group.c - the CPU time of grouping backscatter into campaigns, and of
 * judging a whole store, next to the time of reading the store alone.
 *
 * usage: group MAILDIR STORE
 *
 * Every report in MAILDIR is read by the engine and its evidence put in a
 * new store at STORE; then, timed in CPU seconds: ndr_campaigns() on all of
 * them in memory; store_evidence_load() alone (the reference: what any
 * judge must read); ndr_judge_store() (read, judge, group, write back).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/config.h"
#include "core/core.h"
#include "core/judge.h"
#include "core/store.h"
#include "core/verdict.h"

struct run {
	FILE			*names;	/* GROUP_NAMES: "UID FILE" a line */
	struct store		*st;
	struct ndr_evidence	*ev;
	size_t			 n, cap;
};

static double
cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
on_msg(const char *name, const char *raw, size_t len, void *arg)
{
	struct run *r = arg;
	struct ndr_report *rep = NULL;

	if (ndr_read(raw, len, NULL, &rep) != NDR_OK || rep == NULL)
		return 0;
	if (rep->kind == NDR_KIND_BOUNCE || rep->kind == NDR_KIND_DELAY ||
	    rep->kind == NDR_KIND_AUTOREPLY) {
		if (r->n == r->cap) {
			r->cap = r->cap ? r->cap * 2 : 1024;
			r->ev = realloc(r->ev, r->cap * sizeof *r->ev);
			if (r->ev == NULL)
				abort();
		}
		struct ndr_evidence *e = &r->ev[r->n++];
		ndr_evidence_of(rep, e);
		struct store_msg m = { .uid = (uint32_t)r->n, .kind = "bounce" };
		if (r->names)
			fprintf(r->names, "%zu %s\n", r->n, name);
		if (store_msg_put(r->st, 1, &m) != 0 ||
		    store_evidence_put(r->st, 1, (uint32_t)r->n, e) != 0) {
			fprintf(stderr, "group: %s\n", store_error(r->st));
			exit(1);
		}
	}
	ndr_report_free(&rep);
	return 0;
}

int
main(int argc, char **argv)
{
	struct run r = { 0 };
	struct store_folder f;
	struct ndr_account a = { .name = "bench" };
	struct ndr_judge_stats js;
	struct store_judged *j;
	char err[256];
	size_t n, *id;
	double t0, t_group, t_load, t_judge;

	if (argc != 3) {
		fprintf(stderr, "usage: group MAILDIR STORE\n");
		return 64;
	}
	if (store_open(argv[2], &r.st, err, sizeof err) != 0) {
		fprintf(stderr, "group: %s\n", err);
		return 1;
	}
	/* for a bench that scores the campaigns against labels */
	if (getenv("GROUP_NAMES") && (r.names = fopen(getenv("GROUP_NAMES"),
	    "w")) == NULL) {
		perror(getenv("GROUP_NAMES"));
		return 1;
	}
	store_begin(r.st);
	store_folder(r.st, "INBOX", &f);
	ndr_source_walk(argv[1], on_msg, NULL, &r);
	store_commit(r.st);
	if (r.names)
		fclose(r.names);

	const struct ndr_evidence **p = calloc(r.n + 1, sizeof *p);
	id = calloc(r.n + 1, sizeof *id);
	for (size_t i = 0; i < r.n; i++)
		p[i] = &r.ev[i];
	t0 = cpu();
	ndr_campaigns(p, r.n, id);
	t_group = cpu() - t0;
	size_t groups = 0;
	for (size_t i = 0; i < r.n; i++)
		groups += id[i] == i;

	t0 = cpu();
	store_evidence_load(r.st, &j, &n);
	t_load = cpu() - t0;
	store_judged_free(j, n);

	t0 = cpu();
	if (ndr_judge_store(r.st, &a, &js, err, sizeof err) != 0) {
		fprintf(stderr, "group: %s\n", err);
		return 1;
	}
	t_judge = cpu() - t0;
	printf("reports: %zu, campaigns: %zu\n", r.n, groups);
	printf("grouping in memory: %.3f s CPU (target < 2 s for 100,000)\n",
	    t_group);
	printf("reading the store alone (reference): %.3f s CPU\n", t_load);
	printf("judging the whole store (read, judge, group, write): %.3f s "
	    "CPU = %.1fx the reference\n", t_judge, t_load > 0 ?
	    t_judge / t_load : 0);
	for (size_t i = 0; i < r.n; i++)
		ndr_evidence_free(&r.ev[i]);
	free(r.ev);
	free(p);
	free(id);
	store_close(r.st);
	return 0;
}
