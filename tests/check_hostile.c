/* check_hostile.c - hostile input: bounded, never a crash or a hang. */
#include <string.h>

#include "check_util.h"

static struct ndr_report *
read_buf(const struct ndr_buf *b)
{
	struct ndr_report *r = NULL;

	ck_assert_int_eq(ndr_read(b->s, b->len, NULL, &r), NDR_OK);
	ck_assert_ptr_nonnull(r);
	return r;
}

/* A postfix-like report head with one recipient of this status, its
 * boundary "X" still open for the part that follows. */
static void
dsn_head(struct ndr_buf *b, const char *status)
{
	ndr_buf_printf(b, "From: MAILER-DAEMON@mx.far.example\n"
	    "Subject: Undelivered Mail Returned to Sender\n"
	    "Content-Type: multipart/report; report-type=delivery-status; "
	    "boundary=\"X\"\n\n--X\nContent-Type: message/delivery-status\n\n"
	    "Final-Recipient: rfc822; bob@far.example\nAction: failed\n"
	    "Status: %s\n\n", status);
}

START_TEST(test_empty_input_is_an_error_not_a_report)
{
	struct ndr_report *r = NULL;

	ck_assert_int_eq(ndr_read("\r\n\n", 3, NULL, &r), NDR_ERR_EMPTY);
	ck_assert_ptr_null(r);
}
END_TEST

START_TEST(test_truncated_mime_still_reads_the_report)
{
	struct ndr_buf b = { 0 };
	struct ndr_report *r;

	dsn_head(&b, "5.1.1");
	ndr_buf_adds(&b, "--X\nContent-Type: message/rfc822\n\n"
	    "Message-ID: <cut@x.example>\nSubject: cu");
	r = read_buf(&b);
	ck_assert_int_eq(r->kind, NDR_KIND_BOUNCE);
	ck_assert_str_eq(r->rcpts[0].status, "5.1.1");
	ndr_report_free(&r);
	ndr_buf_free(&b);
}
END_TEST

START_TEST(test_missing_boundary_and_8bit_junk)
{
	struct ndr_buf b = { 0 };
	struct ndr_report *r;

	ndr_buf_adds(&b, "From: \xff\xfe\x80 <MAILER-DAEMON@x.example>\n"
	    "Subject: \x1b[31mfailure notice\n"
	    "Content-Type: multipart/mixed\n\n");
	for (int i = 0; i < 4096; i++)
		ndr_buf_addc(&b, (char)(i * 7 + 1));
	r = read_buf(&b);
	ck_assert_ptr_nonnull(r->subject);
	ck_assert_ptr_nonnull(strstr(r->subject, "failure notice"));
	ck_assert_ptr_nonnull(r->from);
	ndr_report_free(&r);
	ndr_buf_free(&b);
}
END_TEST

START_TEST(test_fifty_megabyte_attachment_is_cut_not_read)
{
	struct ndr_buf b = { 0 };
	struct ndr_report *r;

	dsn_head(&b, "5.2.2");
	ndr_buf_adds(&b, "--X\nContent-Type: application/octet-stream\n"
	    "Content-Transfer-Encoding: base64\n\n");
	while (b.len < 50u << 20)
		ndr_buf_adds(&b, "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB"
		    "QUFBQUFBQUFBQUFBQUFB\n");
	ndr_buf_adds(&b, "--X--\n");
	r = read_buf(&b);
	ck_assert(r->truncated);
	ck_assert_int_eq(r->kind, NDR_KIND_BOUNCE);
	ck_assert_int_eq(r->rcpts[0].reason, NDR_R_MAILBOXFULL);
	ndr_report_free(&r);
	ndr_buf_free(&b);
}
END_TEST

START_TEST(test_thousand_nested_parts_are_capped)
{
	struct ndr_buf b = { 0 };
	struct ndr_report *r;

	ndr_buf_adds(&b, "From: x@y.example\nSubject: nest\n");
	for (int i = 0; i < 1000; i++)
		ndr_buf_printf(&b, "Content-Type: multipart/mixed; "
		    "boundary=\"b%d\"\n\n--b%d\n", i, i);
	ndr_buf_adds(&b, "Content-Type: text/plain\n\ndeep\n");
	for (int i = 999; i >= 0; i--)
		ndr_buf_printf(&b, "--b%d--\n", i);
	r = read_buf(&b);
	ck_assert(r->truncated);
	ck_assert_int_eq(r->kind, NDR_KIND_OTHER);
	ndr_report_free(&r);
	ndr_buf_free(&b);
}
END_TEST

START_TEST(test_many_recipients_are_capped)
{
	struct ndr_buf b = { 0 };
	struct ndr_report *r;

	ndr_buf_adds(&b, "From: MAILER-DAEMON@mx.far.example\n"
	    "Subject: failure notice\n\nHi. This is the qmail-send program.\n\n");
	for (int i = 0; i < 3000; i++)
		ndr_buf_printf(&b, "<u%d@far.example>:\nno mailbox here.\n\n", i);
	r = read_buf(&b);
	ck_assert_uint_le(r->nrcpts, 1000);
	ck_assert(r->truncated);
	ndr_report_free(&r);
	ndr_buf_free(&b);
}
END_TEST

START_TEST(test_unterminated_header_line_without_newline)
{
	struct ndr_buf b = { 0 };
	struct ndr_report *r;

	ndr_buf_adds(&b, "From: MAILER-DAEMON@mx.far.example\nSubject: x");
	r = read_buf(&b);
	ck_assert_str_eq(r->subject, "x");
	ndr_report_free(&r);
	ndr_buf_free(&b);
}
END_TEST

CHECK_MAIN_CASES("hostile",
	{ "bounded", TESTS(test_empty_input_is_an_error_not_a_report,
	    test_truncated_mime_still_reads_the_report,
	    test_missing_boundary_and_8bit_junk,
	    test_fifty_megabyte_attachment_is_cut_not_read,
	    test_thousand_nested_parts_are_capped,
	    test_many_recipients_are_capped,
	    test_unterminated_header_line_without_newline), NULL, NULL, 60 });
