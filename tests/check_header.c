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

static bool
in_orig(const struct msg *m, const char *s)
{
	return memmem(m->orig_raw, m->orig_rawlen, s, strlen(s)) != NULL;
}

/* What libetpan parses is a slim copy; what the engine reads is whole */
START_TEST(test_attached_header_slimmed_for_libetpan_only)
{
	struct ndr_buf b = { 0 };
	struct ndr_limits lim;
	struct msg m;
	bool fwd = false;

	fixture_raw("attached-original.eml", &b);
	ndr_limits_default(&lim);
	ck_assert_int_eq(msg_parse(&m, b.s, b.len, &lim), 0);
	/* the attached message whole, from its first field to its end */
	ck_assert_ptr_nonnull(m.orig_raw);
	ck_assert(strncmp(m.orig_raw, "Received: from laptop", 21) == 0);
	ck_assert(in_orig(&m, "\nDate: Mon, 2 Mar 2026 09:58:00 +0100\n"));
	ck_assert(in_orig(&m, "\nForwarded body.\n--orig--"));
	/* libetpan's copy: the attached headers without their other fields */
	ck_assert_ptr_nonnull(m.slim);
	ck_assert_ptr_null(strstr(m.slim, "Message-ID: <minutes-7"));
	ck_assert_ptr_null(strstr(m.slim, "From: bob@"));
	ck_assert_ptr_nonnull(strstr(m.slim, "boundary=orig"));
	/* a pasted "part" in the text is text, not a header to slim */
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

/* libetpan's copy of a part header: the type with its charset and
 * boundary only (unquoted when a token), the transfer encoding; other
 * fields out; a leaf's body out too. A value not
 * plain enough, and the header of a part with no body, stay whole */
START_TEST(test_part_headers_slimmed_to_what_libetpan_needs)
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
	    "Content-Type: text/plain (a comment); charset=us-ascii\n"
	    "Content-Description: left out\n"
	    "\n"
	    "second\n"
	    "--b1\n"
	    "Content-Type: text/plain; format=fixed\n"
	    "\n"
	    "--b1--\n";
	struct ndr_limits lim;
	struct msg m;

	ndr_limits_default(&lim);
	ck_assert_int_eq(msg_parse(&m, raw, sizeof raw - 1, &lim), 0);
	ck_assert_ptr_nonnull(m.slim);
	/* the bodies left out: the engine reads them in the message */
	ck_assert_str_eq(strstr(m.slim,
	    "Content-Type:multipart/mixed;boundary=b1\n\n--b1\n"
	    "Content-Type:text/plain;charset=iso-8859-1\n"
	    "Content-Transfer-Encoding: quoted-printable\n\n\n--b1\n"),
	    m.slim);
	ck_assert_ptr_nonnull(strstr(m.slim,
	    "\n--b1\nContent-Type: text/plain (a comment); charset=us-ascii\n"
	    "\n\n--b1\n"));
	ck_assert_ptr_null(strstr(m.slim, "caf=E9"));
	ck_assert_ptr_null(strstr(m.slim, "second"));
	ck_assert_ptr_nonnull(strstr(m.slim,
	    "\n--b1\nContent-Type: text/plain; format=fixed\n\n--b1--\n"));
	ck_assert_ptr_null(strstr(m.slim, "From:"));
	ck_assert_ptr_null(strstr(m.slim, "MIME-Version"));
	/* and the parts read as before */
	ck_assert_uint_eq(m.nparts, 3);
	ck_assert_str_eq(m.parts[0].text, "caf\xc3\xa9");
	ck_assert_str_eq(m.parts[1].text, "second");
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
	struct ndr_limits lim;
	struct msg m;

	ndr_limits_default(&lim);
	ck_assert_int_eq(msg_parse(&m, raw, sizeof raw - 1, &lim), 0);
	ck_assert_uint_eq(msg_report_len(&m), 35);
	ck_assert(strncmp(m.text.s + 35, "--- Below", 9) == 0);
	msg_free(&m);
}
END_TEST

/* Bodies left out of libetpan's copy are read in the message: also in
 * the shapes where libetpan reads a part its own way (no field in a
 * part header, only fields it does not need, an attached message whose
 * multipart lost its closing delimiter) */
START_TEST(test_bodies_left_out_read_in_the_message)
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
	struct ndr_limits lim;
	struct msg m;

	ndr_limits_default(&lim);
	ck_assert_int_eq(msg_parse(&m, raw, sizeof raw - 1, &lim), 0);
	ck_assert_uint_eq(m.nparts, 5);
	for (size_t k = 0; k < 5; k++)
		if (want[k])
			ck_assert_str_eq(m.parts[k].text, want[k]);
	/* the plain leaf's body is not in libetpan's copy; the others stay
	 * for it to read its own way: after a header it would see empty,
	 * or ended by another boundary's delimiter */
	ck_assert_ptr_null(strstr(m.slim, "Final-Recipient"));
	ck_assert_ptr_nonnull(strstr(m.slim, "no field in the header"));
	ck_assert_ptr_nonnull(strstr(m.slim, "nobody needs"));
	ck_assert_ptr_nonnull(strstr(m.slim, "Nyaan"));
	msg_free(&m);
}
END_TEST

CHECK_MAIN_CASES("header",
	{ "blocks", TESTS(
	    test_folded_fields_are_unfolded_and_block_ends_at_blank,
	    test_dates_in_utc,
	    test_header_block_stops_at_a_line_that_is_no_field,
	    test_rfc2047_words_decode_to_utf8,
	    test_looks_like_headers_needs_known_fields,
	    test_attached_header_slimmed_for_libetpan_only,
	    test_part_headers_slimmed_to_what_libetpan_needs,
	    test_quoted_original_found_past_a_nul,
	    test_bodies_left_out_read_in_the_message), NULL, NULL, 0 });
