/* check_text.c - the scanners every reader relies on. */
#include <string.h>

#include "check_util.h"
#include "core/engine.h"
#include "core/phrases.h"

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

/* The status at the text's very start and very end, none past len, none
 * in a text too short, the first of several */
START_TEST(test_find_status_at_the_edges)
{
	const char *const have[][2] = {
		{ "5.1.1", "5.1.1" }, { "said 4.4.7", "4.4.7" },
		{ "2.0.0 then 5.1.1", "2.0.0" }, { "(5.2.2) full", "5.2.2" },
		{ "x.y 5.7.1.", "5.7.1" },
	};
	for (size_t i = 0; i < sizeof have / sizeof *have; i++) {
		char *st = find_status(have[i][0], strlen(have[i][0]));
		ck_assert_msg(st != NULL, "no status in \"%s\"", have[i][0]);
		ck_assert_str_eq(st, have[i][1]);
		free(st);
	}
	ck_assert_ptr_null(find_status("5.1.1 beyond", 4));
	ck_assert_ptr_null(find_status("5.1", 3));
	ck_assert_ptr_null(find_status(".", 1));
	ck_assert_ptr_null(find_status("", 0));
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
	/* control bytes that are not space stay in the word; a NUL ends
	 * the text; the length bounds it; UTF-8 is a word's */
	s = squeeze("x\x01y \x1f  caf\xc3\xa9\v\fend\0 more", 24);
	ck_assert_str_eq(s, "x\x01y \x1f caf\xc3\xa9 end");
	free(s);
	s = squeeze("ab cd", 4);
	ck_assert_str_eq(s, "ab c");
	free(s);
	s = squeeze(" \t\n", 3);
	ck_assert_str_eq(s, "");
	free(s);
}
END_TEST

/* ASCII letters lowered, every other byte as it was, at any place */
START_TEST(test_lowercase_dup_lowers_ascii_letters_only)
{
	const char in[] = "@AZ[`az{ \xc1\xda\xe9 MAILER-Daemon\x7f\x80X";
	char want[sizeof in];

	for (size_t off = 0; off < 9; off++) {
		char *s = lowercase_dup(in + off, sizeof in - 1 - off);
		for (size_t i = off; i < sizeof in; i++)
			want[i - off] = in[i] >= 'A' && in[i] <= 'Z' ?
			    (char)(in[i] + 32) : in[i];
		ck_assert_mem_eq(s, want, sizeof in - off);
		free(s);
	}
}
END_TEST

/* The two-byte capitals of Latin, Greek and Cyrillic folded, at any
 * place, the length kept; İ (whose small letter is one byte), three-byte
 * letters and broken sequences as they were */
START_TEST(test_fold_lowers_capitals_past_ascii)
{
	static const char in[] = "NE \xd0\x9d\xd0\x95 \xc3\x89" "CHEC "
	    "\xce\x94\xce\x95\xce\x9d \xce\x8c \xc5\x81\xc3\x93" "D\xc5\xb9 "
	    "\xd0\x84\xd2\x90 \xc4\xb0 \xc5\xb8 \xc3\x97 \xe3\x82\xa8 "
	    "\xd0 \xc3";
	static const char want[] = "ne \xd0\xbd\xd0\xb5 \xc3\xa9" "chec "
	    "\xce\xb4\xce\xb5\xce\xbd \xcf\x8c \xc5\x82\xc3\xb3" "d\xc5\xba "
	    "\xd1\x94\xd2\x91 \xc4\xb0 \xc3\xbf \xc3\x97 \xe3\x82\xa8 "
	    "\xd0 \xc3";

	/* from each character of the ASCII start: the runs of ASCII and
	 * the pairs fall at other places of lowercase_into's eight */
	for (size_t off = 0; off < 4; off++) {
		char *s = fold_dup(in + off, sizeof in - 1 - off);
		ck_assert_uint_eq(strlen(s), sizeof in - 1 - off);
		ck_assert_str_eq(s, want + off);
		free(s);
	}
}
END_TEST

