/* corpus_eval.c - measure the engine on ../shared/corpus against what the
 * corpus says is right, and fail below the targets of issue 2.
 *
 * usage: corpus_eval [-v] CORPUS_DIR
 * Exit: 0 targets met, 1 a target missed, 77 corpus absent (automake SKIP).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/core.h"

#define SKIP 77

static int verbose;

struct row {
	char	file[128];
	int	index;
	char	status[16];
	char	reason[32];
};

/* Each message of the file (an mbox holds several, as Sisimai reads it):
 * the first report, with the recipients of the later ones appended, so
 * that expected.tsv's row numbers run across the file as Sisimai's do. */
static int
add_message(const char *name, const char *raw, size_t len, void *arg)
{
	struct ndr_report **acc = arg, *r = NULL;

	(void)name;
	if (ndr_read(raw, len, NULL, &r) != NDR_OK || r == NULL)
		return 0;
	if (*acc == NULL) {
		*acc = r;
		return 0;
	}
	if (r->nrcpts == 0) {	/* nothing to add (and no array to copy) */
		ndr_report_free(&r);
		return 0;
	}
	(*acc)->rcpts = realloc((*acc)->rcpts,
	    ((*acc)->nrcpts + r->nrcpts) * sizeof *r->rcpts);
	if ((*acc)->rcpts == NULL)
		abort();
	memcpy((*acc)->rcpts + (*acc)->nrcpts, r->rcpts,
	    r->nrcpts * sizeof *r->rcpts);
	(*acc)->nrcpts += r->nrcpts;
	free(r->rcpts);
	r->rcpts = NULL;
	r->nrcpts = 0;
	ndr_report_free(&r);
	return 0;
}

static struct ndr_report *
classify(const char *path)
{
	struct ndr_report *r = NULL;

	ndr_source_walk(path, add_message, NULL, &r);
	return r;
}

static const char *
implied_kind(const char *reason)
{
	if (strcmp(reason, "vacation") == 0)
		return "autoreply";
	if (strcmp(reason, "feedback") == 0)
		return "feedback";
	if (strcmp(reason, "delivered") == 0)
		return "delivered";
	return "bounce";	/* or delay */
}

static bool
kind_ok(const struct ndr_report *r, const char *want)
{
	const char *got = ndr_kind_name(r->kind);

	if (strcmp(want, "bounce") == 0)
		return r->kind == NDR_KIND_BOUNCE || r->kind == NDR_KIND_DELAY;
	return strcmp(got, want) == 0;
}

static size_t
read_rows(const char *tsv, struct row **out)
{
	FILE *f = fopen(tsv, "r");
	char line[4096];
	size_t n = 0;
	struct row *rows = NULL;

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof line, f)) {
		char *field[8] = { 0 }, *p = line;
		int k = 0;
		line[strcspn(line, "\n")] = '\0';
		while (k < 8) {
			field[k++] = p;
			p = strchr(p, '\t');
			if (p == NULL)
				break;
			*p++ = '\0';
		}
		if (k < 5 || strcmp(field[0], "file") == 0)
			continue;
		rows = realloc(rows, (n + 1) * sizeof *rows);
		memset(&rows[n], 0, sizeof *rows);
		snprintf(rows[n].file, sizeof rows[n].file, "%s", field[0]);
		rows[n].index = atoi(field[1]);
		snprintf(rows[n].status, sizeof rows[n].status, "%s", field[2]);
		snprintf(rows[n].reason, sizeof rows[n].reason, "%s", field[4]);
		n++;
	}
	fclose(f);
	*out = rows;
	return n;
}

