/* message.c - one raw message parsed once: headers, parts, report text. */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

void
ndr_limits_default(struct ndr_limits *lim)
{
	lim->max_size = 2u << 20;	/* bounces are small; originals get cut */
	lim->max_depth = 24;
	lim->max_parts = 128;
	lim->max_text = 256u << 10;
	lim->tokens = false;		/* the classifier's are asked for */
	lim->tokens_judged = false;
}

/*
 * HTML to text, as a browser shows it: tags out; a line break where a
 * <br> or a block (p, div, tr, li, table, h1-h6, pre) ends or starts,
 * and the source's own line ends and runs of blanks one space, except
 * in <pre> (Exchange and webmail gateways break each line of a report
 * with <br>, and break the source where they like); style and script
 * content out; named and numeric entities. A part with no tag that
 * breaks a line at all is text labelled HTML: its line ends stay.
 */
static const char *const html_breaks[] = {
	"br", "p", "div", "tr", "li", "table", "pre", "h1", "h2", "h3",
	"h4", "h5", "h6", "blockquote", NULL
};

/* The tag at s ('<' first), if it is name (or /name when closing). */
static bool
html_tag_is(const char *s, const char *e, const char *name, bool closing)
{
	size_t l = strlen(name);

	s++;
	if (closing) {
		if (s >= e || *s != '/')
			return false;
		s++;
	}
	return (size_t)(e - s) >= l && strncasecmp(s, name, l) == 0 &&
	    (s + l == e || !isalnum((unsigned char)s[l]));
}

static bool
html_breaks_line(const char *s, const char *e)
{
	for (size_t k = 0; html_breaks[k]; k++)
		if (html_tag_is(s, e, html_breaks[k], false) ||
		    html_tag_is(s, e, html_breaks[k], true))
			return true;
	return false;
}

/* &...; at s: the bytes it stands for into out; its length, or 0. */
static size_t
html_entity(struct ndr_buf *out, const char *s, size_t n)
{
	static const struct { const char *ent; char c; } ents[] = {
		{ "&nbsp;", ' ' }, { "&lt;", '<' }, { "&gt;", '>' },
		{ "&amp;", '&' }, { "&quot;", '"' }, { "&apos;", '\'' },
	};

	for (size_t k = 0; k < sizeof ents / sizeof *ents; k++) {
		size_t el = strlen(ents[k].ent);
		if (el <= n && strncasecmp(s, ents[k].ent, el) == 0) {
			ndr_buf_addc(out, ents[k].c);
			return el;
		}
	}
	if (n < 4 || s[1] != '#')
		return 0;
	bool hex = s[2] == 'x' || s[2] == 'X';
	size_t i = hex ? 3 : 2;
	unsigned long c = 0;
	for (; i < n && i < 10 && isxdigit((unsigned char)s[i]); i++) {
		if (!hex && !isdigit((unsigned char)s[i]))
			break;
		c = c * (hex ? 16 : 10) + (unsigned long)(isdigit(
		    (unsigned char)s[i]) ? s[i] - '0' :
		    (tolower((unsigned char)s[i]) - 'a' + 10));
	}
	if (i >= n || s[i] != ';' || i == (hex ? 3u : 2u) || c == 0 ||
	    c > 0x10ffff || (c >= 0xd800 && c < 0xe000))
		return 0;
	char u[4];
	size_t ul;
	if (c < 0x80) {
		u[0] = (char)c;
		ul = 1;
	} else if (c < 0x800) {
		u[0] = (char)(0xc0 | c >> 6);
		u[1] = (char)(0x80 | (c & 0x3f));
		ul = 2;
	} else if (c < 0x10000) {
		u[0] = (char)(0xe0 | c >> 12);
		u[1] = (char)(0x80 | (c >> 6 & 0x3f));
		u[2] = (char)(0x80 | (c & 0x3f));
		ul = 3;
	} else {
		u[0] = (char)(0xf0 | c >> 18);
		u[1] = (char)(0x80 | (c >> 12 & 0x3f));
		u[2] = (char)(0x80 | (c >> 6 & 0x3f));
		u[3] = (char)(0x80 | (c & 0x3f));
		ul = 4;
	}
	if (c == 0xa0)	/* a no-break space: a space */
		ndr_buf_addc(out, ' ');
	else
		ndr_buf_add(out, u, ul);
	return i + 1;
}

