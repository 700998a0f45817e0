/* map.c - an open-addressing map of 64-bit keys (never 0: hashes) to
 * 64-bit values, growing as it fills; the judge's and the campaigns'. */
#include <stdlib.h>

#include "engine.h"

int64_t *
ndr_map_slot(struct ndr_map *m, uint64_t k, bool add)
{
	if (add && (m->n + 1) * 2 > m->mask + 1) {
		struct ndr_map g = { 0 };
		size_t cap = m->mask ? (m->mask + 1) * 2 : 1024;
		g.key = xcalloc(cap, sizeof *g.key);
		g.val = xcalloc(cap, sizeof *g.val);
		g.mask = cap - 1;
		for (size_t i = 0; m->mask && i <= m->mask; i++)
			if (m->key[i])
				*ndr_map_slot(&g, m->key[i], true) = m->val[i];
		free(m->key);
		free(m->val);
		*m = g;
	}
	if (m->mask == 0)
		return NULL;
	size_t i = (size_t)(k ^ (k >> 31)) & m->mask;
	while (m->key[i] && m->key[i] != k)
		i = (i + 1) & m->mask;
	if (m->key[i] == 0) {
		if (!add)
			return NULL;
		m->key[i] = k;
		m->n++;
	}
	return &m->val[i];
}

void
ndr_map_free(struct ndr_map *m)
{
	free(m->key);
	free(m->val);
}
