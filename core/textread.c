/* textread.c - the shared reader of "address: diagnostic" report text. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

#define DIAG_MAX	2048	/* bytes of diagnostic kept per recipient */

/* Lines that introduce a recipient with a label before the address. */
static const char *const labels[] = {
	"recipient address:", "failed recipient:", "recipient:",
	"invalid recipient:", "original recipient:", "failed address:",
	"unknown address:", "address:", "final-recipient: rfc822;",
	"rcpt to:", "to:", "user:", "mailbox:", "e-mail address:",
	"email address:", "sent <<< rcpt to:", "undeliverable to",
	"could not be delivered to:", NULL
};

static const char *const delay_phrases[] = {
	"will continue trying", "will keep trying", "still trying",
	"will retry", "not yet been delivered", "has not been delivered yet",
	"delivery has been delayed", "message delayed", "delivery delayed",
	"delayed mail", "this is a warning message only",
	"is a warning message only", "warning: message still undelivered",
	"temporarily deferred", "attempts to deliver it will continue",
	"will be retried", "you do not need to resend", "no action is required",
	"continue trying to deliver", "attempts will continue",
	"will continue to attempt", NULL
};

bool
text_has(const struct msg *m, const char *const *needles)
{
	if (m->lower == NULL)
		return false;
	/* the needles are lowercase: search the lowercased copy, and only
	 * for a needle each pair of bytes of which the text holds */
	for (; *needles; needles++) {
		const unsigned char *s = (const unsigned char *)*needles;
		size_t j = 0;
		for (; s[j] && s[j + 1]; j++) {
			unsigned k = msg_pair(s[j], s[j + 1]);
			if (!(m->pairs[k >> 6] >> (k & 63) & 1))
				break;
		}
		if ((s[j] == '\0' || s[j + 1] == '\0') &&
		    strstr(m->lower, *needles))
			return true;
	}
	return false;
}

bool
subject_has(const struct msg *m, const char *const *needles)
{
	if (m->lsubject == NULL)
		return false;
	for (; *needles; needles++)
		if (ci_find(m->lsubject, strlen(m->lsubject), *needles))
			return true;
	return false;
}

bool
from_has(const struct msg *m, const char *const *needles)
{
	if (m->from == NULL)
		return false;
	for (; *needles; needles++)
		if (ci_find(m->from, strlen(m->from), *needles))
			return true;
	return false;
}

int
autoreply_rcpt(struct msg *m, struct ndr_report *r)
{
	struct ndr_rcpt *rc;

	if (m->from_addr == NULL || (rc = report_add_rcpt(r, m->from_addr)) ==
	    NULL)
		return -1;
	rc->reason = NDR_R_VACATION;
	return 1;
}

bool
from_daemon(const struct msg *m)
{
	return m->daemon;
}

/* Is the message from a mailer daemon, by its Return-Path or From? Read
 * once by msg_parse: most readers ask. */
bool
daemon_sender(const struct msg *m)
{
	static const char *const daemons[] = {
		"mailer-daemon", "postmaster", "mail delivery", "mailer_daemon",
		"mail-daemon", "maildaemon", "mail administrator",
		"mail delivery subsystem", "delivery status", "mailerdaemon",
		"post_master",
		"system administrator", "microsoftexchange", "ndr administrator",
		"mdaemon", NULL
	};
	const char *rp = msg_header(m, "Return-Path");

	/* the envelope sender of a report is empty, or, where a server
	 * rewrote it on delivery, a daemon's own address */
	if (rp && strstr(rp, "<>"))
		return true;
	for (const char *const *e = daemon_envelopes; rp && *e; e++)
		if (ci_find(rp, strlen(rp), *e))
			return true;
	/* "Jetmail System" <>: a From with no address */
	if (m->from && strstr(m->from, "<>"))
		return true;
	return from_has(m, daemons);
}

/* The line of the first mark in lower[b, e): its start, or (after) the
 * start of the next line. Marks are lowercase; lower is NUL-terminated. */
static size_t
find_line_with(const char *lower, size_t b, size_t e, const char *const *marks,
    bool after)
{
	const char *best = NULL;

	for (const char *const *mk = marks; *mk; mk++) {
		const char *p = strstr(lower + b, *mk);
		if (p && (size_t)(p - lower) < e && (!best || p < best))
			best = p;
	}
	if (best == NULL)
		return (size_t)-1;
	size_t i = best - lower;
	if (after) {
		const char *nl = memchr(best, '\n', e - i);
		return nl ? (size_t)(nl - lower) + 1 : e;
	}
	while (i > b && lower[i - 1] != '\n')
		i--;
	return i;
}

