/* mime.c - the part tree of a message, read in place (RFC 2045, 2046). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libetpan/libetpan.h>	/* charconv_buffer */

#include "engine.h"

/*
 * The engine reads a message's parts where they are: no tree is built, no
 * field but Content-Type and Content-Transfer-Encoding is parsed, no body
 * is copied except the text it decodes. Each part found is added to the
 * message's list (struct part) in the order it comes, as the engine has
 * always seen them: a multipart adds no part of its own; an attached
 * message (message/rfc822 or message/global, not transfer-encoded) adds
 * one, then the parts of the message it holds, one level deeper and in
 * the original.
 *
 * What is broken is read as far as it goes: a part with no header starts
 * with its body; a header ends at its blank line or at the first line
 * that is not a field; a multipart that lost its closing delimiter ends
 * where its parent does; a multipart none of whose delimiters is there
 * is one part of text, its body.
 */

enum { ENC_IDENTITY, ENC_BASE64, ENC_QP };

/* What a part's header says of it. */
struct mime_head {
	char	 ctype[48];	/* "type/subtype", lowercase; "" when none */
	char	 charset[40];
	char	 bound[128];	/* a multipart's boundary (RFC 2046: <= 70) */
	size_t	 blen;
	int	 enc;
	bool	 typed;		/* a Content-Type field, read or not */
};

/* A byte of a token (RFC 2045): printable ASCII, no "tspecial". */
static bool
token_char(unsigned char c)
{
	return c > ' ' && c < 0x7f && strchr("()<>@,;:\\\"/[]?=", c) == NULL;
}

static bool
ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* p past white space and (nested) comments, up to e. */
static const char *
skip_cfws(const char *p, const char *e)
{
	int depth = 0;

	for (; p < e; p++) {
		if (depth == 0 && ws(*p))
			continue;
		if (*p == '(')
			depth++;
		else if (depth > 0 && *p == ')')
			depth--;
		else if (depth > 0 && *p == '\\' && p + 1 < e)
			p++;
		else if (depth == 0)
			break;
	}
	return p;
}

/* A parameter's value at *pp into out (size bytes, cut): a quoted string
 * unquoted, or the bytes to a ';' or a blank (lenient: real boundaries
 * hold '=' and '/' unquoted). Its length. */
static size_t
param_value(const char **pp, const char *e, char *out, size_t size)
{
	const char *p = *pp;
	size_t n = 0;

	if (p < e && *p == '"') {
		for (p++; p < e && *p != '"'; p++) {
			if (*p == '\\' && p + 1 < e)
				p++;
			else if (*p == '\r' || *p == '\n')
				continue;	/* a fold inside the quotes */
			if (n + 1 < size)
				out[n++] = *p;
		}
		if (p < e)
			p++;
	} else
		for (; p < e && *p != ';' && !ws(*p); p++)
			if (n + 1 < size)
				out[n++] = *p;
	out[n] = '\0';
	*pp = p;
	return n;
}

/* The Content-Type value [p, e) read into h: the type and subtype, the
 * boundary and the charset. A value without "type/subtype" is none. */
static void
ctype_read(const char *p, const char *e, struct mime_head *h)
{
	const char *t, *s;
	size_t tl, sl, o = 0;

	p = skip_cfws(p, e);
	for (t = p; p < e && token_char((unsigned char)*p); p++)
		;
	tl = (size_t)(p - t);
	p = skip_cfws(p, e);
	if (tl == 0 || p == e || *p != '/')
		return;
	p = skip_cfws(p + 1, e);
	for (s = p; p < e && token_char((unsigned char)*p); p++)
		;
	if ((sl = (size_t)(p - s)) == 0)
		return;
	for (size_t i = 0; i < tl && o + 2 < sizeof h->ctype; i++)
		h->ctype[o++] = (char)tolower((unsigned char)t[i]);
	h->ctype[o++] = '/';
	for (size_t i = 0; i < sl && o + 1 < sizeof h->ctype; i++)
		h->ctype[o++] = (char)tolower((unsigned char)s[i]);
	h->ctype[o] = '\0';
	/* the parameters: ";" name "=" value, each read or passed over */
	while ((p = memchr(p, ';', (size_t)(e - p))) != NULL) {
		const char *name;
		size_t nl;
		char val[128];

		p = skip_cfws(p + 1, e);
		for (name = p; p < e && token_char((unsigned char)*p); p++)
			;
		nl = (size_t)(p - name);
		p = skip_cfws(p, e);
		if (p == e || *p != '=')
			continue;
		p = skip_cfws(p + 1, e);
		size_t vl = param_value(&p, e, val, sizeof val);
		if (nl == 8 && strncasecmp(name, "boundary", 8) == 0 &&
		    h->blen == 0 && vl > 0) {
			memcpy(h->bound, val, vl + 1);
			h->blen = vl;
		} else if (nl == 7 && strncasecmp(name, "charset", 7) == 0 &&
		    h->charset[0] == '\0') {
			size_t cl = vl < sizeof h->charset ? vl :
			    sizeof h->charset - 1;
			memcpy(h->charset, val, cl);
			h->charset[cl] = '\0';
		}
		if (p >= e)
			break;
	}
}

