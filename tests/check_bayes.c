/* check_bayes.c - the classifier: its tokens, training and scoring. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_util.h"
#include "core/bayes.h"
#include "core/store.h"

/* The tokens of a raw message. */
static struct ndr_report *
read_tokens(const char *raw)
{
	struct ndr_limits lim;
	struct ndr_report *r = NULL;

	ndr_limits_default(&lim);
	lim.tokens = true;
	ck_assert_int_eq(ndr_read(raw, strlen(raw), &lim, &r), NDR_OK);
	return r;
}

static bool
has(const struct ndr_report *r, const char *prefix, const char *word)
{
	uint64_t h = ndr_token(prefix, word);

	for (size_t i = 0; i < r->ntokens; i++)
		if (r->tokens[i] == h)
			return true;
	return false;
}

START_TEST(test_tokens_plain)
{
	struct ndr_report *r = read_tokens(
	    "Received: from mx.example.org (mx.example.org [192.0.2.1])\n"
	    "\tby in.example.net with ESMTP id X1; Tue, 2 Jun 2026\n"
	    "From: Bob Smith <bob@mail.example.org>\n"
	    "Subject: Cheap offer\n"
	    "X-Mailer: SuperMailer 5\n"
	    "Message-ID: <1@gen.example.net>\n\n"
	    "A cheap offer: visit http://shop.deals.example.com/x now.\n"
	    "aGVsbG8gd29ybGQgdGhpcyBpcyBiYXNlNjQgZW5jb2RlZA and 123456789\n");

	/* the subject's words and the body's are different tokens */
	ck_assert(has(r, "subj", "Cheap"));
	ck_assert(has(r, "", "cheap"));
	ck_assert(!has(r, "", "Cheap"));
	ck_assert(has(r, "fromdom", "mail.example.org"));
	ck_assert(has(r, "fromdom", "example.org"));
	ck_assert(has(r, "fromname", "Bob"));
	ck_assert(has(r, "mailer", "SuperMailer"));
	ck_assert(has(r, "middom", "gen.example.net"));
	/* a hop: its host, network, and every word of it */
	ck_assert(has(r, "rcvd", "mx.example.org"));
	ck_assert(has(r, "ip", "192.0"));
	ck_assert(has(r, "rcvdw", "ESMTP"));
	ck_assert(has(r, "rcvdw", "in.example.net"));
	ck_assert(has(r, "url", "shop.deals.example.com"));
	ck_assert(has(r, "url", "example.com"));
	/* a word once, however often it comes */
	for (size_t i = 1; i < r->ntokens; i++)
		ck_assert(r->tokens[i - 1] < r->tokens[i]);
	/* long runs of ASCII (base64, hashes) and long numbers are noise */
	ck_assert(!has(r, "", "aGVsbG8gd29ybGQgdGhpcyBpcyBiYXNlNjQgZW5jb2RlZA"));
	ck_assert(!has(r, "", "123456789"));
	ndr_report_free(&r);
}
END_TEST