/*
 * Where a footer starts in lower[b, e): a signature's "-- " line, or
 * the line of underscores a list manager (Mailman) writes above its own:
 * the list's address and pages there are no recipients of the report.
 */
static size_t
footer_at(const char *lower, size_t b, size_t e)
{
	for (size_t i = b; i < e; ) {
		const char *nl = memchr(lower + i, '\n', e - i);
		size_t le = nl ? (size_t)(nl - lower) : e, n = le - i;
		if (n == 3 && memcmp(lower + i, "-- ", 3) == 0)
			return i;
		if (n >= 30 && strspn(lower + i, "_") == n)
			return i;
		i = le + 1;
	}
	return (size_t)-1;
}

void
text_region(const struct msg *m, const struct text_layout *lay, size_t *b,
    size_t *e)
{
	size_t x;

	*b = 0;
	*e = m->orig_off;
	if (lay && lay->start &&
	    (x = find_line_with(m->lower, 0, *e, lay->start, true)) !=
	    (size_t)-1)
		*b = x;
	if (lay && lay->stop &&
	    (x = find_line_with(m->lower, *b, *e, lay->stop, false)) !=
	    (size_t)-1)
		*e = x;
	if ((x = footer_at(m->lower, *b, *e)) != (size_t)-1)
		*e = x;
}

/* Labels that name the address the sender wrote, after a gateway
 * rewrote it ("Recipient address: x@internal", "Original address: y"). */
static const char *const orig_labels[] = {
	"original address:", "original recipient:", "original-recipient:",
	"x-original-recipient:", NULL
};

/* Skip what some reports write before an address: "smtp:", "smtp=",
 * "mailto:", "rfc822;", a quoted display name before "<", and the
 * openers < " '. */
static size_t
skip_decoration(const char *s, size_t n, size_t i)
{
	static const char *const prefixes[] = {
		"smtp:", "smtp=", "mailto:", "rfc822;", NULL
	};

	for (bool again = true; again && i < n; ) {
		again = false;
		for (const char *const *p = prefixes; *p; p++)
			if (n - i > strlen(*p) && ci_prefix(s + i, *p)) {
				i += strlen(*p);
				while (i < n && (s[i] == ' ' || s[i] == '\t'))
					i++;
				again = true;
			}
		if (i < n && s[i] == '"') {	/* "Name" <a@b> */
			const char *q = memchr(s + i + 1, '"', n - i - 1);
			size_t k = q ? (size_t)(q - s) + 1 : n;
			while (k < n && (s[k] == ' ' || s[k] == '\t'))
				k++;
			if (k < n && s[k] == '<') {
				i = k;
				again = true;
			}
		}
	}
	while (i < n && (s[i] == '<' || s[i] == '"' || s[i] == '\''))
		i++;
	return i;
}

/*
 * A label of a report's own words before an address ("Unknown user:",
 * "Adresse du destinataire :", "Bad mailbox -"): at most four words and
 * 40 bytes, then ':' (or " -"), that name a recipient and no sender, host
 * or header. Its length with the blanks after it, or 0.
 */
