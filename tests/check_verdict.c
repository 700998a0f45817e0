/* check_verdict.c - each verdict signal, the adversarial cases, campaigns. */
#include <stdlib.h>
#include <string.h>

#include "check_util.h"
#include "core/config.h"
#include "core/judge.h"
#include "core/rules.h"
#include "core/store.h"
#include "core/verdict.h"

#define DAY	86400
#define T0	1772409600	/* 2026-03-02 00:00 UTC */

/* A Sent index of three messages, the tests' stand-in for the store. */
static const struct { const char *mid, *rcpt; int64_t date; } sent[] = {
	{ "s1@mail.example.org", "bob@far.example", T0 - 20 * DAY },
	{ "s2@mail.example.org", "carol@far.example", T0 - 2 * DAY },
	{ "s3@mail.example.org", "dave@far.example", T0 },
};

static int
fake_mid(void *arg, const char *mid, int64_t *date)
{
	(void)arg;
	for (size_t i = 0; i < sizeof sent / sizeof *sent; i++)
		if (strcmp(sent[i].mid, mid) == 0) {
			*date = sent[i].date;
			return 1;
		}
	return 0;
}

static int64_t
fake_rcpt(void *arg, const char *a, int64_t from, int64_t to)
{
	(void)arg;
	for (size_t i = 0; i < sizeof sent / sizeof *sent; i++)
		if (strcmp(sent[i].rcpt, a) == 0 && sent[i].date >= from &&
		    sent[i].date <= to)
			return sent[i].date;
	return 0;
}

static bool
fake_domain(void *arg, const char *d)
{
	(void)arg;
	return strcmp(d, "mail.example.org") == 0;
}

static bool
fake_rcpt_domain(void *arg, const char *d)
{
	(void)arg;
	return strcmp(d, "far.example") == 0;
}

/* the MTA of the flood, bouncing backscatter around T0 */
static size_t
fake_burst(void *arg, const char *mta, int64_t date)
{
	(void)arg;
	return strcmp(mta, "mx.flood.example") == 0 && date >= T0 - DAY &&
	    date <= T0 + DAY ? 40 : 0;
}

static double spamminess = 0.5;

static double
fake_content(void *arg, const struct ndr_evidence *ev)
{
	(void)arg;
	(void)ev;
	return spamminess;
}

static char *addrs_v[] = { "alice@example.org" };
static char *relays_v[] = { "smtp.example.org", "192.0.2.0/24" };
static struct ndr_strv addrs = { addrs_v, 1 }, relays = { relays_v, 2 };
static struct ndr_strv no_relays = { NULL, 0 };

static struct ndr_judge_ctx
ctx(bool with_sent, bool with_relays)
{
	struct ndr_judge_ctx c = {
		.addresses = &addrs,
		.own_relays = with_relays ? &relays : &no_relays,
		.sent_count = with_sent ? 3 : 0,
		.sent_first = T0 - 20 * DAY, .sent_last = T0,
		.sent_mid = fake_mid, .sent_rcpt = fake_rcpt,
		.sent_mid_domain = fake_domain, .content = fake_content,
		.sent_rcpt_domain = fake_rcpt_domain, .mta_burst = fake_burst,
	};
	return c;
}

/* a bounce of a message with this Message-ID, dated day */
static struct ndr_evidence
bounce(const char *mid, int64_t date)
{
	struct ndr_evidence e = {
		.kind = NDR_KIND_BOUNCE, .form = NDR_FORM_HEADERS,
		.date = date + 3600, .rcpts = "zed@far.example", .nrcpts = 1,
		.orig_mid = (char *)mid, .orig_from = "alice@example.org",
		.orig_date = date, .subject = "Quarterly figures",
	};
	return e;
}

static bool
fired(const struct ndr_verdict *v, const char *name)
{
	for (size_t i = 0; i < v->nsig; i++)
		if (strcmp(v->sig[i].name, name) == 0)
			return true;
	return false;
}

START_TEST(test_sent_message_id_is_legit)
{
	struct ndr_judge_ctx c = ctx(true, false);
	struct ndr_evidence e = bounce("s2@mail.example.org", T0 - 2 * DAY);
	struct ndr_verdict v;

	ndr_judge(&e, &c, 1, NULL, &v);
	ck_assert_int_eq(v.verdict, NDR_LEGIT);
	ck_assert(fired(&v, "sent_message_id"));
	ck_assert_ptr_nonnull(strstr(v.sig[0].evidence,
	    "<s2@mail.example.org> found in Sent, 2026-02-28"));
	ck_assert(v.score < 0.01);
}
END_TEST

START_TEST(test_legit_wins_over_spam_words_and_campaign)
{
	struct ndr_judge_ctx c = ctx(true, true);
	struct ndr_evidence e = bounce("s3@mail.example.org", T0);
	struct ndr_verdict v;

	e.subject = "VIAGRA cheap pills, click now to win $$$";
	e.received = "from mx.far.example by mx2.far.example\n"
	    "from bot.example.net (bot.example.net [203.0.113.9]) by "
	    "mx.far.example";
	e.nrcpts = 5;
	spamminess = 0.99;
	ndr_judge(&e, &c, 500, "viagra", &v);
	spamminess = 0.5;
	ck_assert_int_eq(v.verdict, NDR_LEGIT);
}
END_TEST

START_TEST(test_own_relay_by_address_and_name)
{
	struct ndr_judge_ctx c = ctx(false, true);
	struct ndr_evidence e = bounce("x@elsewhere.example", T0);
	struct ndr_verdict v;

	e.received = "from filter.far.example (filter.far.example [10.1.2.3]) "
	    "by mx.far.example (Postfix) with ESMTP id 1\n"
	    "from out.example.org (out.example.org [192.0.2.25]) by "
	    "filter.far.example with ESMTPS\n"
	    "from [198.51.100.7] (laptop) by out.example.org";
	ndr_judge(&e, &c, 0, NULL, &v);
	ck_assert_int_eq(v.verdict, NDR_LEGIT);
	ck_assert(fired(&v, "own_relay"));
	ck_assert_ptr_nonnull(strstr(v.sig[0].evidence, "192.0.2.25"));

	/* the own relay bounced it itself: it wrote the top field */
	e.received = "from [198.51.100.7] (laptop) by smtp.example.org "
	    "(Postfix) with ESMTPSA";
	ndr_judge(&e, &c, 0, NULL, &v);
	ck_assert_int_eq(v.verdict, NDR_LEGIT);
}
END_TEST

START_TEST(test_forged_chain_below_a_foreign_hop)
{
	struct ndr_judge_ctx c = ctx(false, true);
	struct ndr_evidence e = bounce("x@elsewhere.example", T0);
	struct ndr_verdict v;

	/* the spammer wrote the second field: it names the own relay, but
	 * the server that saw the connection says 203.0.113.9 sent it,
	 * calling itself by the user's domain */
	e.received = "from example.org (bot.example.net [203.0.113.9]) by "
	    "mx.far.example\n"
	    "from smtp.example.org (smtp.example.org [192.0.2.25]) by "
	    "example.org";
	ndr_judge(&e, &c, 0, NULL, &v);
	ck_assert_int_ne(v.verdict, NDR_LEGIT);
	ck_assert(fired(&v, "forged_helo"));
	ck_assert(fired(&v, "foreign_chain"));
	ck_assert(fired(&v, "own_address_forged"));
	ck_assert_int_eq(v.verdict, NDR_BACKSCATTER);
}
END_TEST

START_TEST(test_exim_helo)
{
	struct ndr_judge_ctx c = ctx(false, true);
	struct ndr_evidence e = bounce(NULL, T0);
	struct ndr_verdict v;

	e.received = "from [203.0.113.9] (helo=smtp.example.org) by "
	    "mx.far.example with esmtp (Exim 4.96)";
	ndr_judge(&e, &c, 0, NULL, &v);
	ck_assert(fired(&v, "forged_helo"));
}
END_TEST

