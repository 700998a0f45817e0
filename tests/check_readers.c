/* check_readers.c - one fixture per format family, real fields asserted. */
#include <string.h>

#include "check_util.h"

static const struct ndr_rcpt *
rcpt(const struct ndr_report *r, size_t i)
{
	ck_assert_uint_gt(r->nrcpts, i);
	return &r->rcpts[i];
}

START_TEST(test_postfix_dsn_multiple_recipients_keep_order)
{
	struct ndr_report *r = fixture("postfix.eml");

	ck_assert_int_eq(r->kind, NDR_KIND_BOUNCE);
	ck_assert_str_eq(r->format, "postfix");
	ck_assert_str_eq(r->reporting_mta, "mx.ndrsweep.test");
	ck_assert_uint_eq(r->nrcpts, 2);
	ck_assert_str_eq(rcpt(r, 0)->address, "bob@far.example");
	ck_assert_str_eq(rcpt(r, 0)->status, "5.1.1");
	ck_assert_str_eq(rcpt(r, 0)->reply_code, "550");
	ck_assert_str_eq(rcpt(r, 0)->command, "RCPT");
	ck_assert_str_eq(rcpt(r, 0)->remote_mta, "mx.far.example");
	ck_assert_int_eq(rcpt(r, 0)->reason, NDR_R_USERUNKNOWN);
	ck_assert(rcpt(r, 0)->hard);
	ck_assert_str_eq(rcpt(r, 1)->address, "carol@far.example");
	ck_assert_int_eq(rcpt(r, 1)->reason, NDR_R_MAILBOXFULL);
	ck_assert(!rcpt(r, 1)->hard);
	ndr_report_free(&r);
}
END_TEST

START_TEST(test_postfix_full_original_is_read)
{
	struct ndr_report *r = fixture("postfix.eml");
	const struct ndr_original *o = &r->original;

	ck_assert_int_eq(o->form, NDR_FORM_FULL);
	ck_assert_str_eq(o->message_id, "<report-42@ndrsweep.test>");
	ck_assert_str_eq(o->subject, "Quarterly r\xc3\xa9sum\xc3\xa9");
	ck_assert_str_eq(o->x_mailer, "Tabby 3.1");
	ck_assert_uint_eq(o->received.n, 1);
	ck_assert_uint_eq(o->links.n, 2);
	ck_assert_str_eq(o->links.v[0], "files.ndrsweep.test");
	ck_assert_ptr_nonnull(strstr(o->excerpt, "Hello Bob"));
	ndr_report_free(&r);
}
END_TEST

START_TEST(test_qmail_quoted_original_is_not_a_recipient)
{
	struct ndr_report *r = fixture("qmail.eml");

	ck_assert_str_eq(r->format, "qmail");
	ck_assert_uint_eq(r->nrcpts, 1);
	ck_assert_str_eq(rcpt(r, 0)->address, "dave@far.example");
	ck_assert_str_eq(rcpt(r, 0)->status, "5.1.1");
	ck_assert_int_eq(r->original.form, NDR_FORM_QUOTED);
	ck_assert_str_eq(r->original.message_id, "<q-7@ndrsweep.test>");
	ndr_report_free(&r);
}
END_TEST

START_TEST(test_exim_spam_rejection_after_data)
{
	struct ndr_report *r = fixture("exim.eml");

	ck_assert_str_eq(r->format, "exim");
	ck_assert_str_eq(rcpt(r, 0)->address, "erin@far.example");
	ck_assert_str_eq(rcpt(r, 0)->status, "5.7.1");
	ck_assert_str_eq(rcpt(r, 0)->command, "DATA");
	ck_assert_int_eq(rcpt(r, 0)->reason, NDR_R_SPAMDETECTED);
	ck_assert_str_eq(r->original.subject, "Cheap watches 80% off");
	ck_assert_str_eq(r->original.links.v[0], "watches.spam.example");
	ndr_report_free(&r);
}
END_TEST

/* Status before Final-Recipient in its block: still that recipient's */
START_TEST(test_dsn_fields_before_final_recipient)
{
	struct ndr_report *r = fixture("dsn-late-recipient.eml");

	ck_assert_int_eq(r->nrcpts, 1);
	ck_assert_str_eq(rcpt(r, 0)->address, "dave@far.example");
	ck_assert_str_eq(rcpt(r, 0)->status, "5.1.1");
	ck_assert_str_eq(rcpt(r, 0)->action, "failed");
	ck_assert_str_eq(rcpt(r, 0)->orig_rcpt, "dave@far.example");
	ck_assert_int_eq(rcpt(r, 0)->reason, NDR_R_USERUNKNOWN);
	ndr_report_free(&r);
}
END_TEST

/* The delimiters lost, the DSN fields still in the text */
START_TEST(test_dsn_fields_inline)
{
	struct ndr_report *r = fixture("dsn-inline.eml");

	ck_assert_int_eq(r->nrcpts, 1);
	ck_assert_str_eq(rcpt(r, 0)->address, "erin@far.example");
	ck_assert_str_eq(rcpt(r, 0)->status, "5.5.0");
	ck_assert_str_eq(r->reporting_mta, "mx.ndrsweep.test");
	ndr_report_free(&r);
}
END_TEST

/* A gateway's notice around a whole delivery report: the inner one */
START_TEST(test_wrapped_report_is_read_inside)
{
	struct ndr_report *r = fixture("wrapped-report.eml");

	ck_assert_int_eq(r->kind, NDR_KIND_BOUNCE);
	ck_assert_int_eq(r->nrcpts, 1);
	ck_assert_str_eq(rcpt(r, 0)->address, "frank@far.example");
	ck_assert_str_eq(rcpt(r, 0)->status, "5.1.1");
	ck_assert_int_eq(rcpt(r, 0)->reason, NDR_R_USERUNKNOWN);
	ck_assert_str_eq(r->original.message_id, "<budget-9@ndrsweep.test>");
	ndr_report_free(&r);
}
END_TEST

/* The wrapper's own multipart/mixed may carry "report-type=delivery-
 * status" for what it wraps: the report inside is still the one read,
 * not the wrapper's To taken for the failed recipient. */
START_TEST(test_wrapper_saying_report_type_is_read_inside)
{
	static const char from[] = "Content-Type: multipart/mixed; ";
	struct ndr_buf b = { 0 }, w = { 0 };
	struct ndr_report *r = NULL;

	fixture_raw("wrapped-report.eml", &b);
	const char *at = strstr(b.s, from);
	ck_assert_ptr_nonnull(at);
	ndr_buf_add(&w, b.s, (size_t)(at - b.s) + strlen(from));
	ndr_buf_add(&w, "report-type=delivery-status; ", 29);
	ndr_buf_add(&w, at + strlen(from), strlen(at + strlen(from)));
	ck_assert_int_eq(ndr_read(w.s, w.len, NULL, &r), NDR_OK);
	ck_assert_int_eq(r->kind, NDR_KIND_BOUNCE);
	ck_assert_int_eq(r->nrcpts, 1);
	ck_assert_str_eq(rcpt(r, 0)->address, "frank@far.example");
	ndr_report_free(&r);
	ndr_buf_free(&b);
	ndr_buf_free(&w);
}
END_TEST

/* The attached original is read whole: its fields, the MIME ones and
 * the others, and its own parts */
START_TEST(test_attached_original_is_read_whole)
{
	struct ndr_report *r = fixture("attached-original.eml");
	const struct ndr_original *o = &r->original;

	ck_assert_int_eq(r->kind, NDR_KIND_BOUNCE);
	ck_assert_str_eq(rcpt(r, 0)->address, "dave@far.example");
	ck_assert_int_eq(o->form, NDR_FORM_FULL);
	ck_assert_str_eq(o->message_id, "<minutes-7@ndrsweep.test>");
	ck_assert_str_eq(o->subject, "Minutes");
	ck_assert_str_eq(o->from, "alice@ndrsweep.test");
	ck_assert_ptr_nonnull(o->date);
	ck_assert_uint_eq(o->received.n, 1);
	ck_assert_uint_eq(o->links.n, 1);
	ck_assert_str_eq(o->links.v[0], "notes.ndrsweep.test");
	ck_assert_ptr_nonnull(strstr(o->excerpt, "See https"));
	ndr_report_free(&r);
}
END_TEST

