/* report.c - ndr_read(): parse once, let the readers speak, in order. */
#include <stdlib.h>
#include <string.h>

#include "engine.h"

/* Most reliable first: a reader that knows its MTA's exact words before
 * the standard DSN reader, the loose text reader last. */
static const struct reader *const readers[] = {
#define READER(n) &reader_##n,
#include "formats/readers.h"
#undef READER
};

const char *
ndr_kind_name(enum ndr_kind k)
{
	static const char *const names[] = {
		"other", "bounce", "delay", "delivered", "autoreply", "feedback"
	};
	return (unsigned)k < sizeof names / sizeof *names ? names[k] : "other";
}

bool
ndr_kind_judged(enum ndr_kind k)
{
	return k == NDR_KIND_BOUNCE || k == NDR_KIND_DELAY ||
	    k == NDR_KIND_AUTOREPLY;
}

const char *
ndr_form_name(enum ndr_form f)
{
	static const char *const names[] = { "none", "full", "headers", "quoted" };
	return (unsigned)f < sizeof names / sizeof *names ? names[f] : "none";
}

const char *
ndr_strerror(enum ndr_err e)
{
	switch (e) {
	case NDR_OK: return "no error";
	case NDR_ERR_NOMEM: return "out of memory";
	case NDR_ERR_EMPTY: return "empty input, not a message";
	}
	return "unknown error";
}

void
ndr_report_free(struct ndr_report **rp)
{
	struct ndr_report *r = *rp;

	if (r == NULL)
		return;
	for (size_t i = 0; i < r->nrcpts; i++)
		rcpt_clear(&r->rcpts[i]);
	NDR_FREE(r->rcpts, r->from, r->subject, r->message_id, r->to,
	    r->tokens, r->reporting_mta, r->feedback_type);
	original_free(&r->original);
	free(r);
	*rp = NULL;
}

/* Forget what a reader half-did before the next one tries. */
static void
report_reset(struct ndr_report *r)
{
	for (size_t i = 0; i < r->nrcpts; i++)
		rcpt_clear(&r->rcpts[i]);
	r->nrcpts = 0;
	free(r->reporting_mta);
	r->reporting_mta = NULL;
	r->kind = NDR_KIND_OTHER;
}

/* The last command sent in a session transcript (">>> DATA"), or that
 * exim names ("SMTP error from remote mail server after EHLO x:"). */
static const char *
transcript_command(const char *t)
{
	static const char after[] = "mail server after ";
	const char *p = t, *last = NULL;

	while ((p = strstr(p, ">>> ")) != NULL) {
		if (p == t || p[-1] == '\n' || p[-1] == ' ')
			last = p + 4;
		p += 4;
	}
	if (last == NULL && (p = strstr(t, after)) != NULL) {
		/* the phrase up to the line's end or the command's colon,
		 * named by the words recipients' own texts are read by */
		char *said = xstrndup(p, strcspn(p, "\n:"));
		const char *cmd = smtp_command(said);
		free(said);
		return cmd;
	}
	if (last == NULL)
		return NULL;
	if (ci_prefix(last, "DATA")) {
		/* two answers to one DATA: the first was a pipelined RCPT's */
		const char *a = strstr(last, "<<< ");
		return a && strstr(a + 4, "<<< ") ? "RCPT" : "DATA";
	}
	if (ci_prefix(last, "RCPT"))
		return "RCPT";
	if (ci_prefix(last, "MAIL"))
		return "MAIL";
	if (ci_prefix(last, "EHLO") || ci_prefix(last, "HELO"))
		return "HELO";
	return NULL;
}

/* Do the header fields h[0, n) say the message is a delivery report? */
static bool
report_headers(const char *h, size_t n)
{
	const char *end = memmem(h, n, "\n\n", 2), *ct;

	n = end ? (size_t)(end - h) : n;
	ct = ci_find(h, n, "multipart/report");
	return ct && ci_find(ct, n - (size_t)(ct - h), "delivery-status");
}

/*
 * Is the returned message itself a delivery report, while this one is
 * not? Only its headers are looked at. It is attached (message/rfc822)
 * or quoted in the text (an ISP's notice that a report to its postmaster
 * failed, the report pasted below): *len is set to its length.
 */
static const char *
wrapped_report(const struct msg *m, size_t *len)
{
	/* the type itself, not a parameter: a wrapper's own multipart/mixed
	 * may say "report-type=delivery-status" of what it carries */
	if (m->dsn || (m->ctype && strncmp(m->ctype, "multipart/report",
	    16) == 0))
		return NULL;
	if (m->orig_raw) {
		*len = m->orig_rawlen;
		return report_headers(m->orig_raw, m->orig_rawlen) ?
		    m->orig_raw : NULL;
	}
	if (m->orig_off < m->text.len) {
		*len = m->text.len - m->orig_off;
		if (report_headers(m->text.s + m->orig_off, *len))
			return m->text.s + m->orig_off;
	}
	return NULL;
}

/*
 * An auto-reply names the message it answers in In-Reply-To (or last in
 * References) and repeats its subject after a prefix of its own.
 */
static void
autoreply_original(const struct msg *m, struct ndr_report *r)
{
	const char *v = msg_header(m, "In-Reply-To"), *b, *e;

	if (v == NULL && (v = msg_header(m, "References")) != NULL)
		v = strrchr(v, '<') ? strrchr(v, '<') : v;
	if (v && (b = strchr(v, '<')) != NULL && (e = strchr(b, '>')) != NULL)
		r->original.message_id = xstrndup(b, (size_t)(e - b + 1));
	if (r->subject) {
		const char *s = r->subject, *c;
		/* "Automatic reply: ", then "Re: ", "AW: " ("Out of Office:
		 * Re: lunch"); a colon further on is the original's own */
		if ((c = strstr(s, ": ")) != NULL && c - s <= 24)
			s = c + 2;
		while ((c = strstr(s, ": ")) != NULL && c - s <= 3)
			s = c + 2;
		if (*s)
			r->original.subject = xstrdup(s);
	}
}

