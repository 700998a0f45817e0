/* dsn.c - RFC 3464 delivery status notifications (message/delivery-status). */
#include <stdint.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

/* "rfc822; <a@b>" or "dns; mx.example.org" without the type. */
static char *
typed_value(const char *v)
{
	const char *semi = strchr(v, ';');

	return trim(xstrdup(semi ? semi + 1 : v));
}

static void
set_field(char **dst, const char *v)
{
	if (*dst == NULL && v && *v)
		*dst = typed_value(v);
}

static enum ndr_kind
kind_of_action(const char *action, const char *status)
{
	if (action) {
		if (ci_prefix(action, "failed"))
			return NDR_KIND_BOUNCE;
		if (ci_prefix(action, "delayed"))
			return NDR_KIND_DELAY;
		if (ci_prefix(action, "delivered") || ci_prefix(action, "relayed") ||
		    ci_prefix(action, "expanded"))
			return NDR_KIND_DELIVERED;
	}
	if (status && status[0] == '2')
		return NDR_KIND_DELIVERED;
	if (status && status[0] == '4')
		return NDR_KIND_DELAY;
	return NDR_KIND_BOUNCE;
}

/* Fields of the per-recipient blocks, read in order across blocks: a
 * second Final-Recipient starts the next recipient even without a blank. */
/* Is the field name this one (ASCII case ignored)? Its first letter
 * first: most names differ there. */
static bool
name_is(const char *name, const char *want)
{
	return (*name | 0x20) == (*want | 0x20) && strcasecmp(name, want) == 0;
}

static bool
names_recipient(const char *name)
{
	return name_is(name, "Final-Recipient") ||
	    name_is(name, "X-Actual-Recipient");
}

/*
 * The position in a block of its only Final-Recipient when fields of the
 * recipient come before it (Facebook writes Status first), or SIZE_MAX:
 * that field is then read first, so the others are not given to the
 * recipient of the previous block.
 */
static size_t
late_recipient(const struct hdrs *h)
{
	size_t at = SIZE_MAX, n = 0;
	bool before = false;

	for (size_t i = 0; i < h->n; i++) {
		const char *name = h->v[i].name;
		if (name_is(name, "Final-Recipient")) {
			at = i;
			n++;
		} else if (at == SIZE_MAX && (name_is(name, "Status") ||
		    name_is(name, "Action") ||
		    name_is(name, "Diagnostic-Code")))
			before = true;
	}
	return n == 1 && before ? at : SIZE_MAX;
}

/* The order a block's fields are read in: as written; with a late
 * recipient, its Original-Recipient first (what stands for a
 * Final-Recipient that is no address: "x400; /RFC-822=..."), then
 * the Final-Recipient, then the rest as written. */
static size_t
read_order(const struct hdrs *h, size_t late, size_t j)
{
	if (late == SIZE_MAX)
		return j;
	size_t k = 0;
	for (size_t pass = 0; pass < 3; pass++)
		for (size_t i = 0; i < h->n; i++) {
			bool orig = name_is(h->v[i].name,
			    "Original-Recipient");
			if ((pass == 0 && orig) || (pass == 1 && i == late) ||
			    (pass == 2 && !orig && i != late)) {
				if (k++ == j)
					return i;
			}
		}
	return j;
}

/* The words after a Status field's code, kept for rc, one of the
 * report's recipients, when they say something. */
static void
status_note(const struct ndr_report *r, const struct ndr_rcpt *rc,
    const char *v, char **note, size_t *noted)
{
	const char *p = v;

	while (*p == ' ' || *p == '\t')
		p++;
	const char *code = p;
	while (isdigit((unsigned char)*p) || *p == '.')
		p++;
	if (p == code)
		return;
	while (*p == ' ' || *p == '\t' || *p == '(' || *p == '-' ||
	    *p == ':')
		p++;
	size_t n = strlen(p);
	while (n > 0 && (p[n - 1] == ')' || p[n - 1] == ' ' ||
	    p[n - 1] == '\t'))
		n--;
	size_t letters = 0;
	for (size_t i = 0; i < n; i++)
		letters += isalpha((unsigned char)p[i]) != 0;
	if (letters < 4)
		return;
	free(*note);
	*note = xstrndup(p, n);
	*noted = (size_t)(rc - r->rcpts);
}

