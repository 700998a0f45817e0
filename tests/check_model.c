/* check_model.c - the interface's models: marks, tags, patterns, lists,
 * the key table and the text helpers, without curses. */
#include <locale.h>
#include <string.h>
#include <time.h>

#include "check_util.h"
#include "tui/model.h"

/* Add a report to a model as the store would list it. */
#define ITEM(m, ...) model_add((m), &(struct store_item){ __VA_ARGS__ })

#define NOW	1780000000LL	/* 2026-05-28 */
#define DAY	86400

/* A small mailbox: three campaigns' backscatter, a legit bounce, one
 * message in the quarantine. */
static void
fill(struct model *m)
{
	model_init(m, "Quarantine", "Trash");
	ITEM(m, .folder = "INBOX", .uid = 1, .message_id = "a1@x",
	    .date = NOW - 2 * DAY, .kind = "bounce", .rcpt = "bob@far",
	    .reason = "userunknown", .status = "5.1.1",
	    .verdict = NDR_BACKSCATTER, .score = 0.99, .campaign = 1,
	    .subject = "Cheap pills", .from = "spam@forged.example",
	    .mta = "mx1");
	ITEM(m, .folder = "INBOX", .uid = 2, .message_id = "a2@x",
	    .date = NOW - DAY, .kind = "bounce", .rcpt = "eve@far",
	    .reason = "userunknown", .status = "5.1.1",
	    .verdict = NDR_BACKSCATTER, .score = 0.97, .campaign = 1,
	    .subject = "Cheap pills now", .from = "spam@forged.example",
	    .mta = "mx1");
	ITEM(m, .folder = "INBOX", .uid = 3, .message_id = "b1@x",
	    .date = NOW - DAY, .kind = "bounce", .rcpt = "ann@far",
	    .reason = "mailboxfull", .status = "5.2.2", .verdict = NDR_LEGIT,
	    .score = 0.01, .subject = "Quarterly résumé",
	    .from = "me@home.example", .mta = "mx2");
	ITEM(m, .folder = "INBOX", .uid = 4, .message_id = "c1@x",
	    .date = NOW, .kind = "delay", .rcpt = "zed@far",
	    .reason = "expired", .status = "4.4.7", .verdict = NDR_UNSURE,
	    .score = 0.5, .campaign = 2, .subject = "Watches",
	    .from = "x@forged.example", .mta = "mx3", .kept = true);
	ITEM(m, .folder = "Quarantine", .uid = 7, .message_id = "a3@x",
	    .date = NOW - 3 * DAY, .kind = "bounce", .rcpt = "kim@far",
	    .reason = "userunknown", .status = "5.1.1",
	    .verdict = NDR_BACKSCATTER, .score = 0.99, .campaign = 1,
	    .subject = "Cheap pills", .from = "spam@forged.example",
	    .mta = "mx1");
	model_quarantined(m, 7, 41, "INBOX", NOW - 3 * DAY);
	ITEM(m, .folder = "Trash", .uid = 9, .message_id = "a4@x",
	    .date = NOW - 3 * DAY, .kind = "bounce", .rcpt = "lee@far",
	    .reason = "userunknown", .status = "5.1.1",
	    .verdict = NDR_BACKSCATTER, .score = 0.99, .campaign = 1,
	    .subject = "Cheap pills", .from = "spam@forged.example",
	    .mta = "mx1");
	model_add_campaign(m, 1, 3, 3, NOW - 3 * DAY, NOW - DAY, "Cheap pills",
	    "spam@forged.example", "mx1");
	model_add_campaign(m, 2, 1, 0, NOW, NOW, "Watches", "x@forged.example",
	    "mx3");
	model_finish(m);
}

