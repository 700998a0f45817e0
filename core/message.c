/* message.c - one raw message parsed once: headers, parts, report text. */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libetpan/libetpan.h>

#include "engine.h"

static void	unslim(const struct msg *, const char **, size_t *);
static bool	one_run(const struct msg *, const char *, size_t);

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

static void
ctype_str(struct mailmime_content *ct, char *out, size_t size)
{
	const char *type = "text", *sub = "plain";

	if (ct && ct->ct_type) {
		struct mailmime_type *t = ct->ct_type;
		if (t->tp_type == MAILMIME_TYPE_DISCRETE_TYPE) {
			switch (t->tp_data.tp_discrete_type->dt_type) {
			case MAILMIME_DISCRETE_TYPE_TEXT: type = "text"; break;
			case MAILMIME_DISCRETE_TYPE_IMAGE: type = "image"; break;
			case MAILMIME_DISCRETE_TYPE_AUDIO: type = "audio"; break;
			case MAILMIME_DISCRETE_TYPE_VIDEO: type = "video"; break;
			case MAILMIME_DISCRETE_TYPE_APPLICATION:
				type = "application";
				break;
			default:
				type = t->tp_data.tp_discrete_type->dt_extension;
				break;
			}
		} else {
			switch (t->tp_data.tp_composite_type->ct_type) {
			case MAILMIME_COMPOSITE_TYPE_MESSAGE: type = "message"; break;
			case MAILMIME_COMPOSITE_TYPE_MULTIPART:
				type = "multipart";
				break;
			default:
				type = t->tp_data.tp_composite_type->ct_token;
				break;
			}
		}
		sub = ct->ct_subtype;
	}
	/* "type/sub", lowercase, cut to size */
	size_t o = 0;
	for (const char *p = type ? type : "x"; *p && o + 1 < size; p++)
		out[o++] = (char)tolower((unsigned char)*p);
	if (o + 1 < size)
		out[o++] = '/';
	for (const char *p = sub ? sub : "x"; *p && o + 1 < size; p++)
		out[o++] = (char)tolower((unsigned char)*p);
	out[o] = '\0';
}

static bool
is_textual(const char *ctype)
{
	return strncmp(ctype, "text/", 5) == 0 ||
	    strcmp(ctype, "message/delivery-status") == 0 ||
	    strcmp(ctype, "message/global-delivery-status") == 0 ||
	    strcmp(ctype, "message/feedback-report") == 0 ||
	    strcmp(ctype, "message/global-headers") == 0 ||
	    strcmp(ctype, "message/rfc822") == 0 ||
	    strcmp(ctype, "message/partial") == 0;
}

static bool
charset_is_utf8(const char *cs)
{
	return cs == NULL || ci_eq(cs, "utf-8") || ci_eq(cs, "utf8") ||
	    ci_eq(cs, "us-ascii") || ci_eq(cs, "ascii");
}