static void
read_fields(struct ndr_report *r, const struct hdrs *h, struct ndr_rcpt **cur,
    char **orig_pending, struct ndr_rcpt *orphan)
{
	size_t late = late_recipient(h);

	/* what a Status says after its code ("4.4.0 (host lookup failed)")
	 * is the recipient's diagnostic when the block has no other, in
	 * whatever order its fields come */
	char *note = NULL;
	size_t noted = SIZE_MAX;

	/* a block whose recipient comes late is that recipient's alone:
	 * none of it goes to the previous block's */
	if (late != SIZE_MAX)
		*cur = NULL;
	for (size_t j = 0; j < h->n; j++) {
		size_t i = read_order(h, late, j);
		const char *name = h->v[i].name, *v = h->v[i].value;

		if (name_is(name, "Reporting-MTA")) {
			set_field(&r->reporting_mta, v);
		} else if (name_is(name, "Original-Recipient")) {
			if (*cur && (*cur)->orig_rcpt == NULL &&
			    (late != SIZE_MAX || ((*cur)->action == NULL &&
			    (*cur)->status == NULL)))
				set_field(&(*cur)->orig_rcpt, v);
			else {
				free(*orig_pending);
				*orig_pending = typed_value(v);
				*cur = NULL;
			}
		} else if (names_recipient(name)) {
			if (name_is(name, "X-Actual-Recipient") && *cur)
				continue;
			char *a = typed_address(v);
			if (a == NULL && *orig_pending)
				a = find_address(*orig_pending, strlen(*orig_pending),
				    NULL, NULL);
			if (a == NULL) {
				/* "Final-Recipient: rfc822; @mx.example.org":
				 * keep the block's fields for the text's one */
				*cur = orphan->action || orphan->status ? NULL :
				    orphan;
				continue;
			}
			struct ndr_rcpt *rc = report_find_rcpt(r, a);
			*cur = rc ? rc : report_add_rcpt(r, a);
			free(a);
			if (*cur && *orig_pending) {
				if ((*cur)->orig_rcpt == NULL)
					(*cur)->orig_rcpt = *orig_pending;
				else
					free(*orig_pending);
				*orig_pending = NULL;
			}
		} else if (*cur == NULL) {
			continue;
		} else if (name_is(name, "Action")) {
			set_field(&(*cur)->action, v);
		} else if (name_is(name, "Status")) {
			char *st = find_status(v, strlen(v));
			if ((*cur)->status == NULL)
				(*cur)->status = st;
			else
				free(st);
			if (*cur != orphan)	/* the orphan is no row */
				status_note(r, *cur, v, &note, &noted);
		} else if (name_is(name, "Remote-MTA")) {
			set_field(&(*cur)->remote_mta, v);
		} else if (name_is(name, "Diagnostic-Code")) {
			if ((*cur)->diagnostic == NULL)
				(*cur)->program = ci_prefix(v, "x-unix");
			set_field(&(*cur)->diagnostic, v);
		}
	}
	if (noted < r->nrcpts && r->rcpts[noted].diagnostic == NULL) {
		r->rcpts[noted].diagnostic = note;
		note = NULL;
	}
	free(note);
}

/*
 * A multipart/report whose delimiters were lost (old sendmail through
 * some gateways) has its DSN fields in the text: from the Reporting-MTA
 * or first Final-Recipient line to the original. NULL when the text has
 * no Final-Recipient with a Status or an Action after it.
 */