START_TEST(test_counts_and_find)
{
	struct model m;

	fill(&m);
	ck_assert_int_eq(m.nitems, 6);
	ck_assert_int_eq(m.backscatter, 4);
	ck_assert_int_eq(m.legit, 1);
	ck_assert_int_eq(m.unsure, 1);
	ck_assert_int_eq(m.by_kind[0], 5);
	ck_assert_int_eq(m.by_kind[1], 1);
	ck_assert_int_eq(m.in_quarantine, 1);
	ck_assert_int_eq(m.oldest_quarantined, NOW - 3 * DAY);
	struct item *q = model_find(&m, "Quarantine", 7);
	ck_assert_ptr_nonnull(q);
	ck_assert(q->quarantined);
	ck_assert_str_eq(q->origin, "INBOX");
	ck_assert_int_eq(q->qid, 41);
	ck_assert_ptr_null(model_find(&m, "INBOX", 5));
	ck_assert_ptr_null(model_find(&m, "Junk", 1));
	/* the folders, as stored (by name), with their counts */
	ck_assert_int_eq(m.nfolders, 3);
	ck_assert_str_eq(m.folders[0], "INBOX");
	ck_assert_int_eq(m.folder_n[0], 4);
	ck_assert_str_eq(m.folders[1], "Quarantine");
	ck_assert_str_eq(m.folders[2], "Trash");
	/* handled: the quarantined and trashed ones of campaign 1, the kept
	 * one of 2 */
	ck_assert_int_eq(model_campaign(&m, 1)->handled, 2);
	ck_assert_int_eq(model_campaign(&m, 2)->handled, 1);
	model_free(&m);
}
END_TEST

START_TEST(test_mark_rules)
{
	struct model m;
	size_t c[MARK__N];

	fill(&m);
	struct item *in = model_find(&m, "INBOX", 1);
	struct item *q = model_find(&m, "Quarantine", 7);
	/* release only from the quarantine; quarantine and keep only
	 * outside it; delete anywhere */
	ck_assert(!item_mark(in, MARK_RELEASE));
	ck_assert_int_eq(in->mark, MARK_NONE);
	ck_assert(item_mark(in, MARK_QUARANTINE));
	ck_assert(!item_mark(q, MARK_QUARANTINE));
	ck_assert(!item_mark(q, MARK_KEEP));
	ck_assert(item_mark(q, MARK_RELEASE));
	ck_assert(item_mark(q, MARK_DELETE));
	/* what is in the Trash takes no mark */
	ck_assert(!item_mark(model_find(&m, "Trash", 9), MARK_DELETE));
	ck_assert_int_eq(model_marks(&m, c), 2);
	ck_assert_int_eq(c[MARK_QUARANTINE], 1);
	ck_assert_int_eq(c[MARK_DELETE], 1);
	ck_assert_int_eq(c[MARK_RELEASE], 0);
	/* undo */
	ck_assert(item_mark(in, MARK_NONE));
	ck_assert_int_eq(model_marks(&m, c), 1);
	model_finish(&m);
	ck_assert_int_eq(model_campaign(&m, 1)->marked, 1);
	model_free(&m);
}
END_TEST

START_TEST(test_carry_marks_over_reload)
{
	struct model a, b;

	fill(&a);
	item_mark(model_find(&a, "INBOX", 2), MARK_QUARANTINE);
	model_find(&a, "INBOX", 3)->tagged = true;
	/* a message the scan saw go: its mark goes with it */
	item_mark(model_find(&a, "INBOX", 4), MARK_DELETE);
	model_init(&b, "Quarantine", "Trash");
	ITEM(&b, .folder = "INBOX", .uid = 2, .message_id = "a2@x",
	    .kind = "bounce", .verdict = NDR_BACKSCATTER, .score = 1,
	    .campaign = 1);
	ITEM(&b, .folder = "INBOX", .uid = 3, .message_id = "b1@x",
	    .kind = "bounce", .verdict = NDR_LEGIT);
	model_carry(&b, &a);
	ck_assert_int_eq(b.items[0].mark, MARK_QUARANTINE);
	ck_assert(b.items[1].tagged);
	size_t c[MARK__N];
	ck_assert_int_eq(model_marks(&b, c), 1);
	model_free(&a);
	model_free(&b);
}
END_TEST

static struct pattern *
pat(const char *s)
{
	struct pattern *p;
	char err[256];

	ck_assert_msg(pattern_compile(s, &p, err, sizeof err) == 0, "%s: %s", s,
	    err);
	return p;
}

static size_t
count(struct model *m, const char *s)
{
	struct pattern *p = pat(s);
	size_t n = 0;

	for (size_t i = 0; i < m->nitems; i++)
		n += pattern_match(p, &m->items[i]);
	pattern_free(p);
	return n;
}

