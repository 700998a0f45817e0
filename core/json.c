/* json.c - reports written as JSON objects and as short human lines. */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "engine.h"

/* Length of the valid UTF-8 sequence at s, or 0. */
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

static void
kv(struct ndr_buf *b, const char *key, const char *val, bool first)
{
	if (!first)
		ndr_buf_addc(b, ',');
	ndr_buf_json(b, key);
	ndr_buf_addc(b, ':');
	ndr_buf_json(b, val);
}

static void
strv(struct ndr_buf *b, const char *key, const struct ndr_strv *sv)
{
	ndr_buf_addc(b, ',');
	ndr_buf_json(b, key);
	ndr_buf_adds(b, ":[");
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
	kv(b, "address", rc->address, true);
	kv(b, "original_recipient", rc->orig_rcpt, false);
	kv(b, "action", rc->action, false);
	kv(b, "status", rc->status, false);
	kv(b, "reply_code", rc->reply_code, false);
	kv(b, "reason", ndr_reason_name(rc->reason), false);
	ndr_buf_adds(b, rc->hard ? ",\"hard\":true" : ",\"hard\":false");
	kv(b, "diagnostic", rc->diagnostic, false);
	kv(b, "remote_mta", rc->remote_mta, false);
	kv(b, "command", rc->command, false);
	ndr_buf_addc(b, '}');
}

void
ndr_report_json(const struct ndr_report *r, const char *file,
    struct ndr_buf *b)
{
	const struct ndr_original *o = &r->original;

	ndr_buf_addc(b, '{');
	kv(b, "file", file, true);
	kv(b, "kind", ndr_kind_name(r->kind), false);
	kv(b, "format", r->format, false);
	kv(b, "from", r->from, false);
	kv(b, "subject", r->subject, false);
	kv(b, "reporting_mta", r->reporting_mta, false);
	if (r->kind == NDR_KIND_FEEDBACK)
		kv(b, "feedback_type", r->feedback_type, false);
	ndr_buf_adds(b, ",\"recipients\":[");
	for (size_t i = 0; i < r->nrcpts; i++) {
		if (i)
			ndr_buf_addc(b, ',');
		rcpt_json(b, &r->rcpts[i]);
	}
	ndr_buf_adds(b, "],\"original\":{");
	kv(b, "form", ndr_form_name(o->form), true);
	kv(b, "message_id", o->message_id, false);
	kv(b, "from", o->from, false);
	kv(b, "to", o->to, false);
	kv(b, "subject", o->subject, false);
	kv(b, "date", o->date, false);
	kv(b, "return_path", o->return_path, false);
	kv(b, "x_mailer", o->x_mailer, false);
	strv(b, "received", &o->received);
	kv(b, "excerpt", o->excerpt, false);
	strv(b, "links", &o->links);
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