static int
encoding_read(const char *p, const char *e)
{
	p = skip_cfws(p, e);
	if ((size_t)(e - p) >= 6 && strncasecmp(p, "base64", 6) == 0)
		return ENC_BASE64;
	if ((size_t)(e - p) >= 16 && strncasecmp(p, "quoted-printable", 16) == 0)
		return ENC_QP;
	return ENC_IDENTITY;
}

/* Is the line [p, le) a parameter of the line above that lost its fold:
 * a token, '=', a value, nothing that makes it a field? */
static bool
unfolded_param(const char *p, const char *le)
{
	const char *q = p;

	while (q < le && token_char((unsigned char)*q))
		q++;
	return q > p && q < le && *q == '=' && q + 1 < le &&
	    memchr(p, ':', (size_t)(q - p)) == NULL;
}

/*
 * The header block at [p, e) read into h (its first Content-Type and
 * Content-Transfer-Encoding; type empty when it has none); where the body
 * starts: after the blank line that ends the block, or at the first line
 * that is no field (a part without a header starts with its body).
 */
static const char *
head_read(const char *p, const char *e, struct mime_head *h)
{
	const char *ct = NULL, *cte = NULL, *ct_e = NULL, *cte_e = NULL;
	const char **cur_e = NULL, *start = p, *body = e;

	h->ctype[0] = h->charset[0] = '\0';
	h->blen = 0;
	while (p < e) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		const char *le = nl ? nl : e, *next = nl ? nl + 1 : e;

		if (le > p && le[-1] == '\r')
			le--;
		if (le == p) {			/* the blank line */
			body = next;
			break;
		}
		if (*p == ' ' || *p == '\t') {
			if (p == start) {	/* no field to continue */
				body = p;
				break;
			}
			if (cur_e)
				*cur_e = le;	/* the field goes on */
			p = next;
			continue;
		}
		const char *colon = memchr(p, ':', (size_t)(le - p));
		if (cur_e == &ct_e && unfolded_param(p, le)) {
			ct_e = le;	/* "boundary=..." that lost its fold */
			p = next;
			continue;
		}
		if (colon == NULL || !hdr_field_name(p, (size_t)(colon - p))) {
			body = p;		/* not a field: the body */
			break;
		}
		size_t n = (size_t)(colon - p);
		cur_e = NULL;
		if (n == 12 && ct == NULL &&
		    strncasecmp(p, "Content-Type", 12) == 0) {
			ct = colon + 1;
			ct_e = le;
			cur_e = &ct_e;
		} else if (n == 25 && cte == NULL &&
		    strncasecmp(p, "Content-Transfer-Encoding", 25) == 0) {
			cte = colon + 1;
			cte_e = le;
			cur_e = &cte_e;
		}
		p = next;
	}
	if ((h->typed = ct != NULL))
		ctype_read(ct, ct_e, h);
	h->enc = cte ? encoding_read(cte, cte_e) : ENC_IDENTITY;
	return body;
}

static bool
charset_is_utf8(const char *cs)
{
	return *cs == '\0' || ci_eq(cs, "utf-8") || ci_eq(cs, "utf8") ||
	    ci_eq(cs, "us-ascii") || ci_eq(cs, "ascii");
}

/* A part's body [data, data + len) decoded (transfer encoding, then
 * charset to UTF-8), at most cap bytes of it (*cut when it was more). */
