/* check_text.c - the scanners every reader relies on. */
#include <string.h>

#include "check_util.h"
#include "core/engine.h"

START_TEST(test_find_address_strips_brackets_and_lowercases)
{
	size_t s, e;
	char *a = find_address("RCPT To:<Bob.Smith@Far.Example>", 31, &s, &e);

	ck_assert_str_eq(a, "bob.smith@far.example");
	ck_assert_uint_eq(s, 9);
	free(a);
}
END_TEST

START_TEST(test_find_address_needs_a_dotted_domain)
{
	ck_assert_ptr_null(find_address("user@localhost said", 19, NULL, NULL));
	ck_assert_ptr_null(find_address("@@@", 3, NULL, NULL));
	ck_assert_ptr_null(find_address("a@b.", 4, NULL, NULL));
}
END_TEST

START_TEST(test_find_status_ignores_ip_addresses_and_versions)
{
	const char *s = "host 192.0.2.5 said: 550 5.1.1 no such user";
	char *st = find_status(s, strlen(s));

	ck_assert_str_eq(st, "5.1.1");
	free(st);
	ck_assert_ptr_null(find_status("version 5.5.2657.72", 19));
	ck_assert_ptr_null(find_status("10.4.7.1 only", 13));
}
END_TEST

START_TEST(test_find_status_reads_three_digit_details)
{
	const char *s = "550 5.7.509 Access denied";
	char *st = find_status(s, strlen(s));

	ck_assert_str_eq(st, "5.7.509");
	free(st);
}
END_TEST

START_TEST(test_find_reply_code_skips_years_and_ports)
{
	const char *s = "Tue, 2013 at mx:25 got 554-denied";
	char *c = find_reply_code(s, strlen(s));

	ck_assert_str_eq(c, "554");
	free(c);
}
END_TEST

START_TEST(test_squeeze_folds_white_space)
{
	char *s = squeeze("  a\n\t b   c \r\n", 14);

	ck_assert_str_eq(s, "a b c");
	free(s);
}
END_TEST

START_TEST(test_ci_find_is_case_blind_and_bounded)
{
	const char *h = "Hello MAILER-daemon";

	ck_assert_ptr_eq(ci_find(h, strlen(h), "mailer-DAEMON"), h + 6);
	ck_assert_ptr_null(ci_find(h, 8, "mailer"));
}
END_TEST

START_TEST(test_json_replaces_invalid_utf8_and_escapes_controls)
{
	struct ndr_buf b = { 0 };

	ndr_buf_json(&b, "a\"b\\c\x01\xff\xc3\xa9");
	ck_assert_str_eq(b.s, "\"a\\\"b\\\\c\\u0001\xef\xbf\xbd\xc3\xa9\"");
	ndr_buf_free(&b);
	ndr_buf_json(&b, NULL);
	ck_assert_str_eq(b.s, "null");
	ndr_buf_free(&b);
}
END_TEST

static Suite *
text_suite(void)
{
	Suite *s = suite_create("text");
	TCase *tc = tcase_create("scanners");

	tcase_add_test(tc, test_find_address_strips_brackets_and_lowercases);
	tcase_add_test(tc, test_find_address_needs_a_dotted_domain);
	tcase_add_test(tc, test_find_status_ignores_ip_addresses_and_versions);
	tcase_add_test(tc, test_find_status_reads_three_digit_details);
	tcase_add_test(tc, test_find_reply_code_skips_years_and_ports);
	tcase_add_test(tc, test_squeeze_folds_white_space);
	tcase_add_test(tc, test_ci_find_is_case_blind_and_bounded);
	tcase_add_test(tc, test_json_replaces_invalid_utf8_and_escapes_controls);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(text_suite)
