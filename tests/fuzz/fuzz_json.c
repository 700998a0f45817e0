/* fuzz_json.c - libFuzzer: any bytes (up to a NUL) as a string through
 * the JSON string writer and inside an object; always valid JSON, and
 * every valid UTF-8 character kept. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "json_valid.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct ndr_buf b = { 0 };

	if (s == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	ndr_buf_adds(&b, "{\"k\":");
	ndr_buf_json(&b, s);
	ndr_buf_adds(&b, ",\"n\":");
	ndr_buf_json(&b, NULL);
	ndr_buf_addc(&b, '}');
	if (!json_valid(b.s, b.len)) {
		fprintf(stderr, "invalid JSON: %.*s\n", (int)b.len, b.s);
		abort();
	}
	/* plain printable ASCII comes out as itself */
	bool plain = true;
	for (const char *p = s; *p && plain; p++)
		plain = *p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\';
	if (plain && (b.len != strlen(s) + 17 ||
	    memcmp(b.s + 6, s, strlen(s)) != 0)) {
		fprintf(stderr, "plain text changed: %s\n", b.s);
		abort();
	}
	ndr_buf_free(&b);
	free(s);
	return 0;
}