/* The scan's first phase: header fields alone pick what to fetch whole */
START_TEST(test_candidates_from_headers)
{
	static const char *const reports[] = {
		"postfix.eml", "qmail.eml", "exim.eml", "sendmail.eml",
		"exchange2003.eml", "gmail-delay.eml", "amazonses.eml",
		"arf.eml", "vacation.eml", "sendmail-v5.eml", NULL };
	for (int i = 0; reports[i]; i++) {
		struct ndr_buf b = { 0 };
		fixture_raw(reports[i], &b);
		const char *end = strstr(b.s, "\n\n");
		ck_assert_ptr_nonnull(end);
		ck_assert_msg(ndr_candidate(b.s, (size_t)(end - b.s) + 1),
		    "%s not a candidate", reports[i]);
		ndr_buf_free(&b);
	}
	static const char ordinary[] =
	    "From: Bob <bob@example.org>\nTo: alice@example.org\n"
	    "Subject: Lunch on Friday\nMessage-ID: <l@example.org>\n"
	    "Content-Type: text/plain\n";
	ck_assert(!ndr_candidate(ordinary, sizeof ordinary - 1));
	static const char nullsender[] =
	    "Return-Path: <>\nFrom: someone@example.org\nSubject: hi\n";
	ck_assert(ndr_candidate(nullsender, sizeof nullsender - 1));
	/* what the engine reads as a daemon's, phase one fetches: a MIME
	 * encoded failure subject, a From with no address, a daemon's
	 * envelope sender rewritten on delivery, MDaemon */
	static const char *const more[] = {
	    "From: scanner@gw.example.org\nSubject: =?utf-8?B?"
	    "RGVsaXZlcnkgZmFpbHVyZSBub3RpZmljYXRpb24=?=\n",
	    "From: relay@gw.example.org\nSubject: =?iso-8859-1?Q?"
	    "Unzustellbar:_Ihre_Nachricht?=\n",
	    "From: relay@gw.example.org\nSubject: =?utf-8?Q?Undelivered?= "
	    "=?utf-8?Q?_Mail_Returned?=\n",
	    "From: \"Mail Robot\" <>\nSubject: Mail Error\n",
	    "Return-Path: <MAILER-DAEMON@relay.example.org>\n"
	    "From: notices@mx.example.org\nSubject: Your message\n",
	    "From: MDaemon@mx.example.org\nSubject: Warning: a@b.example\n",
	    /* an auto-reply known by its subject alone, in a language whose
	     * capitals are not ASCII, plain or MIME encoded */
	    "From: ivan@corp.example\nSubject: \xd0\x90\xd0\x92\xd0\xa2"
	    "\xd0\x9e\xd0\x9c\xd0\x90\xd0\xa2\xd0\x98\xd0\xa7\xd0\x95"
	    "\xd0\xa1\xd0\x9a\xd0\x98\xd0\x99 \xd0\x9e\xd0\xa2\xd0\x92"
	    "\xd0\x95\xd0\xa2: plan\n",
	    "From: eleni@corp.example\nSubject: =?utf-8?B?zpHPhc+Ez4zOvM6xz4TOt"
	    "yDOsc+AzqzOvc+EzrfPg863OiBwbGFu?=\n",
	    NULL };
	for (int i = 0; more[i]; i++)
		ck_assert_msg(ndr_candidate(more[i], strlen(more[i])),
		    "case %d not a candidate", i);
	/* a list's post goes out with the list's -admin envelope sender */
	static const char post[] =
	    "Return-Path: <team-admin@lists.example.org>\n"
	    "From: Bob <bob@example.org>\nSubject: [team] minutes\n";
	ck_assert(!ndr_candidate(post, sizeof post - 1));
	/* an encoded subject of ordinary words is still ordinary */
	static const char plain[] =
	    "From: Bob <bob@example.org>\n"
	    "Subject: =?utf-8?B?THVuY2ggb24gRnJpZGF5?=\n";
	ck_assert(!ndr_candidate(plain, sizeof plain - 1));
	/* broken encoded words: read as they are, never past their end */
	static const char *const broken[] = { "=?", "=?utf-8?B?",
	    "=?utf-8?Q?=?=", "=?utf-8?B?====?=", "=?\?B?\?=", "x =?a?q?_?",
	    "=?utf-8?Q?a=\?= =?", "=?utf-8?X?abc?=", NULL };
	for (int i = 0; broken[i]; i++) {
		char hdr[256];
		snprintf(hdr, sizeof hdr, "From: bob@example.org\n"
		    "Subject: %s\n", broken[i]);
		ck_assert(!ndr_candidate(hdr, strlen(hdr)));
	}
}
END_TEST

/* V5 sendmail lists no failed addresses: the transcript's last lines do */
START_TEST(test_sendmail_v5_transcript_recipients)
{
	struct ndr_report *r = fixture("sendmail-v5.eml");

	ck_assert_str_eq(r->format, "sendmail");
	ck_assert_int_eq(r->nrcpts, 2);
	ck_assert_str_eq(rcpt(r, 0)->address, "bob@far.example");
	ck_assert_int_eq(rcpt(r, 0)->reason, NDR_R_HOSTUNKNOWN);
	ck_assert_str_eq(rcpt(r, 1)->address, "carol@near.example");
	ck_assert_int_eq(rcpt(r, 1)->reason, NDR_R_USERUNKNOWN);
	ck_assert_str_eq(rcpt(r, 1)->command, "RCPT");
	ck_assert_str_eq(r->original.message_id, "<minutes-7@ndrsweep.test>");
	/* the report's own identity, for the store */
	ck_assert_str_eq(r->message_id, "<v5-1@relay.ndrsweep.test>");
	ck_assert_int_eq(r->date, 1772442000);	/* 2 Mar 2026 09:00 UTC */
	ndr_report_free(&r);
}
END_TEST

START_TEST(test_sendmail_headers_only_original)
{
	struct ndr_report *r = fixture("sendmail.eml");

	ck_assert_str_eq(r->format, "sendmail");
	ck_assert_str_eq(rcpt(r, 0)->address, "frank@far.example");
	ck_assert_str_eq(rcpt(r, 0)->status, "5.1.2");
	ck_assert_int_eq(rcpt(r, 0)->reason, NDR_R_HOSTUNKNOWN);
	ck_assert_int_eq(r->original.form, NDR_FORM_HEADERS);
	ck_assert_str_eq(r->original.message_id, "<s-9@ndrsweep.test>");
	ndr_report_free(&r);
}
END_TEST

START_TEST(test_exchange2003_address_on_date_line)
{
	struct ndr_report *r = fixture("exchange2003.eml");

	ck_assert_str_eq(r->format, "exchange2003");
	ck_assert_uint_eq(r->nrcpts, 1);
	ck_assert_str_eq(rcpt(r, 0)->address, "grace@corp.far.example");
	ck_assert_int_eq(rcpt(r, 0)->reason, NDR_R_USERUNKNOWN);
	ck_assert_int_eq(r->original.form, NDR_FORM_NONE);
	ndr_report_free(&r);
}
END_TEST

START_TEST(test_gmail_warning_is_a_delay)
{
	struct ndr_report *r = fixture("gmail-delay.eml");

	ck_assert_int_eq(r->kind, NDR_KIND_DELAY);
	ck_assert_str_eq(r->format, "gmail");
	ck_assert_str_eq(rcpt(r, 0)->address, "heidi@slow.example");
	ck_assert_str_eq(rcpt(r, 0)->action, "delayed");
	ck_assert_int_eq(rcpt(r, 0)->reason, NDR_R_EXPIRED);
	ck_assert(!rcpt(r, 0)->hard);
	ndr_report_free(&r);
}
END_TEST

START_TEST(test_amazonses_json_notification)
{
	struct ndr_report *r = fixture("amazonses.eml");

	ck_assert_int_eq(r->kind, NDR_KIND_BOUNCE);
	ck_assert_str_eq(r->format, "amazonses");
	ck_assert_str_eq(rcpt(r, 0)->address, "ivan@far.example");
	ck_assert_str_eq(rcpt(r, 0)->status, "5.1.1");
	ck_assert_int_eq(rcpt(r, 0)->reason, NDR_R_USERUNKNOWN);
	ndr_report_free(&r);
}
END_TEST

START_TEST(test_arf_is_feedback_not_bounce)
{
	struct ndr_report *r = fixture("arf.eml");

	ck_assert_int_eq(r->kind, NDR_KIND_FEEDBACK);
	ck_assert_str_eq(r->feedback_type, "abuse");
	ck_assert_str_eq(r->original.message_id, "<arf-1@spam.example>");
	ndr_report_free(&r);
}
END_TEST

START_TEST(test_read_receipt_is_other)
{
	struct ndr_report *r = fixture("mdn.eml");

	ck_assert_int_eq(r->kind, NDR_KIND_OTHER);
	ck_assert_uint_eq(r->nrcpts, 0);
	ndr_report_free(&r);
}
END_TEST

