/* rcpt.c - the failed recipients of a report and what is said of each. */
#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "phrases.h"

#define MAX_RCPTS	1000	/* a report naming more is hostile */

struct ndr_rcpt *
report_find_rcpt(struct ndr_report *r, const char *address)
{
	for (size_t i = 0; i < r->nrcpts; i++)
		if (r->rcpts[i].address && address &&
		    strcasecmp(r->rcpts[i].address, address) == 0)
			return &r->rcpts[i];
	return NULL;
}

struct ndr_rcpt *
report_add_rcpt(struct ndr_report *r, const char *address)
{
	struct ndr_rcpt *rc = report_find_rcpt(r, address);

	if (rc)
		return rc;
	if (r->nrcpts >= MAX_RCPTS) {
		r->truncated = true;
		return NULL;
	}
	r->rcpts = xreallocarray(r->rcpts, r->nrcpts + 1, sizeof *r->rcpts);
	rc = &r->rcpts[r->nrcpts++];
	memset(rc, 0, sizeof *rc);
	rc->address = address ? lowercase_dup(address, strlen(address)) : NULL;
	return rc;
}

static const char *const list_fields[] = {
	"List-Post", "List-Owner", "List-Help", "List-Subscribe",
	"List-Unsubscribe", "List-Archive", NULL
};

/* The List-* fields of a header block, added to b. */
static void
list_fields_of(const char *block, size_t len, struct ndr_buf *b)
{
	struct hdrs h = { 0 };

	hdrs_parse(&h, block, len);
	for (const char *const *n = list_fields; *n; n++) {
		const char *v = hdrs_get(&h, *n);
		if (v)
			ndr_buf_printf(b, "%s\n", v);
	}
	hdrs_free(&h);
}

/* A mailing list's own address: a list manager's (-bounces, -request,
 * -owner, owner-), or one the List-* fields (of the report or of the
 * original: in fields) name. A report about a post to a list names the
 * member who failed; the list's addresses around it (its footer, its
 * headers) are not. */
static bool
list_address(const char *a, const struct ndr_buf *fields)
{
	static const char *const tails[] = {
		"-bounces@", "-bounces+", "-request@", "-owner@", "-admin@", NULL
	};

	for (const char *const *t = tails; *t; t++)
		if (strstr(a, *t))
			return true;
	if (ci_prefix(a, "owner-") && strchr(a, '@'))
		return true;
	return fields->len && ci_find(fields->s, fields->len, a);
}

void
report_drop_lists(const struct msg *m, struct ndr_report *r)
{
	struct ndr_buf fields = { 0 };
	size_t keep = 0;
	bool *list;

	if (r->nrcpts < 2)
		return;		/* a list that refuses a post fails itself */
	/* the fields read once for all the recipients: the report's
	 * (parsed already), the original's */
	for (const char *const *n = list_fields; *n; n++) {
		const char *v = msg_header(m, *n);
		if (v)
			ndr_buf_printf(&fields, "%s\n", v);
	}
	if (m->orig_raw)
		list_fields_of(m->orig_raw, m->orig_rawlen, &fields);
	if (m->orig_hdrs && m->orig_hdrs->text)
		list_fields_of(m->orig_hdrs->text, m->orig_hdrs->len, &fields);
	list = xcalloc(r->nrcpts, sizeof *list);
	for (size_t i = 0; i < r->nrcpts; i++) {
		list[i] = r->rcpts[i].address &&
		    list_address(r->rcpts[i].address, &fields);
		keep += !list[i];
	}
	if (keep > 0 && keep < r->nrcpts) {
		size_t o = 0;
		for (size_t i = 0; i < r->nrcpts; i++)
			if (list[i])
				rcpt_clear(&r->rcpts[i]);
			else
				r->rcpts[o++] = r->rcpts[i];
		r->nrcpts = o;
	}
	free(list);
	ndr_buf_free(&fields);
}

void
rcpt_clear(struct ndr_rcpt *rc)
{
	NDR_FREE(rc->address, rc->orig_rcpt, rc->final_rcpt, rc->action,
	    rc->status, rc->reply_code, rc->diagnostic, rc->remote_mta,
	    rc->command);
	memset(rc, 0, sizeof *rc);
}

/* The reply code that goes with a status ("550 5.1.1", "550-5.1.1"), or
 * the one after "said:", or the first one in the text. */
