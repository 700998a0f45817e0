/* act.c - what actions.c and settle.c share (act.h): sets of UIDs, the
 * folder opened to change it, \Deleted, the server's last words. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libetpan/libetpan.h>

#include "core/core.h"
#include "act.h"
#include "imap.h"

int
act_cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* What the server said to the last command, or why none was heard. */
const char *
act_why(struct imap_conn *c)
{
	return imap_usable(c) && c->s->imap_response ? c->s->imap_response :
	    imap_why(c, MAILIMAP_ERROR_STREAM);
}

/* The UIDs of uids (sorted) the folder still holds. */
int
act_present(struct imap_conn *c, const uint32_t *uids, size_t n, uint32_t **out,
    size_t *nout)
{
	struct mailimap_set *set = imap_uid_set(uids, n);
	struct mailimap_search_key *key = mailimap_search_key_new_uid(set);
	clist *res = NULL;
	int r = mailimap_uid_search(c->s, NULL, key, &res);

	mailimap_search_key_free(key);
	*out = NULL;
	*nout = 0;
	if (r != MAILIMAP_NO_ERROR)
		return -1;
	*out = calloc(clist_count(res) + 1, sizeof **out);
	if (*out == NULL)
		abort();
	for (clistiter *it = clist_begin(res); it; it = clist_next(it))
		(*out)[(*nout)++] = *(uint32_t *)clist_content(it);
	mailimap_search_result_free(res);
	if (*nout > 1)
		qsort(*out, *nout, sizeof **out, act_cmp_u32);
	return 0;
}

bool
act_has(const uint32_t *v, size_t n, uint32_t u)
{
	return bsearch(&u, v, n, sizeof *v, act_cmp_u32) != NULL;
}

/* Open a folder to change it; its UIDVALIDITY in *uv. */
int
act_select(struct imap_conn *c, const char *name, uint32_t *uv,
    char *err, size_t errlen)
{
	char *wire = mutf7_encode(name);
	int r;

	if (wire == NULL) {
		snprintf(err, errlen, "%s: not a valid folder name", name);
		return -1;
	}
	r = mailimap_select(c->s, wire);
	free(wire);
	if (r != MAILIMAP_NO_ERROR) {
		snprintf(err, errlen, "cannot open folder %s: %s", name, act_why(c));
		return -1;
	}
	*uv = c->s->imap_selection_info->sel_uidvalidity;
	return 0;
}

int
act_flag_deleted(struct imap_conn *c, struct mailimap_set *set)
{
	struct mailimap_flag_list *fl = mailimap_flag_list_new_empty();
	struct mailimap_store_att_flags *sf;
	int r;

	mailimap_flag_list_add(fl, mailimap_flag_new_deleted());
	sf = mailimap_store_att_flags_new_add_flags_silent(fl);
	r = mailimap_uid_store(c->s, set, sf);
	mailimap_store_att_flags_free(sf);
	return r;
}