START_TEST(test_patterns)
{
	struct model m;

	fill(&m);
	ck_assert_int_eq(count(&m, "~A"), 6);
	ck_assert_int_eq(count(&m, "~s cheap"), 4);
	ck_assert_int_eq(count(&m, "~s \"pills now\""), 1);
	ck_assert_int_eq(count(&m, "~v back"), 4);
	ck_assert_int_eq(count(&m, "!~v backscatter"), 2);
	ck_assert_int_eq(count(&m, "~c 1 ~F INBOX"), 2);
	ck_assert_int_eq(count(&m, "~S >0.9"), 4);
	ck_assert_int_eq(count(&m, "~S <0.1"), 1);
	ck_assert_int_eq(count(&m, "~R userunknown ~r kim"), 1);
	ck_assert_int_eq(count(&m, "~F trash"), 1);
	ck_assert_int_eq(count(&m, "~k delay"), 1);
	ck_assert_int_eq(count(&m, "~f forged.example"), 5);
	ck_assert_int_eq(count(&m, "~K"), 1);
	/* plain words: subject, sender, recipient or reason */
	ck_assert_int_eq(count(&m, "mailboxfull"), 1);
	ck_assert_int_eq(count(&m, "RÉSUMÉ") + count(&m, "résumé"), 1);
	ck_assert_int_eq(count(&m, "~T"), 0);
	m.items[0].tagged = true;
	item_mark(&m.items[1], MARK_DELETE);
	ck_assert_int_eq(count(&m, "~T"), 1);
	ck_assert_int_eq(count(&m, "~D"), 1);
	ck_assert_int_eq(count(&m, "~Q"), 0);
	model_free(&m);
}
END_TEST

/* ~d <N and ~d >N: younger and older than N days, from now */
START_TEST(test_pattern_age)
{
	struct model m;
	int64_t now = (int64_t)time(NULL);

	model_init(&m, "Quarantine", "Trash");
	ITEM(&m, .folder = "INBOX", .uid = 1, .date = now - 2 * DAY,
	    .kind = "bounce", .verdict = NDR_BACKSCATTER);
	ITEM(&m, .folder = "INBOX", .uid = 2, .date = now - 10 * DAY,
	    .kind = "bounce", .verdict = NDR_BACKSCATTER);
	ITEM(&m, .folder = "INBOX", .uid = 3, .date = now - 40 * DAY,
	    .kind = "bounce", .verdict = NDR_BACKSCATTER);
	model_finish(&m);
	ck_assert_int_eq(count(&m, "~d <7"), 1);
	ck_assert_int_eq(count(&m, "~d >7"), 2);
	ck_assert_int_eq(count(&m, "~d >30"), 1);
	ck_assert_int_eq(count(&m, "!~d <30"), 1);
	model_free(&m);
}
END_TEST

/* ~b: the caller looks its text up and hands the pattern the reports
 * that have it (folder and UID); a ~b with no lookup matches nothing */
START_TEST(test_pattern_body)
{
	struct model m;
	struct pattern *p = pat("~b \"over quota\" ~v back");
	uint64_t *keys = malloc(2 * sizeof *keys);
	size_t n = 0;

	fill(&m);
	ck_assert_int_eq(pattern_body_n(p), 1);
	ck_assert_str_eq(pattern_body_text(p, 0), "over quota");
	for (size_t i = 0; i < m.nitems; i++)
		n += pattern_match(p, &m.items[i]);
	ck_assert_int_eq(n, 0);
	/* the first and the last item have it */
	keys[0] = pattern_key(m.items[m.nitems - 1].folder,
	    m.items[m.nitems - 1].uid);
	keys[1] = pattern_key(m.items[0].folder, m.items[0].uid);
	pattern_body_hits(p, 0, keys, 2);
	for (size_t i = 0, want; i < m.nitems; i++) {
		want = (i == 0 || i == m.nitems - 1) &&
		    m.items[i].verdict == NDR_BACKSCATTER;
		ck_assert_int_eq(pattern_match(p, &m.items[i]), want);
	}
	/* the same UID in another folder is another message */
	ck_assert(pattern_key("INBOX", 7) != pattern_key("Junk", 7));
	pattern_free(p);
	model_free(&m);
}
END_TEST

