/* check_header.c - header blocks and RFC 2047 words. */
#include <string.h>

#include "check_util.h"
#include "core/engine.h"

START_TEST(test_folded_fields_are_unfolded_and_block_ends_at_blank)
{
	const char *p = "Subject: one\r\n two\r\nX-A: 1\r\n\r\nbody: no\r\n";
	struct hdrs h = { 0 };
	size_t used = hdrs_parse(&h, p, strlen(p));

	ck_assert_uint_eq(h.n, 2);
	ck_assert_str_eq(hdrs_get(&h, "subject"), "one two");
	ck_assert_str_eq(hdrs_get(&h, "X-A"), "1");
	ck_assert_ptr_null(hdrs_get(&h, "body"));
	ck_assert_str_eq(p + used, "body: no\r\n");
	hdrs_free(&h);
}
END_TEST

START_TEST(test_header_block_stops_at_a_line_that_is_no_field)
{
	const char *p = "From: a@b.example\nthis is text\nTo: c@d.example\n";
	struct hdrs h = { 0 };

	hdrs_parse(&h, p, strlen(p));
	ck_assert_uint_eq(h.n, 1);
	hdrs_free(&h);
}
END_TEST

START_TEST(test_rfc2047_words_decode_to_utf8)
{
	char *s = hdr_decode("=?ISO-8859-1?Q?R=E9sum=E9?= and =?UTF-8?B?w6k=?=");

	ck_assert_str_eq(s, "R\xc3\xa9sum\xc3\xa9 and \xc3\xa9");
	free(s);
	/* ISO-2022-JP is all ASCII bytes, and still converted */
	s = hdr_decode("=?ISO-2022-JP?B?GyRCJDMkcyRLJEEkTxsoQg==?= ok");
	ck_assert_str_eq(s, "\xe3\x81\x93\xe3\x82\x93\xe3\x81\xab"
	    "\xe3\x81\xa1\xe3\x81\xaf ok");
	free(s);
}
END_TEST

START_TEST(test_looks_like_headers_needs_known_fields)
{
	ck_assert(looks_like_headers("From: a\nTo: b\nSubject: c\n", 25, 3));
	ck_assert(!looks_like_headers("Error: x\nReason: y\nCode: z\n", 27, 1));
}
END_TEST

START_TEST(test_dates_in_utc)
{
	ck_assert_int_eq(ndr_date("Mon, 2 Mar 2026 10:00:00 +0100"),
	    1772442000);
	ck_assert_int_eq(ndr_date("2 Mar 2026 10:00:00 -0530"), 1772465400);
	ck_assert_int_eq(ndr_date("yesterday"), 0);
	ck_assert_int_eq(ndr_date(NULL), 0);
	/* read without libetpan (the common form) and with it (the rest):
	 * the same instant either way */
	ck_assert_int_eq(ndr_date("Mon, 02 Mar 2026 10:00 +0100"), 1772442000);
	ck_assert_int_eq(ndr_date("Mon, 2 Mar 2026 10:00:00 +0100 (CET)"),
	    1772442000);
	ck_assert_int_eq(ndr_date("mon, 2 mar 2026 10:00:00 +0100"),
	    1772442000);
	ck_assert_int_eq(ndr_date("Mon, 2 Mar 2026 09:00:00 GMT"), 1772442000);
	/* leap years and days past a month's end count as timegm counts */
	ck_assert_int_eq(ndr_date("29 Feb 2024 00:00:00 +0000"), 1709164800);
	ck_assert_int_eq(ndr_date("31 Feb 2023 00:00:00 +0000"), 1677801600);
	ck_assert_int_eq(ndr_date("Thu, 1 Jan 1970 00:00:00 +0100"), 0);
}
END_TEST

/* raw parsed into m with the default limits, which last as long as m */
static void
parse(struct msg *m, const char *raw, size_t n)
{
	static struct ndr_limits lim;

	ndr_limits_default(&lim);
	ck_assert_int_eq(msg_parse(m, raw, n, &lim), 0);
}

static bool
in_orig(const struct msg *m, const char *s)
{
	return memmem(m->orig_raw, m->orig_rawlen, s, strlen(s)) != NULL;
}