START_TEST(test_ci_find_is_case_blind_and_bounded)
{
	const char *h = "Hello MAILER-daemon";

	ck_assert_ptr_eq(ci_find(h, strlen(h), "mailer-DAEMON"), h + 6);
	ck_assert_ptr_null(ci_find(h, 8, "mailer"));
	/* bytes over 0x7f, short text and long */
	const char *jp = "\xe3\x83\xa1\xe3\x83\xbc\xe3\x83\xab\xe3\x82\xa8";
	ck_assert_ptr_eq(ci_find(jp, strlen(jp), "\xe3\x83\xab"), jp + 6);

	/* a long text is searched by the needle's rarest byte ('k' here):
	 * one near the start, before the needle could begin, one in a near
	 * miss, the first whole match; not past the length given */
	char t[400];
	memset(t, 'x', sizeof t);
	memcpy(t + 1, "kk", 2);
	memcpy(t + 150, "invoked for bouncy", 18);
	memcpy(t + 250, "INVOKED for Bounce", 18);
	memcpy(t + 300, "invoked for bounce", 18);
	t[sizeof t - 1] = '\0';
	ck_assert_ptr_eq(ci_find(t, strlen(t), "invoked for bounce"), t + 250);
	ck_assert_ptr_eq(ci_find(t, 318, "invoked for bounce"), t + 250);
	ck_assert_ptr_null(ci_find(t, 267, "invoked for bounce"));
	ck_assert_ptr_eq(ci_find(t + 251, 67, "invoked for bounce"), t + 300);
	ck_assert_ptr_null(ci_find(t + 251, 66, "invoked for bounce"));
	memcpy(t + 350, jp, strlen(jp));
	ck_assert_ptr_eq(ci_find(t, strlen(t), "\xe3\x83\xab\xe3\x82"), t + 356);
	/* a NUL in the text is a byte like another: never a match; only
	 * ASCII letters are folded ('@' and '`', '[' and '{' differ, and
	 * so do Latin-1's capital and small letters: in the C locale the
	 * tests run in, as in the 8-bit locales this machine lacks) */
	const char nul[] = "mail\0er mailer";
	ck_assert_ptr_eq(ci_find(nul, sizeof nul - 1, "MAILER"), nul + 8);
	ck_assert_ptr_null(ci_find("a`b", 3, "A@B"));
	ck_assert_ptr_null(ci_find("x[y", 3, "X{Y"));
	ck_assert_ptr_null(ci_find("\xc9t\xe9", 3, "\xe9T\xe9"));
	ck_assert(ci_prefix("Final-Recipient: x", "final-recipient:"));
	ck_assert(!ci_prefix("Final", "final-recipient:"));
	ck_assert(!ci_prefix("", "x"));
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
	/* bidirectional controls escaped, their neighbours kept */
	ndr_buf_json(&b, "\xe2\x80\xae" "ab\xe2\x81\xa9\xd8\x9c\xe2\x80\x94");
	ck_assert_str_eq(b.s, "\"\\u202eab\\u2069\\u061c\xe2\x80\x94\"");
	ndr_buf_free(&b);
	ck_assert_uint_eq(ndr_bidi_len("\xe2\x80\xad", 3), 3);
	ck_assert_uint_eq(ndr_bidi_len("\xe2\x80\xad", 2), 0);
	ck_assert_uint_eq(ndr_bidi_len("\xe2\x80\xa9", 3), 0);
}
END_TEST

struct hits {
	int	 tag[16];
	size_t	 at[16], n;
};

static int
record(void *arg, int tag, size_t at)
{
	struct hits *h = arg;

	h->tag[h->n] = tag;
	h->at[h->n++] = at;
	return h->n == 16;
}