static size_t
free_label(const char *s, size_t n)
{
	static const char *const names[] = {
		"user", "recipient", "address", "adress", "mailbox", "account",
		"rcpt", "destinat", "empf", "adresse", "utilisateur",
		"benutzer", "usuario", "utente", "unknown", "invalid", NULL
	};
	static const char *const never[] = {
		"from", "sender", "reply", "return", "host", "server", "mta",
		"message", "subject", "date", "by", "via", "relay", "sent", NULL
	};
	size_t i = 0, words = 0;

	while (i < n && i <= 40 && s[i] != ':' && s[i] != '@' &&
	    s[i] != '<' && !(s[i] == ' ' && i + 1 < n && s[i + 1] == '-')) {
		if (s[i] == ' ' && i > 0 && s[i - 1] != ' ')
			words++;
		i++;
	}
	if (i == 0 || i > 40 || i >= n || words > 3 ||
	    !(s[i] == ':' || s[i] == ' '))
		return 0;
	char lab[48];	/* i <= 40 */
	for (size_t k = 0; k < i; k++)
		lab[k] = (char)tolower((unsigned char)s[k]);
	lab[i] = '\0';
	bool ok = false;
	for (const char *const *w = names; !ok && *w; w++)
		ok = strstr(lab, *w) != NULL;
	for (const char *const *w = never; ok && *w; w++) {
		/* a whole word: "by" in "bymail" is none */
		for (const char *p = lab; ok && (p = strstr(p, *w)); p++) {
			size_t wl = strlen(*w);
			if ((p == lab || !isalpha((unsigned char)p[-1])) &&
			    !isalpha((unsigned char)p[wl]))
				ok = false;
		}
	}
	if (!ok)
		return 0;
	i += s[i] == ':' ? 1 : 2;	/* ":" or " -" */
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

/*
 * Does this line open a recipient? It does when it starts, after blanks,
 * a bullet and maybe a label, with an address (decorated as reports
 * decorate them: <a@b>, "Name" <a@b>, 'a@b', smtp:a@b, a@b;) that ends
 * the line or is followed by ':', a blank or '(' - not by "..." as in
 * sendmail's echo of an address. Returns the address and where the rest
 * of the line starts; *orig is set when its label names the address the
 * sender wrote, as opposed to what a gateway made of it.
 */
static char *
intro_address(const char *s, size_t n, size_t *rest, bool *orig)
{
	size_t i = 0, as, ae;
	char *addr;

	*orig = false;
	if (memchr(s, '@', n) == NULL)
		return NULL;
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '-' ||
	    s[i] == '*' || s[i] == '>'))
		i++;
	for (const char *const *l = orig_labels; *l && i < n; l++)
		if (n - i >= strlen(*l) && ci_prefix(s + i, *l)) {
			i += strlen(*l);
			*orig = true;
			break;
		}
	bool known = false;
	for (const char *const *l = labels; !*orig && *l && i < n; l++)
		if (((unsigned char)s[i] | 0x20) == (unsigned char)**l &&
		    n - i >= strlen(*l) && ci_prefix(s + i, *l)) {
			i += strlen(*l);
			known = true;
			break;
		}
	if (!*orig && !known)
		i += free_label(s + i, n - i);
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	i = skip_decoration(s, n, i);
	addr = find_address(s + i, n - i, &as, &ae);
	if (addr == NULL || as != 0) {
		free(addr);
		return NULL;
	}
	size_t k = i + ae;
	while (k < n && (s[k] == '>' || s[k] == '"' || s[k] == '\''))
		k++;
	/* a sentence's full stop: "a@b." at the end of the line */
	if (k < n && s[k] == '.' && (k + 1 == n || s[k + 1] == ' ' ||
	    s[k + 1] == '\t' || s[k + 1] == '\r'))
		k++;
	if (k < n && !(s[k] == ':' || s[k] == ' ' || s[k] == '\t' ||
	    s[k] == '(' || s[k] == ',' || s[k] == ';' || s[k] == '\r')) {
		free(addr);
		return NULL;
	}
	while (k < n && (s[k] == ':' || s[k] == ' ' || s[k] == '\t' ||
	    s[k] == ';' || s[k] == ','))
		k++;
	*rest = k;
	return addr;
}

static void
diag_add(struct ndr_buf *d, const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	if (n == 0 || d->len >= DIAG_MAX)
		return;
	if (d->len)
		ndr_buf_addc(d, ' ');
	ndr_buf_add(d, s, n > DIAG_MAX ? DIAG_MAX : n);
}

static void
set_diag(struct ndr_rcpt *rc, struct ndr_buf *d)
{
	if (rc && d->len && rc->diagnostic == NULL)
		rc->diagnostic = squeeze(d->s, d->len);
	d->len = 0;
	if (d->s)
		d->s[0] = '\0';
}



bool
text_is_delay(const struct msg *m)
{
	return text_has(m, delay_phrases) ||
	    (m->lsubject && (strstr(m->lsubject, "delay") ||
	    strstr(m->lsubject, "warning")));
}

/*
 * Is addr the mailing list whose bounce address the report went to? A
 * list manager sends as "list-bounces@host" (Mailman), "list-admin@",
 * "list-owner@", "list-request@", with VERP
 * "list-bounces+user=dom@host": the report's To names the list, which
 * is no recipient of the report, only the list's address in its text.
 */