void
html_to_text(struct ndr_buf *out, const char *s, size_t n)
{
	bool breaks = false, pre = false, blank = false;

	/* text labelled HTML: no tag in it breaks a line */
	for (const char *p = s, *end = s + n;
	    (p = memchr(p, '<', (size_t)(end - p))) != NULL; p++) {
		const char *e = memchr(p, '>', (size_t)(end - p));
		if (e == NULL)
			break;
		if (html_breaks_line(p, e)) {
			breaks = true;
			break;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '<') {
			const char *e = memchr(s + i, '>', n - i);
			if (e == NULL)
				break;
			const char *t = s + i;
			if (html_tag_is(t, e, "style", false) ||
			    html_tag_is(t, e, "script", false)) {
				/* their content is no text: to their end */
				const char *name = html_tag_is(t, e, "style",
				    false) ? "</style" : "</script";
				const char *c = ci_find(e, n - (size_t)(e - s),
				    name);
				if (c == NULL)
					break;
				e = memchr(c, '>', n - (size_t)(c - s));
				if (e == NULL)
					break;
			} else if (html_breaks_line(t, e)) {
				ndr_buf_addc(out, '\n');
				blank = false;
				if (html_tag_is(t, e, "pre", false))
					pre = true;
				else if (html_tag_is(t, e, "pre", true))
					pre = false;
			} else if (html_tag_is(t, e, "td", true) ||
			    html_tag_is(t, e, "th", true)) {
				ndr_buf_addc(out, ' ');
			/* an address in <mailto:..> style brackets is text */
			} else if (memchr(t, '@', (size_t)(e - t)) &&
			    !memchr(t, '=', (size_t)(e - t)))
				ndr_buf_add(out, t, (size_t)(e - t) + 1);
			i = (size_t)(e - s);
			continue;
		}
		if (s[i] == '&') {
			size_t el = html_entity(out, s + i, n - i);
			if (el > 0) {
				i += el - 1;
				blank = false;
				continue;
			}
		}
		if (s[i] == '\r')
			continue;
		if (!pre && breaks && (s[i] == '\n' || s[i] == ' ' ||
		    s[i] == '\t')) {
			/* the source's blanks: one space, none at a line's
			 * start */
			if (!blank && out->len > 0 &&
			    out->s[out->len - 1] != '\n')
				ndr_buf_addc(out, ' ');
			blank = true;
			continue;
		}
		blank = false;
		ndr_buf_addc(out, s[i]);
	}
}

/* Lines that announce the copy of the original inside the report text;
 * each says "message" (find_quoted looks for that word first). */
static const char *const quote_marks[] = {
	"below this line is a copy of the message",
	"this is a copy of the message",
	"copy of the original message",
	"original message follows",
	"original message headers follow",
	"message headers follow",
	"headers of the original message",
	"original message header",
	"header of the original message",
	"the original message was:",
	"----- original message -----",
	"------ original message ------",
	"unsent message below", "unsent message follows",
	"undelivered message follows",
	"returned message follows",
	"this is the original message",
	"your message reads",
	NULL
};

/* Where a mark's line qualifies: under 200 bytes, no NUL before it; the
 * line's start then, else -1. */
static long
mark_line(const char *low, size_t n, const char *at)
{
	const char *b = at, *e;

	while (b > low && b[-1] != '\n')
		b--;
	e = memchr(at, '\n', (size_t)(low + n - at));
	if ((size_t)((e ? e : low + n) - b) < 200 &&
	    memchr(b, '\0', (size_t)(at - b)) == NULL)
		return (long)(b - low);
	return -1;
}

enum { MARKS = sizeof quote_marks / sizeof *quote_marks };
static size_t nmarks, mark_off[MARKS], mark_len[MARKS];	/* "message" */

static void
marks_init(void)
{
	for (const char *const *mk = quote_marks; *mk; mk++) {
		const char *in = strstr(*mk, "message");
		if (in == NULL)
			abort();	/* a mark must say it: see quote_marks */
		mark_len[nmarks] = strlen(*mk);
		mark_off[nmarks++] = (size_t)(in - *mk);
	}
}

/* The first w in [p, end), a text that ends with a NUL and may hold
 * others: strstr, which is faster than memmem, from NUL to NUL. */
static const char *
find_word(const char *p, const char *end, const char *w)
{
	for (; p < end; p += strlen(p) + 1) {
		const char *f = strstr(p, w);
		if (f)
			return f;
	}
	return NULL;
}