START_TEST(test_vacation_is_autoreply)
{
	struct ndr_report *r = fixture("vacation.eml");

	ck_assert_int_eq(r->kind, NDR_KIND_AUTOREPLY);
	ndr_report_free(&r);
}
END_TEST

START_TEST(test_ordinary_mail_talking_of_failure_is_other)
{
	struct ndr_report *r = fixture("ordinary.eml");

	ck_assert_int_eq(r->kind, NDR_KIND_OTHER);
	ck_assert_uint_eq(r->nrcpts, 0);
	ndr_report_free(&r);
}
END_TEST

/* A report written here, read from a string. */
static struct ndr_report *
read_text(const char *msg)
{
	struct ndr_report *r = NULL;

	ck_assert_int_eq(ndr_read(msg, strlen(msg), NULL, &r), NDR_OK);
	return r;
}

/* A Sieve "reject" (RFC 5429) comes as a disposition notification that
 * a filter deleted the message on its own: a refusal, so a bounce of the
 * Final-Recipient with the filter's reason; the same notification of a
 * person's deletion, or of an automatic display, is no bounce. */
static const char sieve_reject[] =
    "From: Mail Delivery Subsystem <MAILER-DAEMON@imap.far.example>\n"
    "To: ann@near.example\n"
    "Subject: Automatically rejected mail\n"
    "Auto-Submitted: auto-replied (rejected)\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/report; "
    "report-type=disposition-notification; boundary=\"R\"\n\n"
    "--R\n"
    "Content-Type: text/plain; charset=utf-8\n\n"
    "Your message was automatically rejected by Sieve, a mail\n"
    "filtering language.\n\n"
    "The following reason was given:\n"
    "Mailbox is over quota, try later\n\n"
    "--R\n"
    "Content-Type: message/disposition-notification\n\n"
    "Reporting-UA: imap.far.example; Cyrus timsieved\n"
    "Original-Recipient: rfc822; Cy@Far.example\n"
    "Final-Recipient: rfc822; cy.local@imap.far.example\n"
    "Original-Message-ID: <m1@near.example>\n"
    "Disposition: %s\n\n"
    "--R\n"
    "Content-Type: text/rfc822-headers\n\n"
    "From: ann@near.example\n"
    "To: cy@far.example\n"
    "Subject: Minutes\n"
    "Message-ID: <m1@near.example>\n\n"
    "--R--\n";

static struct ndr_report *
sieve_with(const char *disposition)
{
	char buf[sizeof sieve_reject + 100];

	snprintf(buf, sizeof buf, sieve_reject, disposition);
	return read_text(buf);
}

START_TEST(test_sieve_reject_is_bounce)
{
	struct ndr_report *r =
	    sieve_with("automatic-action/MDN-sent-automatically; deleted");

	ck_assert_int_eq(r->kind, NDR_KIND_BOUNCE);
	ck_assert_str_eq(r->format, "mdn");
	ck_assert_uint_eq(r->nrcpts, 1);
	ck_assert_str_eq(rcpt(r, 0)->address, "cy@far.example");
	ck_assert_int_eq(rcpt(r, 0)->reason, NDR_R_MAILBOXFULL);
	ck_assert_str_eq(r->original.subject, "Minutes");
	ndr_report_free(&r);

	r = sieve_with("manual-action/MDN-sent-manually; deleted");
	ck_assert_int_eq(r->kind, NDR_KIND_OTHER);
	ck_assert_uint_eq(r->nrcpts, 0);
	ndr_report_free(&r);
	r = sieve_with("automatic-action/MDN-sent-automatically; displayed");
	ck_assert_int_eq(r->kind, NDR_KIND_OTHER);
	ndr_report_free(&r);

	/* Dovecot's: the original removed, its Message-ID only in the
	 * notification, where Sent can still find it */
	static const char removed[] =
	    "From: Mail Delivery Subsystem <postmaster@far.example>\n"
	    "To: <ann@near.example>\n"
	    "Subject: Automatically rejected mail\n"
	    "Content-Type: multipart/report; "
	    "report-type=disposition-notification; boundary=\"D\"\n\n"
	    "--D\nContent-Type: text/plain\n\n"
	    "Your message to <dan@far.example> was automatically rejected:\n"
	    "I do not accept mail from you\n"
	    "--D\nContent-Type: message/disposition-notification\n\n"
	    "Reporting-UA: far.example; Dovecot Mail Delivery Agent\n"
	    "Final-Recipient: rfc822; dan@far.example\n"
	    "Original-Message-ID: <sent-7@near.example>\n"
	    "Disposition: automatic-action/MDN-sent-automatically; deleted\n\n"
	    "--D\nContent-Type: message/rfc822\n\nMessage removed\n--D--\n";
	r = read_text(removed);
	ck_assert_int_eq(r->kind, NDR_KIND_BOUNCE);
	ck_assert_str_eq(rcpt(r, 0)->address, "dan@far.example");
	ck_assert_str_eq(r->original.message_id, "<sent-7@near.example>");
	ndr_report_free(&r);
}
END_TEST

/* msg read as one report of this kind naming addr alone */
static void
one_rcpt(const char *msg, enum ndr_kind kind, const char *addr)
{
	struct ndr_report *r = read_text(msg);

	ck_assert_int_eq(r->kind, kind);
	ck_assert_uint_eq(r->nrcpts, 1);
	ck_assert_str_eq(rcpt(r, 0)->address, addr);
	ndr_report_free(&r);
}

/* "To:" in the summary of the original's fields above the failed list
 * is whom it was written to, not a failed recipient; without any other
 * address it still stands for the recipient. */
START_TEST(test_summary_of_the_original_is_not_a_recipient)
{
	static const char with[] =
	    "From: postmaster@mx.far.example\r\n"
	    "To: ann@near.example\r\n"
	    "Subject: Undeliverable: Minutes\r\n\r\n"
	    "Your message did not reach some or all of the intended "
	    "recipients.\r\n\r\n"
	    "      To:\tcarl@far.example\r\n"
	    "      Subject:\tMinutes\r\n"
	    "      Sent:\t4/29/21 11:34 PM\r\n\r\n"
	    "The following recipient(s) could not be reached:\r\n\r\n"
	    "      bob@far.example on 4/29/21 11:34 PM\r\n"
	    "            550 5.1.1 User unknown\r\n";
	static const char alone[] =
	    "From: postmaster@mx.far.example\r\n"
	    "To: ann@near.example\r\n"
	    "Subject: Undeliverable: Minutes\r\n\r\n"
	    "Your message could not be delivered.\r\n\r\n"
	    "      To:\tcarl@far.example\r\n"
	    "      Subject:\tMinutes\r\n"
	    "      Sent:\t4/29/21 11:34 PM\r\n\r\n"
	    "550 5.1.1 User unknown\r\n";
	struct ndr_report *r = read_text(with);

	ck_assert_int_eq(r->kind, NDR_KIND_BOUNCE);
	ck_assert_uint_eq(r->nrcpts, 1);
	ck_assert_str_eq(rcpt(r, 0)->address, "bob@far.example");
	ck_assert_str_eq(rcpt(r, 0)->status, "5.1.1");
	ndr_report_free(&r);
	r = read_text(alone);
	ck_assert_uint_eq(r->nrcpts, 1);
	ck_assert_str_eq(rcpt(r, 0)->address, "carl@far.example");
	ndr_report_free(&r);
}
END_TEST

/* A block of To:, Cc:, Date:, Subject: at the left margin above the
 * report's text sums the original up: the text goes on below it (IMail),
 * and a URI blocklist is about the content, not the sending host. */
START_TEST(test_summary_block_is_not_the_original)
{
	static const char msg[] =
	    "From: \"Postmaster\" <postmaster@mail.far.example>\n"
	    "To: ann@near.example\n"
	    "Subject: Undeliverable Mail\n\n"
	    "Save to the following Address Book:\n"
	    "To: ann@near.example\n"
	    "CC:\n"
	    "Date: Thursday, Apr 29, 2021 2:45:56 PM\n"
	    "Subject: Undeliverable Mail\n\n"
	    "undeliverable to bob@far.example\n\n"
	    "Body of message generated response:\n\n"
	    "550-REJECTED - Blacklisted URL in message. (shop.example) in "
	    "[black].\n550 See the list's site.\n";
	struct ndr_report *r = read_text(msg);

	ck_assert_int_eq(r->kind, NDR_KIND_BOUNCE);
	ck_assert_uint_eq(r->nrcpts, 1);
	ck_assert_str_eq(rcpt(r, 0)->address, "bob@far.example");
	ck_assert_int_eq(rcpt(r, 0)->reason, NDR_R_SPAMDETECTED);
	ndr_report_free(&r);
}
END_TEST