static bool
list_of(const char *to, const char *addr)
{
	static const char *const suffixes[] = {
		"-bounces", "-admin", "-owner", "-request", "-errors", NULL
	};
	const char *at = strchr(addr, '@');
	size_t ll = at ? (size_t)(at - addr) : 0, s, e;
	char *t;

	if (ll == 0)
		return false;
	/* each address of To: its local part without a VERP tail, less a
	 * list manager's suffix, at the same domain, is addr */
	for (; (t = find_address(to, strlen(to), &s, &e)) != NULL; to += e) {
		const char *tat = strchr(t, '@');
		size_t tl = strcspn(t, "+@");
		bool yes = false;
		for (const char *const *sf = suffixes; !yes && *sf; sf++) {
			size_t sl = strlen(*sf);
			yes = tl == ll + sl && strncasecmp(t + ll, *sf, sl) == 0 &&
			    strncasecmp(t, addr, ll) == 0 && tat &&
			    strcasecmp(tat, at) == 0;
		}
		free(t);
		if (yes)
			return true;
	}
	return false;
}

/* An address we must not take for a failed recipient. */
static bool
excluded(const struct msg *m, const char *addr)
{
	const char *to = msg_header(m, "To");

	if (m->from_addr && strcmp(addr, m->from_addr) == 0)
		return true;
	if (to && ci_find(to, strlen(to), addr))
		return true;
	if (to && list_of(to, addr))
		return true;
	return ci_prefix(addr, "mailer-daemon@") || ci_prefix(addr, "postmaster@");
}

static bool
has_code(const char *d)
{
	char *c;

	if (d == NULL)
		return false;
	if ((c = find_status(d, strlen(d))) != NULL) {
		free(c);
		return true;
	}
	/* a reply code of failure: "Size (in bytes): 222" is none */
	while ((c = find_reply_code(d, strlen(d))) != NULL) {
		bool fail = c[0] != '2';
		const char *at = strstr(d, c);
		free(c);
		if (fail)
			return true;
		if (at == NULL)
			break;
		d = at + 1;
	}
	return false;
}

static void
widen_diag(const struct msg *m, struct ndr_rcpt *rc, size_t b, size_t e)
{
	const char *t = m->text.s, *at;
	char *keep = NULL;	/* the squeezed text from b, when made */

	if (has_code(rc->diagnostic))
		return;
	/* from the line that names the recipient, when it is named and
	 * what follows it has a code; else the whole region, as formats
	 * like Notes and MailMarshal give the reason before the address */
	if (rc->address && (at = ci_find(t + b, e - b, rc->address))) {
		while (at > t + b && at[-1] != '\n')
			at--;
		size_t n = e - (size_t)(at - t) > DIAG_MAX ? DIAG_MAX :
		    e - (size_t)(at - t);
		char *after = squeeze(at, n);
		if (has_code(after) || reason_from_text(after) !=
		    NDR_R_UNDEFINED) {
			b = at - t;
			keep = after;
			after = NULL;
		} else {	/* the three lines above it, no further, unless
			 * they say nothing either and the region has a code
			 * ("Error: ... / 550 ... / Message details: / Subject:
			 * / Sent date: / MAIL FROM: / RCPT TO: a@b"): then the
			 * whole region */
			const char *up = at;
			for (int k = 0; k < 4 && up > t + b; k++) {
				up--;
				while (up > t + b && up[-1] != '\n')
					up--;
			}
			size_t m2 = e - (size_t)(up - t) > DIAG_MAX ? DIAG_MAX :
			    e - (size_t)(up - t);
			char *near = squeeze(up, m2), *all = NULL;
			if (has_code(near) || reason_from_text(near) !=
			    NDR_R_UNDEFINED || !has_code(all = squeeze(t + b,
			    e - b > DIAG_MAX ? DIAG_MAX : e - b))) {
				b = up - t;
				keep = near;
				near = NULL;
			} else {
				keep = all;	/* the whole region, from b */
				all = NULL;
			}
			free(near);
			free(all);
		}
		free(after);
	}
	free(rc->diagnostic);
	rc->diagnostic = keep ? keep : squeeze(t + b, e - b > DIAG_MAX ?
	    DIAG_MAX : e - b);
}

/*
 * What follows a recipient's address on its line, when it is nothing but
 * more addresses ("rita@x, sam@y; 'tom@z' and uma@w"): each one added, in
 * order; their count. Anything else there (a diagnostic) and none is.
 */
