/* check_mutf7.c - folder names in IMAP's modified UTF-7, both ways. */
#include <stdlib.h>
#include <string.h>

#include "check_util.h"
#include "imap/imap.h"

static const struct { const char *utf8, *wire; } pairs[] = {
	{ "INBOX", "INBOX" },
	{ "", "" },
	{ "Tom & Jerry", "Tom &- Jerry" },
	{ "&", "&-" },
	{ "Été", "&AMk-t&AOk-" },
	{ "Quarantine/Backscatter", "Quarantine/Backscatter" },
	{ "~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-" },
	{ "Entwürfe", "Entw&APw-rfe" },
	{ "Отправленные", "&BB4EQgQ,BEAEMAQyBDsENQQ9BD0ESwQ1-" },
	{ "😀 Mail", "&2D3eAA- Mail" },	/* a surrogate pair */
	{ "a\tb", "a&AAk-b" },		/* a control character is encoded */
};

START_TEST(test_encode_known_names)
{
	for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
		char *w = mutf7_encode(pairs[i].utf8);
		ck_assert_ptr_nonnull(w);
		ck_assert_str_eq(w, pairs[i].wire);
		free(w);
	}
}
END_TEST

START_TEST(test_decode_known_names)
{
	for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
		char *u = mutf7_decode(pairs[i].wire);
		ck_assert_ptr_nonnull(u);
		ck_assert_str_eq(u, pairs[i].utf8);
		free(u);
	}
}
END_TEST

/* Anything valid goes there and back unchanged, also long runs that end
 * at every offset of the six-bit groups. */
START_TEST(test_round_trip)
{
	static const char *const names[] = {
		"é", "éé", "ééé", "éééé", "a€b€€c", "日本語のフォルダ",
		"x😀y😀😀z", "&&&", "&é&", NULL };

	for (int i = 0; names[i]; i++) {
		char *w = mutf7_encode(names[i]), *u;
		ck_assert_ptr_nonnull(w);
		ck_assert_ptr_null(strchr(w, '/'));	/* modified base64 */
		u = mutf7_decode(w);
		ck_assert_ptr_nonnull(u);
		ck_assert_str_eq(u, names[i]);
		free(w);
		free(u);
	}
}
END_TEST

START_TEST(test_invalid_input_is_refused)
{
	static const char *const bad_utf8[] = {
		"\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf5\x80\x80\x80",
		"ok\xff", NULL };
	static const char *const bad_wire[] = {
		"&", "&AMk", "&AMk=-", "&AGE-",	/* "a" encoded */
		"&2D0-",				/* lone high surrogate */
		"&3gA-",				/* lone low surrogate */
		"&AMl-",				/* bits left over */
		"caf\xc3\xa9", "a&b/c-", NULL };

	for (int i = 0; bad_utf8[i]; i++)
		ck_assert_msg(mutf7_encode(bad_utf8[i]) == NULL,
		    "encoded invalid UTF-8 #%d", i);
	for (int i = 0; bad_wire[i]; i++)
		ck_assert_msg(mutf7_decode(bad_wire[i]) == NULL,
		    "decoded invalid name %s", bad_wire[i]);
}
END_TEST

CHECK_MAIN_CASES("mutf7",
	{ "names", TESTS(test_encode_known_names, test_decode_known_names,
	    test_round_trip, test_invalid_input_is_refused), NULL, NULL, 0 });