static char *
reply_code_of(const char *d, const char *status)
{
	const char *p;

	if (status && (p = strstr(d, status)) && p - d >= 4 &&
	    (p[-1] == ' ' || p[-1] == '-') && isdigit((unsigned char)p[-2]) &&
	    isdigit((unsigned char)p[-3]) &&
	    (p[-4] == '2' || p[-4] == '4' || p[-4] == '5') &&
	    (p - d == 4 || !isalnum((unsigned char)p[-5])))
		return xstrndup(p - 4, 3);
	if ((p = ci_find(d, strlen(d), "said:")) ||
	    (p = ci_find(d, strlen(d), "smtp;")))
		if ((p = strpbrk(p, "245")) && p - d < (long)strlen(d)) {
			char *c = find_reply_code(p, strlen(p));
			if (c)
				return c;
		}
	return find_reply_code(d, strlen(d));
}

/* Which SMTP command the failure answered, from the words MTAs use. */
static const struct { const char *cmd, *phrase; } command_words[] = {
	{ "DATA", "end of data" }, { "DATA", "data command" },
	{ "DATA", ">>> data" }, { "DATA", "after data" },
	{ "DATA", "[data]" },
	{ "RCPT", "rcpt to" }, { "RCPT", "rcpt command" },
	{ "RCPT", "[rcpt_to]" }, { "RCPT", "smtp:rcpt" },
	{ "RCPT", "does not like recipient" },
	{ "MAIL", "mail from" }, { "MAIL", "mail command" },
	{ "MAIL", "[mail_from]" },
	{ "CONN", "initial connection" }, { "CONN", "greeting" },
	{ "HELO", "helo command" }, { "HELO", "ehlo command" },
	{ "HELO", ">>> ehlo" }, { "HELO", ">>> helo" },
	{ "HELO", "after ehlo" }, { "HELO", "after helo" },
};
static struct phrases *command_index;
static pthread_once_t command_once = PTHREAD_ONCE_INIT;

static void
command_index_build(void)
{
	command_index = phrases_new();
	for (size_t i = 0; i < sizeof command_words / sizeof *command_words; i++)
		phrases_add(command_index, command_words[i].phrase, (int)i);
}

struct last_command {
	int	 tag;
	size_t	 at;
};

/* the last command named is the one that was answered; of two named at
 * the same place, the first in the table */
static int
last_command(void *arg, int tag, size_t at)
{
	struct last_command *l = arg;

	if (l->tag < 0 || at > l->at) {
		l->tag = tag;
		l->at = at;
	}
	return 0;
}

const char *
smtp_command(const char *text)
{
	struct last_command l = { -1, 0 };

	if (text == NULL)
		return NULL;
	pthread_once(&command_once, command_index_build);
	phrases_scan(command_index, text, strlen(text), last_command, &l);
	return l.tag < 0 ? NULL : command_words[l.tag].cmd;
}

/* The status of the last "NNN X.Y.Z" (or "NNN-X.Y.Z") pair of a failure
 * class, as the remote server wrote it; NULL when there is none. */
static char *
server_status(const char *d)
{
	const char *p = d, *last = NULL;

	while ((p = strpbrk(p, "45")) != NULL) {
		/* each byte looked at only after those before it were not
		 * the end: "5" may be the last of the text */
		if (isdigit((unsigned char)p[1]) && isdigit((unsigned char)p[2]) &&
		    (p[3] == ' ' || p[3] == '-')) {
			/* "550-'5.2.2 ...'": Amazon SES quotes the reply */
			int q = p[4] == '\'' ? 1 : 0;
			if (p[4 + q] == p[0] && p[5 + q] == '.' && (p == d ||
			    !isalnum((unsigned char)p[-1])))
				last = p + 4 + q;
		}
		p++;
	}
	return last ? find_status(last, strlen(last)) : NULL;
}

/* Name the failed SMTP command from text, unless it is named already. */
void
rcpt_set_command(struct ndr_rcpt *rc, const char *text)
{
	const char *cmd;

	if (rc->command == NULL && (cmd = smtp_command(text)) != NULL)
		rc->command = xstrdup(cmd);
}

/*
 * A multi-line SMTP reply keeps its code on every line ("550-5.7.1 This
 * message is not RFC 5322 compliant. There are multiple Subject 550-5.7.1
 * headers."): once squeezed into one line the repeats cut phrases in two.
 * Later copies of the first "NNN-X.Y.Z" or "NNN X.Y.Z" are removed.
 */
static void
drop_continuations(char *d)
{
	char code[16], *p, *w;
	size_t n;

	for (p = d; *p; p++)
		if (isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1]) &&
		    isdigit((unsigned char)p[2]) && p[3] == '-' &&
		    (p[4] == '4' || p[4] == '5') && p[5] == '.')
			break;
	if (*p == '\0')
		return;
	n = strcspn(p + 4, " ");
	if (n + 4 >= sizeof code || n < 5)
		return;
	memcpy(code, p, n + 4);
	code[n + 4] = '\0';
	p += n + 4;
	for (w = p; *p; ) {
		/* p[3] only when the text goes that far */
		code[3] = strnlen(p, 4) == 4 && p[3] == ' ' ? ' ' : '-';
		if ((p[-1] == ' ') && strncmp(p, code, n + 4) == 0 &&
		    (p[n + 4] == ' ' || p[n + 4] == '\0')) {
			p += n + 4;
			if (*p == ' ')
				p++;
			continue;
		}
		*w++ = *p++;
	}
	*w = '\0';
}