static size_t
list_rest(const struct msg *m, struct ndr_report *r, const char *s, size_t n)
{
	char *found[64];
	size_t nf = 0, i = 0, added = 0;
	bool list = true;

	while (list && i < n) {
		while (i < n && strchr(" \t,;\r", s[i]))
			i++;
		if (i == n)
			break;
		if (n - i > 4 && ci_prefix(s + i, "and ")) {
			i += 4;
			continue;
		}
		size_t as, ae, k = skip_decoration(s, n, i);
		char *a = find_address(s + k, n - k, &as, &ae);
		if (a == NULL || as != 0 || nf == sizeof found / sizeof *found) {
			free(a);
			list = false;
			break;
		}
		k += ae;
		while (k < n && strchr(">\"'", s[k]))
			k++;
		if (k < n && !strchr(" \t,;\r", s[k])) {
			free(a);
			list = false;
			break;
		}
		found[nf++] = a;
		i = k;
	}
	for (size_t f = 0; f < nf; f++) {
		if (list && report_find_rcpt(r, found[f]) == NULL &&
		    !(m->from_addr && strcmp(found[f], m->from_addr) == 0)) {
			report_add_rcpt(r, found[f]);
			added++;
		}
		free(found[f]);
	}
	return added;
}

/*
 * A recipient with no code in the region may be named again after it, in
 * a section of its own (Exchange's "Diagnostic information for
 * administrators": the address, then "Remote Server returned '<#5.1.1
 * smtp;550 ...>'", in plain text or HTML): its line there and the two
 * after it, when they hold a code, are its diagnostic.
 */
static void
later_diag(const struct msg *m, struct ndr_rcpt *rc, size_t e)
{
	const char *t = m->text.s, *end = m->text.s + m->text.len, *at;
	size_t alen;

	if (rc->address == NULL || has_code(rc->diagnostic) || e >= m->text.len)
		return;
	/* an empty address (hostile input) would be found everywhere, and
	 * the walk would never move on */
	if ((alen = strlen(rc->address)) == 0)
		return;
	for (const char *from = t + e; from < end &&
	    (at = ci_find(from, (size_t)(end - from), rc->address)) != NULL;
	    from = at + alen) {
		/* the address itself, not the tail of a longer one */
		if (at > t && (isalnum((unsigned char)at[-1]) ||
		    strchr("._%+-", at[-1])))
			continue;
		const char *ls = at, *le = at;
		while (ls > t + e && ls[-1] != '\n')
			ls--;
		for (int k = 0; k < 3 && le < end; k++) {
			const char *nl = memchr(le, '\n', (size_t)(end - le));
			le = nl ? nl + 1 : end;
		}
		size_t n = (size_t)(le - ls) > DIAG_MAX ? DIAG_MAX :
		    (size_t)(le - ls);
		char *d = squeeze(ls, n);
		if (has_code(d)) {
			free(rc->diagnostic);
			rc->diagnostic = d;
			return;
		}
		free(d);
	}
}

/* Was the returned copy delivered for this address: "for <a@b>" in a
 * Received field of it, quoted or attached? */
static bool
copy_was_for(const struct msg *m, const char *addr)
{
	size_t al = strlen(addr);
	char *pat = xreallocarray(NULL, al + 6, 1);
	bool yes;

	memcpy(pat, "for <", 5);
	memcpy(pat + 5, addr, al + 1);
	yes = ci_find(m->text.s, m->text.len, pat) != NULL ||
	    (m->orig_raw && ci_find(m->orig_raw, m->orig_rawlen, pat)) ||
	    (m->orig_hdrs && m->orig_hdrs->text &&
	    ci_find(m->orig_hdrs->text, m->orig_hdrs->len, pat));
	free(pat);
	return yes;
}

/* Does the word before t[s] say the address is a sender's ("mail from
 * a@b", "de a@b", "von a@b") or a help desk's ("please contact a@b")? */
static bool
sender_word_before(const char *t, size_t b, size_t s)
{
	static const char *const words[] = { "from", "von", "de", "contact",
	    NULL };
	size_t j = s;

	while (j > b && (t[j - 1] == ' ' || t[j - 1] == '<' || t[j - 1] == '"'))
		j--;
	for (const char *const *w = words; *w; w++) {
		size_t wl = strlen(*w);
		if (j - b >= wl && strncasecmp(t + j - wl, *w, wl) == 0 &&
		    (j - b == wl || !isalpha((unsigned char)t[j - wl - 1]))) {
			/* "(generated from a@b)", "(expanded from a@b)": the
			 * address the sender wrote, not a sender */
			size_t k = j - wl;
			while (k > b && t[k - 1] == ' ')
				k--;
			return !((k - b >= 9 && strncasecmp(t + k - 9,
			    "generated", 9) == 0) || (k - b >= 8 &&
			    strncasecmp(t + k - 8, "expanded", 8) == 0));
		}
	}
	return false;
}