START_TEST(test_pattern_errors)
{
	struct pattern *p = (struct pattern *)1;
	char err[256];

	ck_assert_int_eq(pattern_compile("~s", &p, err, sizeof err), -1);
	ck_assert_ptr_null(p);
	ck_assert(strstr(err, "needs a value") != NULL);
	ck_assert_int_eq(pattern_compile("~z foo", &p, err, sizeof err), -1);
	ck_assert(strstr(err, "no such pattern") != NULL);
	ck_assert_int_eq(pattern_compile("~c x1", &p, err, sizeof err), -1);
	ck_assert(strstr(err, "not a number") != NULL);
	ck_assert_int_eq(pattern_compile("\"open", &p, err, sizeof err), -1);
	ck_assert(strstr(err, "quote") != NULL);
	ck_assert_int_eq(pattern_compile("   ", &p, err, sizeof err), -1);
	ck_assert_int_eq(pattern_compile("~d 7", &p, err, sizeof err), -1);
	ck_assert(strstr(err, "<DAYS or >DAYS") != NULL);
}
END_TEST

static bool
multiple_of_7(size_t v, void *arg)
{
	(void)arg;
	return v % 7 == 0;
}

START_TEST(test_list_moves)
{
	struct list l = { 0 };

	for (size_t i = 0; i < 100; i++)
		list_push(&l, i);
	list_move(&l, 1, 10);
	ck_assert_int_eq(l.cur, 1);
	ck_assert_int_eq(l.top, 0);
	list_move(&l, 15, 10);		/* the page follows the cursor */
	ck_assert_int_eq(l.cur, 16);
	ck_assert_int_eq(l.top, 7);
	list_move(&l, 1000, 10);	/* End */
	ck_assert_int_eq(l.cur, 99);
	ck_assert_int_eq(l.top, 90);
	list_move(&l, -1000, 10);	/* Home */
	ck_assert_int_eq(l.cur, 0);
	ck_assert_int_eq(l.top, 0);
	/* the screen grew: no empty lines below the last entry */
	l.cur = 95;
	l.top = 95;
	list_move(&l, 0, 20);
	ck_assert_int_eq(l.top, 80);
	/* search forwards and backwards, wrapping around */
	l.cur = 50;
	ck_assert(list_find(&l, l.cur + 1, multiple_of_7, NULL));
	ck_assert_int_eq(l.cur, 56);
	ck_assert(list_find_back(&l, l.cur - 1, multiple_of_7, NULL));
	ck_assert_int_eq(l.cur, 49);
	l.cur = 3;
	ck_assert(list_find_back(&l, l.cur + l.n - 1, multiple_of_7, NULL));
	ck_assert_int_eq(l.cur, 0);
	ck_assert(list_find_back(&l, l.cur + l.n - 1, multiple_of_7, NULL));
	ck_assert_int_eq(l.cur, 98);	/* wrapped to the end */
	list_clear(&l);
	list_move(&l, 1, 10);
	ck_assert_int_eq(l.cur, 0);
	list_free(&l);
}
END_TEST

START_TEST(test_campaign_sort)
{
	struct model m;
	struct list l = { 0 };

	fill(&m);
	campaigns_list(&m, SORT_SIZE, &l);
	ck_assert_int_eq(l.n, 2);
	ck_assert_int_eq(m.camps[l.v[0]].id, 1);
	campaigns_list(&m, SORT_LAST, &l);
	ck_assert_int_eq(m.camps[l.v[0]].id, 2);
	campaigns_list(&m, SORT_FIRST, &l);
	ck_assert_int_eq(m.camps[l.v[0]].id, 2);
	list_free(&l);
	model_free(&m);
}
END_TEST

