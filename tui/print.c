/* print.c - text from messages printed safe for a terminal: control and
 * bidirectional characters shown as '?'. */
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "cmd.h"

void
print_safe(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = *s;
		size_t bidi = ndr_bidi_len(s, strnlen(s, 3));
		if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f || bidi) {
			c = '?';
			s += bidi ? bidi - 1 : 0;
		}
		putc(c, f);
	}
}