/* "There was an error delivering your mail to <a@b>.": the first address
 * in the report that is not the sender's nor a daemon's, nor one written
 * as a sender's ("not accepting mail from a@b"); but when the returned
 * copy says whom it was for, the first of those that the text names (the
 * text may name addresses in passing: "the standard form of address here
 * is lastnameNumber@llnl.gov"). */
static void
sentence_rcpt(struct msg *m, struct ndr_report *r, size_t b, size_t e)
{
	const char *t = m->text.s;
	char *first = NULL;
	size_t i = b;
	int seen = 0;

	while (i < e && seen < 16) {
		size_t s, x;
		char *a = find_address(t + i, e - i, &s, &x);
		if (a == NULL)
			break;
		if (!excluded(m, a) && !sender_word_before(t, i, i + s)) {
			seen++;
			if (copy_was_for(m, a)) {
				free(first);
				first = a;
				break;
			}
			if (first == NULL)
				first = a;
			else
				free(a);
		} else
			free(a);
		i += x;
	}
	if (first)
		report_add_rcpt(r, first);
	free(first);
}

/* Does the line s[0, n) begin, after blanks, with one of these labels? */
static bool
line_labelled(const char *s, size_t n, const char *const *names)
{
	size_t i = 0;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	for (; *names; names++)
		if (n - i >= strlen(*names) && ci_prefix(s + i, *names))
			return true;
	return false;
}

/*
 * Is the line at [i, le) a "To:" or "Cc:" among a summary of the
 * original's header fields ("To: ... Subject: ... Sent: ...", as Exchange,
 * Sun's Messaging Server and others write above the failed recipients)?
 * That address is whom the original was written to, not one that failed:
 * it is taken only when the report names nobody else.
 */
static bool
summary_line(const char *t, size_t b, size_t e, size_t i, size_t le)
{
	static const char *const to[] = { "to:", "cc:", NULL };
	static const char *const siblings[] = {
		"subject:", "from:", "date:", "sent:", "message-id:", "cc:",
		"to:", NULL };
	size_t p, q;
	int k;

	if (!line_labelled(t + i, le - i, to))
		return false;
	/* two lines above and two below */
	for (p = i, k = 0; k < 2 && p > b; k++) {
		q = p - 1;
		while (q > b && t[q - 1] != '\n')
			q--;
		if (line_labelled(t + q, p - 1 - q, siblings))
			return true;
		p = q;
	}
	for (p = le + 1, k = 0; k < 2 && p < e; k++) {
		const char *nl = memchr(t + p, '\n', e - p);
		q = nl ? (size_t)(nl - t) : e;
		if (line_labelled(t + p, q - p, siblings))
			return true;
		p = q + 1;
	}
	return false;
}

bool
text_lists_address(const struct msg *m)
{
	const char *t = m->text.s;
	size_t b, e;

	text_region(m, NULL, &b, &e);
	for (size_t i = b; i < e; ) {
		const char *nl = memchr(t + i, '\n', e - i);
		size_t le = nl ? (size_t)(nl - t) : e, rest;
		bool orig, yes = false;
		char *a = intro_address(t + i, le - i, &rest, &orig);
		if (a && !excluded(m, a) && !summary_line(t, b, e, i, le))
			yes = true;
		free(a);
		if (yes)
			return true;
		i = le + 1;
	}
	return false;
}

/* Is the line s[0, n) a DSN's Final-Recipient field? */
static bool
final_recipient_line(const char *s, size_t n)
{
	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	return n > 16 && strncasecmp(s, "final-recipient:", 16) == 0;
}