/* "553 mx.example.net does not exist": a host name, not a mailbox */
static bool
host_does_not_exist(const char *d)
{
	const char *p = ci_find(d, strlen(d), " does not exist"), *w;

	if (p == NULL)
		return false;
	for (w = p; w > d && w[-1] != ' '; w--)
		;
	return p - w > 3 && memchr(w, '.', p - w) && !memchr(w, '@', p - w) &&
	    !memchr(w, '<', p - w);
}
/*
 * What the remote server itself said ("550 5.7.1 ...", the last such
 * pair) outranks the reporting MTA's summary status; a generic status
 * ("5.0.0") yields to any precise one in the text.
 */
static void
status_of_text(struct ndr_rcpt *rc, const char *d)
{
	char *st = server_status(d);

	if (st && rc->status && strcmp(st + 1, ".0.0") == 0 &&
	    strcmp(rc->status + 1, ".0.0") != 0) {
		free(st);	/* "550 5.0.0" says less than the DSN's own */
		st = NULL;
	} else if (st == NULL)
		st = find_status(d, strlen(d));
	else if (rc->status) {
		free(rc->status);
		rc->status = NULL;
	}
	if (rc->status == NULL || (st && strcmp(rc->status + 1, ".0.0") == 0 &&
	    st[0] == rc->status[0])) {
		free(rc->status);
		rc->status = st;
	} else
		free(st);
	if (rc->reply_code == NULL)
		rc->reply_code = reply_code_of(d, rc->status);
}

/* "IP=192.0.2.1", "IP: 192.0.2.1", "IP address 192.0.2.1" as a word of
 * the reply, not a link's query ("?ip=") */
static bool
names_client_ip(const char *d)
{
	static const char *const forms[] = { "ip=", "ip: ", "ip address " };

	for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
		size_t n = strlen(forms[i]);
		for (const char *p = d; (p = ci_find(p, strlen(p), forms[i]));
		    p += n)
			if ((p == d || p[-1] == ' ' || p[-1] == '(') &&
			    isdigit((unsigned char)p[n]))
				return true;
	}
	return false;
}

/* No reason from a reader or a provider: the words and the status. */
static enum ndr_reason
reason_of_text(const struct ndr_rcpt *rc, const char *d)
{
	bool weak, cause;
	enum ndr_reason w = reason_from_words(d, &weak, &cause);
	enum ndr_reason s = reason_from_status(rc->status), r;

	/* "rejected", "not allowed": any precise status says more, and
	 * 5.7.0 and 5.7.1 then mean a security refusal */
	if (weak && s == NDR_R_UNDEFINED && rc->status &&
	    rc->status[0] == '5' && strncmp(rc->status + 1, ".7.", 3) == 0)
		s = NDR_R_SECURITYERROR;
	r = weak && s != NDR_R_UNDEFINED ? s : reason_arbitrate(w, s);
	if (r == NDR_R_EXPIRED && cause)	/* expired for want of DNS */
		r = NDR_R_NETWORKERROR;
	/* a host "not found" for now (4.x.x): the name service failed, the
	 * host may well exist */
	if (r == NDR_R_HOSTUNKNOWN && rc->status && rc->status[0] == '4')
		r = NDR_R_NETWORKERROR;
	/* a local program's exit ("X-Unix; 71", "x-unix; temporary
	 * failure"): the mailer failed, unless its words say why */
	if (rc->program && (weak || r == NDR_R_UNDEFINED))
		r = NDR_R_MAILERERROR;
	/* a refusal that names the connecting host's address and no cause
	 * ("554 IP=192.0.2.1 - A problem occurred"): the host is refused */
	if ((weak || r == NDR_R_UNDEFINED) && names_client_ip(d))
		r = NDR_R_BLOCKED;
	/* refused before any envelope: the sending host is blocked */
	if ((weak || r == NDR_R_UNDEFINED) && rc->command &&
	    (strcmp(rc->command, "CONN") == 0 ||
	    strcmp(rc->command, "HELO") == 0))
		r = NDR_R_BLOCKED;
	return r;
}