/* The attached original is read whole, from its first field to its end */
START_TEST(test_attached_original_read_whole)
{
	struct ndr_buf b = { 0 };
	struct msg m;
	bool fwd = false;

	fixture_raw("attached-original.eml", &b);
	parse(&m, b.s, b.len);
	/* the attached message whole, from its first field to its end */
	ck_assert_ptr_nonnull(m.orig_raw);
	ck_assert(strncmp(m.orig_raw, "Received: from laptop", 21) == 0);
	ck_assert(in_orig(&m, "\nDate: Mon, 2 Mar 2026 09:58:00 +0100\n"));
	ck_assert(in_orig(&m, "\nForwarded body.\n--orig--"));
	ck_assert(m.orig_parsed);
	/* a pasted "part" in the text is text, not a part */
	ck_assert_ptr_nonnull(strstr(m.text.s, "X-Pasted: kept in the text"));
	/* the parts of the original, the one it forwards too */
	for (size_t i = 0; i < m.nparts; i++)
		if (m.parts[i].in_original && m.parts[i].text &&
		    strstr(m.parts[i].text, "Forwarded body."))
			fwd = true;
	ck_assert(fwd);
	msg_free(&m);
	ndr_buf_free(&b);
}
END_TEST

/* A part header gives its type (a comment in it, a parameter on a folded
 * line), charset and transfer encoding; its other fields say nothing */
START_TEST(test_part_headers_give_type_charset_encoding)
{
	const char raw[] =
	    "From: a@b.test\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=\"b1\"; report-type=x\n"
	    "\n"
	    "--b1\n"
	    "Content-Type: text/plain; format=flowed;\n"
	    "\tcharset=\"iso-8859-1\"; delsp=yes\n"
	    "Content-Disposition: inline\n"
	    "Content-Transfer-Encoding: quoted-printable\n"
	    "\n"
	    "caf=E9\n"
	    "--b1\n"
	    "Content-Type: TEXT/Plain (a comment); charset=us-ascii\n"
	    "Content-Description: left out\n"
	    "\n"
	    "second\n"
	    "--b1  \n"
	    "Content-Type: text/plain; format=fixed\n"
	    "\n"
	    "--b1--\n"
	    "an epilogue nobody reads\n";
	struct msg m;

	parse(&m, raw, sizeof raw - 1);
	ck_assert_uint_eq(m.nparts, 3);
	ck_assert_str_eq(m.parts[0].text, "caf\xc3\xa9");
	ck_assert_str_eq(m.parts[1].ctype, "text/plain");
	ck_assert_str_eq(m.parts[1].text, "second");
	ck_assert_str_eq(m.parts[2].text, "");
	ck_assert_ptr_null(strstr(m.text.s, "epilogue"));
	msg_free(&m);
}
END_TEST

/* Boundaries as real mail writes them: unquoted with '=' in them, on a
 * line that lost its fold; a multipart with no delimiter is text; one
 * that lost its closing delimiter ends with its parent, without a closing
 * line of a boundary nobody declared */
START_TEST(test_broken_boundaries_read_as_far_as_they_go)
{
	const char raw[] =
	    "Content-Type: multipart/mixed; boundary=----=_Part_1.2\n"
	    "\n"
	    "preamble\n"
	    "------=_Part_1.2\n"
	    "Content-Type: multipart/alternative;\n"
	    "boundary=\"in\"\n"
	    "\n"
	    "--in\n"
	    "Content-Type: text/plain\n"
	    "\n"
	    "unfolded boundary read\n"
	    "--in--\n"
	    "------=_Part_1.2\n"
	    "Content-Type: message/rfc822\n"
	    "\n"
	    "Subject: inner\n"
	    "Content-Type: multipart/alternative; boundary=\"nowhere\"\n"
	    "\n"
	    "Nyaan\n"
	    "------=_Part_1.2\n"
	    "Content-Type: text/plain\n"
	    "\n"
	    "last\n"
	    "--rewritten-boundary--\n";
	struct msg m;

	parse(&m, raw, sizeof raw - 1);
	ck_assert_uint_eq(m.nparts, 4);
	ck_assert_str_eq(m.parts[0].text, "unfolded boundary read");
	ck_assert_int_eq(m.parts[0].depth, 2);
	ck_assert_str_eq(m.parts[1].ctype, "message/rfc822");
	ck_assert(m.orig_parsed);
	ck_assert(strncmp(m.orig_raw, "Subject: inner\n", 15) == 0);
	ck_assert(m.parts[2].in_original);
	ck_assert_str_eq(m.parts[2].text, "Nyaan");
	ck_assert_str_eq(m.parts[3].text, "last");
	msg_free(&m);
}
END_TEST