/* Decode a single part's body (transfer encoding, then charset). */
static char *
decode_body(const struct msg *m, struct mailmime *mm, size_t cap,
    size_t *outlen, bool *cut)
{
	struct mailmime_data *d = mm->mm_data.mm_single;
	char *dec = NULL, *out;
	const char *data;
	size_t declen = 0, len;
	int enc;

	if (d == NULL || d->dt_type != MAILMIME_DATA_TEXT)
		return NULL;
	data = d->dt_data.dt_text.dt_data;
	len = d->dt_data.dt_text.dt_length;
	/* a body left out of libetpan's copy: read in the message itself.
	 * libetpan's empty body may stop short of where it was left out by
	 * a line break (a last part that lost its closing delimiter) */
	bool in_slim = m->slim && data >= m->slim &&
	    data <= m->slim + m->slimlen;
	for (size_t k = 0; in_slim && k < m->nskips; k++) {
		size_t at = (size_t)(data - m->slim), sk = m->skips[k];
		if (sk == at || (len == 0 && sk > at && sk - at <= 2 &&
		    strspn(data, "\r\n") >= sk - at)) {
			data = m->slim + sk;
			unslim(m, &data, &len);
			in_slim = false;	/* mapped */
		}
	}
	/* a body across what libetpan's copy changed (where libetpan saw
	 * no part where the copy was made to see one): the message's bytes */
	if (in_slim && len > 0 && !one_run(m, data, len))
		unslim(m, &data, &len);
	enc = d->dt_encoded ? d->dt_encoding : MAILMIME_MECHANISM_8BIT;
	/* Encoded text grows at most 4/3; read a little more than we keep. */
	if (len > cap + cap / 2) {
		len = cap + cap / 2;
		*cut = true;
	}
	if (enc == MAILMIME_MECHANISM_BASE64) {
		dec = xreallocarray(NULL, len + 1, 1);
		declen = b64_decode(data, len, dec);
	} else if (enc == MAILMIME_MECHANISM_QUOTED_PRINTABLE) {
		dec = xreallocarray(NULL, len + 1, 2);
		declen = qp_decode(data, len, dec);
	}
	const char *src = dec ? dec : data;
	size_t srclen = dec ? declen : len;
	if (srclen > cap) {
		srclen = cap;
		*cut = true;
	}

	const char *cs = mm->mm_content_type ?
	    mailmime_content_charset_get(mm->mm_content_type) : NULL;
	char *conv = NULL;
	size_t convlen = 0;
	if (!charset_is_utf8(cs) &&
	    charconv_buffer("utf-8", cs, src, srclen, &conv, &convlen) ==
	    MAIL_CHARCONV_NO_ERROR && conv) {
		out = xstrndup(conv, convlen);
		charconv_buffer_free(conv);
		*outlen = convlen;
		free(dec);
	} else if (dec) {	/* the decoded copy is the text */
		out = dec;
		out[srclen] = '\0';
		*outlen = srclen;
	} else {
		out = xstrndup(src, srclen);
		*outlen = srclen;
	}
	/* NULs would cut every later string search short */
	for (char *z = out, *e = out + *outlen;
	    (z = memchr(z, '\0', (size_t)(e - z))) != NULL; z++)
		*z = ' ';
	return out;
}

static struct part *
add_part(struct msg *m, const char *ctype, int depth, bool in_orig)
{
	struct part *p;

	m->parts = xreallocarray(m->parts, m->nparts + 1, sizeof *m->parts);
	p = &m->parts[m->nparts++];
	memset(p, 0, sizeof *p);
	memcpy(p->ctype, ctype, strnlen(ctype, sizeof p->ctype - 1));
	p->depth = depth;
	p->in_original = in_orig;
	return p;
}

static void
walk(struct msg *m, struct mailmime *mm, int depth, bool in_orig)
{
	char ctype[48];

	if (mm == NULL)
		return;
	if ((unsigned)depth > m->lim->max_depth ||
	    m->nparts >= m->lim->max_parts) {
		m->truncated = true;
		return;
	}
	ctype_str(mm->mm_content_type, ctype, sizeof ctype);
	switch (mm->mm_type) {
	case MAILMIME_MULTIPLE: {
		clistiter *it;
		if (mm->mm_data.mm_multipart.mm_mp_list == NULL)
			return;
		for (it = clist_begin(mm->mm_data.mm_multipart.mm_mp_list);
		    it; it = clist_next(it))
			walk(m, clist_content(it), depth + 1, in_orig);
		return;
	}
	case MAILMIME_MESSAGE:
		if (mm->mm_parent == NULL) {	/* the message itself */
			walk(m, mm->mm_data.mm_message.mm_msg_mime, depth,
			    in_orig);
			return;
		}
		if (!in_orig && m->orig_raw == NULL && mm->mm_body &&
		    mm->mm_body->dt_type == MAILMIME_DATA_TEXT) {
			m->orig_raw = mm->mm_body->dt_data.dt_text.dt_data;
			m->orig_rawlen = mm->mm_body->dt_data.dt_text.dt_length;
			unslim(m, &m->orig_raw, &m->orig_rawlen);
			m->orig_mime = mm->mm_data.mm_message.mm_msg_mime;
		}
		add_part(m, ctype, depth, in_orig);
		walk(m, mm->mm_data.mm_message.mm_msg_mime, depth + 1, true);
		return;
	case MAILMIME_SINGLE: {
		struct part *p = add_part(m, ctype, depth, in_orig);
		bool cut = false;
		if (is_textual(ctype))
			p->text = decode_body(m, mm, m->lim->max_text, &p->len,
			    &cut);
		if (cut)
			m->truncated = true;
		return;
	}
	}
}

