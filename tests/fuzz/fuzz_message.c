/* fuzz_message.c - libFuzzer: any bytes as a message, through the MIME
 * parser and the bounce readers, then the JSON and text writers; the JSON
 * must always be valid. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/core.h"
#include "json_valid.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ndr_limits lim;
	struct ndr_report *r = NULL;
	struct ndr_buf b = { 0 };

	ndr_limits_default(&lim);
	lim.tokens = true;
	if (ndr_read((const char *)data, size, &lim, &r) == NDR_OK && r) {
		ndr_report_json(r, "fuzz", &b);
		if (!json_valid(b.s, b.len)) {
			fprintf(stderr, "invalid JSON: %.*s\n", (int)b.len, b.s);
			abort();
		}
		b.len = 0;
		ndr_report_text(r, "fuzz", &b);
	}
	ndr_buf_free(&b);
	ndr_report_free(&r);
	return 0;
}