/* The error said above "Message details:" is the recipient's, and a
 * size of 222 bytes is no reply code (James, Verizon). */
START_TEST(test_error_above_message_details)
{
	static const char msg[] =
	    "From: post_master@gw.far.example\n"
	    "To: ann@near.example\n"
	    "Subject: Re: Minutes\n\n"
	    "Error: Invalid user address\n\n"
	    "Error message below:\n"
	    "550 - Requested action not taken: no such user here\n\n"
	    "Message details:\n"
	    "  Subject: Minutes\n"
	    "  Sent date: Wed Apr 29 23:34:45 GMT 2021\n"
	    "  MAIL FROM: ann@near.example\n"
	    "  RCPT TO: bob@far.example\n"
	    "  From: ann@near.example\n"
	    "  Size (in bytes): 222\n"
	    "  Number of lines: 2\n";
	struct ndr_report *r = read_text(msg);

	ck_assert_uint_eq(r->nrcpts, 1);
	ck_assert_str_eq(rcpt(r, 0)->address, "bob@far.example");
	ck_assert_int_eq(rcpt(r, 0)->reason, NDR_R_USERUNKNOWN);
	ndr_report_free(&r);
}
END_TEST

/* A message that expired because the name service or the route failed
 * is reported by that cause; one whose server did not answer, expired. */
START_TEST(test_expired_by_its_network_cause)
{
	static const char head[] =
	    "From: MAILER-DAEMON@mx.near.example\n"
	    "To: ann@near.example\n"
	    "Subject: Undelivered Mail Returned to Sender\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/report; report-type=delivery-status; "
	    "boundary=\"B\"\n\n--B\n\nYour message could not be delivered.\n"
	    "\n--B\nContent-Type: message/delivery-status\n\n"
	    "Reporting-MTA: dns; mx.near.example\n\n"
	    "Final-Recipient: rfc822; bob@far.example\n"
	    "Action: failed\nStatus: 4.4.7\nDiagnostic-Code: X-Postfix; %s\n"
	    "\n--B--\n";
	static const struct { const char *diag; enum ndr_reason want; } t[] = {
		{ "Deferred: Name server: far.example.: host name lookup "
		  "failure", NDR_R_NETWORKERROR },
		{ "connect to mx.far.example[192.0.2.2]:25: No route to host",
		  NDR_R_NETWORKERROR },
		{ "connect to mx.far.example[192.0.2.2]:25: Connection timed "
		  "out", NDR_R_EXPIRED },
	};
	char msg[2048];

	for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
		snprintf(msg, sizeof msg, head, t[i].diag);
		struct ndr_report *r = read_text(msg);
		ck_assert_uint_eq(r->nrcpts, 1);
		ck_assert_msg(rcpt(r, 0)->reason == t[i].want, "%s: %s",
		    t[i].diag, ndr_reason_name(rcpt(r, 0)->reason));
		ndr_report_free(&r);
	}
}
END_TEST

/* An HTML-only Exchange NDR: the recipients listed at the top, each one's
 * code only in "Diagnostic information for administrators", HTML-escaped
 * ("&lt;#5.1.1 smtp;550 ...&gt;"): each gets its own, markup and entities
 * out of the diagnostic. */
START_TEST(test_html_ndr_codes_in_the_admin_section)
{
	static const char msg[] =
	    "From: Mail Delivery System <postmaster@gw.far.example>\n"
	    "To: ann@near.example\n"
	    "Subject: Undeliverable message\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: text/html; charset=us-ascii\n\n"
	    "<html><body><p>Delivery has failed to these recipients or "
	    "groups:</p>\n<p><a href=\"mailto:bob@far.example\">"
	    "bob@far.example</a><br>\n<a href=\"mailto:cy@far.example\">"
	    "cy@far.example</a></p>\n"
	    "<p>Diagnostic information for administrators:</p>\n"
	    "<p>Generating server: gw.far.example</p>\n"
	    "<p>bob@far.example<br>\nRemote Server returned '&lt;#5.1.1 "
	    "smtp;550 5.1.1 RESOLVER.ADR.RecipNotFound; not found&gt;'</p>\n"
	    "<p>cy@far.example<br>\nRemote Server returned '&lt;#5.2.2 "
	    "smtp;552 5.2.2 Mailbox full&gt;'</p>\n</body></html>\n";
	struct ndr_report *r = read_text(msg);

	ck_assert_int_eq(r->kind, NDR_KIND_BOUNCE);
	ck_assert_uint_eq(r->nrcpts, 2);
	ck_assert_str_eq(rcpt(r, 0)->address, "bob@far.example");
	ck_assert_str_eq(rcpt(r, 0)->status, "5.1.1");
	ck_assert_int_eq(rcpt(r, 0)->reason, NDR_R_USERUNKNOWN);
	ck_assert_str_eq(rcpt(r, 1)->address, "cy@far.example");
	ck_assert_str_eq(rcpt(r, 1)->status, "5.2.2");
	ck_assert_int_eq(rcpt(r, 1)->reason, NDR_R_MAILBOXFULL);
	for (int i = 0; i < 2; i++) {
		const char *d = rcpt(r, i)->diagnostic;
		ck_assert_ptr_nonnull(d);
		ck_assert_msg(strstr(d, "&lt;") == NULL && strstr(d, "<p") ==
		    NULL, "%s", d);
	}
	ndr_report_free(&r);
}
END_TEST

/* An HTML-only report whose gateway broke each line with <br> and its
 * source where it liked: read as the same report in plain text is. */
START_TEST(test_html_report_with_source_breaks_reads_as_text)
{
	static const char plain[] =
	    "From: MAILER-DAEMON@mx.near.example (Mail Delivery System)\n"
	    "To: ann@near.example\n"
	    "Subject: Undelivered Mail Returned to Sender\n"
	    "Content-Type: text/plain\n\n"
	    "I'm sorry to have to inform you that your message could not\n"
	    "be delivered to one or more recipients.\n\n"
	    "<bob@far.example>: host mx.far.example[192.0.2.1] said: 550\n"
	    "    5.1.1 <bob@far.example>... User unknown (in reply to RCPT TO\n"
	    "    command)\n\n"
	    "<cy@far.example>: host mx.far.example[192.0.2.1] said: 552\n"
	    "    5.2.2 <cy@far.example>... Mailbox full (in reply to RCPT TO\n"
	    "    command)\n";
	static const char html[] =
	    "From: MAILER-DAEMON@mx.near.example (Mail Delivery System)\n"
	    "To: ann@near.example\n"
	    "Subject: Undelivered Mail Returned to Sender\n"
	    "Content-Type: text/html\n\n"
	    "<html><head><style>\np { margin: 0 }\n</style></head><body>\n"
	    "I'm sorry to have to inform you that your message could not<br>\n"
	    "be delivered to one or more recipients.<br>\n<br>\n"
	    "&lt;bob@far.example&gt;: host mx.far.example[192.0.2.1] said:\n"
	    "550<br>\n&nbsp;&nbsp;&nbsp;&nbsp;5.1.1 &lt;bob@far.example&gt;..."
	    " User\nunknown (in reply to RCPT TO<br>\n&nbsp;&nbsp;&nbsp;&nbsp;"
	    "command)<br>\n<br>\n&lt;cy@far.example&gt;: host mx.far.example"
	    "[192.0.2.1] said: 552<br>\n&nbsp;&nbsp;&nbsp;&nbsp;5.2.2 "
	    "&lt;cy@far.example&gt;...\nMailbox full (in reply to RCPT TO<br>\n"
	    "&nbsp;&nbsp;&nbsp;&nbsp;command)<br>\n</body></html>\n";
	struct ndr_report *p = read_text(plain), *h = read_text(html);

	ck_assert_int_eq(p->kind, NDR_KIND_BOUNCE);
	ck_assert_int_eq(h->kind, NDR_KIND_BOUNCE);
	ck_assert_uint_eq(p->nrcpts, 2);
	ck_assert_uint_eq(h->nrcpts, 2);
	for (size_t i = 0; i < 2; i++) {
		ck_assert_str_eq(rcpt(h, i)->address, rcpt(p, i)->address);
		ck_assert_str_eq(rcpt(h, i)->status, rcpt(p, i)->status);
		ck_assert_int_eq(rcpt(h, i)->reason, rcpt(p, i)->reason);
	}
	ck_assert_int_eq(rcpt(h, 0)->reason, NDR_R_USERUNKNOWN);
	ck_assert_int_eq(rcpt(h, 1)->reason, NDR_R_MAILBOXFULL);
	ndr_report_free(&p);
	ndr_report_free(&h);
}
END_TEST

