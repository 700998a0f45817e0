/*
 * phrases.c - find many phrases in a text in one pass.
 *
 * The engine asks of each diagnostic which of some 500 phrases it holds;
 * one strstr per phrase read the text 500 times. Here the phrases are
 * indexed by their first two bytes (ASCII case folded): the text is read
 * once, and at each place only the phrases that begin with its two bytes
 * are compared.
 */
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "phrases.h"

#define BUCKETS	4096u	/* a power of two */
#define NONE	0xffffu

struct entry {
	const char	*s;
	uint16_t	 len, next;
	int		 tag;
};

struct phrases {
	uint16_t	 head[BUCKETS];
	struct entry	*e;
	size_t		 n, cap;
};

static inline unsigned char
fold(unsigned char c)
{
	return (unsigned char)((unsigned)c - 'A' < 26u ? c + 32 : c);
}

static unsigned
bucket(unsigned char a, unsigned char b)
{
	unsigned k = (unsigned)a << 8 | b;

	return (k * 40503u >> 4) & (BUCKETS - 1);
}

struct phrases *
phrases_new(void)
{
	struct phrases *p = xcalloc(1, sizeof *p);

	memset(p->head, 0xff, sizeof p->head);
	return p;
}

void
phrases_add(struct phrases *p, const char *lower, int tag)
{
	size_t len = strlen(lower);

	/* two bytes at least: the index is on them; 64K phrases at most */
	if (len < 2 || len > 0xffff || p->n >= NONE)
		abort();
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 64;
		p->e = xreallocarray(p->e, p->cap, sizeof *p->e);
	}
	/* appended to the end of its chain: a chain keeps the order added */
	unsigned b = bucket((unsigned char)lower[0], (unsigned char)lower[1]);
	p->e[p->n] = (struct entry){ lower, (uint16_t)len, NONE, tag };
	uint16_t *link = &p->head[b];
	while (*link != NONE)
		link = &p->e[*link].next;
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
	free(p->e);
	free(p);
}

int
phrases_scan(const struct phrases *p, const char *text, size_t n,
    int (*fn)(void *, int, size_t), void *arg)
{
	const unsigned char *t = (const unsigned char *)text;

	for (size_t i = 0; i + 1 < n; i++) {
		unsigned char a = fold(t[i]), b = fold(t[i + 1]);
		for (uint16_t k = p->head[bucket(a, b)]; k != NONE;
		    k = p->e[k].next) {
			const struct entry *e = &p->e[k];
			const unsigned char *s = (const unsigned char *)e->s;
			size_t j;
			if (s[0] != a || s[1] != b || e->len > n - i)
				continue;
			for (j = 2; j < e->len && fold(t[i + j]) == s[j]; j++)
				;
			if (j == e->len) {
				int rc = fn(arg, e->tag, i);
				if (rc != 0)
					return rc;
			}
		}
	}
	return 0;
}