START_TEST(test_phrases_found_in_one_pass_in_text_order)
{
	struct phrases *p = phrases_new();
	struct hits h = { 0 };
	char many[300][8];

	phrases_add(p, "mailbox full", 1);
	phrases_add(p, "mailbox", 2);
	phrases_add(p, "user unknown", 3);
	phrases_add(p, "wn", 4);
	for (int i = 0; i < 300; i++) {	/* chains shared in buckets */
		snprintf(many[i], sizeof many[i], "x%03dz", i);
		phrases_add(p, many[i], 100 + i);
	}
	/* case folded; both phrases at one place, in the order added; a
	 * phrase that would run past the end is not found */
	const char *t = "User Unknown; MAILBOX FULL, x299z x12 w";
	ck_assert_int_eq(phrases_scan(p, t, strlen(t), record, &h), 0);
	ck_assert_uint_eq(h.n, 5);
	ck_assert_int_eq(h.tag[0], 3);
	ck_assert_uint_eq(h.at[0], 0);
	ck_assert_int_eq(h.tag[1], 4);	/* "unknoWN" */
	ck_assert_uint_eq(h.at[1], 10);
	ck_assert_int_eq(h.tag[2], 1);
	ck_assert_int_eq(h.tag[3], 2);
	ck_assert_uint_eq(h.at[2], 14);
	ck_assert_uint_eq(h.at[3], 14);
	ck_assert_int_eq(h.tag[4], 399);
	/* the length given bounds the text, not its NUL */
	h.n = 0;
	ck_assert_int_eq(phrases_scan(p, "mailbox full", 9, record, &h), 0);
	ck_assert_uint_eq(h.n, 1);
	ck_assert_int_eq(h.tag[0], 2);
	/* a non-zero return stops the scan and comes back */
	h.n = 15;
	ck_assert_int_eq(phrases_scan(p, t, strlen(t), record, &h), 1);
	ck_assert_uint_eq(h.n, 16);
	phrases_free(p);
	/* the first two bytes in any case, and bytes past ASCII as they
	 * are (the first two are looked up unfolded, from tables of both
	 * cases) */
	p = phrases_new();
	phrases_add(p, "ma", 1);
	phrases_add(p, "\xe7\x95\xb0\xe5\xb8\xb8", 2);	/* 異常 */
	phrases_add(p, "@x", 3);
	const char *u = "mA Ma MA ma \xe7\x95\xb0\xe5\xb8\xb8 @X [x";
	h.n = 0;
	ck_assert_int_eq(phrases_scan(p, u, strlen(u), record, &h), 0);
	ck_assert_uint_eq(h.n, 6);
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(h.tag[i], 1);
	ck_assert_int_eq(h.tag[4], 2);
	ck_assert_int_eq(h.tag[5], 3);
	phrases_free(p);
}
END_TEST

static int
in_order(void *arg, int tag, size_t at)
{
	int *next = arg;

	ck_assert_uint_eq(at, 1);
	ck_assert_int_eq(tag, *next);
	*next = tag == 999 ? 0 : tag + 1;
	return 0;
}

/* Many phrases at one place, of two lengths: reported in the order they
 * were added, not by length, however many */
START_TEST(test_phrases_at_one_place_in_the_order_added)
{
	struct phrases *p = phrases_new();
	int next = 999;

	phrases_add(p, "abc", 999);
	for (int i = 0; i < 100; i++)
		phrases_add(p, "ab", i);
	ck_assert_int_eq(phrases_scan(p, "xABcd", 5, in_order, &next), 0);
	ck_assert_int_eq(next, 100);
	phrases_free(p);
}
END_TEST

/* dec(fn, in): the decoding of the string in, NUL-terminated */
static const char *
dec(size_t (*fn)(const char *, size_t, char *), const char *in)
{
	static char out[256];
	size_t n = fn(in, strlen(in), out);

	ck_assert_uint_lt(n, sizeof out);
	out[n] = '\0';
	return out;
}

START_TEST(test_base64_skips_what_is_not_a_digit)
{
	ck_assert_str_eq(dec(b64_decode, "SGVsbG8sIHdvcmxk"), "Hello, world");
	/* line breaks, junk and padding are skipped; leftovers decoded */
	ck_assert_str_eq(dec(b64_decode, "SGVs\r\nbG8*\n"), "Hello");
	ck_assert_str_eq(dec(b64_decode, "SGk="), "Hi");
	ck_assert_str_eq(dec(b64_decode, "SA=="), "H");
	ck_assert_str_eq(dec(b64_decode, "SA==SGk="), "H\x04\x86\x90");
	ck_assert_str_eq(dec(b64_decode, "!!"), "");
}
END_TEST