START_TEST(test_batv)
{
	char tag[256], plain[256];
	const char *key = "s3cret";

	ck_assert_int_eq(ndr_batv_sign("alice@example.org", key, T0, tag,
	    sizeof tag), 0);
	ck_assert_int_eq(strncmp(tag, "prvs=", 5), 0);
	ck_assert_int_eq(ndr_batv_check(tag, key, T0 + DAY, plain,
	    sizeof plain), 1);
	ck_assert_str_eq(plain, "alice@example.org");
	/* too old, or another key, or tampered */
	ck_assert_int_eq(ndr_batv_check(tag, key, T0 + 9 * DAY, NULL, 0), -1);
	ck_assert_int_eq(ndr_batv_check(tag, "other", T0, NULL, 0), -1);
	tag[10] = tag[10] == '0' ? '1' : '0';
	ck_assert_int_eq(ndr_batv_check(tag, key, T0, NULL, 0), -1);
	ck_assert_int_eq(ndr_batv_check("alice@example.org", key, T0, plain,
	    sizeof plain), 0);

	struct ndr_judge_ctx c = ctx(false, false);
	struct ndr_evidence e = bounce(NULL, T0);
	struct ndr_verdict v;
	c.batv_key = key;
	ndr_batv_sign("alice@example.org", key, T0, tag, sizeof tag);
	e.report_to = tag;
	ndr_judge(&e, &c, 0, NULL, &v);
	ck_assert_int_eq(v.verdict, NDR_LEGIT);
	ck_assert(fired(&v, "batv_valid"));
	/* the plain address: the user signs everything, so not the user's */
	e.report_to = "alice@example.org";
	e.orig_sender = "alice@example.org";
	ndr_judge(&e, &c, 0, NULL, &v);
	ck_assert(fired(&v, "batv_missing"));
	ck_assert_int_ne(v.verdict, NDR_LEGIT);
	/* a forged tag */
	e.report_to = "prvs=0123abcdef=alice@example.org";
	ndr_judge(&e, &c, 0, NULL, &v);
	ck_assert(fired(&v, "batv_invalid"));
	ck_assert_int_eq(v.verdict, NDR_BACKSCATTER);
}
END_TEST

/* An empty NDR (nothing of its original) to these recipients, dated T0. */
static struct ndr_evidence
empty_ndr(const char *rcpts, unsigned nrcpts)
{
	struct ndr_evidence e = bounce(NULL, T0);

	e.form = NDR_FORM_NONE;
	e.subject = NULL;
	e.orig_from = NULL;
	e.rcpts = (char *)rcpts;
	e.nrcpts = nrcpts;
	return e;
}

START_TEST(test_empty_ndr)
{
	struct ndr_judge_ctx c = ctx(true, false);
	struct ndr_evidence e = empty_ndr("nobody@far.example, "
	    "carol@far.example", 2);
	struct ndr_verdict v;

	ndr_judge(&e, &c, 0, NULL, &v);
	ck_assert_int_eq(v.verdict, NDR_LEGIT);
	ck_assert(fired(&v, "sent_recipient"));
	/* a recipient never written to */
	e.rcpts = "nobody@far.example";
	e.nrcpts = 1;
	ndr_judge(&e, &c, 0, NULL, &v);
	ck_assert(fired(&v, "rcpt_never_written"));
	ck_assert_int_eq(v.verdict, NDR_BACKSCATTER);
	ck_assert(!fired(&v, "rcpt_domain_unknown"));	/* far.example is */
	ck_assert(v.score < 0.9);	/* clean's default leaves it */
	/* written to, but a year before: not recent, yet never cleaned
	 * (no backscatter signal: the person decides) */
	e.rcpts = "bob@far.example";
	e.date = T0 + 365 * DAY;
	ndr_judge(&e, &c, 0, NULL, &v);
	ck_assert_int_ne(v.verdict, NDR_LEGIT);
	ck_assert_int_ne(v.verdict, NDR_BACKSCATTER);
	ck_assert(!fired(&v, "rcpt_never_written"));
}
END_TEST

/* an empty NDR of a flood: a recipient and a domain never written to,
 * from the MTA that bounced the flood in the same hours - sure enough for
 * clean's default (0.9); the same from another MTA or day is less so */
START_TEST(test_empty_ndr_of_a_flood)
{
	struct ndr_judge_ctx c = ctx(true, false);
	struct ndr_evidence e = empty_ndr("sales7@corp-b.example", 1);
	struct ndr_verdict v;

	e.mta = "mx.flood.example";
	ndr_judge(&e, &c, 0, NULL, &v);
	ck_assert(fired(&v, "rcpt_never_written"));
	ck_assert(fired(&v, "rcpt_domain_unknown"));
	ck_assert(fired(&v, "mta_burst"));
	ck_assert_int_eq(v.verdict, NDR_BACKSCATTER);
	ck_assert(v.score >= 0.9);
	double all = v.score;
	e.mta = "mx.quiet.example";
	ndr_judge(&e, &c, 0, NULL, &v);
	ck_assert(!fired(&v, "mta_burst"));
	ck_assert(v.score < all);
	/* a recipient written to lately is still a legitimate bounce */
	e.rcpts = "carol@far.example";
	e.mta = "mx.flood.example";
	ndr_judge(&e, &c, 0, NULL, &v);
	ck_assert_int_eq(v.verdict, NDR_LEGIT);
}
END_TEST

START_TEST(test_forged_message_id_of_the_users_form)
{
	struct ndr_judge_ctx c = ctx(true, false);
	/* the spammer imitates the user's Message-IDs, and the bounce
	 * quotes only headers: absent from Sent, though dated in its span */
	struct ndr_evidence e = bounce("s9@mail.example.org", T0 - DAY);
	struct ndr_verdict v;

	ndr_judge(&e, &c, 1, NULL, &v);
	ck_assert(!fired(&v, "foreign_message_id"));
	ck_assert(fired(&v, "absent_from_sent"));
	ck_assert_int_eq(v.verdict, NDR_BACKSCATTER);
	/* a foreign form adds its own signal */
	e.orig_mid = "8f3a.bulk@mailer.example.ru";
	ndr_judge(&e, &c, 1, NULL, &v);
	ck_assert(fired(&v, "foreign_message_id"));
	/* dated before the index begins: nothing to say it is absent */
	e.orig_mid = "s9@mail.example.org";
	e.orig_date = T0 - 90 * DAY;
	ndr_judge(&e, &c, 1, NULL, &v);
	ck_assert(!fired(&v, "absent_from_sent"));
	ck_assert_int_eq(v.verdict, NDR_UNSURE);
}
END_TEST

/* A submission server that gives mail a Message-ID of its own: the
 * original's is not in Sent, yet a failed recipient was written to on the
 * original's own day; legitimate. A day further off, it is not. */
START_TEST(test_rewritten_message_id_written_that_day)
{
	struct ndr_judge_ctx c = ctx(true, false);
	struct ndr_evidence e = bounce("AM0PR01MB1234.namprd01.example",
	    T0 - 2 * DAY + 3600);
	struct ndr_verdict v;

	e.rcpts = "carol@far.example";
	ndr_judge(&e, &c, 1, NULL, &v);
	ck_assert_int_eq(v.verdict, NDR_LEGIT);
	ck_assert(fired(&v, "sent_recipient"));
	ck_assert_ptr_nonnull(strstr(v.sig[0].evidence, "original's day"));

	/* a post to a list: its member, never written to, failed; the
	 * list, the original's To, was written to that day */
	e.rcpts = "m7@members.example";
	e.orig_to = "carol@far.example";
	ndr_judge(&e, &c, 1, NULL, &v);
	ck_assert_int_eq(v.verdict, NDR_LEGIT);
	ck_assert_ptr_nonnull(strstr(v.sig[0].evidence,
	    "the original's recipient carol@far.example"));
	e.orig_to = NULL;
	e.rcpts = "carol@far.example";

	/* written to, but not that day: no proof; absent from Sent */
	e.orig_date = T0 - 6 * DAY;
	e.date = e.orig_date + 3600;
	ndr_judge(&e, &c, 1, NULL, &v);
	ck_assert_int_ne(v.verdict, NDR_LEGIT);
	ck_assert(fired(&v, "absent_from_sent"));
}
END_TEST