/* Which HTML is the report's text: an HTML part is read unless it is the
 * other version of a text/plain one (multipart/alternative); an HTML
 * report beside a text part that is not its version (the returned
 * headers as a part of their own) is read. */
START_TEST(test_html_part_read_unless_an_alternative_of_plain)
{
	static const char mixed[] =
	    "From: MAILER-DAEMON@mx.far.example\n"
	    "To: ann@near.example\n"
	    "Subject: Returned mail: User unknown\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=\"b1\"\n\n"
	    "--b1\nContent-Type: text/html\n\n"
	    "<p>---The following addresses had delivery errors---</p>\n"
	    "<p>bob@far.example [User unknown]</p>\n"
	    "--b1\nReceived: from mx.near.example by mx.far.example\n"
	    "From: ann@near.example\nTo: bob@far.example\n\nHello\n"
	    "--b1--\n";
	static const char alt[] =
	    "From: MAILER-DAEMON@mx.far.example\n"
	    "To: ann@near.example\n"
	    "Subject: Returned mail: User unknown\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/alternative; boundary=\"b1\"\n\n"
	    "--b1\nContent-Type: text/plain\n\n"
	    "The following address had delivery errors:\n\n"
	    "bob@far.example: 550 5.1.1 User unknown\n"
	    "--b1\nContent-Type: text/html\n\n"
	    "<p>The following address had delivery errors:</p>\n"
	    "<p>cy@far.example: 550 5.1.1 User unknown</p>\n"
	    "--b1--\n";

	one_rcpt(mixed, NDR_KIND_BOUNCE, "bob@far.example");
	/* the HTML version is not read: cy is not in the plain one */
	one_rcpt(alt, NDR_KIND_BOUNCE, "bob@far.example");
}
END_TEST

/* RFC 3464 fixes no order for a recipient's fields: written backwards,
 * an x400 Final-Recipient's block still names the Original-Recipient and
 * keeps its own Status; and a block with no Diagnostic-Code takes the
 * words after its Status code, never the next recipient's block. */
START_TEST(test_dsn_fields_in_any_order)
{
	static const char fwd[] =
	    "From: MAILER-DAEMON@mx.far.example\n"
	    "To: ann@near.example\n"
	    "Subject: Delivery Status Notification (Failure)\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/report; report-type=delivery-status; "
	    "boundary=\"b1\"\n\n"
	    "--b1\nContent-Type: text/plain\n\nDelivery failed.\n\n"
	    "--b1\nContent-Type: message/delivery-status\n\n"
	    "Reporting-MTA: dns; mx.far.example\n\n"
	    "%s\n--b1--\n";
	static const char *const blocks[] = {
	    /* as written most often */
	    "Original-Recipient: rfc822; bob@far.example\n"
	    "Final-Recipient: x400; /RFC-822=bob(a)far.example/ADMD= /C=WW/\n"
	    "Action: failed\nStatus: 5.0.0\n"
	    "X400-Supplementary-Info: \"MTA gives error 5.7.1 Unable to "
	    "relay\"\n\n"
	    "Final-Recipient: rfc822; cy@far.example\nAction: delayed\n"
	    "Status: 4.4.1 (far.example: connection timed out)\n\n"
	    "Final-Recipient: rfc822; dee@far.example\nAction: failed\n"
	    "Status: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 User unknown\n",
	    /* each block backwards */
	    "X400-Supplementary-Info: \"MTA gives error 5.7.1 Unable to "
	    "relay\"\nStatus: 5.0.0\nAction: failed\n"
	    "Final-Recipient: x400; /RFC-822=bob(a)far.example/ADMD= /C=WW/\n"
	    "Original-Recipient: rfc822; bob@far.example\n\n"
	    "Status: 4.4.1 (far.example: connection timed out)\n"
	    "Action: delayed\nFinal-Recipient: rfc822; cy@far.example\n\n"
	    "Diagnostic-Code: smtp; 550 5.1.1 User unknown\nStatus: 5.1.1\n"
	    "Action: failed\nFinal-Recipient: rfc822; dee@far.example\n",
	};
	for (size_t k = 0; k < 2; k++) {
		char msg[2048];
		snprintf(msg, sizeof msg, fwd, blocks[k]);
		struct ndr_report *r = read_text(msg);
		ck_assert_uint_eq(r->nrcpts, 3);
		ck_assert_str_eq(rcpt(r, 0)->address, "bob@far.example");
		ck_assert_str_eq(rcpt(r, 0)->status, "5.0.0");
		ck_assert_str_eq(rcpt(r, 1)->address, "cy@far.example");
		ck_assert_str_eq(rcpt(r, 1)->status, "4.4.1");
		ck_assert_ptr_nonnull(rcpt(r, 1)->diagnostic);
		ck_assert_str_eq(rcpt(r, 1)->diagnostic,
		    "far.example: connection timed out");
		ck_assert_str_eq(rcpt(r, 2)->address, "dee@far.example");
		ck_assert_int_eq(rcpt(r, 2)->reason, NDR_R_USERUNKNOWN);
		ndr_report_free(&r);
	}
}
END_TEST

/* Report text read as "address: what was said": a recipient with nothing
 * said of it before a blank line takes the next paragraph ("address",
 * blank, "reason"); but a DSN's blocks in text (its MIME broken) are each
 * the Final-Recipient's they hold, their fields in any order. */
START_TEST(test_text_diagnostic_stops_at_the_next_recipient)
{
	static const char msg[] =
	    "From: MAILER-DAEMON@mx.far.example\n"
	    "To: ann@near.example\n"
	    "Subject: Undeliverable mail\n\n"
	    "Delivery to the following recipients failed.\n\n"
	    "Recipient: bob@far.example\n\n"
	    "Reason: mailbox full\n"
	    "Recipient: cy@far.example\n\n"
	    "Remote-MTA: mx.far.example\n"
	    "Diagnostic: 550 5.1.1 user unknown\n"
	    "Recipient: dee@far.example\n"
	    "Reason: 550 5.7.1 relaying denied\n";
	struct ndr_report *r = read_text(msg);

	ck_assert_uint_eq(r->nrcpts, 3);
	ck_assert_str_eq(rcpt(r, 0)->address, "bob@far.example");
	ck_assert_int_eq(rcpt(r, 0)->reason, NDR_R_MAILBOXFULL);
	ck_assert_str_eq(rcpt(r, 1)->address, "cy@far.example");
	ck_assert_int_eq(rcpt(r, 1)->reason, NDR_R_USERUNKNOWN);
	ck_assert_str_eq(rcpt(r, 2)->address, "dee@far.example");
	ck_assert_int_eq(rcpt(r, 2)->reason, NDR_R_NORELAYING);
	ndr_report_free(&r);

	static const char inline_dsn[] =
	    "From: MAILER-DAEMON@mx.far.example\n"
	    "To: ann@near.example\n"
	    "Subject: Returned mail: see transcript for details\n\n"
	    "The original message was received at Mon, 2 Mar 2026\n\n"
	    "Reporting-MTA: dns; mx.far.example\n\n"
	    "Action: delayed\nFinal-Recipient: rfc822; bob@far.example\n"
	    "Original-Recipient: rfc822; bob@far.example\n\n"
	    "Remote-MTA: dns; mx.far.example\n"
	    "Diagnostic-Code: smtp; 550 5.1.1 user unknown\n"
	    "Status: 5.1.1\nAction: failed\n"
	    "Final-Recipient: rfc822; cy@far.example\n";
	r = read_text(inline_dsn);
	ck_assert_uint_eq(r->nrcpts, 2);
	ck_assert_str_eq(rcpt(r, 0)->address, "bob@far.example");
	ck_assert_msg(rcpt(r, 0)->diagnostic == NULL ||
	    strstr(rcpt(r, 0)->diagnostic, "550") == NULL, "%s",
	    rcpt(r, 0)->diagnostic);
	ck_assert_int_ne(rcpt(r, 0)->reason, NDR_R_USERUNKNOWN);
	ck_assert_str_eq(rcpt(r, 1)->address, "cy@far.example");
	ck_assert_int_eq(rcpt(r, 1)->reason, NDR_R_USERUNKNOWN);
	ndr_report_free(&r);
}
END_TEST

/* A delivery status labelled text/plain (old Exchange, some gateways) is
 * read as the delivery status it is; a notice that quotes such fields in
 * its prose is still text. */
