/* check_reason.c - the reason taxonomy: words, status codes, pseudo codes. */
#include <string.h>

#include "check_util.h"
#include "core/engine.h"

START_TEST(test_reason_names_are_sisimai_names)
{
	ck_assert_str_eq(ndr_reason_name(NDR_R_USERUNKNOWN), "userunknown");
	ck_assert_str_eq(ndr_reason_name(NDR_R_MESGTOOBIG), "mesgtoobig");
	ck_assert_str_eq(ndr_reason_name(NDR_R_COUNT), "undefined");
}
END_TEST

START_TEST(test_reason_from_text_prefers_specific_phrases)
{
	ck_assert_int_eq(reason_from_text("552 Mailbox full, user unknown"),
	    NDR_R_MAILBOXFULL);
	ck_assert_int_eq(reason_from_text("550 No such user here"),
	    NDR_R_USERUNKNOWN);
	ck_assert_int_eq(reason_from_text("554 Client host rejected: blocked "
	    "using zen.spamhaus.org"), NDR_R_BLOCKED);
	ck_assert_int_eq(reason_from_text("501 5.1.8 Sender address rejected"),
	    NDR_R_REJECTED);
	ck_assert_int_eq(reason_from_text("Relay access denied"),
	    NDR_R_NORELAYING);
	ck_assert_int_eq(reason_from_text("501 no access from mail server "
	    "[192.0.2.55] which is an open relay"), NDR_R_BLOCKED);
	ck_assert_int_eq(reason_from_text("550-REJECTED - Blacklisted URL in "
	    "message. (shop.example) in [black]"), NDR_R_SPAMDETECTED);
	ck_assert_int_eq(reason_from_text(""), NDR_R_UNDEFINED);
}
END_TEST

START_TEST(test_reason_from_status_follows_rfc3463)
{
	ck_assert_int_eq(reason_from_status("5.1.1"), NDR_R_USERUNKNOWN);
	ck_assert_int_eq(reason_from_status("5.1.2"), NDR_R_HOSTUNKNOWN);
	ck_assert_int_eq(reason_from_status("4.2.2"), NDR_R_MAILBOXFULL);
	ck_assert_int_eq(reason_from_status("4.4.7"), NDR_R_EXPIRED);
	ck_assert_int_eq(reason_from_status("5.3.4"), NDR_R_MESGTOOBIG);
	ck_assert_int_eq(reason_from_status("5.7.1"), NDR_R_UNDEFINED);
	ck_assert_int_eq(reason_from_status("junk"), NDR_R_UNDEFINED);
}
END_TEST

START_TEST(test_pseudo_status_names_the_reason_and_class)
{
	ck_assert_str_eq(status_from_reason(NDR_R_USERUNKNOWN, false), "5.0.911");
	ck_assert_str_eq(status_from_reason(NDR_R_EXPIRED, true), "4.0.947");
}
END_TEST

START_TEST(test_hard_bounces_are_permanent_address_failures)
{
	ck_assert(reason_is_hard(NDR_R_USERUNKNOWN, "5.1.1"));
	ck_assert(!reason_is_hard(NDR_R_MAILBOXFULL, "5.2.2"));
	ck_assert(reason_is_hard(NDR_R_NOTACCEPT, "5.3.2"));
	ck_assert(!reason_is_hard(NDR_R_NOTACCEPT, "4.3.2"));
}
END_TEST

START_TEST(test_user_unknown_after_data_is_filtered)
{
	struct ndr_rcpt rc = { 0 };

	rc.diagnostic = strdup("host mx said: 550 User unknown (in reply to "
	    "end of DATA command)");
	rcpt_finish(&rc, NDR_KIND_BOUNCE, NULL);
	ck_assert_str_eq(rc.command, "DATA");
	ck_assert_int_eq(rc.reason, NDR_R_FILTERED);
	ck_assert_str_eq(rc.reply_code, "550");
	ck_assert_str_eq(rc.status, "5.0.910");
	rcpt_clear(&rc);
}
END_TEST