int
text_read(struct msg *m, const struct text_layout *lay, struct ndr_report *r)
{
	const char *t = m->text.s;
	struct ndr_buf d = { 0 };
	struct ndr_rcpt *cur = NULL;
	size_t b, e, i, before = r->nrcpts, line = 0, cur_line = 0;
	/* recipients listed on one line share what is said after it:
	 * [group[k], group[k + 1]) for each pair */
	size_t group[32], ngroup = 0;
	char *summary = NULL;
	/* a blank line came after the current recipient with nothing said
	 * of it yet: what follows is its diagnostic ("address", blank,
	 * "reason"), unless the paragraph holds another Final-Recipient:
	 * a DSN's block (in text when the MIME is broken) is the
	 * recipient's it names, whatever the order of its fields */
	bool crossed = false;

	text_region(m, lay, &b, &e);
	for (i = b; i < e; ) {
		const char *nl = memchr(t + i, '\n', e - i);
		size_t le = nl ? (size_t)(nl - t) : e, rest;
		bool orig;
		char *addr = intro_address(t + i, le - i, &rest, &orig);

		if (addr && !orig && summary_line(t, b, e, i, le)) {
			if (summary == NULL)
				summary = addr;
			else
				free(addr);
			addr = NULL;
			set_diag(cur, &d);
			cur = NULL;
		} else if (addr && orig && cur && cur_line + 3 >= line) {
			/* the address the sender wrote, for the one a gateway
			 * rewrote on the line before */
			if (report_find_rcpt(r, addr) == NULL) {
				free(cur->address);
				cur->address = addr;
				addr = NULL;
			}
		} else if (addr && !(cur && strcmp(cur->address, addr) == 0) &&
		    !(m->from_addr && strcmp(addr, m->from_addr) == 0)) {
			if (crossed && final_recipient_line(t + i, le - i))
				d.len = 0;
			crossed = false;
			set_diag(cur, &d);
			cur = report_add_rcpt(r, addr);
			cur_line = line;
			size_t first = r->nrcpts - 1, more = list_rest(m, r,
			    t + i + rest, le - i - rest);
			if (more == 0)
				diag_add(&d, t + i + rest, le - i - rest);
			else {
				cur = &r->rcpts[r->nrcpts - 1];
				if (ngroup + 2 <= sizeof group / sizeof *group) {
					group[ngroup++] = first;
					group[ngroup++] = r->nrcpts;
				}
			}
		} else if (cur) {
			bool blank = true;
			for (size_t k = i; k < le; k++)
				if (!isspace((unsigned char)t[k]))
					blank = false;
			if (blank && d.len) {
				set_diag(cur, &d);
				cur = NULL;
				crossed = false;
			} else {
				if (blank)
					crossed = true;
				diag_add(&d, t + i, le - i);
			}
		}
		free(addr);
		i = le + 1;
		line++;
	}
	set_diag(cur, &d);
	ndr_buf_free(&d);
	/* the last of a line's list got what followed it: so do the others */
	for (size_t g = 0; g < ngroup; g += 2) {
		const char *said = r->rcpts[group[g + 1] - 1].diagnostic;
		for (size_t k = group[g]; said && k + 1 < group[g + 1]; k++)
			if (r->rcpts[k].diagnostic == NULL)
				r->rcpts[k].diagnostic = xstrdup(said);
	}

	if (r->nrcpts == before)
		failed_header_rcpts(m, r);
	if (r->nrcpts == before && summary && !excluded(m, summary))
		report_add_rcpt(r, summary);
	free(summary);
	if (r->nrcpts == before)
		sentence_rcpt(m, r, b, e);
	/* A lone recipient with no code said of it gets the rest of the
	 * region: the transcript or explanation that follows its line. */
	if (r->nrcpts == before + 1 && e > b)
		widen_diag(m, &r->rcpts[before], b, e);
	for (size_t k = before; k < r->nrcpts; k++)
		later_diag(m, &r->rcpts[k], e);
	if (r->nrcpts > before && r->kind == NDR_KIND_OTHER)
		r->kind = (lay && lay->delay) || text_is_delay(m) ?
		    NDR_KIND_DELAY : NDR_KIND_BOUNCE;
	return (int)(r->nrcpts - before);
}

int
failed_header_rcpts(struct msg *m, struct ndr_report *r)
{
	static const char *const names[] = {
		"X-Failed-Recipients", "X-Original-Failed-Recipient", NULL
	};
	size_t before = r->nrcpts;

	for (const char *const *n = names; *n; n++) {
		const char *v = msg_header(m, *n);
		while (v && *v) {
			size_t s, e;
			char *a = find_address(v, strlen(v), &s, &e);
			if (a == NULL)
				break;
			report_add_rcpt(r, a);
			free(a);
			v += e;
		}
	}
	return (int)(r->nrcpts - before);
}