START_TEST(test_dsn_labelled_text_is_a_dsn)
{
	static const char fmt[] =
	    "From: MAILER-DAEMON@mx.far.example\n"
	    "To: ann@near.example\n"
	    "Subject: Delivery Status Notification (Failure)\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/report; report-type=delivery-status; "
	    "boundary=\"b1\"\n\n"
	    "--b1\nContent-Type: text/plain\n\n"
	    "Your message could not be delivered.\n\n"
	    "--b1\nContent-Type: text/plain\n\n"
	    "%sReporting-MTA: dns; mx.far.example\n\n"
	    "Final-Recipient: rfc822; bob@far.example\nAction: failed\n"
	    "Status: 5.2.2\nRemote-MTA: dns; mx2.far.example\n"
	    "Diagnostic-Code: smtp; 552 5.2.2 Mailbox full\n\n--b1--\n";
	char msg[1024];

	snprintf(msg, sizeof msg, fmt, "");
	struct ndr_report *r = read_text(msg);
	ck_assert_int_eq(r->kind, NDR_KIND_BOUNCE);
	ck_assert_ptr_nonnull(r->reporting_mta);
	ck_assert_str_eq(r->reporting_mta, "mx.far.example");
	ck_assert_uint_eq(r->nrcpts, 1);
	ck_assert_str_eq(rcpt(r, 0)->address, "bob@far.example");
	ck_assert_str_eq(rcpt(r, 0)->status, "5.2.2");
	ck_assert_ptr_nonnull(rcpt(r, 0)->remote_mta);
	ck_assert_str_eq(rcpt(r, 0)->remote_mta, "mx2.far.example");
	ndr_report_free(&r);

	/* prose first: a notice, read as text (no Reporting-MTA taken;
	 * its words still give the status) */
	snprintf(msg, sizeof msg, fmt, "The server said this of it:\n");
	r = read_text(msg);
	ck_assert_ptr_null(r->reporting_mta);
	ck_assert_uint_eq(r->nrcpts, 1);
	ck_assert_str_eq(rcpt(r, 0)->address, "bob@far.example");
	ck_assert_str_eq(rcpt(r, 0)->status, "5.2.2");
	ndr_report_free(&r);
}
END_TEST

/* An original attached as octets ("application/octet-stream; name=
 * ATT00001.eml"), as is or base64-encoded: read as the message it is;
 * octets that are no message stay octets. */
START_TEST(test_original_attached_as_octets)
{
	static const char fmt[] =
	    "From: MAILER-DAEMON@mx.far.example\n"
	    "To: ann@near.example\n"
	    "Subject: Undelivered Mail Returned to Sender\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=\"b1\"\n\n"
	    "--b1\nContent-Type: text/plain\n\n"
	    "<bob@far.example>: host mx.far.example said: 550 5.1.1 User "
	    "unknown\n\n"
	    "--b1\nContent-Type: application/octet-stream; name=ATT00001.eml\n"
	    "%s\n%s\n--b1--\n";
	static const char plain[] =
	    "Received: from mx.near.example by mx.far.example\n"
	    "From: ann@near.example\nTo: bob@far.example\nSubject: figures\n"
	    "Message-ID: <q3-7@near.example>\n\nThe figures for the "
	    "quarter.\n";
	static const char b64[] =
	    "UmVjZWl2ZWQ6IGZyb20gbXgubmVhci5leGFtcGxlIGJ5IG14LmZhci5l\n"
	    "eGFtcGxlCkZyb206IGFubkBuZWFyLmV4YW1wbGUKVG86IGJvYkBmYXIu\n"
	    "ZXhhbXBsZQpTdWJqZWN0OiBmaWd1cmVzCk1lc3NhZ2UtSUQ6IDxxMy03\n"
	    "QG5lYXIuZXhhbXBsZT4KClRoZSBmaWd1cmVzIGZvciB0aGUgcXVhcnRl\n"
	    "ci4K\n";
	static const char *const bodies[][2] = {
		{ "", plain },
		{ "Content-Transfer-Encoding: base64\n", b64 },
	};
	char msg[2048];

	for (size_t k = 0; k < 2; k++) {
		snprintf(msg, sizeof msg, fmt, bodies[k][0], bodies[k][1]);
		struct ndr_report *r = read_text(msg);
		ck_assert_uint_eq(r->nrcpts, 1);
		ck_assert_str_eq(rcpt(r, 0)->address, "bob@far.example");
		ck_assert_ptr_nonnull(r->original.message_id);
		ck_assert_str_eq(r->original.message_id, "<q3-7@near.example>");
		ck_assert_ptr_nonnull(r->original.subject);
		ck_assert_str_eq(r->original.subject, "figures");
		ndr_report_free(&r);
	}
	/* a long header (60 Received fields: past the 4 KB looked at) */
	struct ndr_buf raw = { 0 }, enc = { 0 };
	for (int k = 0; k < 60; k++)
		ndr_buf_printf(&raw, "Received: from hop%d.far.example by "
		    "hop%d.far.example with ESMTP id %08d\n", k, k + 1, k);
	ndr_buf_adds(&raw, "From: ann@near.example\nTo: bob@far.example\n"
	    "Message-ID: <long-9@near.example>\n\nHello\n");
	static const char digits[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	for (size_t i = 0; i < raw.len; i += 3) {
		unsigned v = (unsigned char)raw.s[i] << 16 | (i + 1 < raw.len ?
		    (unsigned char)raw.s[i + 1] << 8 : 0) | (i + 2 < raw.len ?
		    (unsigned char)raw.s[i + 2] : 0);
		for (int k = 0; k < 4; k++)
			ndr_buf_addc(&enc, i + (size_t)k * 3 / 4 < raw.len ||
			    k == 0 ? digits[v >> (18 - 6 * k) & 63] : '=');
		if (i % 57 == 54)
			ndr_buf_addc(&enc, '\n');
	}
	char *big = malloc(enc.len + 1024);
	ck_assert_ptr_nonnull(big);
	sprintf(big, fmt, "Content-Transfer-Encoding: base64\n", enc.s);
	struct ndr_report *lr = read_text(big);
	ck_assert_ptr_nonnull(lr->original.message_id);
	ck_assert_str_eq(lr->original.message_id, "<long-9@near.example>");
	ndr_report_free(&lr);
	free(big);
	ndr_buf_free(&raw);
	ndr_buf_free(&enc);

	/* octets that are no message: no original */
	snprintf(msg, sizeof msg, fmt, "Content-Transfer-Encoding: base64\n",
	    "JVBERi0xLjUNJeLjz9MNCjM0NiAwIG9iag08PC9MaW5lYXJpemVkIDEvTCA3\n");
	struct ndr_report *r = read_text(msg);
	ck_assert_ptr_null(r->original.message_id);
	ndr_report_free(&r);
}
END_TEST

/* A filter's tag before the subject ("[SPAM] ", "***SPAM*** ") hides no
 * auto-reply; a list's tag is no filter's. */
START_TEST(test_autoreply_behind_a_filter_tag)
{
	static const char fmt[] =
	    "From: Kim Lee <kim@far.example>\n"
	    "To: ann@near.example\n"
	    "Subject: %s\n\n"
	    "I am out of the office until Monday.\n";
	static const char *const tagged[] = { "[SPAM] Auto reply: figures",
		"***SPAM*** AUTO: Kim Lee is out of the office",
		"{Suspect} [External] Out of office: figures", NULL };
	char msg[512];

	for (size_t k = 0; tagged[k]; k++) {
		snprintf(msg, sizeof msg, fmt, tagged[k]);
		struct ndr_report *r = read_text(msg);
		ck_assert_msg(r->kind == NDR_KIND_AUTOREPLY, "%s", tagged[k]);
		ndr_report_free(&r);
	}
	snprintf(msg, sizeof msg, fmt, "[team] Auto insurance, figures");
	struct ndr_report *r = read_text(msg);
	ck_assert_int_ne(r->kind, NDR_KIND_AUTOREPLY);
	ndr_report_free(&r);
}
END_TEST

/* A report on mail sent through a list, with the list's footer below a
 * signature line or Mailman's underscores: the list's address there is
 * no failed recipient. */
START_TEST(test_list_footer_is_not_a_recipient)
{
	static const char head[] =
	    "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.far.example>\n"
	    "To: team-bounces@lists.near.example\n"
	    "Subject: Undeliverable: [Team] Weekly notes\n\n"
	    "Your message to the following recipients could not be "
	    "delivered:\n\n   smtp=kim@far.example\n"
	    "   Reason: 550 5.1.1 no such user\n\n%s\n"
	    "Team mailing list\nteam@lists.near.example\n"
	    "https://lists.near.example/mailman/listinfo/team\n";
	static const char *const rule[] = { "-- ",
	    "_______________________________________________" };
	char msg[1024];

	for (int i = 0; i < 2; i++) {
		snprintf(msg, sizeof msg, head, rule[i]);
		struct ndr_report *r = read_text(msg);
		ck_assert_uint_eq(r->nrcpts, 1);
		ck_assert_str_eq(rcpt(r, 0)->address, "kim@far.example");
		ck_assert_str_eq(rcpt(r, 0)->status, "5.1.1");
		ndr_report_free(&r);
	}
}
END_TEST

/* Free text in Japanese: the failure said with words no list had
 * ("配送に失敗しました", subject "配送失敗"), the address labelled. */
START_TEST(test_japanese_free_text_bounce)
{
	static const char msg[] =
	    "From: MAILER-DAEMON@mail.far.example\n"
	    "To: ann@near.example\n"
	    "Subject: =?UTF-8?B?6YWN6YCB5aSx5pWX?=\n"
	    "Content-Type: text/plain; charset=UTF-8\n"
	    "Content-Transfer-Encoding: 8bit\n\n"
	    "以下の宛先へのメッセージの配送に失敗しました。\n\n"
	    "宛先: taro@far.example\n"
	    "理由: 550 5.1.1 ユーザーが存在しません\n";
	struct ndr_report *r = read_text(msg);

	ck_assert_int_eq(r->kind, NDR_KIND_BOUNCE);
	ck_assert_uint_eq(r->nrcpts, 1);
	ck_assert_str_eq(rcpt(r, 0)->address, "taro@far.example");
	ck_assert_int_eq(rcpt(r, 0)->reason, NDR_R_USERUNKNOWN);
	ndr_report_free(&r);
}
END_TEST

/* A challenge-response system's request, sent as a multipart/report whose
 * delivery-status says "delayed": an automatic answer, not a delay. */
START_TEST(test_challenge_as_report_is_autoreply)
{
	static const char msg[] =
	    "From: \"Boxbe\" <notify@boxbe.com>\n"
	    "To: ann@near.example\n"
	    "Subject: Please verify your email (Re: Lunch)\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/report; report-type=delivery-status; "
	    "boundary=\"B\"\n\n--B\nContent-Type: text/plain\n\n"
	    "Your message to bob@far.example has been received, but bob "
	    "uses Boxbe to\nscreen mail from unknown senders. Please click "
	    "below to verify yourself.\n\n--B\n"
	    "Content-Type: message/delivery-status\n\n"
	    "Reporting-MTA: dns; boxbe.com\n\n"
	    "Final-Recipient: rfc822;bob@far.example\nAction: delayed\n"
	    "Status: 4.7.0\n\n--B--\n";
	struct ndr_report *r = read_text(msg);

	ck_assert_int_eq(r->kind, NDR_KIND_AUTOREPLY);
	ndr_report_free(&r);
}
END_TEST

/* Several failed recipients listed on one line, decorated as reports do:
 * each named, in order, and each given the reason said after the list. */
START_TEST(test_recipients_listed_on_one_line)
{
	static const char msg[] =
	    "From: MAILER-DAEMON@mx.far.example\n"
	    "To: ann@near.example\n"
	    "Subject: Undelivered Mail\n\n"
	    "Message delivery failed for recipient(s):\n"
	    "rita@far.example, <sam@far.example>; 'tom@far.example' and "
	    "uma@far.example\n\n"
	    "Reason: 550 5.1.1 no such users\n";
	static const char *const want[] = { "rita@far.example",
	    "sam@far.example", "tom@far.example", "uma@far.example" };
	struct ndr_report *r = read_text(msg);

	ck_assert_uint_eq(r->nrcpts, 4);
	for (size_t i = 0; i < 4; i++) {
		ck_assert_str_eq(rcpt(r, i)->address, want[i]);
		ck_assert_int_eq(rcpt(r, i)->reason, NDR_R_USERUNKNOWN);
	}
	ndr_report_free(&r);
}
END_TEST

/* A gateway's report from a sender of its own name: its subject and text
 * say a failure; the address follows a label of the gateway's own words
 * ("Unknown user:"), quoted, or alone on the line after the phrase. The
 * same words in ordinary mail with a plain subject are no report. */
START_TEST(test_gateway_report_by_subject_and_words)
{
	static const char *const bodies[] = {
	    "Unknown user: lee@far.example\n\n"
	    "RCPT TO generated following response:\n"
	    "553 5.3.0 <lee@far.example>... Addressee unknown\n\n"
	    "Unknown user: max@far.example\n\n"
	    "553 5.3.0 <max@far.example>... Addressee unknown\n",
	    "Votre message n'a pas pu etre delivre a\nlee@far.example\n\n"
	    "Your message could not be delivered to\nmax@far.example\n",
	    "------ Failed Recipients ------\n\n"
	    "<lee@far.example>: mailbox unavailable. [SMTP Error Code 550]\n"
	    "<max@far.example>: mailbox unavailable. [SMTP Error Code 550]\n",
	};
	char msg[1024];

	for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++) {
		snprintf(msg, sizeof msg,
		    "From: scanner@gw.far.example\nTo: ann@near.example\n"
		    "Subject: Returned Mail - Delivery Failure\n\n%s",
		    bodies[i]);
		struct ndr_report *r = read_text(msg);
		ck_assert_int_eq(r->kind, NDR_KIND_BOUNCE);
		ck_assert_uint_eq(r->nrcpts, 2);
		ck_assert_str_eq(rcpt(r, 0)->address, "lee@far.example");
		ck_assert_str_eq(rcpt(r, 1)->address, "max@far.example");
		ndr_report_free(&r);
		snprintf(msg, sizeof msg,
		    "From: bob@gw.far.example\nTo: ann@near.example\n"
		    "Subject: notes from the meeting\n\n%s", bodies[i]);
		r = read_text(msg);
		ck_assert_int_eq(r->kind, NDR_KIND_OTHER);
		ndr_report_free(&r);
	}
}
END_TEST