START_TEST(test_bounce_to_an_address_that_never_sends)
{
	struct ndr_judge_ctx c = ctx(true, false);
	struct ndr_evidence e = bounce("x@mail.example.org", T0 - 200 * DAY);
	struct ndr_verdict v;

	e.report_to = "k3x9q@example.org";
	ndr_judge(&e, &c, 0, NULL, &v);
	ck_assert(fired(&v, "never_sends"));
	e.report_to = "alice@example.org";
	ndr_judge(&e, &c, 0, NULL, &v);
	ck_assert(!fired(&v, "never_sends"));
	e.report_to = "someone@elsewhere.example";
	ndr_judge(&e, &c, 0, NULL, &v);
	ck_assert(!fired(&v, "never_sends"));
}
END_TEST

START_TEST(test_no_basis_is_unsure)
{
	struct ndr_judge_ctx c = ctx(false, false);
	struct ndr_evidence e = bounce("x@bulk.example", T0);
	struct ndr_verdict v;

	e.nrcpts = 4;
	spamminess = 0.99;
	ndr_judge(&e, &c, 2000, "cheap", &v);
	spamminess = 0.5;
	ck_assert(fired(&v, "campaign"));
	ck_assert(fired(&v, "content"));
	ck_assert_int_eq(v.verdict, NDR_UNSURE);
	ck_assert(!ndr_judge_has_basis(&c));
}
END_TEST

START_TEST(test_campaign_and_content_add_up)
{
	struct ndr_judge_ctx c = ctx(true, false);
	struct ndr_evidence e = bounce("x@mail.example.org", T0 - 200 * DAY);
	struct ndr_verdict v, big;

	ndr_judge(&e, &c, 1, NULL, &v);
	ck_assert_int_eq(v.verdict, NDR_UNSURE);
	ndr_judge(&e, &c, 400, "cheap", &big);
	ck_assert(fired(&big, "campaign"));
	ck_assert(big.score > v.score);
	spamminess = 0.95;
	ndr_judge(&e, &c, 400, "cheap", &big);
	spamminess = 0.5;
	ck_assert_int_eq(big.verdict, NDR_BACKSCATTER);

	struct ndr_buf b = { 0 };
	ndr_verdict_json(&big, &b);
	ck_assert_ptr_nonnull(strstr(b.s, "\"name\":\"campaign\""));
	ck_assert_ptr_nonnull(strstr(b.s, "400 bounces of one campaign"));
	ndr_buf_free(&b);
}
END_TEST

START_TEST(test_relay_match)
{
	char *v[] = { "smtp.example.org", ".relay.example.net",
	    "192.0.2.0/24", "2001:db8::/32", "198.51.100.7" };
	struct ndr_strv r = { v, 5 };

	ck_assert(ndr_relay_match(&r, "SMTP.example.org", NULL));
	ck_assert(ndr_relay_match(&r, "a.relay.example.net", NULL));
	ck_assert(ndr_relay_match(&r, "relay.example.net", NULL));
	ck_assert(!ndr_relay_match(&r, "evilrelay.example.net", NULL));
	ck_assert(ndr_relay_match(&r, NULL, "192.0.2.200"));
	ck_assert(!ndr_relay_match(&r, NULL, "192.0.3.1"));
	ck_assert(ndr_relay_match(&r, NULL, "2001:db8:1::5"));
	ck_assert(!ndr_relay_match(&r, NULL, "2001:db9::5"));
	ck_assert(ndr_relay_match(&r, NULL, "198.51.100.7"));
	ck_assert(!ndr_relay_match(&r, NULL, "198.51.100.8"));
	ck_assert(!ndr_relay_match(&r, "example.org", "not an address"));
}
END_TEST

START_TEST(test_subject_norm)
{
	char *s = ndr_subject_norm("Re: [SPAM] FW: Your order #48213 of "
	    "x9f3k2 is READY");
	ck_assert_str_eq(s, "your order # of # is ready");
	free(s);
	s = ndr_subject_norm("Your order #11 of ab7 is ready!!");
	ck_assert_str_eq(s, "your order # of # is ready");
	free(s);
	s = ndr_subject_norm(NULL);
	ck_assert_str_eq(s, "");
	free(s);
	s = ndr_subject_norm("Ça coûte 10€ — prix réduit");
	ck_assert_str_eq(s, "ça coûte # prix réduit");
	free(s);
}
END_TEST

static const char body_a[] = "Dear friend, our pharmacy has the best "
    "prices on all medications this week. Order today and get free "
    "shipping to any country, discreet packaging and fast delivery. "
    "Visit our store now and save on every order you place with us.";
static const char body_b[] = "Dear customer, our pharmacy has the best "
    "prices on all medications this month. Order today and get free "
    "shipping to any country, discreet packaging and quick delivery. "
    "Visit our shop now and save on every order you place with us.";
static const char body_c[] = "Hello, I am a lawyer representing the "
    "estate of a late client who shares your family name. He left a "
    "considerable sum in a bank account and I need your help to claim "
    "the inheritance before the government seizes the funds forever.";

START_TEST(test_simhash)
{
	uint64_t a = ndr_simhash(body_a), b = ndr_simhash(body_b),
	    c = ndr_simhash(body_c);

	ck_assert(a != 0 && b != 0 && c != 0);
	ck_assert_int_le(ndr_simhash_dist(a, b), 10);
	ck_assert_int_gt(ndr_simhash_dist(a, c), 16);
	ck_assert(ndr_simhash("too short to say") == 0);
	ck_assert(ndr_simhash(NULL) == 0);
}
END_TEST