static enum ndr_err
read_lf(const char *raw, size_t len, const struct ndr_limits *lim,
    struct ndr_report **out)
{
	struct ndr_report *r;
	struct msg m;
	const char *to;

	msg_parse(&m, raw, len, lim);
	m.daemon = daemon_sender(&m);	/* textread.c's: read after the parse */
	/* a filter that wraps a whole delivery report in its own notice
	 * (Trend Micro): the report inside is the one to read */
	const char *inner;
	size_t innerlen;
	if ((inner = wrapped_report(&m, &innerlen)) != NULL &&
	    lim->max_depth > 1) {
		struct ndr_limits in = *lim;
		in.max_depth = lim->max_depth / 2;
		if (ndr_read(inner, innerlen, &in, out) == NDR_OK &&
		    (*out)->nrcpts > 0) {
			/* the message in the mailbox is the wrapper */
			free((*out)->message_id);
			(*out)->message_id = xstrdup(msg_header(&m, "Message-ID"));
			(*out)->candidate = candidate_of(&m.top);
			(*out)->date = ndr_date(msg_header(&m, "Date"));
			msg_free(&m);
			return NDR_OK;
		}
		ndr_report_free(out);
	}
	r = xcalloc(1, sizeof *r);
	r->from = xstrdup(m.from);
	r->subject = xstrdup(m.subject);
	r->message_id = xstrdup(msg_header(&m, "Message-ID"));
	r->date = ndr_date(msg_header(&m, "Date"));
	if ((to = msg_header(&m, "To")) != NULL)
		r->to = find_address(to, strlen(to), NULL, NULL);
	r->truncated = m.truncated;
	r->candidate = candidate_of(&m.top);

	for (size_t i = 0; i < sizeof readers / sizeof *readers; i++) {
		const struct reader *rd = readers[i];
		if (!reader_match(rd, &m))
			continue;
		if (reader_read(rd, &m, r) != 0 || r->kind != NDR_KIND_OTHER) {
			r->format = rd->name;
			break;
		}
		report_reset(r);
	}
	/* the SMTP command, when the recipient's own words do not name it,
	 * from the report's transcript ("... >>> DATA <<< 550 ...") */
	report_drop_lists(&m, r);
	const char *sent = m.lower ? transcript_command(m.lower) : NULL;
	for (size_t i = 0; i < r->nrcpts; i++)
		rcpt_finish(&r->rcpts[i], r->kind, sent);
	if (r->kind != NDR_KIND_OTHER && r->kind != NDR_KIND_AUTOREPLY)
		original_read(&m, &r->original);
	else if (r->kind == NDR_KIND_AUTOREPLY)
		autoreply_original(&m, r);
	if (lim->tokens && (!lim->tokens_judged || ndr_kind_judged(r->kind)))
		tokens_read(&m, r);
	msg_free(&m);
	*out = r;
	return NDR_OK;
}

/*
 * The same bytes whatever the line ends: CRLF, a lone CR (old Mac OS)
 * and LF are all read as LF, so a message reads alike however it was
 * stored or fetched. NULL when the text has no CR (nothing to change).
 */
size_t
ndr_lf(char *d, const char *s, size_t len)
{
	size_t o = 0, i = 0;

	/* a line at a time: memchr and memmove, not a test of every byte */
	while (i < len) {
		const char *cr = memchr(s + i, '\r', len - i);
		size_t k = cr ? (size_t)(cr - s) : len;
		if (d + o != s + i)
			memmove(d + o, s + i, k - i);
		o += k - i;
		if (cr == NULL)
			break;
		d[o++] = '\n';
		i = k + 1;
		if (i < len && s[i] == '\n')
			i++;
	}
	return o;
}

static char *
lf_copy(const char *raw, size_t len, size_t *outlen)
{
	char *d;

	if (memchr(raw, '\r', len) == NULL)
		return NULL;
	d = xreallocarray(NULL, len + 1, 1);
	*outlen = ndr_lf(d, raw, len);
	d[*outlen] = '\0';
	return d;
}

/* Is [s, e) blank: spaces and tabs only? */
static bool
blank_line(const char *s, const char *e)
{
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	return s == e;
}

enum ndr_err
ndr_read(const char *raw, size_t len, const struct ndr_limits *lim,
    struct ndr_report **out)
{
	struct ndr_limits def;
	char *lf;
	size_t lflen = 0;
	enum ndr_err e;

	*out = NULL;
	if (lim == NULL) {
		ndr_limits_default(&def);
		lim = &def;
	}
	if ((lf = lf_copy(raw, len, &lflen)) != NULL)
		raw = lf, len = lflen;
	/* blank lines before the header block (an exporter's, an mbox
	 * splitter's) are no part of the message */
	for (const char *nl; len > 0 && (nl = memchr(raw, '\n', len)) &&
	    blank_line(raw, nl); ) {
		len -= (size_t)(nl + 1 - raw);
		raw = nl + 1;
	}
	if (len > 0 && blank_line(raw, raw + len))
		len = 0;
	/* an mbox "From " line before the headers is no part of the message */
	if (len > 5 && memcmp(raw, "From ", 5) == 0) {
		const char *nl = memchr(raw, '\n', len);
		len = nl ? len - (size_t)(nl + 1 - raw) : 0;
		raw = nl ? nl + 1 : raw + len;
	}
	e = len == 0 ? NDR_ERR_EMPTY : read_lf(raw, len, lim, out);
	free(lf);
	return e;
}