static size_t
find_quoted(const char *t, const char *low, size_t n)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	size_t best = n, i;
	long at;

	/* a separator line (under 200 bytes) names the copy of the message.
	 * The marks all say "message": the text is searched for that word
	 * once, and each mark tried where it stands (the first line that
	 * qualifies is the earliest) */
	pthread_once(&once, marks_init);
	for (const char *p = low, *end = low + n; best == n && p < end &&
	    (p = find_word(p, end, "message")) != NULL; p++)
		for (size_t k = 0; k < nmarks; k++) {
			if ((size_t)(p - low) < mark_off[k])
				continue;
			const char *s = p - mark_off[k];
			if (mark_len[k] > (size_t)(end - s) ||
			    memcmp(s, quote_marks[k], mark_len[k]) != 0)
				continue;
			if ((at = mark_line(low, n, s)) >= 0) {
				best = (size_t)at;
				break;
			}
		}
	/* or a header block starts at the left margin, earlier */
	for (i = 0; i < best; ) {
		const char *nl = memchr(t + i, '\n', best - i);
		if (i > 0 && owned_header_block(t + i, n - i, 3, true))
			return i;
		if (nl == NULL)
			break;
		i = (size_t)(nl - t) + 1;
	}
	return best;
}

static void
append_no_cr(struct ndr_buf *b, const char *s, size_t n)
{
	while (n > 0) {
		const char *cr = memchr(s, '\r', n);
		size_t k = cr ? (size_t)(cr - s) : n;
		ndr_buf_add(b, s, k);
		if (cr == NULL)
			break;
		s += k + 1;
		n -= k + 1;
	}
}

static void
build_text(struct msg *m)
{
	/* room for the message's length: most texts fit */
	m->text.s = big_alloc(m->len + 1, &m->text.cap);
	m->text.s[0] = '\0';

	for (size_t i = 0; i < m->nparts; i++) {
		const struct part *p = &m->parts[i];
		if (p->in_original || p->text == NULL || p == m->dsn)
			continue;
		if (strcmp(p->ctype, "text/plain") == 0 ||
		    (strncmp(p->ctype, "text/", 5) == 0 &&
		    strcmp(p->ctype, "text/html") != 0 &&
		    strcmp(p->ctype, "text/rfc822-headers") != 0 &&
		    strcmp(p->ctype, "text/enriched") != 0)) {
			if (m->text.len)
				ndr_buf_addc(&m->text, '\n');
			append_no_cr(&m->text, p->text, p->len);
		} else if (!p->shadowed && strcmp(p->ctype, "text/html") == 0) {
			if (m->text.len)
				ndr_buf_addc(&m->text, '\n');
			html_to_text(&m->text, p->text, p->len);
		}
	}
	/* nothing readable came out of the MIME tree (a broken header, a
	 * boundary on an unfolded line): read the raw body as text */
	if (m->text.len == 0 && m->hdr_len < m->len)
		append_no_cr(&m->text, m->raw + m->hdr_len, m->len - m->hdr_len);
	if (m->text.s == NULL)
		ndr_buf_add(&m->text, "", 0);
	m->lower = big_alloc(m->text.len + 1, &m->lowercap);
	fold_into(m->lower, m->text.s, m->text.len);
	m->orig_off = find_quoted(m->text.s, m->lower, m->text.len);
	m->lower[m->orig_off] = '\0';	/* the report text only */
	const unsigned char *u = (const unsigned char *)m->lower;
	for (size_t i = 0; i + 1 < m->orig_off; i++) {
		unsigned k = msg_pair(u[i], u[i + 1]);
		m->pairs[k >> 6] |= (uint64_t)1 << (k & 63);
	}
}

/* From, Subject and Content-Type of the top header block, and the
 * report-type the last names. */
static void
top_headers(struct msg *m)
{
	const char *ct;

	m->hdr_len = hdrs_parse(&m->top, m->raw, m->len);
	m->from = hdr_decode(hdrs_get(&m->top, "From"));
	m->subject = hdr_decode(hdrs_get(&m->top, "Subject"));
	if (m->subject)
		m->lsubject = fold_dup(m->subject, strlen(m->subject));
	if (m->from) {
		m->from_addr = find_address(m->from, strlen(m->from), NULL, NULL);
		if (m->from_addr == NULL)	/* "MAILER-DAEMON" alone */
			m->from_addr = lowercase_dup(m->from, strlen(m->from));
	}
	if ((ct = hdrs_get(&m->top, "Content-Type")) == NULL)
		return;
	m->ctype = lowercase_dup(ct, strlen(ct));
	const char *rt = strstr(m->ctype, "report-type");
	if (rt) {
		rt += 11;
		while (*rt == ' ' || *rt == '=' || *rt == '"')
			rt++;
		m->report_type = xstrndup(rt, strcspn(rt, "\"; \t"));
	}
}