static int
cmp_tok(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* buf's n tokens sorted, each once; how many are left. */
static size_t
sort_unique(uint64_t *buf, size_t n)
{
	size_t u = 0;

	qsort(buf, n, sizeof *buf, cmp_tok);
	for (size_t i = 0; i < n; i++)
		if (u == 0 || buf[i] != buf[u - 1])
			buf[u++] = buf[i];
	return u;
}

/* The words of its subject and body as the classifier's tokens would
 * be: hashed, sorted, each once. */
static void
words_as_tokens(struct ndr_evidence *e, uint64_t *buf, size_t cap)
{
	const char *src[2] = { e->subject, e->excerpt };
	size_t n = 0;

	for (int k = 0; k < 2; k++)
		for (const char *p = src[k]; p && *p && n < cap; ) {
			uint64_t h = 1469598103934665603ull;
			size_t w = 0;
			for (; p[w] && p[w] != ' '; w++)
				h = (h ^ (unsigned char)p[w]) * 1099511628211ull;
			if (w)
				buf[n++] = h;
			p += w + (p[w] == ' ');
		}
	e->ntokens = sort_unique(buf, n);
	e->tokens = buf;
}

START_TEST(test_campaigns)
{
	static uint64_t toks[9][256];
	struct ndr_evidence e[9] = {
		/* run 1: two subjects, joined by a shared link host */
		{ .subject = "Cheap meds 4821 today", .links = "pills.example" },
		{ .subject = "Cheap meds 97 today" },
		{ .subject = "Best prices at the pharmacy",
		    .links = "pills.example www.w3.org" },
		/* run 2: another subject, a near body */
		{ .subject = "Claim your inheritance now", .excerpt =
		    (char *)body_c },
		{ .subject = "Inheritance claim, urgent", .excerpt =
		    (char *)body_c },
		/* only a common host and a short subject: nothing to go by */
		{ .subject = "Hi", .links = "www.w3.org" },
		/* run 1 again, by its body */
		{ .subject = "xyz", .excerpt = (char *)body_a },
		/* run 1, a word of junk after its subject */
		{ .subject = "Cheap meds 4821 today qzvx" },
		/* run 1: five reports make it a campaign a lone report
		 * joins on a little likeness */
		{ .subject = "Cheap meds 55 today" },
	};
	const struct ndr_evidence *p[9];
	size_t id[9];

	e[0].excerpt = (char *)body_b;
	for (int i = 0; i < 9; i++) {
		e[i].simhash = ndr_simhash(e[i].excerpt);
		words_as_tokens(&e[i], toks[i], 256);
		p[i] = &e[i];
	}
	ndr_campaigns(p, 9, id);
	ck_assert_uint_eq(id[0], 0);
	ck_assert_uint_eq(id[1], 0);
	ck_assert_uint_eq(id[2], 0);
	ck_assert_uint_eq(id[3], 3);
	ck_assert_uint_eq(id[4], 3);
	/* nothing to group it by: no campaign at all */
	ck_assert_uint_eq(id[5], NDR_NO_CAMPAIGN);
	ck_assert_uint_eq(id[6], 0);
	ck_assert_uint_eq(id[7], 0);
	ck_assert_uint_eq(id[8], 0);
	ndr_campaigns(p, 0, id);	/* nothing: no crash */
}
END_TEST

/* two runs that share a generic subject (and a shortener) but not their
 * days nor their words stay two campaigns; each run stays one */
START_TEST(test_campaigns_sharing_a_generic_subject)
{
	static uint64_t toks[6][256];
	static const char *const body[2] = {
		"luxury watches at half price order the replica watches today "
		"free shipping on every watch",
		"casino bonus spins for new players claim your casino bonus "
		"and play the slots tonight",
	};
	struct ndr_evidence e[6];
	const struct ndr_evidence *p[6];
	size_t id[6];

	for (int i = 0; i < 6; i++) {
		memset(&e[i], 0, sizeof e[i]);
		e[i].subject = "Important notice for you";
		e[i].links = i % 3 == 0 ? "sh.rt.example" : i < 3 ?
		    "watches.example" : "casino.example";
		e[i].excerpt = (char *)body[i / 3];
		e[i].date = T0 + (i < 3 ? 0 : 9 * DAY) + i * 3600;
		e[i].simhash = ndr_simhash(e[i].excerpt);
		words_as_tokens(&e[i], toks[i], 256);
		p[i] = &e[i];
	}
	ndr_campaigns(p, 6, id);
	ck_assert_uint_eq(id[1], id[0]);
	ck_assert_uint_eq(id[2], id[0]);
	ck_assert_uint_eq(id[4], id[3]);
	ck_assert_uint_eq(id[5], id[3]);
	ck_assert_uint_ne(id[0], id[3]);
}
END_TEST

/* A subject met in bursts days apart is shared by runs: where two runs
 * that carry only their original's header overlap, the machines that sent
 * them tell them apart. A subject of one burst, from however many
 * machines, keeps its run whole; a short one ("Hello") groups with
 * the machine that sent it, on the same days. */
START_TEST(test_campaigns_overlapping_runs_told_apart_by_their_senders)
{
	enum { N = 16 };
	static char rcv[N][96];
	struct ndr_evidence e[N];
	const struct ndr_evidence *p[N];
	size_t id[N];

	for (int i = 0; i < N; i++) {
		memset(&e[i], 0, sizeof e[i]);
		e[i].received = rcv[i];
		p[i] = &e[i];
	}
	/* 0-1: "Important notice" on day 0; 2-3 on day 10 (other runs) */
	for (int i = 0; i < 4; i++) {
		e[i].subject = "Important notice";
		e[i].date = T0 + (i < 2 ? 0 : 10 * DAY) + i * 60;
		snprintf(rcv[i], sizeof rcv[i], "from bot ([10.9.%d.1]) by "
		    "mx.far.example", i);
	}
	/* 4-9: day 20, run A from 10.1.0.1-2, run B from 10.2.0.1-2 */
	for (int i = 4; i < 10; i++) {
		e[i].subject = "Important notice";
		e[i].date = T0 + 20 * DAY + i * 600;
		snprintf(rcv[i], sizeof rcv[i], "from bot ([10.%d.0.%d]) by "
		    "mx.far.example", i < 7 ? 1 : 2, i % 2 + 1);
	}
	/* 10-12: one run, a machine each (joined within its window) */
	for (int i = 10; i < 13; i++) {
		e[i].subject = "Unbelievable watches for you";
		e[i].date = T0 + 30 * DAY + (i - 10) * 3600;
		snprintf(rcv[i], sizeof rcv[i], "from bot ([10.5.0.%d]) by "
		    "mx.far.example", i);
	}
	/* 13-15: "Hello" from one machine on one day, and from another */
	for (int i = 13; i < 16; i++) {
		e[i].subject = "Hello";
		e[i].date = T0 + 40 * DAY + i * 60;
		snprintf(rcv[i], sizeof rcv[i], "from bot ([10.6.0.%d]) by "
		    "mx.far.example", i < 15 ? 1 : 2);
	}
	ndr_campaigns(p, N, id);
	/* run A sent 4 and 6 from 10.1.0.1; run B 7 and 9 from 10.2.0.2 */
	ck_assert_uint_eq(id[6], id[4]);
	ck_assert_uint_eq(id[9], id[7]);
	ck_assert_uint_ne(id[4], id[7]);
	ck_assert_uint_eq(id[11], id[10]);
	ck_assert_uint_eq(id[12], id[10]);
	ck_assert_uint_eq(id[14], id[13]);
	ck_assert_uint_ne(id[15], id[13]);
}
END_TEST

/* Two runs on one template under one generic subject on the same days:
 * the hosts their links name tell them apart (the subject is shared, met
 * again days later by a third run) */
START_TEST(test_campaigns_one_template_told_apart_by_link_hosts)
{
	enum { N = 9 };
	static uint64_t toks[N][256];
	static char body[N][256];
	static const char *const fill[3] = { "watches", "casinos",
	    "diplomas" };
	static const char *const host[3] = { "watches.example",
	    "casino.example", "diploma.example" };
	struct ndr_evidence e[N];
	const struct ndr_evidence *p[N];
	size_t id[N];

	for (int i = 0; i < N; i++) {
		int run = i / 3;	/* A and B on day 0, C on day 12 */
		memset(&e[i], 0, sizeof e[i]);
		snprintf(body[i], sizeof body[i], "Dear customer, we are "
		    "pleased to offer you the best %s in town at a price you "
		    "will not find anywhere else this season. Visit our shop "
		    "today to order before friday. Best regards, the Team",
		    fill[run]);
		e[i].subject = "Important notice for you";
		e[i].links = (char *)host[run];
		e[i].excerpt = body[i];
		e[i].simhash = ndr_simhash(body[i]);
		e[i].date = T0 + (run == 2 ? 12 * DAY : 0) + i * 600;
		words_as_tokens(&e[i], toks[i], 256);
		p[i] = &e[i];
	}
	ndr_campaigns(p, N, id);
	ck_assert_uint_eq(id[1], id[0]);
	ck_assert_uint_eq(id[2], id[0]);
	ck_assert_uint_eq(id[4], id[3]);
	ck_assert_uint_eq(id[5], id[3]);
	ck_assert_uint_ne(id[3], id[0]);
	ck_assert_uint_ne(id[6], id[0]);
	ck_assert_uint_ne(id[6], id[3]);
}
END_TEST

/* One template carries several runs: its body cluster, met days apart,
 * joins two groups in step 2 only when one machine sent originals of
 * both (the same run a window later), not another botnet's run. */
START_TEST(test_campaigns_one_template_two_botnets)
{
	enum { N = 14 };
	static uint64_t toks[N][256];
	static char rcv[N][96];
	static const char body[] = "Dear customer, we are pleased to offer "
	    "you watches at a cheap price. Visit the shop to order before "
	    "friday. Best regards, The Team";
	static const char *const subj[3] = { "Watches offer",
	    "Replicas stock", "Flights nowhere" };
	static char other[8][64];
	struct ndr_evidence e[N];
	const struct ndr_evidence *p[N];
	size_t id[N];

	for (int i = 6; i < N; i++) {	/* other mail, for the words' weight */
		memset(&e[i], 0, sizeof e[i]);
		snprintf(other[i - 6], sizeof other[i - 6], "note %c%c %d about "
		    "item%d and thing%d", 'a' + i, 'k' + i, i, i * 7, i * 13);
		e[i].subject = other[i - 6];
		e[i].excerpt = other[i - 6];
		e[i].date = T0 + 30 * DAY + i * DAY * 3;
		words_as_tokens(&e[i], toks[i], 256);
		p[i] = &e[i];
	}
	for (int i = 0; i < 6; i++) {
		int run = i / 2;	/* A on day 0, A on day 2, B on day 10 */
		memset(&e[i], 0, sizeof e[i]);
		e[i].subject = (char *)subj[run];
		e[i].excerpt = (char *)body;
		e[i].simhash = ndr_simhash(body);
		e[i].date = T0 + (run == 0 ? 0 : run == 1 ? 2 : 10) * DAY +
		    i * 60;
		snprintf(rcv[i], sizeof rcv[i], "from bot ([10.%d.0.1]) by "
		    "mx.far.example", run < 2 ? 1 : 2);
		e[i].received = rcv[i];
		words_as_tokens(&e[i], toks[i], 256);
		p[i] = &e[i];
	}
	ndr_campaigns(p, N, id);
	ck_assert_uint_eq(id[1], id[0]);
	ck_assert_uint_eq(id[3], id[2]);
	ck_assert_uint_eq(id[5], id[4]);
	ck_assert_uint_eq(id[2], id[0]);
	ck_assert_uint_ne(id[4], id[0]);
}
END_TEST

/* A spun subject's variants share their first two words: one run, on
 * the same days, whatever the rest ("Meeting proposal for you", "Meeting
 * proposal from your company"); another run's subject does not join. */
START_TEST(test_campaigns_spun_subjects)
{
	static const char *const subj[4] = { "Meeting proposal for you",
	    "Meeting proposal from your company",
	    "Meeting proposal for your company k3x9",
	    "Cheap replica watches for sale" };
	struct ndr_evidence e[4];
	const struct ndr_evidence *p[4];
	size_t id[4];

	for (int i = 0; i < 4; i++) {
		memset(&e[i], 0, sizeof e[i]);
		e[i].subject = (char *)subj[i];
		e[i].date = T0 + i * 3600;
		p[i] = &e[i];
	}
	ndr_campaigns(p, 4, id);
	ck_assert_uint_eq(id[1], id[0]);
	ck_assert_uint_eq(id[2], id[0]);
	ck_assert_uint_ne(id[3], id[0]);
}
END_TEST

/* Three runs under one subject, ten days apart, from one botnet: each
 * run's reports group by their bodies and links. Two reports that carry
 * only their original's header, on the days of the first run, could be
 * that run's or another's: they form no campaign of their own (it would
 * be shown as a fourth). Two such on days no campaign of that subject
 * bounced in are a small run of their own and still group. */
START_TEST(test_campaigns_piece_of_no_run_is_no_campaign)
{
	enum { N = 13 };
	static uint64_t toks[N][256];
	static char rcv[N][96];
	static const char *const body[3] = {
		"luxury watches at half price order the replica watches today "
		"free shipping on every watch",
		"casino bonus spins for new players claim your casino bonus "
		"and play the slots tonight",
		"lose weight fast with this natural formula that burns fat "
		"while you sleep order a bottle today",
	};
	static const char *const host[3] = { "watches.example",
	    "casino.example", "slim.example" };
	struct ndr_evidence e[N];
	const struct ndr_evidence *p[N];
	size_t id[N];

	for (int i = 0; i < N; i++) {
		memset(&e[i], 0, sizeof e[i]);
		e[i].subject = "Invoice overdue notice";
		e[i].received = rcv[i];
		snprintf(rcv[i], sizeof rcv[i], "from bot ([10.7.0.%d]) by "
		    "mx.far.example", i % 3 + 1);
		p[i] = &e[i];
	}
	/* 0-8: three runs of three, days 0, 10 and 20 */
	for (int i = 0; i < 9; i++) {
		e[i].date = T0 + (i / 3) * 10 * DAY + i * 600;
		e[i].excerpt = (char *)body[i / 3];
		e[i].links = (char *)host[i / 3];
		e[i].simhash = ndr_simhash(e[i].excerpt);
		words_as_tokens(&e[i], toks[i], 256);
	}
	/* 9-10: headers only, day 0, from a machine that sent nothing
	 * else; 11-12 the same on day 5 */
	for (int i = 9; i < N; i++) {
		e[i].date = T0 + (i < 11 ? 0 : 5 * DAY) + i * 600;
		snprintf(rcv[i], sizeof rcv[i], "from bot ([10.8.0.%d]) by "
		    "mx.far.example", i < 11 ? 1 : 2);
	}
	ndr_campaigns(p, N, id);
	for (int r = 0; r < 3; r++) {
		ck_assert_uint_ne(id[3 * r], NDR_NO_CAMPAIGN);
		ck_assert_uint_eq(id[3 * r + 1], id[3 * r]);
		ck_assert_uint_eq(id[3 * r + 2], id[3 * r]);
	}
	ck_assert_uint_ne(id[3], id[0]);
	ck_assert_uint_ne(id[6], id[3]);
	ck_assert_uint_eq(id[9], NDR_NO_CAMPAIGN);
	ck_assert_uint_eq(id[10], NDR_NO_CAMPAIGN);
	ck_assert_uint_ne(id[11], NDR_NO_CAMPAIGN);
	ck_assert_uint_eq(id[12], id[11]);
}
END_TEST

/* Tokens as words_as_tokens() makes them, from a list of words. */
static size_t
tokens_of(const char *const *w, size_t n, uint64_t *buf)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t h = 1469598103934665603ull;
		for (const char *c = w[i]; *c; c++)
			h = (h ^ (unsigned char)*c) * 1099511628211ull;
		buf[i] = h;
	}
	qsort(buf, n, sizeof *buf, cmp_tok);
	return n;
}

