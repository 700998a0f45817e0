/* check_util.h - what the Check suites share: a fixture reader and main. */
#ifndef CHECK_UTIL_H
#define CHECK_UTIL_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/core.h"

/* The bytes of tests/fixtures/NAME into b; the test fails if it cannot. */
static inline void
fixture_raw(const char *name, struct ndr_buf *b)
{
	char path[1024], chunk[8192];
	const char *dir = getenv("FIXTURES");
	size_t n;
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir ? dir : "tests/fixtures",
	    name);
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open fixture %s", path);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		ndr_buf_add(b, chunk, n);
	fclose(f);
}

/* Read tests/fixtures/NAME and classify it; the test fails if it cannot. */
static inline struct ndr_report *
fixture(const char *name)
{
	struct ndr_buf b = { 0 };
	struct ndr_report *r = NULL;

	fixture_raw(name, &b);
	ck_assert_int_eq(ndr_read(b.s, b.len, NULL, &r), NDR_OK);
	ndr_buf_free(&b);
	return r;
}

#define CHECK_MAIN(suite_fn)						\
int									\
main(void)								\
{									\
	SRunner *sr = srunner_create(suite_fn());			\
	int failed;							\
									\
	srunner_run_all(sr, CK_NORMAL);					\
	failed = srunner_ntests_failed(sr);				\
	srunner_free(sr);						\
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;			\
}

#endif
