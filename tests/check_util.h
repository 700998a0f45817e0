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

/* A test case: its name, its tests, an optional fixture run around each
 * test and a timeout in seconds (0: Check's default). */
struct check_case {
	const char	*name;
	const TTest *const *tests;
	SFun		 setup, teardown;
	int		 timeout;
};
#define TESTS(...) ((const TTest *const []){ __VA_ARGS__, NULL })

/* Run the suite NAME made of these cases; a failed test fails main. */
static inline int
check_run(const char *name, const struct check_case *c)
{
	Suite *s = suite_create(name);
	SRunner *sr;
	int failed;

	for (; c->name; c++) {
		TCase *tc = tcase_create(c->name);
		if (c->setup || c->teardown)
			tcase_add_checked_fixture(tc, c->setup, c->teardown);
		if (c->timeout)
			tcase_set_timeout(tc, c->timeout);
		for (const TTest *const *t = c->tests; *t; t++)
			tcase_add_test(tc, *t);
		suite_add_tcase(s, tc);
	}
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* main() for a suite: CHECK_MAIN_CASES("name", { "case", TESTS(...) }, ...) */
#define CHECK_MAIN_CASES(name, ...)					\
int									\
main(void)								\
{									\
	const struct check_case cases[] = { __VA_ARGS__,		\
	    { NULL, NULL, NULL, NULL, 0 } };				\
	return check_run(name, cases);					\
}

#endif