/* Sisimai: expected.tsv. Returns the number of targets missed. */
static int
eval_sisimai(const char *dir)
{
	char path[4096], last[128] = "";
	struct row *rows = NULL;
	struct ndr_report *r = NULL;
	size_t n, files = 0, kinds = 0, st_rows = 0, st_ok = 0, re_rows = 0,
	    re_ok = 0;
	int missed = 0;

	snprintf(path, sizeof path, "%s/sisimai/expected.tsv", dir);
	n = read_rows(path, &rows);
	if (n == 0) {
		printf("sisimai: no expected.tsv\n");
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		struct row *w = &rows[i];
		if (strcmp(w->file, last) != 0) {
			ndr_report_free(&r);
			snprintf(path, sizeof path, "%s/sisimai/maildir/bsd/%s",
			    dir, w->file);
			r = classify(path);
			snprintf(last, sizeof last, "%s", w->file);
			if (r == NULL) {
				printf("  unreadable: %s\n", w->file);
				continue;
			}
			if (w->reason[0] == '\0')
				continue;	/* unlabelled row */
			files++;
			if (kind_ok(r, implied_kind(w->reason)))
				kinds++;
			else if (verbose)
				printf("  kind %s: got %s (%s) want %s\n",
				    w->file, ndr_kind_name(r->kind),
				    r->format ? r->format : "-",
				    implied_kind(w->reason));
		}
		if (r == NULL || w->reason[0] == '\0')
			continue;
		const struct ndr_rcpt *rc = w->index >= 1 &&
		    (size_t)w->index <= r->nrcpts ? &r->rcpts[w->index - 1] :
		    NULL;
		if (w->status[0]) {
			st_rows++;
			if (rc && rc->status && strcmp(rc->status, w->status) == 0)
				st_ok++;
			else if (verbose)
				printf("  status %s#%d: got %s want %s [%s] %s\n",
				    w->file, w->index, rc && rc->status ?
				    rc->status : "-", w->status,
				    r->format ? r->format : "-",
				    rc && rc->diagnostic ? rc->diagnostic : "");
		}
		if (strcmp(w->reason, "vacation") && strcmp(w->reason, "feedback")) {
			re_rows++;
			if (rc && strcmp(ndr_reason_name(rc->reason), w->reason) == 0)
				re_ok++;
			else if (verbose)
				printf("  reason %s#%d: got %s want %s [%s] %.300s\n",
				    w->file, w->index, rc ?
				    ndr_reason_name(rc->reason) : "-", w->reason,
				    r->format ? r->format : "-",
				    rc && rc->diagnostic ? rc->diagnostic : "");
		} else if (kind_ok(r, implied_kind(w->reason)))
			re_ok++, re_rows++;
		else
			re_rows++;
	}
	ndr_report_free(&r);
	free(rows);

	double kp = 100.0 * kinds / files, sp = 100.0 * st_ok / st_rows,
	    rp = 100.0 * re_ok / re_rows;
	printf("sisimai: kind %zu/%zu files (%.1f%%, target 100%%)\n", kinds,
	    files, kp);
	printf("sisimai: status %zu/%zu rows (%.1f%%, target 95%%)\n", st_ok,
	    st_rows, sp);
	printf("sisimai: reason %zu/%zu rows (%.1f%%, target 90%%)\n", re_ok,
	    re_rows, rp);
	missed += kinds < files;
	missed += sp < 95.0;
	missed += rp < 90.0;
	return missed;
}

/* Files in a folder that must all (or all but some) be of a kind. */
static int
eval_folder(const char *label, const char *dir, const char *const *allowed,
    bool want_other)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	size_t files = 0, bad = 0;

	if (d == NULL) {
		printf("%s: cannot open %s\n", label, dir);
		return 1;
	}
	while ((de = readdir(d)) != NULL) {
		char path[4096];
		struct ndr_report *r;
		bool reportish, ok;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if ((r = classify(path)) == NULL)
			continue;
		files++;
		reportish = r->kind == NDR_KIND_BOUNCE ||
		    r->kind == NDR_KIND_DELAY || r->kind == NDR_KIND_FEEDBACK;
		ok = want_other ? r->kind == NDR_KIND_OTHER : !reportish;
		for (const char *const *a = allowed; a && *a; a++)
			if (strncmp(de->d_name, *a, strlen(*a)) == 0)
				ok = reportish;
		if (!ok) {
			bad++;
			printf("  %s: %s is %s (%s)\n", label, de->d_name,
			    ndr_kind_name(r->kind), r->format ? r->format : "-");
		}
		ndr_report_free(&r);
	}
	closedir(d);
	printf("%s: %zu/%zu files as expected\n", label, files - bad, files);
	return bad > 0;
}

int
main(int argc, char **argv)
{
	static const char *const dsns[] = { "01436.", "01507.", "01542.", NULL };
	char path[4096];
	struct stat st;
	int missed = 0;

	if (argc > 1 && strcmp(argv[1], "-v") == 0)
		verbose = 1, argc--, argv++;
	if (argc != 2 || stat(argv[1], &st) == -1 || !S_ISDIR(st.st_mode)) {
		printf("corpus not found (%s): skipped, nothing measured\n",
		    argc == 2 ? argv[1] : "no path given");
		return SKIP;
	}
	missed += eval_sisimai(argv[1]);
	snprintf(path, sizeof path, "%s/sisimai/maildir/not", argv[1]);
	missed += eval_folder("sisimai/not", path, NULL, true);
	snprintf(path, sizeof path, "%s/spamassassin/easy_ham", argv[1]);
	missed += eval_folder("easy_ham", path, dsns, false);
	printf("%s\n", missed ? "TARGETS MISSED" : "all targets met");
	return missed ? 1 : 0;
}