/* One run's reports in two bursts of a window each (a spun subject's
 * first words their key), each report carrying forty words of its own
 * (a bot's host name, its Message-ID, a random tag) beside the run's
 * six. A word of one report is in no other's: it says nothing of which
 * reports belong together, and weighed in it would make the two halves
 * look unlike (their cosine under a half). Other mail gives the words
 * their weight. */
START_TEST(test_campaigns_words_of_one_report_weigh_nothing)
{
	enum { N = 12, OWN = 40, RUN = 6 };
	static uint64_t toks[N][OWN + RUN];
	static char own[N][OWN][16];
	static const char *const run[RUN] = { "crypto", "fortune",
	    "platform", "secret", "start", "today" };
	static const char *const subj[4] = { "Crypto investment secret revealed",
	    "Crypto investment opportunity exposed",
	    "Crypto investment secret exposed",
	    "Crypto investment opportunity revealed" };
	struct ndr_evidence e[N];
	const struct ndr_evidence *p[N];
	size_t id[N];

	for (int i = 0; i < N; i++) {
		const char *w[OWN + RUN];
		size_t n = 0;
		memset(&e[i], 0, sizeof e[i]);
		for (int k = 0; k < OWN; k++) {
			snprintf(own[i][k], sizeof own[i][k], "w%dx%d", i, k);
			w[n++] = own[i][k];
		}
		if (i < 4) {	/* the run: days 0 and 3 (two windows) */
			for (int k = 0; k < RUN; k++)
				w[n++] = run[k];
			e[i].subject = (char *)subj[i];
			e[i].date = T0 + (i < 2 ? 0 : 3 * DAY) + i * 600;
		} else {	/* other mail, weeks later */
			e[i].subject = "Your parcel is on its way";
			e[i].date = T0 + (20 + i) * DAY;
		}
		e[i].ntokens = tokens_of(w, n, toks[i]);
		e[i].tokens = toks[i];
		p[i] = &e[i];
	}
	ndr_campaigns(p, N, id);
	ck_assert_uint_ne(id[0], NDR_NO_CAMPAIGN);
	ck_assert_uint_eq(id[1], id[0]);
	ck_assert_uint_eq(id[2], id[0]);
	ck_assert_uint_eq(id[3], id[0]);
}
END_TEST