/* "User unknown" stands at RCPT, with a 5.1.1, or in a directory's own
 * words; with no command named it is a filter refusing the message. */
START_TEST(test_user_unknown_needs_rcpt_or_its_status)
{
	static const struct { const char *diag, *status; int want; } t[] = {
		{ "550 <a@example.org>: User unknown", NULL, NDR_R_FILTERED },
		{ "550 <a@example.org>: User unknown (in reply to RCPT TO "
		    "command)", NULL, NDR_R_USERUNKNOWN },
		{ "550 5.1.1 <a@example.org>: User unknown", NULL,
		    NDR_R_USERUNKNOWN },
		{ "550 5.2.1 <a@example.org>... User Unknown", NULL,
		    NDR_R_FILTERED },
		{ "Remote host said: 550 5.2.1 <a@example.org>... User Unknown "
		    "[RCPT_TO]", NULL, NDR_R_USERUNKNOWN },
		{ "The recipient name is not recognized", NULL,
		    NDR_R_USERUNKNOWN },
	};

	for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
		struct ndr_rcpt rc = { 0 };
		rc.diagnostic = strdup(t[i].diag);
		rcpt_finish(&rc, NDR_KIND_BOUNCE, NULL);
		ck_assert_msg((int)rc.reason == t[i].want, "%s: got %s",
		    t[i].diag, ndr_reason_name(rc.reason));
		rcpt_clear(&rc);
	}
}
END_TEST

/* Providers' own codes name the reason whatever the words say */
START_TEST(test_provider_codes)
{
	ck_assert_int_eq(reason_from_provider("550 5.2.0 Mail rejete. Mail "
	    "rejected. OFR_506 [506]", NULL), NDR_R_SPAMDETECTED);
	ck_assert_int_eq(reason_from_provider("421 4.2.0 Service refuse. "
	    "OFR005_505 [505]", NULL), NDR_R_SYSTEMERROR);
	ck_assert_int_eq(reason_from_provider("550 5.5.0 Invalid recipient. "
	    "LPN007_416", NULL), NDR_R_USERUNKNOWN);
	ck_assert_int_eq(reason_from_provider("550 5.1.0 sender rejected. "
	    "AUP#CDRBL", NULL), NDR_R_BLOCKED);
	ck_assert_int_eq(reason_from_provider("554 AUP#IPBL0011 listed", NULL),
	    NDR_R_BLOCKED);
	ck_assert_int_eq(reason_from_provider("554 AUP#URLBL011", NULL),
	    NDR_R_SPAMDETECTED);
	ck_assert_int_eq(reason_from_provider("AUP#CXBLX", NULL), NDR_R_UNDEFINED);
	ck_assert_int_eq(reason_from_provider("WOFR_506", NULL), NDR_R_UNDEFINED);
	ck_assert_int_eq(reason_from_provider("550 user unknown", NULL),
	    NDR_R_UNDEFINED);
	/* KDDI: the address named is unknown; none named, a filter */
	ck_assert_int_eq(reason_from_provider("550 <a@ezweb.ne.jp>: User "
	    "unknown", "a@ezweb.ne.jp"), NDR_R_USERUNKNOWN);
	ck_assert_int_eq(reason_from_provider("550 : User unknown",
	    "a@ezweb.ne.jp"), NDR_R_FILTERED);
	ck_assert_int_eq(reason_from_provider("550 <a@example.jp>: User "
	    "unknown", "a@example.jp"), NDR_R_UNDEFINED);
}
END_TEST

CHECK_MAIN_CASES("reason",
	{ "taxonomy", TESTS(test_reason_names_are_sisimai_names,
	    test_reason_from_text_prefers_specific_phrases,
	    test_reason_from_status_follows_rfc3463,
	    test_pseudo_status_names_the_reason_and_class,
	    test_hard_bounces_are_permanent_address_failures,
	    test_user_unknown_after_data_is_filtered,
	    test_user_unknown_needs_rcpt_or_its_status, test_provider_codes), NULL, NULL, 0 });