/* The reason as Sisimai reads it, from r as the text gave it. */
static enum ndr_reason
reason_adjust(const struct ndr_rcpt *rc, const char *d, enum ndr_kind kind,
    enum ndr_reason r)
{
	if (r == NDR_R_USERUNKNOWN && rc->reason == NDR_R_UNDEFINED &&
	    host_does_not_exist(d))
		r = NDR_R_HOSTUNKNOWN;
	/* "User unknown" is only believed at RCPT or with a status that
	 * says so; after DATA, or with no command named, the address
	 * existed and a filter refused the message (Sisimai's reading,
	 * which our figures are compared with). */
	if (r == NDR_R_USERUNKNOWN && rc->reason == NDR_R_UNDEFINED) {
		enum ndr_reason sr = reason_from_status(rc->status);
		const char *c = rc->command;
		if (sr != NDR_R_USERUNKNOWN && (c == NULL ||
		    strcmp(c, "DATA") == 0) && !reason_names_recipient(d))
			r = NDR_R_FILTERED;
	}
	/* 5.2.3 says the recipient's own limit, whatever the words */
	if (rc->status && strcmp(rc->status + 1, ".2.3") == 0)
		r = NDR_R_EXCEEDLIMIT;
	if (rc->command && strcmp(rc->command, "MAIL") == 0 &&
	    (r == NDR_R_USERUNKNOWN || r == NDR_R_UNDEFINED ||
	    r == NDR_R_HOSTUNKNOWN))
		r = NDR_R_REJECTED;
	if (kind == NDR_KIND_DELAY && r == NDR_R_UNDEFINED)
		r = NDR_R_EXPIRED;
	/* words we cannot place: the failure is known, its cause is not;
	 * but a long text with no code is the report's boilerplate, which
	 * says nothing of this recipient */
	if (r == NDR_R_UNDEFINED && *d != '\0') {
		char *code = strlen(d) < 160 ? NULL : find_reply_code(d,
		    strlen(d));
		if (strlen(d) < 160 || code != NULL)
			r = NDR_R_ONHOLD;
		free(code);
	}
	if (kind == NDR_KIND_DELIVERED)
		r = NDR_R_DELIVERED;
	return r;
}

/* No status reported: the pseudo one of the reason (X.0.9NN). */
static void
pseudo_status(struct ndr_rcpt *rc, const char *d, enum ndr_kind kind)
{
	/* exim gives up on temporary failures with "retry timeout
	 * exceeded": the failure itself was a 4xx */
	bool temp = kind == NDR_KIND_DELAY ||
	    (rc->reply_code && rc->reply_code[0] == '4') ||
	    ci_find(d, strlen(d), "retry timeout exceeded") ||
	    ci_find(d, strlen(d), "have been failing for a long time");
	const char *ps = status_from_reason(rc->reason, temp);

	if (ps)
		rc->status = xstrdup(ps);
}


void
rcpt_finish(struct ndr_rcpt *rc, enum ndr_kind kind, const char *sent)
{
	enum ndr_reason r;
	const char *d;

	if (kind == NDR_KIND_FEEDBACK || kind == NDR_KIND_AUTOREPLY) {
		rc->reason = kind == NDR_KIND_FEEDBACK ? NDR_R_FEEDBACK :
		    NDR_R_VACATION;
		return;
	}
	/* a gateway that rewrote the recipient says what the sender wrote
	 * in Original-Recipient: that is the failed recipient to name */
	char *o = rc->orig_rcpt ? typed_address(rc->orig_rcpt) : NULL;
	if (o && rc->address && strcmp(o, rc->address) != 0 &&
	    strchr(o, '@') && !strchr(o, ' ')) {
		rc->final_rcpt = rc->address;
		rc->address = o;
	} else
		free(o);
	if (rc->diagnostic) {
		char *sq = squeeze(rc->diagnostic, strlen(rc->diagnostic));
		free(rc->diagnostic);
		rc->diagnostic = sq;
		drop_continuations(rc->diagnostic);
	}
	d = rc->diagnostic ? rc->diagnostic : "";
	status_of_text(rc, d);
	rcpt_set_command(rc, d);
	if (rc->command == NULL && sent)
		rc->command = xstrdup(sent);
	r = rc->reason;		/* a reader may know better than the words */
	if (r == NDR_R_UNDEFINED)	/* and a provider's own code too */
		r = rc->reason = reason_from_provider(d, rc->address);
	if (r == NDR_R_UNDEFINED)
		r = reason_of_text(rc, d);
	rc->reason = reason_adjust(rc, d, kind, r);
	if (rc->status == NULL)
		pseudo_status(rc, d, kind);
	rc->hard = kind == NDR_KIND_BOUNCE && reason_is_hard(rc->reason,
	    rc->status);
	if (rc->action == NULL)
		rc->action = xstrdup(kind == NDR_KIND_DELAY ? "delayed" :
		    kind == NDR_KIND_DELIVERED ? "delivered" : "failed");
}