START_TEST(test_quoted_printable_codes_soft_breaks_and_line_ends)
{
	ck_assert_str_eq(dec(qp_decode, "caf=C3=A9 =3D ok"), "caf\xc3\xa9 = ok");
	/* "=" ending a line joins it to the next, LF or CRLF */
	ck_assert_str_eq(dec(qp_decode, "lo=\nng=\r\nline"), "longline");
	/* every line ends CRLF; a CR last is dropped */
	ck_assert_str_eq(dec(qp_decode, "a\nb\r\nc\rd\r"), "a\r\nb\r\nc\r\nd");
	/* lower-case hex; a digit that is not hex counts as 0 */
	ck_assert_str_eq(dec(qp_decode, "=c3=a9=4G"), "\xc3\xa9@");
	/* an "=" too near the end is kept (or what follows it) */
	ck_assert_str_eq(dec(qp_decode, "end="), "end=");
	ck_assert_str_eq(dec(qp_decode, "end=4"), "end4");
	ck_assert_str_eq(dec(qp_decode, "cut=\r"), "cut");
	/* blanks added on the way (RFC 2045 6.7): after a soft break's
	 * "=" it is still one; before a line end they go, unless coded */
	ck_assert_str_eq(dec(qp_decode, "recip= \nients=\t\r\n."),
	    "recipients.");
	ck_assert_str_eq(dec(qp_decode, "error.  \nnext=20\nend = \n"),
	    "error.\r\nnext \r\nend ");
	ck_assert_str_eq(dec(qp_decode, "a =\n\nb"), "a \r\nb");
}
END_TEST

/* HTML as a browser shows it. */
static const char *
html(const char *in)
{
	static char out[512];
	struct ndr_buf b = { 0 };

	html_to_text(&b, in, strlen(in));
	snprintf(out, sizeof out, "%.*s", (int)b.len, b.s ? b.s : "");
	free(b.s);
	return out;
}

START_TEST(test_html_to_text_as_a_browser_shows_it)
{
	/* the source's line ends and runs of blanks: one space; a <br>
	 * or a block: a line end; no blank at a line's start */
	ck_assert_str_eq(html("<p>could not be\n   delivered to:<br>\n"
	    "  bob@far.example</p>"), "\ncould not be delivered to:\n"
	    "bob@far.example\n");
	/* &nbsp; is kept, as a browser keeps it */
	ck_assert_str_eq(html("a<br>&nbsp;&nbsp;b"), "a\n  b");
	/* <pre> keeps its line ends */
	ck_assert_str_eq(html("<pre>a\n  b</pre>x\ny<br>"),
	    "\na\n  b\nx y\n");
	/* style and script are no text */
	ck_assert_str_eq(html("<style>p { margin: 0 }</style><p>t</p>"
	    "<script>x = 1;</script>"), "\nt\n");
	/* numeric entities, decimal and hex, to UTF-8; a bad one kept */
	ck_assert_str_eq(html("&#60;#5.1.1&#x3E; caf&#233; &#xZ; &#0;"),
	    "<#5.1.1> caf\xc3\xa9 &#xZ; &#0;");
	/* a cell ends with a blank; an address in brackets stays */
	ck_assert_str_eq(html("<tr><td>a</td><td><bob@far.example></td>"
	    "</tr>"), "\na <bob@far.example> \n");
	/* text labelled HTML (no tag breaks a line): its line ends stay */
	ck_assert_str_eq(html("<b>bob@far.example</b>\nUser unknown\n"),
	    "bob@far.example\nUser unknown\n");
}
END_TEST

CHECK_MAIN_CASES("text",
	{ "scanners", TESTS(
	    test_find_address_strips_brackets_and_lowercases,
	    test_find_address_needs_a_dotted_domain,
	    test_find_status_ignores_ip_addresses_and_versions,
	    test_find_status_reads_three_digit_details,
	    test_find_status_at_the_edges,
	    test_find_reply_code_skips_years_and_ports,
	    test_squeeze_folds_white_space,
	    test_lowercase_dup_lowers_ascii_letters_only,
	    test_fold_lowers_capitals_past_ascii,
	    test_ci_find_is_case_blind_and_bounded,
	    test_json_replaces_invalid_utf8_and_escapes_controls,
	    test_phrases_found_in_one_pass_in_text_order,
	    test_phrases_at_one_place_in_the_order_added,
	    test_base64_skips_what_is_not_a_digit,
	    test_quoted_printable_codes_soft_breaks_and_line_ends,
	    test_html_to_text_as_a_browser_shows_it), NULL, NULL, 0 });