START_TEST(test_tokens_scripts_and_html)
{
	struct ndr_report *r = read_tokens(
	    "Subject: =?UTF-8?B?0J/RgNC40LLQtdGC?=\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: text/html; charset=utf-8\n\n"
	    "<html><body bgcolor=\"pink\"><p>Привет мир, "
	    "日本語のテキストはスペースなしで長く続きます "
	    "caf\xc3\xa9 <B>Bold</b> words 1 < 2</p></body></html>\n");

	ck_assert(has(r, "subj", "Привет"));
	ck_assert(has(r, "", "Привет"));
	ck_assert(has(r, "", "мир"));
	ck_assert(has(r, "", "café"));
	ck_assert(has(r, "", "Bold"));
	/* the tags are not words of the text, but their names are tokens
	 * of their own, lower case, closing or not; attributes are not */
	ck_assert(!has(r, "", "bgcolor"));
	ck_assert(!has(r, "", "html"));
	ck_assert(has(r, "tag", "html"));
	ck_assert(has(r, "tag", "body"));
	ck_assert(has(r, "tag", "b"));
	ck_assert(!has(r, "tag", "bgcolor"));
	ck_assert(!has(r, "tag", "pink"));
	/* a long run without spaces comes in pieces of whole characters */
	ck_assert(has(r, "", "日本語の"));
	ndr_report_free(&r);

	/* bytes that are not UTF-8 at all must not break it */
	r = read_tokens("Subject: x\n\n\xa0\xa0\xa0\xa0\xa0\xa0\xa0\xa0\xa0"
	    "\xa0\xa0\xa0\xa0\xa0\xa0\xa0\xa0\xa0\xa0\xa0\xa0\xa0\xa0\xa0"
	    "\xa0\xa0\xa0\xa0\xa0\xa0\xa0\xa0\xa0\xa0\xa0 end\n");
	ck_assert(has(r, "", "end"));
	ndr_report_free(&r);
}
END_TEST

START_TEST(test_tokens_of_the_original)
{
	struct ndr_report *r = fixture("postfix.eml");
	struct ndr_limits lim;
	struct ndr_buf b = { 0 };

	ndr_report_free(&r);
	ndr_limits_default(&lim);
	lim.tokens = true;
	fixture_raw("postfix.eml", &b);
	ck_assert_int_eq(ndr_read(b.s, b.len, &lim, &r), NDR_OK);
	/* the bounced original's subject, not the report's */
	ck_assert(has(r, "subj", "Quarterly"));
	ck_assert(!has(r, "subj", "Undelivered"));
	ndr_report_free(&r);
	ndr_buf_free(&b);

	/* a scan's tokens: of the kinds judged, the same; of others, none
	 * (though they have some when all are asked for) */
	static const char *const judged[] = { "postfix.eml", "gmail-delay.eml",
	    "vacation.eml" }, *const not[] = { "ordinary.eml", "arf.eml",
	    "mdn.eml" };
	for (size_t i = 0; i < 3; i++) {
		struct ndr_report *all = NULL;
		lim.tokens_judged = false;
		fixture_raw(judged[i], &b);
		ck_assert_int_eq(ndr_read(b.s, b.len, &lim, &all), NDR_OK);
		lim.tokens_judged = true;
		ck_assert_int_eq(ndr_read(b.s, b.len, &lim, &r), NDR_OK);
		ck_assert_msg(ndr_kind_judged(r->kind), "%s", judged[i]);
		ck_assert_uint_gt(r->ntokens, 0);
		ck_assert_uint_eq(r->ntokens, all->ntokens);
		ck_assert(memcmp(r->tokens, all->tokens, r->ntokens *
		    sizeof *r->tokens) == 0);
		ndr_report_free(&r);
		ndr_report_free(&all);
		ndr_buf_free(&b);
		fixture_raw(not[i], &b);
		lim.tokens_judged = false;
		ck_assert_int_eq(ndr_read(b.s, b.len, &lim, &all), NDR_OK);
		ck_assert_uint_gt(all->ntokens, 0);
		lim.tokens_judged = true;
		ck_assert_int_eq(ndr_read(b.s, b.len, &lim, &r), NDR_OK);
		ck_assert_msg(!ndr_kind_judged(r->kind), "%s", not[i]);
		ck_assert_uint_eq(r->ntokens, 0);
		ndr_report_free(&r);
		ndr_report_free(&all);
		ndr_buf_free(&b);
	}
}
END_TEST

/* ---- training and scoring, in a real store ---- */

static char dir[64];
static struct store *st;

static void
setup(void)
{
	char path[128], err[256];

	strcpy(dir, "/tmp/ndrsweep-bayes-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/b.db", dir);
	ck_assert_msg(store_open(path, &st, err, sizeof err) == 0, "%s", err);
}

