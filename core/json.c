/* json.c - reports written as JSON objects and as short human lines. */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "engine.h"

/* Length of the valid UTF-8 sequence at s, or 0. */
size_t
ndr_bidi_len(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;

	if (n >= 2 && u[0] == 0xd8 && u[1] == 0x9c)		/* U+061C */
		return 2;
	if (n < 3 || u[0] != 0xe2)
		return 0;
	if (u[1] == 0x80 && (u[2] == 0x8e || u[2] == 0x8f ||	/* 200E-F */
	    (u[2] >= 0xaa && u[2] <= 0xae)))			/* 202A-E */
		return 3;
	if (u[1] == 0x81 && u[2] >= 0xa6 && u[2] <= 0xa9)	/* 2066-9 */
		return 3;
	return 0;
}

static size_t
utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0)
		len = 2, cp = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		len = 3, cp = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* The bytes written as they are: printable ASCII but the quote and the
 * backslash. */
static bool plain[256];

static void
plain_init(void)
{
	for (int c = 0x20; c < 0x7f; c++)
		plain[c] = c != '"' && c != '\\';
}

/* A JSON string; invalid UTF-8 becomes U+FFFD, so output always parses. */
void
ndr_buf_json(struct ndr_buf *b, const char *s)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	if (s == NULL) {
		ndr_buf_adds(b, "null");
		return;
	}
	pthread_once(&once, plain_init);
	size_t n = strlen(s);
	ndr_buf_addc(b, '"');
	for (size_t i = 0; i < n; ) {
		unsigned char c = s[i];
		if (c == '"' || c == '\\') {
			ndr_buf_addc(b, '\\');
			ndr_buf_addc(b, c);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			ndr_buf_printf(b, "\\u%04x", c);
			i++;
		} else if (c < 0x80) {
			size_t k = i + 1;
			while (plain[(unsigned char)s[k]])	/* NUL ends */
				k++;
			ndr_buf_add(b, s + i, k - i);
			i = k;
		} else if (ndr_bidi_len(s + i, n - i)) {
			/* \u escaped: JSON keeps it, a terminal shows none */
			const unsigned char *u = (const unsigned char *)s + i;
			unsigned cp = u[0] == 0xd8 ? 0x61c : 0x2000 |
			    (u[1] & 0x03) << 6 | (u[2] & 0x3f);
			ndr_buf_printf(b, "\\u%04x", cp);
			i += ndr_bidi_len(s + i, n - i);
		} else {
			size_t l = utf8_len((const unsigned char *)s + i, n - i);
			if (l == 0) {
				ndr_buf_adds(b, "\xef\xbf\xbd");
				i++;
			} else {
				ndr_buf_add(b, s + i, l);
				i += l;
			}
		}
	}
	ndr_buf_addc(b, '"');
}

/* "key": value, the key a literal written as it is (no escaping to do),
 * after a comma unless first */
#define KEY(b, k, first) ((first) ? \
	ndr_buf_add((b), "\"" k "\":", sizeof "\"" k "\":" - 1) : \
	ndr_buf_add((b), ",\"" k "\":", sizeof ",\"" k "\":" - 1))
#define KV(b, k, val, first) do {					\
	KEY(b, k, first);						\
	ndr_buf_json((b), (val));					\
} while (0)

static void
strv(struct ndr_buf *b, const struct ndr_strv *sv)
{
	ndr_buf_addc(b, '[');
	for (size_t i = 0; i < sv->n; i++) {
		if (i)
			ndr_buf_addc(b, ',');
		ndr_buf_json(b, sv->v[i]);
	}
	ndr_buf_addc(b, ']');
}

static void
rcpt_json(struct ndr_buf *b, const struct ndr_rcpt *rc)
{
	ndr_buf_addc(b, '{');
	KV(b, "address", rc->address, true);
	KV(b, "original_recipient", rc->orig_rcpt, false);
	KV(b, "final_recipient", rc->final_rcpt, false);
	KV(b, "action", rc->action, false);
	KV(b, "status", rc->status, false);
	KV(b, "reply_code", rc->reply_code, false);
	KV(b, "reason", ndr_reason_name(rc->reason), false);
	ndr_buf_adds(b, rc->hard ? ",\"hard\":true" : ",\"hard\":false");
	KV(b, "diagnostic", rc->diagnostic, false);
	KV(b, "remote_mta", rc->remote_mta, false);
	KV(b, "command", rc->command, false);
	ndr_buf_addc(b, '}');
}

void
ndr_report_json(const struct ndr_report *r, const char *file,
    struct ndr_buf *b)
{
	const struct ndr_original *o = &r->original;

	ndr_buf_addc(b, '{');
	KV(b, "file", file, true);
	KV(b, "kind", ndr_kind_name(r->kind), false);
	KV(b, "format", r->format, false);
	KV(b, "from", r->from, false);
	KV(b, "subject", r->subject, false);
	KV(b, "reporting_mta", r->reporting_mta, false);
	if (r->kind == NDR_KIND_FEEDBACK)
		KV(b, "feedback_type", r->feedback_type, false);
	ndr_buf_adds(b, ",\"recipients\":[");
	for (size_t i = 0; i < r->nrcpts; i++) {
		if (i)
			ndr_buf_addc(b, ',');
		rcpt_json(b, &r->rcpts[i]);
	}
	ndr_buf_adds(b, "],\"original\":{");
	KV(b, "form", ndr_form_name(o->form), true);
	KV(b, "message_id", o->message_id, false);
	KV(b, "from", o->from, false);
	KV(b, "to", o->to, false);
	KV(b, "subject", o->subject, false);
	KV(b, "date", o->date, false);
	KV(b, "return_path", o->return_path, false);
	KV(b, "x_mailer", o->x_mailer, false);
	KEY(b, "received", false);
	strv(b, &o->received);
	KV(b, "excerpt", o->excerpt, false);
	KEY(b, "links", false);
	strv(b, &o->links);
	ndr_buf_addc(b, '}');
	if (r->truncated)
		ndr_buf_adds(b, ",\"truncated\":true");
	ndr_buf_addc(b, '}');
}

void
ndr_report_text(const struct ndr_report *r, const char *file,
    struct ndr_buf *b)
{
	ndr_buf_printf(b, "%s: %s", file, ndr_kind_name(r->kind));
	if (r->format)
		ndr_buf_printf(b, " (%s)", r->format);
	if (r->kind == NDR_KIND_FEEDBACK && r->feedback_type)
		ndr_buf_printf(b, " %s", r->feedback_type);
	for (size_t i = 0; i < r->nrcpts; i++) {
		const struct ndr_rcpt *rc = &r->rcpts[i];
		ndr_buf_printf(b, "%s %s %s %s", i ? "," : ":",
		    rc->address ? rc->address : "?",
		    rc->status ? rc->status : "-", ndr_reason_name(rc->reason));
	}
	if (r->original.subject) {
		ndr_buf_adds(b, " | original: ");
		ndr_buf_adds(b, r->original.subject);
	}
	ndr_buf_addc(b, '\n');
}
