/* phrases.h - many lowercase phrases found in a text in one pass; private to core/. */
#ifndef NDR_PHRASES_H
#define NDR_PHRASES_H

#include <stddef.h>

struct phrases;

struct phrases	*phrases_new(void);
/* lower: lowercase, two bytes or more, kept (not copied) */
void		 phrases_add(struct phrases *, const char *lower, int tag);
/* each phrase of a NULL-terminated list, with the one tag */
void		 phrases_add_list(struct phrases *, const char *const *lower,
		    int tag);
void		 phrases_free(struct phrases *);
/*
 * fn(arg, tag, offset) for each place in text where a phrase begins
 * (ASCII case ignored), in the order of the text, and at one place in
 * the order the phrases were added; a non-zero return stops the scan and
 * is returned.
 */
int		 phrases_scan(const struct phrases *, const char *text, size_t n,
		    int (*fn)(void *, int, size_t), void *arg);

#endif