START_TEST(test_keys)
{
	const char *names[64], *helps[64];

	ck_assert_int_eq(key_action(VIEW_MESSAGES, 'j'), ACT_DOWN);
	ck_assert_int_eq(key_action(VIEW_MESSAGES, NK_DOWN), ACT_DOWN);
	ck_assert_int_eq(key_action(VIEW_CAMPAIGNS, NK_PGDN), ACT_PGDN);
	ck_assert_int_eq(key_action(VIEW_MESSAGES, 'd'), ACT_DELETE);
	ck_assert_int_eq(key_action(VIEW_MESSAGES, 's'), ACT_QUARANTINE);
	ck_assert_int_eq(key_action(VIEW_MESSAGES, 'K'), ACT_KEEP);
	ck_assert_int_eq(key_action(VIEW_MESSAGES, 'u'), ACT_UNDO);
	ck_assert_int_eq(key_action(VIEW_MESSAGES, '$'), ACT_COMMIT);
	ck_assert_int_eq(key_action(VIEW_MESSAGES, ';'), ACT_TAGGED);
	ck_assert_int_eq(key_action(VIEW_MESSAGES, 'T'), ACT_TAG_PATTERN);
	ck_assert_int_eq(key_action(VIEW_REVIEW, 'r'), ACT_RELEASE);
	ck_assert_int_eq(key_action(VIEW_MESSAGES, 'x'), ACT_QUIT);
	ck_assert_int_eq(key_action(VIEW_OVERVIEW, NK_ENTER), ACT_OPEN);
	ck_assert_int_eq(key_action(VIEW_CAMPAIGNS, 'o'), ACT_SORT);
	ck_assert_int_eq(key_action(VIEW_MESSAGES, 'N'), ACT_PREV);
	ck_assert_int_eq(key_action(VIEW_MESSAGES, 'O'), ACT_RSORT);
	/* no marks on the overview, no release outside the messages */
	ck_assert_int_eq(key_action(VIEW_OVERVIEW, 'd'), ACT_NONE);
	ck_assert_int_eq(key_action(VIEW_CAMPAIGNS, 'r'), ACT_NONE);
	ck_assert_int_eq(key_action(VIEW_HELP, '?'), ACT_BACK);
	ck_assert_int_eq(key_action(VIEW_HELP, 'q'), ACT_BACK);
	/* help names only the keys of its view, each once */
	size_t n = key_help(VIEW_REVIEW, names, helps, 64);
	ck_assert_uint_gt(n, 10);
	bool release = false, sort = false;
	for (size_t i = 0; i < n; i++) {
		release |= strcmp(names[i], "r") == 0;
		sort |= strcmp(names[i], "o") == 0;
		for (size_t k = i + 1; k < n; k++)
			ck_assert_str_ne(names[i], names[k]);
	}
	ck_assert(release);
	ck_assert(sort);	/* o orders the review too */
	/* no key does two things in one view */
	for (const struct binding *a = bindings; a->views; a++)
		for (const struct binding *b = a + 1; b->views; b++)
			ck_assert_msg(!(a->views & b->views) || a->key != b->key,
			    "key %d bound twice", a->key);
}
END_TEST

/* [ui] bind: the configuration's keys first; the default a key had is
 * no longer listed, the footer names the key that does it now */
START_TEST(test_bind)
{
	const char *names[64], *helps[64];
	char err[256], out[256];

	key_unbind_all();
	ck_assert_int_eq(key_bind("campaigns,messages Q quarantine", err,
	    sizeof err), 0);
	ck_assert_int_eq(key_bind("all s noop", err, sizeof err), 0);
	ck_assert_int_eq(key_bind("lists ^D delete", err, sizeof err), 0);
	ck_assert_int_eq(key_bind("detail Space page-down", err, sizeof err),
	    0);
	ck_assert_int_eq(key_action(VIEW_MESSAGES, 'Q'), ACT_QUARANTINE);
	ck_assert_int_eq(key_action(VIEW_REVIEW, 'Q'), ACT_NONE);
	ck_assert_int_eq(key_action(VIEW_MESSAGES, 's'), ACT_NONE);
	ck_assert_int_eq(key_action(VIEW_CAMPAIGNS, 4), ACT_DELETE);
	ck_assert_int_eq(key_action(VIEW_MESSAGES, 'd'), ACT_DELETE);
	size_t n = key_help(VIEW_MESSAGES, names, helps, 64);
	bool q = false, s = false;
	for (size_t i = 0; i < n; i++) {
		q |= strcmp(names[i], "Q") == 0 &&
		    strstr(helps[i], "quarantine") != NULL;
		s |= strcmp(names[i], "s") == 0;
	}
	ck_assert(q);
	ck_assert(!s);
	key_hints(VIEW_MESSAGES, "Enter:open  d:del s:quar K:keep  q:back",
	    out, sizeof out);
	ck_assert_str_eq(out, "Enter:open  d:del Q:quar K:keep  q:back");
	/* bound away with no other key: the hint goes */
	ck_assert_int_eq(key_bind("messages K noop", err, sizeof err), 0);
	key_hints(VIEW_MESSAGES, "d:del  K:keep  d/s/K/r:mark", out,
	    sizeof out);
	ck_assert_str_eq(out, "d:del  d/Q/r:mark");
	/* what is wrong is named */
	ck_assert_int_eq(key_bind("mesages x quit", err, sizeof err), -1);
	ck_assert(strstr(err, "no view 'mesages'") != NULL);
	ck_assert_int_eq(key_bind("messages xy quit", err, sizeof err), -1);
	ck_assert(strstr(err, "'xy' is not a key") != NULL);
	ck_assert_int_eq(key_bind("messages x qiut", err, sizeof err), -1);
	ck_assert(strstr(err, "no function 'qiut'") != NULL);
	ck_assert_int_eq(key_bind("messages x", err, sizeof err), -1);
	key_unbind_all();
	ck_assert_int_eq(key_action(VIEW_MESSAGES, 's'), ACT_QUARANTINE);
	/* every action has a name bind knows */
	for (int a = ACT_NONE; a <= ACT_RULE; a++)
		ck_assert_ptr_nonnull(key_func_names[a]);
	ck_assert_ptr_null(key_func_names[ACT_RULE + 1]);
}
END_TEST

