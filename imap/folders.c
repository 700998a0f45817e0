/* folders.c - the account's folders: names, separator, SPECIAL-USE. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libetpan/libetpan.h>

#include "imap.h"

static const struct {
	const char *flag;
	unsigned bit;
} uses[] = {
	{ "\\Sent", IMAP_SENT }, { "\\Junk", IMAP_JUNK },
	{ "\\Trash", IMAP_TRASH }, { "\\Drafts", IMAP_DRAFTS },
	{ "\\Archive", IMAP_ARCHIVE }, { "\\All", IMAP_ALL },
	{ "\\Flagged", IMAP_FLAGGED },
};

static void
read_flags(struct imap_folder *f, const struct mailimap_mbx_list_flags *fl)
{
	if (fl == NULL)
		return;
	if (fl->mbf_type == MAILIMAP_MBX_LIST_FLAGS_SFLAG &&
	    fl->mbf_sflag == MAILIMAP_MBX_LIST_SFLAG_NOSELECT)
		f->noselect = true;
	for (clistiter *it = clist_begin(fl->mbf_oflags); it;
	    it = clist_next(it)) {
		const struct mailimap_mbx_list_oflag *o = clist_content(it);
		if (o->of_type != MAILIMAP_MBX_LIST_OFLAG_FLAG_EXT ||
		    o->of_flag_ext == NULL)
			continue;
		/* libetpan keeps the flag without its backslash */
		const char *name = o->of_flag_ext;
		for (size_t i = 0; i < sizeof uses / sizeof *uses; i++)
			if (strcasecmp(name, uses[i].flag + 1) == 0 ||
			    strcasecmp(name, uses[i].flag) == 0)
				f->special |= uses[i].bit;
		if (strcasecmp(name, "NonExistent") == 0 ||
		    strcasecmp(name, "\\NonExistent") == 0)
			f->noselect = true;
	}
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(((const struct imap_folder *)a)->name,
	    ((const struct imap_folder *)b)->name);
}

int
imap_folders(struct imap_conn *c, struct imap_folder **out, size_t *nout,
    char *err, size_t errlen)
{
	clist *list = NULL;
	struct imap_folder *v = NULL;
	size_t n = 0;
	int r;

	*out = NULL;
	*nout = 0;
	if ((r = mailimap_list(c->s, "", "*", &list)) != MAILIMAP_NO_ERROR) {
		snprintf(err, errlen, "LIST failed: %s", imap_why(c, r));
		return -1;
	}
	v = calloc(clist_count(list) + 1, sizeof *v);
	if (v == NULL)
		abort();
	for (clistiter *it = clist_begin(list); it; it = clist_next(it)) {
		const struct mailimap_mailbox_list *mb = clist_content(it);
		struct imap_folder *f = &v[n];
		char *utf8 = mutf7_decode(mb->mb_name);

		/* a name that is not valid modified UTF-7 is kept as sent,
		 * so it can still be selected */
		f->wire = strdup(mb->mb_name);
		f->name = utf8 ? utf8 : strdup(mb->mb_name);
		if (f->wire == NULL || f->name == NULL)
			abort();
		f->separator = mb->mb_delimiter;
		read_flags(f, mb->mb_flag);
		if (c->separator == 0 && mb->mb_delimiter)
			c->separator = mb->mb_delimiter;
		n++;
	}
	mailimap_list_result_free(list);
	if (n > 1)
		qsort(v, n, sizeof *v, by_name);
	*out = v;
	*nout = n;
	return 0;
}

void
imap_folders_free(struct imap_folder *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].wire);
	}
	free(v);
}