static char *
decode_text(const char *data, size_t len, const struct mime_head *h,
    size_t cap, size_t *outlen, bool *cut)
{
	char *dec = NULL, *out;
	size_t declen = 0;

	/* encoded text grows at most 4/3: read a little more than is kept */
	if (len > cap + cap / 2) {
		len = cap + cap / 2;
		*cut = true;
	}
	if (h->enc == ENC_BASE64) {
		dec = xreallocarray(NULL, len + 1, 1);
		declen = b64_decode(data, len, dec);
	} else if (h->enc == ENC_QP) {
		dec = xreallocarray(NULL, len + 1, 2);
		declen = qp_decode(data, len, dec);
	}
	const char *src = dec ? dec : data;
	size_t srclen = dec ? declen : len;
	if (srclen > cap) {
		srclen = cap;
		*cut = true;
	}
	char *conv = NULL;
	size_t convlen = 0;
	if (!charset_is_utf8(h->charset) &&
	    charconv_buffer("utf-8", h->charset, src, srclen, &conv,
	    &convlen) == MAIL_CHARCONV_NO_ERROR && conv) {
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
	for (char *z = out, *end = out + *outlen;
	    (z = memchr(z, '\0', (size_t)(end - z))) != NULL; z++)
		*z = ' ';
	return out;
}

bool
mime_is_message(const char *ctype)
{
	return strcmp(ctype, "message/rfc822") == 0 ||
	    strcmp(ctype, "message/global") == 0;
}

static bool
is_textual(const char *ctype)
{
	return strncmp(ctype, "text/", 5) == 0 ||
	    strcmp(ctype, "message/delivery-status") == 0 ||
	    strcmp(ctype, "message/global-delivery-status") == 0 ||
	    strcmp(ctype, "message/feedback-report") == 0 ||
	    strcmp(ctype, "message/disposition-notification") == 0 ||
	    strcmp(ctype, "message/global-disposition-notification") == 0 ||
	    strcmp(ctype, "message/global-headers") == 0 ||
	    strcmp(ctype, "message/partial") == 0 || mime_is_message(ctype);
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

/* Is the line [q, le) a delimiter of boundary b (*close: the last one)?
 * "--" b, then blanks only; or "--" b "--", then anything. */
static bool
delimiter(const char *q, const char *le, const char *b, size_t bl,
    bool *close)
{
	if ((size_t)(le - q) < bl + 2 || q[0] != '-' || q[1] != '-' ||
	    memcmp(q + 2, b, bl) != 0)
		return false;
	q += bl + 2;
	if (le - q >= 2 && q[0] == '-' && q[1] == '-') {
		*close = true;
		return true;
	}
	while (q < le && (*q == ' ' || *q == '\t'))
		q++;
	*close = false;
	return q == le;
}

static void	entity(struct msg *, const struct mime_head *, const char *,
		    const char *, int, bool);

/* A part [p, e) of a multipart: its header read, its body walked. */
static void
child(struct msg *m, const char *p, const char *e, int depth, bool in_orig,
    bool digest)
{
	struct mime_head h;
	const char *body = head_read(p, e, &h);

	if (h.ctype[0] == '\0')
		strcpy(h.ctype, digest ? "message/rfc822" : "text/plain");
	entity(m, &h, body, e, depth, in_orig);
}

/* e, less the line break that ends [p, e) if it does */
static const char *
before_break(const char *p, const char *e)
{
	if (e > p && e[-1] == '\n')
		e--;
	if (e > p && e[-1] == '\r')
		e--;
	return e;
}

/* The end of a last part [p, e) that no closing delimiter ends: before
 * the line break that would have been the delimiter's, and before its
 * last line when that closes a boundary nobody declared ("--X--", one
 * word: a rewritten one). */
static const char *
lost_close(const char *p, const char *e)
{
	const char *end = e, *b;

	while (end > p && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	for (b = end; b > p && b[-1] != '\n' && !ws(b[-1]); b--)
		;
	if ((b == p || b[-1] == '\n') && end - b >= 6 && b[0] == '-' &&
	    b[1] == '-' && end[-1] == '-' && end[-2] == '-')
		e = b;
	return before_break(p, e);
}

static bool
children(struct msg *m, const struct mime_head *h, const char *p,
    const char *e, int depth, bool in_orig);

/* The parts of a multipart; in a multipart/alternative with a text/plain
 * version, its text/html ones are that text again (message.c reads the
 * plain one). */
static bool
multipart(struct msg *m, const struct mime_head *h, const char *p,
    const char *e, int depth, bool in_orig)
{
	size_t first = m->nparts;
	bool any = children(m, h, p, e, depth, in_orig), plain = false;

	if (strcmp(h->ctype, "multipart/alternative") != 0)
		return any;
	for (size_t i = first; i < m->nparts; i++)
		plain |= m->parts[i].depth == depth + 1 &&
		    strcmp(m->parts[i].ctype, "text/plain") == 0;
	for (size_t i = first; plain && i < m->nparts; i++)
		if (m->parts[i].depth == depth + 1 &&
		    strcmp(m->parts[i].ctype, "text/html") == 0)
			m->parts[i].shadowed = true;
	return any;
}

/* The parts of a multipart whose body is [p, e): each between a delimiter
 * line and the line break that opens the next; the last one, when no
 * closing delimiter comes, to e. False when no delimiter is there. */
static bool
children(struct msg *m, const struct mime_head *h, const char *p,
    const char *e, int depth, bool in_orig)
{
	bool digest = strcmp(h->ctype, "multipart/digest") == 0, close;
	const char *open = NULL;	/* the part being read starts here */
	const char *body = p;
	char dash[2 + sizeof h->bound];	/* "--" boundary */

	if (h->blen == 0)
		return false;
	dash[0] = dash[1] = '-';
	memcpy(dash + 2, h->bound, h->blen);
	/* the boundary is long and rare: looked for, then its line read */
	while (p < e &&
	    (p = memmem(p, (size_t)(e - p), dash, h->blen + 2)) != NULL) {
		if (p > body && p[-1] != '\n') {
			p++;
			continue;
		}
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		const char *le = nl ? nl : e, *next = nl ? nl + 1 : e;

		if (le > p && le[-1] == '\r')
			le--;
		if (delimiter(p, le, h->bound, h->blen, &close)) {
			/* the line break before it is the delimiter's */
			if (open)
				child(m, open, before_break(open, p),
				    depth + 1, in_orig, digest);
			if (close)
				return true;
			open = next;
		}
		p = next;
	}
	if (open)
		child(m, open, lost_close(open, e), depth + 1, in_orig, digest);
	return open != NULL;
}

/*
 * Does [s, e) start with a mail message's header block: lines that are
 * fields or their continuations up to a blank line (or to e), at least
 * two of them fields every message has? An original attached as octets
 * (a gateway's "application/octet-stream; name=ATT00001.eml") is that
 * message.
 */
static bool
starts_as_message(const char *s, const char *e)
{
	static const char *const usual[] = { "from:", "to:", "subject:",
		"date:", "message-id:", "received:", "return-path:",
		"mime-version:", NULL };
	int seen = 0;

	for (int lines = 0; s < e && lines < 200; lines++) {
		const char *nl = memchr(s, '\n', (size_t)(e - s));
		const char *le = nl ? nl : e;
		if (le > s && le[-1] == '\r')
			le--;
		if (le == s)		/* the blank line: the header's end */
			return seen >= 2;
		if (*s != ' ' && *s != '\t') {
			const char *c = s;
			while (c < le && *c != ':' && *c > ' ' && *c < 127)
				c++;
			if (c == s || c >= le || *c != ':')
				return false;	/* a line that is no field */
			for (size_t k = 0; usual[k]; k++)
				if ((size_t)(c + 1 - s) == strlen(usual[k]) &&
				    strncasecmp(s, usual[k], strlen(usual[k])) ==
				    0)
					seen++;
		}
		if (nl == NULL)
			break;
		s = nl + 1;
	}
	/* fields up to where it was cut (the first 4 KB of a long header) */
	return seen >= 2;
}

/* The entity whose header says h and whose body is [body, e). */
static void
entity(struct msg *m, const struct mime_head *h, const char *body,
    const char *e, int depth, bool in_orig)
{
	if ((unsigned)depth > m->lim->max_depth ||
	    m->nparts >= m->lim->max_parts) {
		m->truncated = true;
		return;
	}
	if (strncmp(h->ctype, "multipart/", 10) == 0) {
		if (multipart(m, h, body, e, depth, in_orig))
			return;
		/* its boundary is nowhere: its body is text */
		struct mime_head t = *h;
		strcpy(t.ctype, "text/plain");
		entity(m, &t, body, e, depth, in_orig);
		return;
	}
	struct part *p = add_part(m, h->ctype, depth, in_orig);
	/* octets of the report's own (not inside its original) */
	bool octets = !in_orig &&
	    strcmp(h->ctype, "application/octet-stream") == 0;
	if (octets && h->enc == ENC_IDENTITY && starts_as_message(body, e)) {
		strcpy(p->ctype, "message/rfc822");
		octets = false;
	}
	if (mime_is_message(p->ctype) && h->enc == ENC_IDENTITY) {
		/* an attached message (message/global: RFC 6532's, with UTF-8
		 * in its header): the first outside any other is the
		 * original, read whole from its first field */
		if (!in_orig && m->orig_raw == NULL) {
			m->orig_raw = body;
			m->orig_rawlen = (size_t)(e - body);
			m->orig_parsed = true;
		}
		child(m, body, e, depth + 1, true, false);
		return;
	}
	if (octets && h->enc != ENC_IDENTITY) {
		/* encoded octets: their first bytes say if they are a
		 * message; only then are they decoded whole */
		bool cut = false;
		size_t n = 0;
		char *head = decode_text(body, (size_t)(e - body), h, 4096, &n,
		    &cut);
		bool msg = starts_as_message(head, head + n);
		free(head);
		if (!msg)
			return;
		strcpy(p->ctype, "message/rfc822");
	}
	if (is_textual(p->ctype)) {
		bool cut = false;
		p->text = decode_text(body, (size_t)(e - body), h,
		    m->lim->max_text, &p->len, &cut);
		if (cut)
			m->truncated = true;
	}
}

/* The line of the delimiter-looking line ("--" then 1 to 71 bytes) at
 * p, or NULL; its length without the line break in *ll. */
static const char *
dash_line(const char *p, const char *e, size_t *ll)
{
	const char *nl = memchr(p, '\n', (size_t)(e - p));

	*ll = (size_t)((nl ? nl : e) - p);
	if (*ll > 0 && p[*ll - 1] == '\r')
		(*ll)--;
	return *ll > 2 && *ll < 74 && p[0] == '-' && p[1] == '-' ? p : NULL;
}

/*
 * The top's boundary where its header lost or broke it: a multipart
 * whose declared boundary is nowhere in its body (not even in another
 * case) takes the one of the body's first delimiter-looking line; a
 * message with no Content-Type at all whose body holds a delivery status
 * part ("--B" just above "Content-Type: message/delivery-status": an mbox
 * copy, a gateway that dropped the MIME fields) is a multipart of B.
 */
static void
top_boundary(struct mime_head *h, const char *body, const char *e)
{
	const char *p, *l;
	size_t ll;

	if (!h->typed) {
		p = ci_find(body, (size_t)(e - body),
		    "\ncontent-type: message/delivery-status");
		if (p == NULL)
			return;
		for (l = p; l > body && l[-1] != '\n'; l--)
			;
		if (dash_line(l, p + 1, &ll) == NULL || ll > 72)
			return;
		strcpy(h->ctype, "multipart/mixed");
	} else {
		char want[2 + sizeof h->bound + 1];
		if (strncmp(h->ctype, "multipart/", 10) != 0 || h->blen == 0)
			return;
		snprintf(want, sizeof want, "--%s", h->bound);
		if (ci_find(body, (size_t)(e - body), want))
			return;
		for (l = NULL, p = body; p < e && l == NULL; ) {
			const char *nl = memchr(p, '\n', (size_t)(e - p));
			l = dash_line(p, e, &ll);
			p = nl ? nl + 1 : e;
		}
		if (l == NULL)
			return;
	}
	memcpy(h->bound, l + 2, ll - 2);
	h->bound[ll - 2] = '\0';
	h->blen = ll - 2;
}

void
mime_walk(struct msg *m, const char *raw, size_t len)
{
	struct mime_head h;
	const char *e = raw + len, *body = head_read(raw, e, &h);

	top_boundary(&h, body, e);
	if (h.ctype[0] == '\0')
		strcpy(h.ctype, "text/plain");
	entity(m, &h, body, e, 0, false);
}