/* A report whose envelope sender is a daemon's address (rewritten from
 * <> on delivery), or whose From has no address, is a daemon's: a delay
 * said in its own words is read, 'quotes' around an address are no part
 * of it. */
START_TEST(test_daemon_by_envelope_and_empty_from)
{
	static const char delay[] =
	    "Return-Path: <MAILER-DAEMON@relay.near.example>\n"
	    "From: notices@mx.far.example\nTo: ann@near.example\n"
	    "Subject: Warning: message has not yet been delivered\n\n"
	    "Your message to:\n\tlee@far.example\n\n"
	    "has not yet been delivered because the server did not "
	    "respond.\nWe will continue to attempt delivery for 5 days.\n";
	static const char quoted[] =
	    "From: \"Mail Robot\" <>\nTo: ann@near.example\n"
	    "Subject: Mail Error\n\n"
	    "The message addressed to 'lee@far.example', failed because "
	    "it was not collected after 30 days.\n";

	one_rcpt(delay, NDR_KIND_DELAY, "lee@far.example");
	one_rcpt(quoted, NDR_KIND_BOUNCE, "lee@far.example");
}
END_TEST

/* In a sentence-only report, the list's own address ("not accepting mail
 * from team@lists..." when the report went to team-bounces@lists...) and
 * an address named as a sender are no recipients; an address in passing
 * gives way to the one the returned copy was delivered for ("for <a@b>"
 * in its Received); "(generated from a@b)" names the address written. */
START_TEST(test_sentence_report_prefers_the_copys_recipient)
{
	static const char list[] =
	    "From: Mail Delivery Subsystem <MAILER-DAEMON@far.example>\n"
	    "To: <team-bounces@lists.near.example>\n"
	    "Subject: Mail Delivery Problem\n\n"
	    "Your mail to the following recipients could not be delivered "
	    "because\nthey are not accepting mail from "
	    "team@lists.near.example:\n\tlee\n";
	static const char passing[] =
	    "From: postmaster@far.example\nTo: team-admin@near.example\n"
	    "Subject: FAILED MAIL to \"lee\"\n\n"
	    "Addresses here have the form first.last@far.example. The "
	    "address your message\nwas sent to, lee@far.example, did not "
	    "match one.\n\nOriginal message:\n"
	    ">Received: from mx.near.example by mx.far.example with ESMTP "
	    "for <lee@far.example>; Sun, 27 May 2001 14:21:25 -0700\n"
	    ">Subject: news\n";
	static const char generated[] =
	    "From: Mail Delivery System <Mailer-Daemon@mx.far.example>\n"
	    "To: team-bounces@lists.near.example\n"
	    "Subject: Mail delivery failed: returning message to sender\n\n"
	    "A message that you sent could not be delivered to one or more "
	    "of its\nrecipients. This is a permanent error. The following "
	    "address(es) failed:\n\n  an undisclosed address\n"
	    "    (generated from lee@far.example)\n";

	one_rcpt(list, NDR_KIND_BOUNCE, "lee@far.example");
	one_rcpt(passing, NDR_KIND_BOUNCE, "lee@far.example");
	one_rcpt(generated, NDR_KIND_BOUNCE, "lee@far.example");
	/* "expanded from" as the text's very first words */
	one_rcpt("From: Mail Delivery System <Mailer-Daemon@mx.far.example>\n"
	    "To: ann@near.example\nSubject: Undeliverable\n\n"
	    "Expanded from <lee@far.example>: could not be delivered.\n",
	    NDR_KIND_BOUNCE, "lee@far.example");
}
END_TEST