/* A run of five on one template, its links to one host, and a small run
 * on the same template a week later, sent by one of the same machines,
 * its links to a host of its own: the template (a key many runs share)
 * and the machine (a botnet carries many runs) would join them; the
 * links say two runs, and they stay two. */
START_TEST(test_campaigns_links_to_other_hosts_disagree)
{
	enum { N = 12 };
	static uint64_t toks[N][256];
	static char rcv[N][96], body[N][256];
	static const char *const subj[2] = { "Special software for you",
	    "Limited crypto for you" };
	struct ndr_evidence e[N];
	const struct ndr_evidence *p[N];
	size_t id[N];

	for (int i = 0; i < N; i++) {
		int small = i >= 5 && i < 8, other = i >= 8;
		memset(&e[i], 0, sizeof e[i]);
		if (other) {	/* other mail, for the words' weight */
			snprintf(body[i], sizeof body[i], "minutes of the "
			    "meeting number %d about budget%d", i, i * 3);
			e[i].subject = "Minutes";
			e[i].excerpt = body[i];
			e[i].date = T0 + (30 + i) * DAY;
			words_as_tokens(&e[i], toks[i], 256);
			p[i] = &e[i];
			continue;
		}
		snprintf(body[i], sizeof body[i], "Hi, I found your profile "
		    "and I think you will like %s. It is cheap and it works "
		    "fast. See the link now. Regards",
		    small ? "crypto" : "software");
		e[i].subject = (char *)subj[small];
		e[i].links = small ? "xsje6tq.example" :
		    "pages.webspace.example";
		e[i].excerpt = body[i];
		e[i].simhash = ndr_simhash(body[i]);
		e[i].date = T0 + (small ? 7 * DAY : 0) + i * 3600;
		snprintf(rcv[i], sizeof rcv[i], "from bot ([10.0.42.%d]) by "
		    "mx.far.example", i % 2 ? 52 : i);
		e[i].received = rcv[i];
		words_as_tokens(&e[i], toks[i], 256);
		p[i] = &e[i];
	}
	ndr_campaigns(p, N, id);
	for (int i = 1; i < 5; i++)
		ck_assert_uint_eq(id[i], id[0]);
	ck_assert_uint_eq(id[6], id[5]);
	ck_assert_uint_eq(id[7], id[5]);
	ck_assert_uint_ne(id[5], id[0]);
}
END_TEST

/* Two runs under two subjects, their links to one free host, sent on
 * one day by one botnet: the host and the machines would join them; the
 * words of the machines (the classifier's tokens of the Received fields)
 * are the machines again, not a likeness of their own, and the two stay
 * two. (The host is shared: a third run names it weeks later.) */
START_TEST(test_campaigns_one_botnet_two_subjects)
{
	enum { N = 16 };
	static uint64_t toks[N][512];
	static char rcv[N][256], other[N][64];
	struct ndr_evidence e[N];
	const struct ndr_evidence *p[N];
	size_t id[N];

	for (int i = 0; i < N; i++) {
		memset(&e[i], 0, sizeof e[i]);
		p[i] = &e[i];
		if (i >= 10) {	/* other mail, for the words' weight */
			snprintf(other[i], sizeof other[i], "minutes of "
			    "meeting %d", i);
			e[i].subject = other[i];
			e[i].date = T0 + (40 + i) * DAY;
			words_as_tokens(&e[i], toks[i], 512);
			continue;
		}
		e[i].subject = i < 4 ? "Your account" : i < 8 ?
		    "Important notice" : "Totally different offer";
		e[i].links = "sites.freehost.example";
		e[i].date = T0 + (i < 8 ? 0 : 20 * DAY) + i * 600;
		int m = i < 8 ? i % 2 : i;	/* the machine */
		snprintf(rcv[i], sizeof rcv[i], "from pc%d.bot%d.example "
		    "(dsl%d.isp%d.example [10.%d.%d.7]) by mx.far.example\n"
		    "from pc%d (pc%d.lan%d.example [192.168.%d.2]) by "
		    "pc%d.bot%d.example", m, m, m, m, m, m, m, m, m, m, m, m);
		e[i].received = rcv[i];
		words_as_tokens(&e[i], toks[i], 512);
		uint64_t *t;
		size_t nt = ndr_received_tokens(rcv[i], &t);
		for (size_t k = 0; k < nt && e[i].ntokens < 512; k++)
			toks[i][e[i].ntokens++] = t[k];
		free(t);
		e[i].ntokens = sort_unique(toks[i], e[i].ntokens);
	}
	ndr_campaigns(p, N, id);
	for (int i = 1; i < 4; i++)
		ck_assert_uint_eq(id[i], id[0]);
	for (int i = 5; i < 8; i++)
		ck_assert_uint_eq(id[i], id[4]);
	ck_assert_uint_ne(id[4], id[0]);
}
END_TEST

/* An outbreak: three runs bounce in the same hours under one subject of
 * a generic pool, each to its own link host with its own words; time
 * says nothing of which run a report is, the hosts the subject came
 * with say it is no run's own. And one run that rotates three hosts
 * under its spun subjects stays one: the hosts share its subjects. */
START_TEST(test_campaigns_outbreak_of_runs_on_one_subject)
{
	enum { N = 30 };
	static uint64_t toks[N][256];
	static char body[N][160], rcv[N][160];
	static const char *const hosts[3] = { "watch-deals.example",
		"casino-spins.example", "pharma-now.example" };
	static const char *const words[3] = {
		"luxury replica watches half price free shipping",
		"casino bonus spins new players slots tonight",
		"pills without prescription cheap meds discreet" };
	static const char *const spun[2] = {
		"Rank your website first on Google",
		"Rank your website first on Bing" };
	struct ndr_evidence e[N];
	const struct ndr_evidence *p[N];
	size_t id[N];

	for (int i = 0; i < N; i++) {
		memset(&e[i], 0, sizeof e[i]);
		p[i] = &e[i];
		e[i].date = T0 + i * 600;	/* all in five hours */
		snprintf(rcv[i], sizeof rcv[i], "from pc%d.bots.example "
		    "(dsl%d.isp.example [10.9.%d.7]) by mx.far.example",
		    i % 5, i % 5, i % 5);	/* one botnet */
		e[i].received = rcv[i];
		if (i < 18) {	/* three runs, six reports each */
			int r = i % 3;
			e[i].subject = "Invoice attached for payment";
			e[i].links = (char *)hosts[r];
			snprintf(body[i], sizeof body[i], "%s visit %s %d",
			    words[r], hosts[r], i);
		} else {	/* one run, three hosts, two spun subjects */
			static const char *const seo[3] = {
				"seoexperts4.example", "seoexperts9.example",
				"seoexperts47.example" };
			e[i].subject = spun[i % 2];
			e[i].links = (char *)seo[i % 3];
			snprintf(body[i], sizeof body[i], "we put your site "
			    "on the first page guaranteed %s %d", seo[i % 3],
			    i);
		}
		e[i].excerpt = body[i];
		e[i].simhash = ndr_simhash(e[i].excerpt);
		words_as_tokens(&e[i], toks[i], 256);
	}
	ndr_campaigns(p, N, id);
	for (int i = 3; i < 18; i++)
		ck_assert_uint_eq(id[i], id[i % 3]);
	ck_assert_uint_ne(id[0], id[1]);
	ck_assert_uint_ne(id[0], id[2]);
	ck_assert_uint_ne(id[1], id[2]);
	for (int i = 19; i < N; i++)
		ck_assert_uint_eq(id[i], id[18]);
	ck_assert_uint_ne(id[18], id[0]);
}
END_TEST