START_TEST(test_colors)
{
	struct ui_colors c;
	struct ndr_strv lines = { NULL, 0 };
	char err[256];

	ui_colors_default(&c);
	ck_assert_int_eq(c.fg[UC_BACK], 1);
	ck_assert_int_eq(ui_color_set(&c, "backscatter brightmagenta", err,
	    sizeof err), 0);
	ck_assert_int_eq(c.fg[UC_BACK], 13);
	ck_assert_int_eq(c.bg[UC_BACK], -1);
	ck_assert_int_eq(ui_color_set(&c, "bar color208 black", err,
	    sizeof err), 0);
	ck_assert_int_eq(c.fg[UC_BAR], 208);
	ck_assert_int_eq(c.bg[UC_BAR], 0);
	ck_assert_int_eq(ui_color_set(&c, "bar purple", err, sizeof err), -1);
	ck_assert(strstr(err, "'purple' is not a colour") != NULL);
	ck_assert_int_eq(ui_color_set(&c, "title red", err, sizeof err), -1);
	ck_assert(strstr(err, "no item 'title'") != NULL);
	/* the configuration's lines, a wrong one named by its line */
	strv_add(&lines, strdup("3 color legit cyan"));
	strv_add(&lines, strdup("4 bind messages ^X noop"));
	strv_add(&lines, strdup("7 color unsure color300"));
	ck_assert_int_eq(ui_config(&lines, "cfg", &c, err, sizeof err), -1);
	ck_assert_str_eq(err, "cfg:7: color: 'color300' is not a colour "
	    "(default, red, brightred, color208, ...)");
	ck_assert_int_eq(c.fg[UC_LEGIT], 6);
	key_unbind_all();
	strv_free(&lines);
}
END_TEST

START_TEST(test_text_fit)
{
	char out[256];

	ck_assert(setlocale(LC_CTYPE, "C.UTF-8") != NULL);
	ck_assert_int_eq(text_fit("hello", 10, true, true, out, sizeof out), 10);
	ck_assert_str_eq(out, "hello     ");
	ck_assert_int_eq(text_fit("hello world", 8, false, true, out,
	    sizeof out), 8);
	ck_assert_str_eq(out, "hello w>");
	ck_assert_int_eq(text_fit("exactly8", 8, false, true, out, sizeof out),
	    8);
	ck_assert_str_eq(out, "exactly8");
	/* control characters cannot drive the terminal */
	text_fit("a\033[2Jb\tc", 20, false, true, out, sizeof out);
	ck_assert_str_eq(out, "a?[2Jb c");
	/* nor can bidirectional controls turn the row around */
	text_fit("x\xe2\x80\xaey\xe2\x81\xa6z\xe2\x80\x8f.", 20, false, true,
	    out, sizeof out);
	ck_assert_str_eq(out, "x?y?z?.");
	/* wide characters take two columns and are never cut in half */
	ck_assert_int_eq(text_fit("日本語テキスト", 7, false, true, out,
	    sizeof out), 7);
	ck_assert_str_eq(out, "日本語>");
	ck_assert_int_eq(text_fit("日本語テキスト", 6, true, true, out,
	    sizeof out), 6);
	ck_assert_str_eq(out, "日本> ");
	/* combining accents, mixed scripts */
	ck_assert_int_eq(text_fit("e\xcc\x81t\xc3\xa9 Жук", 20, false, true,
	    out, sizeof out), 7);
	/* invalid UTF-8 and a non-UTF-8 terminal */
	text_fit("a\xff\xfe b", 20, false, true, out, sizeof out);
	ck_assert_str_eq(out, "a?? b");
	text_fit("résumé", 20, false, false, out, sizeof out);
	ck_assert_str_eq(out, "r?sum?");
	/* the buffer is never overrun */
	char small[4];
	text_fit("abcdefgh", 20, true, true, small, sizeof small);
	ck_assert_uint_lt(strlen(small), sizeof small);
}
END_TEST