/* The report's own parts (not the original's): the delivery status, the
 * feedback report, the original's headers or the original itself. */
/*
 * A text part that is a delivery status labelled text/plain (old
 * Exchange, some gateways): it starts with a field of a DSN's, and holds
 * a Final-Recipient and a Status or an Action.
 */
static bool
dsn_as_text(const struct part *p)
{
	static const char *const first[] = { "reporting-mta:",
		"original-envelope-id:", "arrival-date:", "received-from-mta:",
		"dsn-gateway:", "final-recipient:", "original-recipient:",
		"action:", "status:", "diagnostic-code:", "remote-mta:",
		"x-actual-recipient:", NULL };
	const char *t = p->text;
	bool starts = false;

	if (t == NULL || strcmp(p->ctype, "text/plain") != 0)
		return false;
	while (*t == '\n' || *t == '\r' || *t == ' ' || *t == '\t')
		t++;
	for (size_t k = 0; first[k] && !starts; k++)
		starts = ci_prefix(t, first[k]);
	if (!starts)
		return false;
	size_t rest = p->len - (size_t)(t - p->text);
	return ci_find(t, rest, "final-recipient:") &&
	    (ci_find(t, rest, "status:") || ci_find(t, rest, "action:"));
}

static void
find_report_parts(struct msg *m)
{
	/* the delivery status: the part labelled so, or else one that is
	 * a delivery status labelled text (read as such, not as text) */
	for (size_t i = 0; i < m->nparts && !m->dsn; i++)
		if (!m->parts[i].in_original &&
		    strstr(m->parts[i].ctype, "delivery-status"))
			m->dsn = &m->parts[i];
	for (size_t i = 0; i < m->nparts && !m->dsn; i++)
		if (!m->parts[i].in_original && dsn_as_text(&m->parts[i]))
			m->dsn = &m->parts[i];
	for (size_t i = 0; i < m->nparts; i++) {
		const struct part *p = &m->parts[i];
		if (p->in_original)
			continue;
		if (p == m->dsn || strstr(p->ctype, "delivery-status"))
			continue;
		if (!m->fbr &&
		    strcmp(p->ctype, "message/feedback-report") == 0)
			m->fbr = p;
		else if (!m->orig_hdrs &&
		    (strcmp(p->ctype, "text/rfc822-headers") == 0 ||
		    strcmp(p->ctype, "message/global-headers") == 0))
			m->orig_hdrs = p;
		else if (!m->orig_raw && mime_is_message(p->ctype) &&
		    p->text) {
			/* an encoded message/rfc822 stays a single part */
			m->orig_raw = p->text;
			m->orig_rawlen = p->len;
		}
	}
}

int
msg_parse(struct msg *m, const char *raw, size_t len,
    const struct ndr_limits *lim)
{
	charset_init();
	memset(m, 0, sizeof *m);
	m->lim = lim;
	if (len > lim->max_size) {
		len = lim->max_size;
		m->truncated = true;
	}
	m->raw = raw;
	m->len = len;
	top_headers(m);
	mime_walk(m, raw, len);
	find_report_parts(m);
	build_text(m);
	return 0;
}

void
msg_free(struct msg *m)
{
	hdrs_free(&m->top);
	free(m->from);
	free(m->from_addr);
	free(m->subject);
	free(m->lsubject);
	free(m->orig_mid);
	free(m->ctype);
	free(m->report_type);
	for (size_t i = 0; i < m->nparts; i++)
		free(m->parts[i].text);
	free(m->parts);
	big_free(m->text.s, m->text.cap);
	big_free(m->lower, m->lowercap);
	memset(m, 0, sizeof *m);
}

const char *
msg_header(const struct msg *m, const char *name)
{
	return hdrs_get(&m->top, name);
}

size_t
msg_report_len(const struct msg *m)
{
	return m->orig_off;
}