START_TEST(test_evidence_of_fixtures)
{
	struct ndr_report *r = fixture("postfix.eml");
	struct ndr_evidence e;

	ndr_evidence_of(r, &e);
	ck_assert_int_eq(e.kind, NDR_KIND_BOUNCE);
	ck_assert_str_eq(e.orig_mid, "report-42@ndrsweep.test");
	ck_assert_ptr_nonnull(e.received);
	ck_assert_ptr_nonnull(strstr(e.received, "198.51.100.4"));
	ck_assert_str_eq(e.report_to, "alice@ndrsweep.test");
	ck_assert_uint_ge(e.nrcpts, 1);
	ndr_evidence_free(&e);
	ndr_report_free(&r);

	/* an auto-reply names what it answers by In-Reply-To */
	r = fixture("vacation.eml");
	ndr_evidence_of(r, &e);
	ck_assert_int_eq(e.kind, NDR_KIND_AUTOREPLY);
	ck_assert_str_eq(e.subject, "lunch");
	ndr_evidence_free(&e);
	ndr_report_free(&r);
}
END_TEST

/* ---- the whole store judged: campaign numbers kept across runs ---- */

static struct store *
judge_store(char *dir, size_t len)
{
	struct store *st;
	char path[128], err[256];

	snprintf(dir, len, "/tmp/ndrsweep-judge-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/t.db", dir);
	ck_assert_msg(store_open(path, &st, err, sizeof err) == 0, "%s", err);
	return st;
}

static uint32_t next_uid;

/* a bounce of a campaign: subject and link host say which */
static void
put(struct store *st, int64_t folder, const char *subject, const char *links)
{
	struct ndr_evidence e = { .kind = NDR_KIND_BOUNCE,
	    .form = NDR_FORM_HEADERS, .date = T0, .rcpts = "x@far.example",
	    .nrcpts = 1, .orig_mid = "spam@bulk.example", .orig_date = T0,
	    .subject = (char *)subject, .links = (char *)links };
	struct store_msg m = { .uid = ++next_uid, .kind = "bounce" };

	ck_assert_int_eq(store_msg_put(st, folder, &m), 0);
	ck_assert_int_eq(store_evidence_put(st, folder, m.uid, &e), 0);
}

struct camp_seen {
	int64_t	id[8], size[8];
	size_t	n;
};

static int
seen_campaign(const struct store_campaign *c, void *arg)
{
	struct camp_seen *s = arg;

	if (s->n < 8) {
		s->id[s->n] = c->id;
		s->size[s->n++] = c->size;
	}
	return 0;
}

static struct camp_seen
judge_all(struct store *st)
{
	static char *relay_v[] = { "smtp.example.org" };
	struct ndr_account a = { .name = "t",
	    .own_relays = { relay_v, 1 } };
	struct ndr_judge_stats js;
	struct camp_seen s = { 0 };
	char err[256];

	ck_assert_msg(ndr_judge_store(st, &a, &js, err, sizeof err) == 0,
	    "%s", err);
	ck_assert_int_eq(store_each_campaign(st, seen_campaign, &s), 0);
	return s;
}

START_TEST(test_campaign_numbers_stay)
{
	char dir[64], cmd[96];
	struct store *st = judge_store(dir, sizeof dir);
	struct store_folder f;
	struct camp_seen s;

	ck_assert_int_eq(store_begin(st), 0);
	ck_assert_int_eq(store_folder(st, "INBOX", &f), 0);
	for (int i = 0; i < 3; i++)
		put(st, f.id, "Cheap meds for everyone today", "pills.example");
	for (int i = 0; i < 2; i++)
		put(st, f.id, "Replica watches at a fraction", "watch.example");
	ck_assert_int_eq(store_commit(st), 0);
	s = judge_all(st);
	ck_assert_uint_eq(s.n, 2);
	ck_assert_int_eq(s.id[0], 1);	/* the larger first */
	ck_assert_int_eq(s.size[0], 3);
	ck_assert_int_eq(s.id[1], 2);

	/* new bounces join their campaigns; a new run gets a new number */
	ck_assert_int_eq(store_begin(st), 0);
	for (int i = 0; i < 3; i++)
		put(st, f.id, "Replica watches at a fraction", "watch.example");
	put(st, f.id, "Your parcel could not be delivered", NULL);
	ck_assert_int_eq(store_commit(st), 0);
	s = judge_all(st);
	ck_assert_uint_eq(s.n, 3);
	ck_assert_int_eq(s.id[0], 2);
	ck_assert_int_eq(s.size[0], 5);
	ck_assert_int_eq(s.id[1], 1);
	ck_assert_int_eq(s.size[1], 3);
	ck_assert_int_eq(s.id[2], 3);

	/* a bounce that links the two runs merges them, under the number
	 * most of the members had */
	ck_assert_int_eq(store_begin(st), 0);
	put(st, f.id, "Cheap meds for everyone today", "watch.example");
	ck_assert_int_eq(store_commit(st), 0);
	s = judge_all(st);
	ck_assert_uint_eq(s.n, 2);
	ck_assert_int_eq(s.id[0], 2);
	ck_assert_int_eq(s.size[0], 9);
	ck_assert_int_eq(s.id[1], 3);
	store_close(st);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/*
 * The README's table of signals says what the code does: every signal of
 * ndr_signal_defs once, with its weight ("legit" for the legitimate ones,
 * "+N", "up to +N" or "-N to +N" for the computed ones).
 */
static bool
weight_says(const struct ndr_signal_def *d, const char *w)
{
	char buf[32];

	if (strcmp(w, "legit") == 0)
		return d->weight == NDR_LEGIT_WEIGHT && !d->scaled;
	if (d->scaled) {
		snprintf(buf, sizeof buf, "up to +%g", d->weight);
		if (strcmp(w, buf) == 0)
			return true;
		snprintf(buf, sizeof buf, "-%g to +%g", d->weight, d->weight);
		return strcmp(w, buf) == 0;
	}
	snprintf(buf, sizeof buf, "+%g", d->weight);
	return strcmp(w, buf) == 0;
}

START_TEST(test_readme_signal_table_matches_the_code)
{
	const char *top = getenv("top_srcdir");
	char path[4096], line[1024];
	int seen[NDR_SIG__N] = { 0 };
	FILE *f;

	snprintf(path, sizeof path, "%s/README.md", top ? top : ".");
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "%s: cannot open", path);
	while (fgets(line, sizeof line, f)) {
		char *cells[4], *p = line;
		size_t nc = 0;
		if (strncmp(line, "| `", 3) != 0)
			continue;
		/* | names | says | weight | */
		while (nc < 4 && (p = strchr(p, '|')) != NULL)
			cells[nc++] = ++p;
		ck_assert_uint_eq(nc, 4);
		cells[3][-1] = '\0';
		char *w = cells[2];
		while (*w == ' ')
			w++;
		for (char *e = w + strlen(w); e > w && e[-1] == ' '; )
			*--e = '\0';
		/* names and weights pair up: "`a` / `b`" with "+4 / +2" */
		char *np = cells[0], *wp = w;
		for (;;) {
			char *b = strchr(np, '`'), *e, *slash;
			if (b == NULL || b >= cells[1])
				break;
			e = strchr(b + 1, '`');
			*e = '\0';
			slash = strstr(wp, " / ");
			if (slash)
				*slash = '\0';
			size_t k;
			for (k = 0; k < NDR_SIG__N; k++)
				if (strcmp(ndr_signal_defs[k].name, b + 1) == 0)
					break;
			ck_assert_msg(k < NDR_SIG__N, "README names an unknown "
			    "signal %s", b + 1);
			ck_assert_msg(weight_says(&ndr_signal_defs[k], wp),
			    "README gives %s the weight '%s'", b + 1, wp);
			seen[k]++;
			np = e + 1;
			if (slash)
				wp = slash + 3;
		}
	}
	fclose(f);
	for (size_t k = 0; k < NDR_SIG__N; k++)
		ck_assert_msg(seen[k] == 1, "README lists %s %d times",
		    ndr_signal_defs[k].name, seen[k]);
}
END_TEST