static const char *
inline_fields(const struct msg *m, size_t *len)
{
	const char *low = m->lower, *fr, *st, *rm;
	size_t end = m->orig_off;

	if (low == NULL || (fr = strstr(low, "\nfinal-recipient:")) == NULL ||
	    (size_t)(fr - low) >= end)
		return NULL;
	if (((st = strstr(fr, "\nstatus:")) == NULL ||
	    (size_t)(st - low) >= end) &&
	    ((st = strstr(fr, "\naction:")) == NULL ||
	    (size_t)(st - low) >= end))
		return NULL;
	if ((rm = strstr(low, "\nreporting-mta:")) != NULL && rm < fr)
		fr = rm;
	*len = end - (size_t)(fr + 1 - low);
	return m->text.s + (fr + 1 - low);
}

static int
dsn_read_blocks(struct msg *m, struct ndr_report *r, struct ndr_rcpt *orphan)
{
	const char *p;
	size_t len, before = r->nrcpts;
	struct ndr_rcpt *cur = NULL;
	char *orig_pending = NULL;
	enum ndr_kind kind = NDR_KIND_OTHER;

	if (m->dsn && m->dsn->text) {
		p = m->dsn->text;
		len = m->dsn->len;
	} else if ((p = inline_fields(m, &len)) == NULL)
		return 0;
	for (int blocks = 0; len > 0 && blocks < 1000; blocks++) {
		struct hdrs h = { 0 };
		size_t used = hdrs_parse(&h, p, len);
		read_fields(r, &h, &cur, &orig_pending, orphan);
		hdrs_free(&h);
		if (used == 0) {	/* a line that is no field: skip it */
			const char *nl = memchr(p, '\n', len);
			used = nl ? (size_t)(nl - p) + 1 : len;
		}
		p += used;
		len -= used;
	}
	free(orig_pending);

	for (size_t i = before; i < r->nrcpts; i++) {
		enum ndr_kind k = kind_of_action(r->rcpts[i].action,
		    r->rcpts[i].status);
		/* the worst outcome names the report: bounce, delay, delivered */
		if (kind == NDR_KIND_OTHER || k == NDR_KIND_BOUNCE ||
		    (k == NDR_KIND_DELAY && kind == NDR_KIND_DELIVERED))
			kind = k;
	}
	if (r->nrcpts > before)
		r->kind = kind;
	return (int)(r->nrcpts - before);
}

static void
adopt(char **dst, char **src)
{
	if (*dst == NULL) {
		*dst = *src;
		*src = NULL;
	}
}

/*
 * A DSN, with what its text part says of each recipient added where the
 * delivery-status part is terse; or only the text when there is no DSN.
 */
int
dsn_or_text(struct msg *m, const struct text_layout *lay, struct ndr_report *r)
{
	struct ndr_report t = { 0 };
	struct ndr_rcpt orphan = { 0 };
	size_t before = r->nrcpts;
	int n = dsn_read_blocks(m, r, &orphan);

	if (n == 0) {
		n = text_read(m, lay, r);
		/* one recipient in the text, one nameless block in the DSN */
		if (n == 1) {
			struct ndr_rcpt *rc = &r->rcpts[before];
			adopt(&rc->status, &orphan.status);
			adopt(&rc->action, &orphan.action);
			adopt(&rc->remote_mta, &orphan.remote_mta);
		}
		rcpt_clear(&orphan);
		return n;
	}
	rcpt_clear(&orphan);
	text_read(m, lay, &t);
	for (size_t i = 0; i < t.nrcpts; i++) {
		struct ndr_rcpt *rc = report_find_rcpt(r, t.rcpts[i].address);
		if (rc == NULL && r->nrcpts == 1 && t.nrcpts == 1)
			rc = &r->rcpts[0];
		if (rc == NULL || t.rcpts[i].diagnostic == NULL)
			continue;
		rcpt_set_command(rc, t.rcpts[i].diagnostic);
		if (rc->diagnostic == NULL || strlen(rc->diagnostic) < 8) {
			free(rc->diagnostic);
			rc->diagnostic = xstrdup(t.rcpts[i].diagnostic);
		}
	}
	for (size_t i = 0; i < t.nrcpts; i++)
		rcpt_clear(&t.rcpts[i]);
	free(t.rcpts);
	return n;
}
