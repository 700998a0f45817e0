/* original.c - what the report tells of the message that bounced. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

#define EXCERPT_MAX	1024	/* bytes of body text kept */
#define LINKS_MAX	32
#define RECEIVED_MAX	32

static char *
dup_decoded(const struct hdrs *h, const char *name)
{
	const char *v = hdrs_get(h, name);

	return v ? hdr_decode(v) : NULL;
}

static void
read_headers(struct ndr_original *o, const struct hdrs *h)
{
	o->message_id = dup_decoded(h, "Message-ID");
	o->from = dup_decoded(h, "From");
	o->to = dup_decoded(h, "To");
	o->subject = dup_decoded(h, "Subject");
	o->date = dup_decoded(h, "Date");
	o->return_path = dup_decoded(h, "Return-Path");
	o->x_mailer = dup_decoded(h, "X-Mailer");
	if (o->x_mailer == NULL)
		o->x_mailer = dup_decoded(h, "User-Agent");
	for (size_t i = 0; i < h->n && o->received.n < RECEIVED_MAX; i++)
		if (strcasecmp(h->v[i].name, "Received") == 0)
			strv_add(&o->received, squeeze(h->v[i].value,
			    strlen(h->v[i].value)));
}

/* Host names of http(s) links, lowercase, each once. */
static void
read_links(struct ndr_original *o, const char *t, size_t n)
{
	const char *p = t, *end = t + n, *h;
	size_t len;

	while (o->links.n < LINKS_MAX &&
	    (h = next_link_host(p, end, &len)) != NULL) {
		if (len && memchr(h, '.', len)) {
			char *host = lowercase_dup(h, len);
			if (strv_has(&o->links, host))
				free(host);
			else
				strv_add(&o->links, host);
		}
		p = h + len;
	}
}

static void
set_excerpt(struct ndr_original *o, const char *t, size_t n)
{
	if (n > EXCERPT_MAX * 4)
		n = EXCERPT_MAX * 4;
	char *s = squeeze(t, n);
	size_t len = strlen(s);
	if (len > EXCERPT_MAX) {
		len = EXCERPT_MAX;
		/* do not cut a UTF-8 sequence in two */
		while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
			len--;
		s[len] = '\0';
	}
	if (*s)
		o->excerpt = s;
	else
		free(s);
}

/* The body text of an attached original: its text parts, in order. */
static void
full_body(const struct msg *m, struct ndr_original *o)
{
	struct ndr_buf b = { 0 };

	for (size_t i = 0; i < m->nparts && b.len < EXCERPT_MAX * 8; i++) {
		const struct part *p = &m->parts[i];
		if (!p->in_original || p->text == NULL ||
		    strncmp(p->ctype, "text/", 5) != 0)
			continue;
		ndr_buf_add(&b, p->text, p->len);
		ndr_buf_addc(&b, '\n');
	}
	if (b.len) {
		set_excerpt(o, b.s, b.len);
		read_links(o, b.s, b.len);
	}
	ndr_buf_free(&b);
}

void
original_read(struct msg *m, struct ndr_original *o)
{
	struct hdrs h = { 0 };

	if (m->orig_raw) {
		o->form = NDR_FORM_FULL;
		size_t used = hdrs_parse(&h, m->orig_raw, m->orig_rawlen);
		read_headers(o, &h);
		if (m->orig_parsed)
			full_body(m, o);
		else if (used < m->orig_rawlen) {
			set_excerpt(o, m->orig_raw + used, m->orig_rawlen - used);
			read_links(o, m->orig_raw + used, m->orig_rawlen - used);
		}
	} else if (m->orig_hdrs) {
		o->form = NDR_FORM_HEADERS;
		hdrs_parse(&h, m->orig_hdrs->text, m->orig_hdrs->len);
		read_headers(o, &h);
	} else if (m->orig_off < m->text.len) {
		/* skip the separator line and blank lines to the headers */
		const char *t = m->text.s + m->orig_off;
		size_t n = m->text.len - m->orig_off;
		for (int tries = 0; tries < 4 && n > 0 &&
		    !looks_like_headers(t, n, 1); tries++) {
			const char *nl = memchr(t, '\n', n);
			if (nl == NULL)
				break;
			n -= nl + 1 - t;
			t = nl + 1;
		}
		size_t used = hdrs_parse(&h, t, n);
		if (h.n > 0) {
			o->form = NDR_FORM_QUOTED;
			read_headers(o, &h);
			if (used < n) {
				set_excerpt(o, t + used, n - used);
				read_links(o, t + used, n - used);
			}
		}
	}
	/* nothing of the original's own header, or none attached (a Sieve
	 * reject's "Message removed"): the Message-ID the report names, by
	 * which Sent still knows the message */
	if (o->message_id == NULL && m->orig_mid)
		o->message_id = xstrdup(m->orig_mid);
	hdrs_free(&h);
}

void
original_free(struct ndr_original *o)
{
	NDR_FREE(o->message_id, o->from, o->to, o->subject, o->date,
	    o->return_path, o->x_mailer, o->excerpt);
	strv_free(&o->received);
	strv_free(&o->links);
}