/* Sieve rules: a report, nothing of the user's, the campaign's subject
 * or links, a last day; strings quoted; nothing to go by, no rule */
START_TEST(test_rules_script)
{
	const char *links[] = { "spin.example", "x\"y.example" };
	const char *ex[] = { "@ndrsweep.test>", "smtp.ndrsweep.test" };
	const char *subj[] = { "Casino \"free\" spins" };
	const char *bots[] = { "[203.0.113.9]" };
	struct ndr_rule r[] = {
		{ .campaign = 7, .subjects = subj, .nsubjects = 1,
		  .links = links, .nlinks = 2, .senders = bots, .nsenders = 1,
		  .until = "2027-01-04" },
		/* nothing to go by */
		{ .campaign = 8, .until = "2027-01-04" },
		/* its bots alone */
		{ .campaign = 9, .senders = bots, .nsenders = 1 },
	};
	struct ndr_rules_ctx c = { "Quarantine/Backscatter", ex, 2, true, true,
	    true };
	char *s = ndr_rules_script(&c, r, 3);

	ck_assert_ptr_nonnull(strstr(s, "# campaign 9\n"));
	ck_assert_ptr_nonnull(strstr(s, "\"x\\\"y.example\"],\n           body "
	    ":raw :contains [\"[203.0.113.9]\"]))"));
	ck_assert_ptr_nonnull(strstr(s, "require [\"fileinto\", \"body\", "
	    "\"envelope\", \"date\", \"relational\", \"mailbox\"];"));
	ck_assert_ptr_nonnull(strstr(s, "# campaign 7, until 2027-01-04\n"));
	ck_assert_ptr_null(strstr(s, "# campaign 8"));
	ck_assert_ptr_nonnull(strstr(s, "envelope :is \"from\" \"\""));
	ck_assert_ptr_nonnull(strstr(s, "not body :raw :contains "
	    "[\"@ndrsweep.test>\", \"smtp.ndrsweep.test\"]"));
	ck_assert_ptr_nonnull(strstr(s, "currentdate :value \"le\" \"date\" "
	    "\"2027-01-04\""));
	ck_assert_ptr_nonnull(strstr(s, "body :raw :contains [\"Subject: Casino "
	    "\\\"free\\\" spins\"]"));
	ck_assert_ptr_nonnull(strstr(s, "[\"spin.example\", \"x\\\"y.example\"]"));
	ck_assert_ptr_nonnull(strstr(s, "fileinto :create "
	    "\"Quarantine/Backscatter\";\n    stop;"));
	free(s);
	/* a server without envelope, date or mailbox: none of them used */
	struct ndr_rules_ctx c2 = { "Q", NULL, 0, false, false, false };
	s = ndr_rules_script(&c2, r, 1);
	ck_assert_ptr_null(strstr(s, "envelope"));
	ck_assert_ptr_null(strstr(s, "currentdate"));
	ck_assert_ptr_null(strstr(s, ":create"));
	ck_assert_ptr_null(strstr(s, "not body"));
	free(s);
}
END_TEST

START_TEST(test_subject_prefix)
{
	const char *a[] = { "Casino free spins inside zz985",
	    "Casino free spins today q1", "Casino free spins inside 77",
	    "Hi", "Cheap watches from Geneva 1", NULL, "" };
	struct ndr_strv out = { 0 };

	ck_assert_uint_eq(ndr_subject_prefixes(a, 7, NULL, 0, &out, 20), 2);
	ck_assert_str_eq(out.v[0], "Casino free spins");	/* the most used */
	ck_assert_str_eq(out.v[1], "Cheap watches from");
	strv_free(&out);
	/* at most max */
	ck_assert_uint_eq(ndr_subject_prefixes(a, 7, NULL, 0, &out, 1), 1);
	strv_free(&out);
	ck_assert_uint_eq(ndr_subject_prefixes(NULL, 0, NULL, 0, &out, 20), 0);
	/* a run's own numbers cut off; too plain, left out */
	const char *b[] = { "Invoice 2453", "Invoice 65752", "Re: your order "
	    "#1234 now", "Re: your order #99", "Hello", "Re: hi", "Fwd: 123",
	    "Re: Re: Fwd:" };
	ck_assert_uint_eq(ndr_subject_prefixes(b, 8, NULL, 0, &out, 20), 3);
	ck_assert_str_eq(out.v[0], "Invoice");
	ck_assert_str_eq(out.v[1], "Re: your order");
	ck_assert_str_eq(out.v[2], "Hello");
	strv_free(&out);
	/* never a beginning of the user's own mail that bounced */
	const char *own[] = { "invoice 77 for the club", "Lunch" };
	ck_assert_uint_eq(ndr_subject_prefixes(b, 8, own, 2, &out, 20), 2);
	ck_assert_str_eq(out.v[0], "Re: your order");
	ck_assert_str_eq(out.v[1], "Hello");
	strv_free(&out);
}
END_TEST

CHECK_MAIN_CASES("verdict",
	{ "signals", TESTS(test_sent_message_id_is_legit,
	    test_readme_signal_table_matches_the_code,
	    test_legit_wins_over_spam_words_and_campaign,
	    test_own_relay_by_address_and_name,
	    test_forged_chain_below_a_foreign_hop, test_exim_helo,
	    test_batv, test_empty_ndr,
	    test_forged_message_id_of_the_users_form,
	    test_rewritten_message_id_written_that_day,
	    test_bounce_to_an_address_that_never_sends,
	    test_empty_ndr_of_a_flood,
	    test_no_basis_is_unsure, test_campaign_and_content_add_up,
	    test_relay_match), NULL, NULL, 0 },
	{ "rules", TESTS(test_rules_script, test_subject_prefix), NULL, NULL,
	    0 },
	{ "campaigns", TESTS(test_subject_norm, test_simhash,
	    test_campaigns, test_campaigns_sharing_a_generic_subject,
	    test_campaigns_overlapping_runs_told_apart_by_their_senders,
	    test_campaigns_one_template_two_botnets,
	    test_campaigns_one_template_told_apart_by_link_hosts,
	    test_campaigns_spun_subjects,
	    test_campaigns_piece_of_no_run_is_no_campaign,
	    test_campaigns_words_of_one_report_weigh_nothing,
	    test_campaigns_links_to_other_hosts_disagree,
	    test_campaigns_one_botnet_two_subjects,
	    test_campaigns_outbreak_of_runs_on_one_subject,
	    test_evidence_of_fixtures,
	    test_campaign_numbers_stay), NULL, NULL, 0 });