/* A failure report that names nobody is still a bounce, original or
 * not. */
START_TEST(test_failure_naming_nobody_is_a_bounce)
{
	static const char msg[] =
	    "From: ndr@far.example\nTo: team-bounces@lists.near.example\n"
	    "Subject: Mail delivery failed: returning message to sender\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\n"
	    "Content-Type: text/plain\n\n"
	    "A message that you sent could not be delivered to one or more "
	    "of its recipients.\n\nOne or more of the recipients are not "
	    "a valid user of the system.\n\n--b\n"
	    "Content-Type: message/rfc822\n\n"
	    "From: ann@near.example\nTo: team@lists.near.example\n"
	    "Subject: news\n\nhello\n--b--\n";
	static const char own_to[] =
	    "From: Mail Delivery System <MAILER-DAEMON@mx.far.example>\n"
	    "To: team-bounces@lists.near.example\n"
	    "Subject: Returned mail: see transcript\nMIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\n"
	    "Content-Type: text/plain\n\nThe message below was returned."
	    "\n\n--b\nContent-Type: message/rfc822\n\n"
	    "From: owner@lists.near.example\n"
	    "To: team-bounces@lists.near.example\n"
	    "Subject: The results of your commands\n\nhello\n--b--\n";
	struct ndr_report *r = read_text(msg);

	ck_assert_int_eq(r->kind, NDR_KIND_BOUNCE);
	ck_assert_uint_eq(r->nrcpts, 0);
	ndr_report_free(&r);
	/* the returned message was for the report's own addressee: that
	 * is no failed recipient */
	r = read_text(own_to);
	ck_assert_int_eq(r->kind, NDR_KIND_BOUNCE);
	ck_assert_uint_eq(r->nrcpts, 0);
	ndr_report_free(&r);
}
END_TEST

/* A notice that a report could not be delivered to a postmaster, the
 * report pasted below it as text: the report inside is the one read, not
 * the notice's "please contact <support@...>" */
START_TEST(test_report_quoted_in_a_notice_is_read_inside)
{
	struct ndr_report *r = fixture("quoted-report.eml");

	ck_assert_int_eq(r->kind, NDR_KIND_BOUNCE);
	ck_assert_uint_eq(r->nrcpts, 1);
	ck_assert_str_eq(rcpt(r, 0)->address, "gina@far.example");
	ck_assert_str_eq(rcpt(r, 0)->status, "4.0.0");
	ck_assert_int_eq(rcpt(r, 0)->reason, NDR_R_BLOCKED);
	ndr_report_free(&r);
	/* the notice alone: a help desk's address is nobody's failure */
	r = read_text(
	    "From: MAILER-DAEMON@relay.ndrsweep.test\n"
	    "To: alice@ndrsweep.test\n"
	    "Subject: Undelivered Mail Returned to Sender\n"
	    "Content-Type: text/plain\n\n"
	    "Your message could not be delivered to one or more recipients.\n"
	    "For help, please contact <help@relay.ndrsweep.test>\n");
	ck_assert_int_eq(r->kind, NDR_KIND_BOUNCE);
	ck_assert_uint_eq(r->nrcpts, 0);
	ndr_report_free(&r);
}
END_TEST

/* exim names the command it failed at ("after EHLO"); a DSN names a
 * local program's failure by its type (X-Unix) */
START_TEST(test_command_and_program_from_the_report)
{
	struct ndr_report *r = read_text(
	    "From: Mail Delivery System <Mailer-Daemon@mx.ndrsweep.test>\n"
	    "To: alice@ndrsweep.test\n"
	    "Subject: Mail delivery failed: returning message to sender\n"
	    "Content-Type: multipart/report; report-type=delivery-status; "
	    "boundary=\"e1\"\n\n"
	    "--e1\n"
	    "Content-Type: text/plain\n\n"
	    "A message that you sent could not be delivered to one or more of "
	    "its\nrecipients. This is a permanent error. The following "
	    "address(es) failed:\n\n"
	    "  hank@far.example\n"
	    "    host mx.far.example [192.0.2.9]\n"
	    "    SMTP error from remote mail server after EHLO "
	    "mx.ndrsweep.test:\n"
	    "    550 Go away\n\n"
	    "--e1\n"
	    "Content-Type: message/delivery-status\n\n"
	    "Reporting-MTA: dns; mx.ndrsweep.test\n\n"
	    "Action: failed\n"
	    "Final-Recipient: rfc822;hank@far.example\n"
	    "Status: 5.0.0\n"
	    "Diagnostic-Code: smtp; 550 Go away\n\n"
	    "--e1--\n");

	ck_assert_str_eq(rcpt(r, 0)->command, "HELO");
	ck_assert_int_eq(rcpt(r, 0)->reason, NDR_R_BLOCKED);
	ck_assert(!rcpt(r, 0)->program);
	ndr_report_free(&r);
	r = read_text(
	    "From: MAILER-DAEMON@mx.ndrsweep.test\n"
	    "To: alice@ndrsweep.test\n"
	    "Subject: Warning: could not send message for past 4 hours\n"
	    "Content-Type: multipart/report; report-type=delivery-status; "
	    "boundary=\"s1\"\n\n"
	    "--s1\n\n"
	    "Warning: message still undelivered after 4 hours\n\n"
	    "--s1\n"
	    "Content-Type: message/delivery-status\n\n"
	    "Reporting-MTA: dns; mx.ndrsweep.test\n\n"
	    "Final-Recipient: RFC822; ivy@ndrsweep.test\n"
	    "Action: delayed\n"
	    "Status: 4.5.0\n"
	    "Diagnostic-Code: X-Unix; 75\n\n"
	    "--s1--\n");
	ck_assert_int_eq(r->kind, NDR_KIND_DELAY);
	ck_assert(rcpt(r, 0)->program);
	ck_assert_int_eq(rcpt(r, 0)->reason, NDR_R_MAILERERROR);
	ndr_report_free(&r);
}
END_TEST

CHECK_MAIN_CASES("readers",
	{ "families", TESTS(test_postfix_dsn_multiple_recipients_keep_order,
	    test_postfix_full_original_is_read,
	    test_qmail_quoted_original_is_not_a_recipient,
	    test_exim_spam_rejection_after_data,
	    test_sendmail_headers_only_original,
	    test_sendmail_v5_transcript_recipients,
	    test_candidates_from_headers,
	    test_wrapped_report_is_read_inside,
	    test_wrapper_saying_report_type_is_read_inside,
	    test_attached_original_is_read_whole, test_dsn_fields_inline,
	    test_dsn_fields_before_final_recipient,
	    test_exchange2003_address_on_date_line,
	    test_gmail_warning_is_a_delay, test_amazonses_json_notification,
	    test_arf_is_feedback_not_bounce, test_read_receipt_is_other,
	    test_sieve_reject_is_bounce,
	    test_vacation_is_autoreply,
	    test_ordinary_mail_talking_of_failure_is_other,
	    test_summary_of_the_original_is_not_a_recipient,
	    test_summary_block_is_not_the_original,
	    test_error_above_message_details,
	    test_expired_by_its_network_cause,
	    test_html_ndr_codes_in_the_admin_section,
	    test_html_report_with_source_breaks_reads_as_text,
	    test_html_part_read_unless_an_alternative_of_plain,
	    test_dsn_fields_in_any_order,
	    test_text_diagnostic_stops_at_the_next_recipient,
	    test_dsn_labelled_text_is_a_dsn,
	    test_original_attached_as_octets,
	    test_autoreply_behind_a_filter_tag,
	    test_list_footer_is_not_a_recipient,
	    test_japanese_free_text_bounce,
	    test_challenge_as_report_is_autoreply,
	    test_recipients_listed_on_one_line,
	    test_gateway_report_by_subject_and_words,
	    test_daemon_by_envelope_and_empty_from,
	    test_sentence_report_prefers_the_copys_recipient,
	    test_failure_naming_nobody_is_a_bounce,
	    test_report_quoted_in_a_notice_is_read_inside,
	    test_command_and_program_from_the_report), NULL, NULL, 0 });
