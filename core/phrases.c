/*
 * phrases.c - find many phrases in a text in one pass.
 *
 * The engine asks of each diagnostic which of some 500 phrases it holds;
 * one strstr per phrase read the text 500 times. Here the phrases are a
 * trie of their bytes (ASCII case folded): the text is read once, and at
 * each place the trie is followed as far as the text agrees with some
 * phrase, which is seldom more than a byte or two. (Phrases indexed by
 * their first two bytes, the way before, compared every phrase sharing
 * them byte by byte: "user ..." alone has dozens.)
 */
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "phrases.h"

#define NONE	0xffffu

struct node {			/* the bytes of a phrase so far */
	uint16_t	 child;		/* the first child, or NONE */
	uint16_t	 sib;		/* the next sibling, or NONE */
	uint16_t	 ends;		/* the first phrase ending here */
	unsigned char	 c;
};

struct entry {			/* a phrase, numbered in the order added */
	int		 tag;
	uint16_t	 next;		/* the next phrase ending at its node */
};

struct phrases {
	uint16_t	 root[256];	/* the node of each first byte */
	uint16_t	 row[256];	/* and its row of twof (NONE: none) */
	size_t		 nrow;
	/* the node of each first two bytes, indexed by the text's bytes
	 * as they are: a byte's entry is its case-folded byte's, so that
	 * the scan folds neither of the two it reads at every place */
	uint16_t	 rowf[256];
	uint16_t	(*twof)[256];
	struct node	*node;
	size_t		 nnode, capnode;
	struct entry	*e;
	size_t		 n, cap;
};

struct phrases *
phrases_new(void)
{
	struct phrases *p = xcalloc(1, sizeof *p);

	memset(p->root, 0xff, sizeof p->root);
	memset(p->row, 0xff, sizeof p->row);
	memset(p->rowf, 0xff, sizeof p->rowf);
	return p;
}

static uint16_t
node_new(struct phrases *p, unsigned char c, uint16_t sib)
{
	if (p->nnode >= NONE)
		abort();	/* 64K bytes of phrases at most */
	if (p->nnode == p->capnode) {
		p->capnode = p->capnode ? p->capnode * 2 : 256;
		p->node = xreallocarray(p->node, p->capnode, sizeof *p->node);
	}
	p->node[p->nnode] = (struct node){ NONE, sib, NONE, c };
	return (uint16_t)p->nnode++;
}

void
phrases_add(struct phrases *p, const char *lower, int tag)
{
	const unsigned char *s = (const unsigned char *)lower;
	size_t len = strlen(lower);
	uint16_t k, *link;

	/* two bytes at least; 64K phrases at most */
	if (len < 2 || p->n >= NONE)
		abort();
	if (p->root[s[0]] == NONE) {
		p->root[s[0]] = node_new(p, s[0], NONE);
		p->twof = xreallocarray(p->twof, p->nrow + 1,
		    sizeof *p->twof);
		memset(p->twof[p->nrow], 0xff, sizeof *p->twof);
		for (unsigned b = 0; b < 256; b++)
			if (ndr_ascii_lower((unsigned char)b) == s[0])
				p->rowf[b] = (uint16_t)p->nrow;
		p->row[s[0]] = (uint16_t)p->nrow++;
	}
	k = p->root[s[0]];
	for (size_t i = 1; i < len; i++) {
		uint16_t c = p->node[k].child;
		while (c != NONE && p->node[c].c != s[i])
			c = p->node[c].sib;
		if (c == NONE) {
			c = node_new(p, s[i], p->node[k].child);
			p->node[k].child = c;
			if (i == 1) {
				uint16_t r = p->row[s[0]];
				for (unsigned b = 0; b < 256; b++)
					if (ndr_ascii_lower((unsigned char)b) ==
					    s[1])
						p->twof[r][b] = c;
			}
		}
		k = c;
	}
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 64;
		p->e = xreallocarray(p->e, p->cap, sizeof *p->e);
	}
	p->e[p->n] = (struct entry){ tag, NONE };
	/* appended: the phrases ending at a node keep the order added */
	for (link = &p->node[k].ends; *link != NONE; link = &p->e[*link].next)
		;
	*link = (uint16_t)p->n++;
}

void
phrases_add_list(struct phrases *p, const char *const *lower, int tag)
{
	for (; *lower; lower++)
		phrases_add(p, *lower, tag);
}

void
phrases_free(struct phrases *p)
{
	if (p == NULL)
		return;
	free(p->node);
	free(p->twof);
	free(p->e);
	free(p);
}

/* The phrases found at one place, in the order added: fn for each. */
static int
report(const struct phrases *p, uint16_t *found, size_t nfound, size_t at,
    int (*fn)(void *, int, size_t), void *arg)
{
	for (size_t a = 1; a < nfound; a++) {	/* few: insertion sort */
		uint16_t v = found[a];
		size_t b = a;
		for (; b > 0 && found[b - 1] > v; b--)
			found[b] = found[b - 1];
		found[b] = v;
	}
	for (size_t a = 0; a < nfound; a++) {
		int rc = fn(arg, p->e[found[a]].tag, at);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int
phrases_scan(const struct phrases *p, const char *text, size_t n,
    int (*fn)(void *, int, size_t), void *arg)
{
	const unsigned char *t = (const unsigned char *)text;
	uint16_t small[64], *found = small;
	size_t cap = sizeof small / sizeof *small;
	int rc = 0;

	for (size_t i = 0; i + 1 < n && rc == 0; i++) {
		uint16_t r = p->rowf[t[i]], k;
		size_t nfound = 0;
		/* the first two bytes straight from their row */
		if (r == NONE || (k = p->twof[r][t[i + 1]]) == NONE)
			continue;
		for (size_t j = i + 1; ; ) {
			for (uint16_t e = p->node[k].ends; e != NONE;
			    e = p->e[e].next) {
				if (nfound == cap) {
					uint16_t *more = xreallocarray(NULL,
					    cap * 2, sizeof *more);
					memcpy(more, found, cap * sizeof *more);
					if (found != small)
						free(found);
					found = more;
					cap *= 2;
				}
				found[nfound++] = e;
			}
			if (++j >= n)
				break;
			unsigned char c = ndr_ascii_lower(t[j]);
			for (k = p->node[k].child; k != NONE && p->node[k].c != c;
			    k = p->node[k].sib)
				;
			if (k == NONE)
				break;
		}
		if (nfound)
			rc = report(p, found, nfound, i, fn, arg);
	}
	if (found != small)
		free(found);
	return rc;
}