/* An original attached as message/global (RFC 6532) is read as one */
START_TEST(test_global_message_is_an_original)
{
	const char raw[] =
	    "Content-Type: multipart/report; report-type=delivery-status;\n"
	    " boundary=r\n"
	    "\n"
	    "--r\n"
	    "Content-Type: message/global-delivery-status\n"
	    "\n"
	    "Final-Recipient: utf-8; j\xc3\xbcrgen@far.example\n"
	    "--r\n"
	    "Content-Type: message/global\n"
	    "\n"
	    "Subject: Gr\xc3\xbc\xc3\x9f" "e\n"
	    "Content-Type: text/plain; charset=utf-8\n"
	    "\n"
	    "Hallo\n"
	    "--r--\n";
	struct msg m;

	parse(&m, raw, sizeof raw - 1);
	ck_assert_uint_eq(m.nparts, 3);
	ck_assert(m.orig_parsed);
	ck_assert(strncmp(m.orig_raw, "Subject: Gr\xc3\xbc\xc3\x9f" "e\n",
	    17) == 0);
	ck_assert(m.parts[2].in_original);
	ck_assert_str_eq(m.parts[2].text, "Hallo");
	msg_free(&m);
}
END_TEST

/* The top's boundary where the header lost or broke it: a declared
 * boundary that is nowhere gives way to the body's first delimiter line;
 * no Content-Type at all, with "--B" above a delivery status part, is a
 * multipart of B */
START_TEST(test_top_boundary_found_in_the_body)
{
	const char broken[] =
	    "Content-Type: multipart/report; boundary=\"declared\"\n"
	    "\n"
	    "--Other.1\n"
	    "Content-Type: text/plain\n"
	    "\n"
	    "could not deliver\n"
	    "--Other.1\n"
	    "Content-Type: message/delivery-status\n"
	    "\n"
	    "Final-Recipient: rfc822; x@far.example\n"
	    "--Other.1--\n";
	const char lost[] =
	    "Subject: failure\n"
	    "\n"
	    "--B\n"
	    "Content-Type: text/plain\n"
	    "\n"
	    "could not deliver\n"
	    "--B\n"
	    "Content-Type: message/delivery-status\n"
	    "\n"
	    "Final-Recipient: rfc822; x@far.example\n"
	    "--B--\n";
	const char *const raws[] = { broken, lost };
	const size_t lens[] = { sizeof broken - 1, sizeof lost - 1 };
	struct msg m;

	for (int k = 0; k < 2; k++) {
		parse(&m, raws[k], lens[k]);
		ck_assert_uint_eq(m.nparts, 2);
		ck_assert_str_eq(m.parts[0].text, "could not deliver");
		ck_assert_ptr_nonnull(m.dsn);
		ck_assert_str_eq(m.dsn->text,
		    "Final-Recipient: rfc822; x@far.example");
		msg_free(&m);
	}
}
END_TEST

/* A digest's parts are messages unless they say otherwise */
START_TEST(test_digest_parts_are_messages)
{
	const char raw[] =
	    "Content-Type: multipart/digest; boundary=d\n"
	    "\n"
	    "--d\n"
	    "\n"
	    "Subject: one\n"
	    "\n"
	    "first\n"
	    "--d--\n";
	struct msg m;

	parse(&m, raw, sizeof raw - 1);
	ck_assert_uint_eq(m.nparts, 2);
	ck_assert_str_eq(m.parts[0].ctype, "message/rfc822");
	ck_assert_str_eq(m.parts[1].text, "first");
	msg_free(&m);
}
END_TEST

