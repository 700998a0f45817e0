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

static enum ndr_reason
reason_of(const char *diag, const char *status, bool program,
    enum ndr_kind kind)
{
	struct ndr_rcpt rc = { 0 };
	enum ndr_reason r;

	rc.diagnostic = strdup(diag);
	rc.status = status ? strdup(status) : NULL;
	rc.program = program;
	rcpt_finish(&rc, kind, NULL);
	r = rc.reason;
	rcpt_clear(&rc);
	return r;
}

/* The words name the reason where a server chose a status for another:
 * a 5.1.1 for a rate over a period, a 5.1.1 for the recipient's wishes */
START_TEST(test_words_over_a_misused_user_unknown_status)
{
	ck_assert_int_eq(reason_of("550 5.1.1 <a@example.org> 192.0.2.9 sent "
	    "too many messages per hour", "5.1.1", false, NDR_KIND_BOUNCE),
	    NDR_R_SPEEDING);
	ck_assert_int_eq(reason_of("550 5.1.1 Your mail to a@example.org is "
	    "declined: recipients this hour over the limit", "5.1.1", false,
	    NDR_KIND_BOUNCE), NDR_R_SPEEDING);
	ck_assert_int_eq(reason_of("550 5.1.1 Message declined because of "
	    "the recipient's preferences", "5.1.1", false, NDR_KIND_BOUNCE),
	    NDR_R_FILTERED);
	/* a real 5.1.1 stays what it says */
	ck_assert_int_eq(reason_of("550 5.1.1 <a@example.org>: Recipient "
	    "address rejected: User unknown in local recipient table",
	    "5.1.1", false, NDR_KIND_BOUNCE), NDR_R_USERUNKNOWN);
}
END_TEST

/* A host not found for now is the name service's failure, not the
 * host's absence */
START_TEST(test_temporary_host_lookup_is_a_network_error)
{
	ck_assert_int_eq(reason_of("(mx.example.org: host name lookup "
	    "failure)", "4.0.0", false, NDR_KIND_DELAY), NDR_R_NETWORKERROR);
	ck_assert_int_eq(reason_of("(mx.example.org: host name lookup "
	    "failure)", "5.0.0", false, NDR_KIND_BOUNCE), NDR_R_HOSTUNKNOWN);
}
END_TEST

/* A local program's exit (Diagnostic-Code: X-Unix) is the mailer's
 * failure, unless its words say why */
START_TEST(test_local_program_failure_is_a_mailer_error)
{
	ck_assert_int_eq(reason_of("75", "4.5.0", true, NDR_KIND_DELAY),
	    NDR_R_MAILERERROR);
	ck_assert_int_eq(reason_of("temporary failure", "4.3.0", true,
	    NDR_KIND_BOUNCE), NDR_R_MAILERERROR);
	ck_assert_int_eq(reason_of("maildrop: maildir over quota.", "4.3.0",
	    true, NDR_KIND_BOUNCE), NDR_R_MAILBOXFULL);
	/* the same words from SMTP name nothing */
	ck_assert_int_ne(reason_of("temporary failure", "4.3.0", false,
	    NDR_KIND_BOUNCE), NDR_R_MAILERERROR);
}
END_TEST

/* A refusal naming the connecting host's address and no cause */
START_TEST(test_refusal_naming_the_client_ip_is_blocked)
{
	ck_assert_int_eq(reason_of("554 IP=198.51.100.7 - Something went "
	    "wrong, ask your postmaster", NULL, false, NDR_KIND_BOUNCE),
	    NDR_R_BLOCKED);
	ck_assert_int_eq(reason_of("550 Refused (IP: 198.51.100.7)", NULL,
	    false, NDR_KIND_BOUNCE), NDR_R_BLOCKED);
	/* a link's query is no word of the reply */
	ck_assert_int_ne(reason_of("550 see https://mx.example/c?ip=198.51."
	    "100.7 something went wrong", NULL, false, NDR_KIND_BOUNCE),
	    NDR_R_BLOCKED);
	/* a cause the words know still wins */
	ck_assert_int_eq(reason_of("550 IP=198.51.100.7 mailbox full", NULL,
	    false, NDR_KIND_BOUNCE), NDR_R_MAILBOXFULL);
}
END_TEST

/* Postfix's "delivery temporarily suspended:" frames the cause: no
 * suspended account */
START_TEST(test_postfix_suspended_destination_is_its_cause)
{
	ck_assert_int_eq(reason_from_text("delivery temporarily suspended: "
	    "connect to mx.example.org[192.0.2.1]: server refused to talk to "
	    "me: 421 Service not available"), NDR_R_BLOCKED);
	ck_assert_int_eq(reason_from_text("delivery temporarily suspended: "
	    "connect to mx.example.org[192.0.2.1]:25: Connection timed out"),
	    NDR_R_EXPIRED);
	ck_assert_int_eq(reason_from_text("550 5.2.1 Account suspended"),
	    NDR_R_SUSPEND);
}
END_TEST

CHECK_MAIN_CASES("reason",
	{ "taxonomy", TESTS(test_reason_names_are_sisimai_names,
	    test_reason_from_text_prefers_specific_phrases,
	    test_reason_from_status_follows_rfc3463,
	    test_pseudo_status_names_the_reason_and_class,
	    test_hard_bounces_are_permanent_address_failures,
	    test_user_unknown_after_data_is_filtered,
	    test_user_unknown_needs_rcpt_or_its_status, test_provider_codes,
	    test_words_over_a_misused_user_unknown_status,
	    test_temporary_host_lookup_is_a_network_error,
	    test_local_program_failure_is_a_mailer_error,
	    test_refusal_naming_the_client_ip_is_blocked,
	    test_postfix_suspended_destination_is_its_cause), NULL, NULL, 0 });