static void
teardown(void)
{
	char cmd[96];

	store_close(st);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static const uint64_t spam1[] = { 1, 2, 3, 4, 5 }, spam2[] = { 2, 3, 4, 6 };
static const uint64_t ham1[] = { 10, 11, 12, 13 }, ham2[] = { 11, 12, 14 };

static int
count_tokens(uint64_t h, uint32_t s, uint32_t g, void *arg)
{
	(void)h;
	*(uint64_t *)arg += 1000u * s + g;
	return 0;
}

static uint64_t
fingerprint(void)
{
	uint64_t sum = 0;

	ck_assert_int_eq(store_each_token(st, count_tokens, &sum), 0);
	return sum;
}

START_TEST(test_fresh_store_is_neutral)
{
	struct ndr_bayes *b;

	ck_assert_int_eq(ndr_bayes_open(st, &b), 0);
	ck_assert(!ndr_bayes_trained(b));
	ck_assert(ndr_bayes_score(b, spam1, 5) == 0.5);
	ck_assert(ndr_bayes_score(b, NULL, 0) == 0.5);
	ndr_bayes_free(b);
}
END_TEST

static void
train(struct ndr_bayes *b, const uint64_t *t, size_t n, bool spam,
    enum ndr_train want)
{
	enum ndr_train out;

	ck_assert_int_eq(store_begin(st), 0);
	ck_assert_int_eq(ndr_bayes_train(b, st, NULL, t, n, spam, &out), 0);
	ck_assert_int_eq(ndr_bayes_flush(b, st), 0);
	ck_assert_int_eq(store_commit(st), 0);
	ck_assert_int_eq(out, want);
}

START_TEST(test_train_score_untrain)
{
	struct ndr_bayes *b;
	int64_t ns, nh;
	size_t nt;
	bool was;

	ck_assert_int_eq(ndr_bayes_open(st, &b), 0);
	train(b, ham1, 4, false, NDR_TRAIN_LEARNED);
	train(b, ham2, 3, false, NDR_TRAIN_LEARNED);
	train(b, spam2, 4, true, NDR_TRAIN_LEARNED);
	uint64_t before = fingerprint();
	train(b, spam1, 5, true, NDR_TRAIN_LEARNED);
	ck_assert(ndr_bayes_trained(b));
	ck_assert(ndr_bayes_score(b, spam1, 5) > 0.9);
	ck_assert(ndr_bayes_score(b, ham2, 3) < 0.1);
	/* the same message again: not counted twice */
	train(b, spam1, 5, true, NDR_TRAIN_KNOWN);
	ndr_bayes_counts(b, &ns, &nh, &nt);
	ck_assert_int_eq(ns, 2);
	ck_assert_int_eq(nh, 2);
	/* forgotten: back where it was, in memory and in the store */
	ck_assert_int_eq(store_begin(st), 0);
	ck_assert_int_eq(ndr_bayes_forget(b, st, NULL, spam1, 5, &was), 1);
	ck_assert_int_eq(ndr_bayes_flush(b, st), 0);
	ck_assert_int_eq(store_commit(st), 0);
	ck_assert(was);
	ck_assert(fingerprint() == before);
	ndr_bayes_counts(b, &ns, &nh, &nt);
	ck_assert_int_eq(ns, 1);
	ndr_bayes_free(b);
	/* and read back from the store alike */
	ck_assert_int_eq(ndr_bayes_open(st, &b), 0);
	ndr_bayes_counts(b, &ns, &nh, &nt);
	ck_assert_int_eq(ns, 1);
	ck_assert_int_eq(nh, 2);
	ndr_bayes_free(b);
}
END_TEST

START_TEST(test_reversed_decision)
{
	struct ndr_bayes *b;
	int64_t ns, nh;
	size_t nt;

	ck_assert_int_eq(ndr_bayes_open(st, &b), 0);
	train(b, ham1, 4, false, NDR_TRAIN_LEARNED);
	uint64_t before = fingerprint();
	train(b, spam1, 5, true, NDR_TRAIN_LEARNED);
	/* quarantined, then released: the spam count is undone first */
	train(b, spam1, 5, false, NDR_TRAIN_REVERSED);
	ndr_bayes_counts(b, &ns, &nh, &nt);
	ck_assert_int_eq(ns, 0);
	ck_assert_int_eq(nh, 2);
	train(b, spam1, 5, true, NDR_TRAIN_REVERSED);
	ck_assert_int_eq(store_begin(st), 0);
	ck_assert_int_eq(ndr_bayes_forget(b, st, NULL, spam1, 5, NULL), 1);
	ck_assert_int_eq(ndr_bayes_forget(b, st, NULL, spam1, 5, NULL), 0);
	ck_assert_int_eq(ndr_bayes_flush(b, st), 0);
	ck_assert_int_eq(store_commit(st), 0);
	ck_assert(fingerprint() == before);
	ndr_bayes_free(b);
}
END_TEST

/* A lazy classifier (each token fetched when asked) learns and scores
 * as the whole one does, a reversal included, and holds only the tokens
 * it was asked about. */
START_TEST(test_lazy_same_as_whole)
{
	struct ndr_bayes *b, *w;
	int64_t ns, nh;
	size_t nt;

	ck_assert_int_eq(ndr_bayes_open(st, &w), 0);
	train(w, ham1, 4, false, NDR_TRAIN_LEARNED);
	train(w, spam2, 4, true, NDR_TRAIN_LEARNED);
	ndr_bayes_free(w);
	/* fresh ones each time, as a watch round has */
	ck_assert_int_eq(ndr_bayes_open_lazy(st, &b), 0);
	train(b, spam1, 5, true, NDR_TRAIN_LEARNED);
	ndr_bayes_free(b);
	ck_assert_int_eq(ndr_bayes_open_lazy(st, &b), 0);
	train(b, ham2, 3, false, NDR_TRAIN_LEARNED);
	ndr_bayes_counts(b, &ns, &nh, &nt);
	ck_assert_int_eq(nt, 3);	/* ham2's, not the vocabulary */
	ndr_bayes_free(b);
	uint64_t lazy = fingerprint();
	ck_assert_int_eq(ndr_bayes_open_lazy(st, &b), 0);
	ck_assert_int_eq(ndr_bayes_open(st, &w), 0);
	ck_assert(ndr_bayes_trained(b));
	ck_assert(ndr_bayes_score(b, spam1, 5) == ndr_bayes_score(w, spam1, 5));
	ck_assert(ndr_bayes_score(b, ham2, 3) == ndr_bayes_score(w, ham2, 3));
	ck_assert(ndr_bayes_score(b, spam1, 5) > 0.9);
	/* a reversal undoes counts of tokens the lazy one had not fetched */
	train(b, spam2, 4, false, NDR_TRAIN_REVERSED);
	ndr_bayes_free(b);
	uint64_t after_lazy = fingerprint();
	ndr_bayes_free(w);
	teardown();
	setup();
	ck_assert_int_eq(ndr_bayes_open(st, &w), 0);
	train(w, ham1, 4, false, NDR_TRAIN_LEARNED);
	train(w, spam2, 4, true, NDR_TRAIN_LEARNED);
	train(w, spam1, 5, true, NDR_TRAIN_LEARNED);
	train(w, ham2, 3, false, NDR_TRAIN_LEARNED);
	ck_assert(fingerprint() == lazy);
	train(w, spam2, 4, false, NDR_TRAIN_REVERSED);
	ck_assert(fingerprint() == after_lazy);
	ndr_bayes_free(w);
}
END_TEST

CHECK_MAIN_CASES("bayes",
	{ "tokens", TESTS(test_tokens_plain, test_tokens_scripts_and_html,
	    test_tokens_of_the_original), NULL, NULL, 0 },
	{ "learning", TESTS(test_fresh_store_is_neutral,
	    test_train_score_untrain, test_reversed_decision,
	    test_lazy_same_as_whole), setup, teardown, 0 });