/* a folder's name that does not fit: its start, an ellipsis, its last
 * part; never wider than asked, wide characters never halved */
START_TEST(test_text_fit_path)
{
	char out[256];

	ck_assert(setlocale(LC_CTYPE, "C.UTF-8") != NULL);
	ck_assert_int_eq(text_fit_path("INBOX", 15, true, true, out,
	    sizeof out), 15);
	ck_assert_str_eq(out, "INBOX          ");
	ck_assert_int_eq(text_fit_path("Archive/2019/Bounces", 15, false, true,
	    out, sizeof out), 15);
	ck_assert_str_eq(out, "Archiv\u2026/Bounces");
	text_fit_path("Archive/2019/Bounces", 15, false, false, out,
	    sizeof out);
	ck_assert_str_eq(out, "Arch.../Bounces");
	/* a last part too long for two thirds: cut from its left */
	text_fit_path("Lists/an-extremely-long-list-name", 15, false, true,
	    out, sizeof out);
	ck_assert_str_eq(out, "List\u2026-list-name");
	/* no separator: the start and the end */
	text_fit_path("abcdefghijklmnopqrstuvwxyz", 11, false, true, out,
	    sizeof out);
	ck_assert_str_eq(out, "abcde\u2026vwxyz");
	/* wide characters: at most the columns asked, none cut in half */
	int w = text_fit_path("\u65e5\u672c\u8a9e/\u4ef6\u540d\u30c6"
	    "\u30b9\u30c8\u30d5\u30a9\u30eb\u30c0", 12, false, true, out,
	    sizeof out);
	ck_assert_int_le(w, 12);
	ck_assert(strstr(out, "\u2026") != NULL);
	ck_assert(strstr(out, "\u65e5") == out);
}
END_TEST

START_TEST(test_text_cut)
{
	ck_assert(setlocale(LC_CTYPE, "C.UTF-8") != NULL);
	ck_assert_uint_eq(text_cut("short", 10, true), 5);
	ck_assert_uint_eq(text_cut("hello big world", 12, true), 9);
	ck_assert_uint_eq(text_cut("aaaaaaaaaaaaaaaa", 5, true), 5);
	ck_assert_uint_eq(text_cut("日本語", 3, true), 3);	/* one char */
	ck_assert_uint_eq(text_cut("日本語", 1, true), 3);	/* at least one */
}
END_TEST

START_TEST(test_sparkline_and_days)
{
	char out[256];
	int64_t c[5] = { 0, 1, 4, 8, 2 };
	struct model m;
	int64_t d[4];

	sparkline(c, 5, true, out, sizeof out);
	ck_assert_str_eq(out, " \xe2\x96\x81\xe2\x96\x84\xe2\x96\x88"
	    "\xe2\x96\x82");
	sparkline(c, 5, false, out, sizeof out);
	ck_assert_str_eq(out, " .=#:");
	fill(&m);
	per_day(&m, NOW, 4, d);
	ck_assert_int_eq(d[3], 1);	/* today */
	ck_assert_int_eq(d[2], 2);
	ck_assert_int_eq(d[1], 1);
	ck_assert_int_eq(d[0], 2);	/* the quarantined and the trashed */
	model_free(&m);
}
END_TEST

CHECK_MAIN_CASES("model",
	{ "model", TESTS(test_counts_and_find, test_mark_rules,
	    test_carry_marks_over_reload, test_campaign_sort), NULL, NULL, 0 },
	{ "patterns", TESTS(test_patterns, test_pattern_age,
	    test_pattern_body, test_pattern_errors), NULL, NULL, 0 },
	{ "lists and keys", TESTS(test_list_moves, test_keys, test_bind,
	    test_colors), NULL, NULL, 0 },
	{ "text", TESTS(test_text_fit, test_text_fit_path, test_text_cut,
	    test_sparkline_and_days), NULL, NULL, 0 });