/* A crude HTML to text: tags out, block ends as new lines, a few entities. */
void
html_to_text(struct ndr_buf *out, const char *s, size_t n)
{
	static const struct { const char *ent; char c; } ents[] = {
		{ "&nbsp;", ' ' }, { "&lt;", '<' }, { "&gt;", '>' },
		{ "&amp;", '&' }, { "&quot;", '"' }, { "&#39;", '\'' },
	};

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '<') {
			const char *e = memchr(s + i, '>', n - i);
			if (e == NULL)
				break;
			if (ci_prefix(s + i, "<br") || ci_prefix(s + i, "</p") ||
			    ci_prefix(s + i, "</div") || ci_prefix(s + i, "</tr") ||
			    ci_prefix(s + i, "<p") || ci_prefix(s + i, "</li"))
				ndr_buf_addc(out, '\n');
			else if (ci_prefix(s + i, "</td"))
				ndr_buf_addc(out, ' ');
			/* an address in <mailto:..> style brackets is text */
			else if (memchr(s + i, '@', e - (s + i)) &&
			    !memchr(s + i, '=', e - (s + i)))
				ndr_buf_add(out, s + i, e - (s + i) + 1);
			i = e - s;
			continue;
		}
		if (s[i] == '&') {
			bool done = false;
			for (size_t k = 0; k < sizeof ents / sizeof *ents; k++) {
				size_t el = strlen(ents[k].ent);
				if (i + el <= n && strncasecmp(s + i, ents[k].ent,
				    el) == 0) {
					ndr_buf_addc(out, ents[k].c);
					i += el - 1;
					done = true;
					break;
				}
			}
			if (done)
				continue;
		}
		if (s[i] != '\r')
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
	bool any_plain = false;

	/* room for the message's length: most texts fit */
	m->text.s = big_alloc(m->len + 1, &m->text.cap);
	m->text.s[0] = '\0';

	for (size_t i = 0; i < m->nparts; i++) {
		const struct part *p = &m->parts[i];
		if (!p->in_original && p->text &&
		    strcmp(p->ctype, "text/plain") == 0)
			any_plain = true;
	}
	for (size_t i = 0; i < m->nparts; i++) {
		const struct part *p = &m->parts[i];
		if (p->in_original || p->text == NULL)
			continue;
		if (strcmp(p->ctype, "text/plain") == 0 ||
		    (strncmp(p->ctype, "text/", 5) == 0 &&
		    strcmp(p->ctype, "text/html") != 0 &&
		    strcmp(p->ctype, "text/rfc822-headers") != 0 &&
		    strcmp(p->ctype, "text/enriched") != 0)) {
			if (m->text.len)
				ndr_buf_addc(&m->text, '\n');
			append_no_cr(&m->text, p->text, p->len);
		} else if (!any_plain && strcmp(p->ctype, "text/html") == 0) {
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
	lowercase_into(m->lower, m->text.s, m->text.len);
	m->orig_off = find_quoted(m->text.s, m->lower, m->text.len);
	m->lower[m->orig_off] = '\0';	/* the report text only */
	const unsigned char *u = (const unsigned char *)m->lower;
	for (size_t i = 0; i + 1 < m->orig_off; i++) {
		unsigned k = msg_pair(u[i], u[i + 1]);
		m->pairs[k >> 6] |= (uint64_t)1 << (k & 63);
	}
}

/* Cut hostile input down before libetpan's recursive parser sees it: a
 * message with more Content-Type lines than we read parts is cut just
 * before the first one we would not read, which bounds the nesting too. */
static size_t
cap_parts(const char *raw, size_t len, unsigned max_parts)
{
	unsigned seen = 0;
	const char *c = raw + 12, *end = raw + len;

	if (len < 14)
		return len;
	/* by the colons, fewer than the lines: one that ends "Content-Type"
	 * at the start of a line, with a byte after it */
	while (c < end - 1 && (c = memchr(c, ':', (size_t)(end - 1 - c))) != NULL) {
		const char *p = c - 12;
		if ((p == raw || p[-1] == '\n') &&
		    strncasecmp(p, "content-type", 12) == 0 &&
		    ++seen > max_parts + 1)
			return (size_t)(p - raw);
		c++;
	}
	return len;
}

/* A copy of raw whose bytes [at, at + cut) are replaced by pre, the
 * boundary (bl bytes) and post: a header given the boundary its body uses. */
static char *
with_boundary(const char *raw, size_t len, size_t at, size_t cut,
    const char *pre, const char *boundary, size_t bl, const char *post,
    size_t *outlen)
{
	struct ndr_buf b = { 0 };

	ndr_buf_add(&b, raw, at);
	ndr_buf_adds(&b, pre);
	ndr_buf_add(&b, boundary, bl);
	ndr_buf_adds(&b, post);
	ndr_buf_add(&b, raw + at + cut, len - at - cut);
	*outlen = b.len;
	return b.s;
}

/*
 * A multipart message whose declared boundary never occurs in its body
 * (a broken or rewritten header) parses as one opaque part. When the body
 * opens with a delimiter line of another boundary, parse a copy whose
 * header names that one.
 */
static char *
repair_boundary(const char *raw, size_t len, size_t hdr_len,
    const char *ctype, size_t *outlen)
{
	const char *bp = ctype ? strstr(ctype, "boundary=") : NULL;
	const char *body = raw + hdr_len, *end = raw + len, *p;
	char want[80];
	size_t wl;

	if (bp == NULL || strncmp(ctype, "multipart/", 10) != 0)
		return NULL;
	bp += 9;
	if (*bp == '"')
		bp++;
	wl = strcspn(bp, "\"; \t");
	if (wl == 0 || wl + 3 > sizeof want)
		return NULL;
	/* ctype is lowercased: compare without case */
	snprintf(want, sizeof want, "--%.*s", (int)wl, bp);
	if (ci_find(body, end - body, want))
		return NULL;
	/* the first delimiter-looking line of the body */
	for (p = body; p < end; ) {
		const char *nl = memchr(p, '\n', end - p);
		size_t ll = (nl ? (size_t)(nl - p) : (size_t)(end - p));
		if (ll > 0 && p[ll - 1] == '\r')
			ll--;
		if (ll > 2 && ll < 74 && p[0] == '-' && p[1] == '-') {
			const char *old = ci_find(raw, hdr_len, want + 2);
			if (old == NULL)
				return NULL;
			return with_boundary(raw, len, old - raw, wl, "", p + 2,
			    ll - 2, "", outlen);
		}
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return NULL;
}

/*
 * A report that lost its MIME headers on the way (an mbox copy, a broken
 * gateway) still has its parts: "--B" lines each followed at once by a
 * Content-Type. Give it back the header that names them, so that its
 * delivery-status part is read as one.
 */
static char *
restore_multipart(const char *raw, size_t len, size_t hdr_len,
    size_t *outlen)
{
	const char *body = raw + hdr_len, *end = raw + len, *ct;
	size_t hl = hdr_len;

	ct = ci_find(body, end - body, "\ncontent-type: message/delivery-status");
	if (ct == NULL)
		return NULL;
	/* the delimiter is the line just above that Content-Type, which
	 * ends at ct (the newline found) */
	const char *dl = ct;
	while (dl > body && dl[-1] != '\n')
		dl--;
	size_t ll = (size_t)(ct - dl);
	if (ll > 0 && dl[ll - 1] == '\r')
		ll--;
	if (ll < 3 || ll > 72 || dl[0] != '-' || dl[1] != '-')
		return NULL;
	/* insert before the blank line that ends the headers */
	while (hl > 0 && (raw[hl - 1] == '\n' || raw[hl - 1] == '\r'))
		hl--;
	return with_boundary(raw, len, hl, 0,
	    "\nContent-Type: multipart/mixed; boundary=\"", dl + 2, ll - 2,
	    "\"", outlen);
}


/* Are the slim copy's bytes [p, p + n) the message's as they are, one
 * run of it? */
static bool
one_run(const struct msg *m, const char *p, size_t n)
{
	size_t a = (size_t)(p - m->slim);

	for (size_t k = 0; k < m->nruns; k++)
		if (a >= m->runs[k].slim && a < m->runs[k].slim + m->runs[k].len)
			return a + n <= m->runs[k].slim + m->runs[k].len;
	return false;
}

/* Where the slim copy's bytes [p, p + n) come from in the message: the
 * whole span, the fields left out of it included. */
static void
unslim(const struct msg *m, const char **p, size_t *n)
{
	const struct slim_run *r = m->runs;
	size_t nr = m->nruns, a, e, ra, re, k;

	if (nr == 0 || *p < m->slim || *p > m->slim + m->slimlen)
		return;
	a = (size_t)(*p - m->slim);
	e = a + *n;
	/* the start: in a run, where it is there; at a run's start or in
	 * bytes no run maps (a header rewritten), where the message's bytes
	 * left out before it begin: an attached message starts with its
	 * header, whatever of it libetpan did not get */
	for (k = 0; k < nr && r[k].slim + r[k].len <= a; k++)
		;
	if (k < nr && a > r[k].slim)
		ra = r[k].raw + (a - r[k].slim);
	else
		ra = k > 0 ? r[k - 1].raw + r[k - 1].len : 0;
	/* the end: likewise, to where the bytes left out after it end */
	for (k = nr; k > 0 && r[k - 1].slim >= e; k--)
		;
	if (k > 0 && e < r[k - 1].slim + r[k - 1].len)
		re = r[k - 1].raw + (e - r[k - 1].slim);
	else
		re = k < nr ? r[k].raw : m->unslimlen;
	if (re < ra)
		return;
	*p = m->unslim + ra;
	*n = re - ra;
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
static void
find_report_parts(struct msg *m)
{
	for (size_t i = 0; i < m->nparts; i++) {
		const struct part *p = &m->parts[i];
		if (p->in_original)
			continue;
		if (!m->dsn && strstr(p->ctype, "delivery-status"))
			m->dsn = p;
		else if (!m->fbr &&
		    strcmp(p->ctype, "message/feedback-report") == 0)
			m->fbr = p;
		else if (!m->orig_hdrs &&
		    (strcmp(p->ctype, "text/rfc822-headers") == 0 ||
		    strcmp(p->ctype, "message/global-headers") == 0))
			m->orig_hdrs = p;
		else if (!m->orig_raw &&
		    strcmp(p->ctype, "message/rfc822") == 0 && p->text) {
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
	size_t idx = 0, n;

	charset_init();
	memset(m, 0, sizeof *m);
	m->lim = lim;
	if (len > lim->max_size) {
		len = lim->max_size;
		m->truncated = true;
	}
	n = cap_parts(raw, len, lim->max_parts);
	if (n < len) {
		len = n;
		m->truncated = true;
	}
	m->raw = raw;
	m->len = len;
	top_headers(m);

	size_t fixed_len;
	if ((m->fixed = m->ctype == NULL ?
	    restore_multipart(raw, len, m->hdr_len, &fixed_len) :
	    repair_boundary(raw, len, m->hdr_len, m->ctype,
	    &fixed_len)) != NULL) {
		raw = m->fixed;
		len = fixed_len;
	}
	size_t slim_len;
	/* kept while the part tree points into it */
	if ((m->slim = mime_only(raw, len, &slim_len, &m->slimcap, &m->runs,
	    &m->nruns, &m->skips, &m->nskips)) != NULL) {
		m->unslim = raw;
		m->unslimlen = len;
		m->slimlen = slim_len;
		raw = m->slim;
		len = slim_len;
	}
	if (mailmime_parse(raw, len, &idx, &m->mime) != MAILIMF_NO_ERROR) {
		m->mime = NULL;
		return -1;
	}
	walk(m, m->mime, 0, false);
	find_report_parts(m);
	build_text(m);
	return 0;
}

void
msg_free(struct msg *m)
{
	if (m->mime)
		mailmime_free(m->mime);
	hdrs_free(&m->top);
	free(m->from);
	free(m->from_addr);
	free(m->subject);
	free(m->ctype);
	free(m->report_type);
	for (size_t i = 0; i < m->nparts; i++)
		free(m->parts[i].text);
	free(m->parts);
	big_free(m->text.s, m->text.cap);
	big_free(m->lower, m->lowercap);
	free(m->fixed);
	big_free(m->slim, m->slimcap);
	free(m->skips);
	free(m->runs);
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