/* The copy of the original is found after a NUL in the report text too */
START_TEST(test_quoted_original_found_past_a_nul)
{
	const char raw[] = "From: MAILER-DAEMON@mx.ndrsweep.test\n"
	    "Subject: failure notice\n\n"
	    "I could not deliver\0 your message.\n"
	    "--- Below this line is a copy of the message.\n\n"
	    "From: alice@ndrsweep.test\nSubject: Lunch\n";
	struct msg m;

	parse(&m, raw, sizeof raw - 1);
	ck_assert_uint_eq(msg_report_len(&m), 35);
	ck_assert(strncmp(m.text.s + 35, "--- Below", 9) == 0);
	msg_free(&m);
}
END_TEST

/* Parts of odd shapes: no field in a part header, only fields that say
 * nothing of the part, an attached message whose multipart lost its
 * closing delimiter */
START_TEST(test_odd_part_shapes)
{
	const char raw[] =
	    "Content-Type: multipart/report; boundary=\"out\"\n"
	    "\n"
	    "--out\n"
	    "\n"
	    "no field in the header\n"
	    "--out\n"
	    "Content-Description: only this\n"
	    "\n"
	    "Return-Path: <a@b.test>\n"
	    "\n"
	    "body after a field nobody needs\n"
	    "--out\n"
	    "Content-Type: message/delivery-status\n"
	    "\n"
	    "Final-Recipient: rfc822; d@far.example\n"
	    "--out\n"
	    "Content-Type: message/rfc822\n"
	    "\n"
	    "Subject: inner\n"
	    "Content-Type: multipart/alternative; boundary=\"in\"\n"
	    "\n"
	    "--in\n"
	    "Content-Type: text/plain\n"
	    "\n"
	    "Nyaan\n"
	    "\n"
	    "--out--\n";
	const char *want[] = {
		"no field in the header",
		"Return-Path: <a@b.test>\n\nbody after a field nobody needs",
		"Final-Recipient: rfc822; d@far.example",
		NULL,			/* the message/rfc822 part */
		"Nyaan",
	};
	struct msg m;

	parse(&m, raw, sizeof raw - 1);
	ck_assert_uint_eq(m.nparts, 5);
	for (size_t k = 0; k < 5; k++)
		if (want[k])
			ck_assert_str_eq(m.parts[k].text, want[k]);
	msg_free(&m);
}
END_TEST

/* line ends made LF: CRLF, a lone CR, CR at the very end, runs of them;
 * in place too (the scan's copy of a message) */
START_TEST(test_line_ends_made_lf)
{
	const char in[] = "a\r\nbc\rd\n\r\r\ne\r";
	const char want[] = "a\nbc\nd\n\n\ne\n";
	char out[sizeof in], same[sizeof in];
	size_t n;

	n = ndr_lf(out, in, sizeof in - 1);
	ck_assert_uint_eq(n, sizeof want - 1);
	ck_assert_mem_eq(out, want, n);
	memcpy(same, in, sizeof in);
	n = ndr_lf(same, same, sizeof in - 1);
	ck_assert_uint_eq(n, sizeof want - 1);
	ck_assert_mem_eq(same, want, n);
	ck_assert_uint_eq(ndr_lf(out, "plain\n", 6), 6);
	ck_assert_uint_eq(ndr_lf(out, "", 0), 0);
}
END_TEST

CHECK_MAIN_CASES("header",
	{ "blocks", TESTS(
	    test_folded_fields_are_unfolded_and_block_ends_at_blank,
	    test_dates_in_utc,
	    test_header_block_stops_at_a_line_that_is_no_field,
	    test_rfc2047_words_decode_to_utf8,
	    test_looks_like_headers_needs_known_fields,
	    test_attached_original_read_whole,
	    test_part_headers_give_type_charset_encoding,
	    test_broken_boundaries_read_as_far_as_they_go,
	    test_digest_parts_are_messages,
	    test_top_boundary_found_in_the_body,
	    test_global_message_is_an_original,
	    test_quoted_original_found_past_a_nul,
	    test_odd_part_shapes,
	    test_line_ends_made_lf), NULL, NULL, 0 });
