/* generic.c - the last resort: a report from a mailer daemon that no
 * reader knows, read as "address: diagnostic" text. Strict about what it
 * takes for a report, so ordinary mail is never called a bounce. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "../engine.h"

static const char *const bouncy[] = {
	"undeliver", "returned mail", "delivery fail", "failure notice",
	"delivery status", "mail delivery", "non-delivery", "nondelivery",
	"not delivered", "could not be delivered", "bounce", "rejected",
	"delivery problem", "mail system error", "failed", "failure",
	"delayed", "error", "returned",
	/* the same in the languages mail servers answer in */
	"unzustellbar", "nicht zugestellt", "non remis", "non distribuable",
	"non délivré", "non recapitabile", "non recapitato",
	"no se puede entregar", "no entregado", "não entregue",
	"não é possível entregar", "onbestelbaar", "niet bezorgd",
	"olevererbart", "ikke leveret", "kan ikke leveres",
	"nie dostarczono", "niedostarczaln", "nedoručitelné",
	"nedoručiteln", "nelivrat", "ei voitu toimittaa", "toimitus epäonnistui",
	"gagal terkirim", "tidak terkirim", "không thể gửi",
	"δεν παραδόθηκε", "αδυναμία παράδοσης", "не вдалося доставити",
	"nem kézbesíthető",
	"kézbesíthetetlen", "не доставлено", "недоставлено",
	"teslim edilemedi", "配信不能", "配信エラー", "送信エラー",
	"配送失敗", "配信失敗", "送信失敗", "配送エラー", "配送不能",
	"宛先不明", "无法投递", "未能送达", "退信", "投递失败", "发送失败",
	"無法投遞", "배달되지", "전달되지", "전송 실패", "non consegnato",
	"mancata consegna", "échec de remise", "échec de la remise",
	"non distribué", NULL
};

/* What the text of a report says, whoever wrote it. */
static const char *const said[] = {
	"could not be delivered", "couldn't be delivered",
	"was not delivered", "undeliverable", "delivery failed",
	"delivery has failed", "failed to deliver", "unable to deliver",
	"permanent error", "permanent fatal error", "error delivering",
	"delivery to the following", "following address", "not be delivered",
	"message could not be", "returned to sender", "user unknown",
	"mailbox full", "no such user", "not a member", "rejected",
	"konnte nicht zugestellt werden", "nicht zugestellt werden",
	"n'a pas pu être délivré", "n'a pas pu etre delivre",
	"n'a pas pu être remis", "non è stato recapitato",
	"non è stato possibile recapitare", "no se pudo entregar",
	"no ha podido ser entregado", "não pôde ser entregue",
	"não foi possível entregar", "kon niet worden bezorgd",
	"kunde inte levereras", "kunne ikke leveres",
	"nie może zostać dostarczona", "nie została dostarczona",
	"zostać dostarczon", "została dostarczon", "nu a putut fi livrat",
	"nu a putut fi trimis", "ei voitu toimittaa", "tidak dapat dikirim",
	"tidak dapat diantar", "không thể gửi", "δεν ήταν δυνατή η παράδοση",
	"δεν ήταν δυνατό να παραδοθεί", "вдалося доставити",
	"nem sikerült kézbesíteni", "nem kézbesíthető",
	"nemohla být doručena", "не может быть доставлено",
	"не удалось доставить", "teslim edilemedi",
	"配信に失敗しました", "配送できませんでした", "送信できませんでした",
	"配送に失敗しました", "送信に失敗しました", "届けられませんでした",
	"配達できませんでした", "无法送达", "投递失败", "发送失败", "無法投遞",
	"전송하지 못했습니다", "non è stato consegnato",
	"impossibile consegnare", "n'a pas pu être distribué",
	"não foi entregue", "no pudo ser entregado", "cannot be delivered",
	"failed recipient", "did not receive a copy", "unknown user",
	"addressee unknown", "recipient unknown", NULL
};

static bool
forwarded_report(const struct msg *m)
{
	static const char *const fwd[] = { "fwd:", "fw:", NULL };
	static const char *const inner[] = { "mailer-daemon", "postmaster",
		"mail delivery subsystem", NULL };

	return subject_has(m, fwd) && subject_has(m, bouncy) &&
	    text_has(m, inner);
}

/* Subjects that only a failed delivery's report carries. */
static const char *const failed_subjects[] = {
	"returned mail", "undeliverable", "undelivered mail",
	"mail delivery failed", "delivery status notification (failure)",
	"failure notice", "non-delivery", "delivery failure",
	"mail delivery problem", "unzustellbar", "non remis",
	"could not be delivered", "permanent delivery failure", NULL
};

/* Does the report return the original, attached or its header block? */
static bool
returns_a_copy(const struct msg *m)
{
	return m->orig_raw != NULL || m->orig_hdrs != NULL;
}

/* A person's reply or forward: "Re:", "AW:", "Fwd:" and the like. */
static bool
reply_subject(const struct msg *m)
{
	static const char *const prefixes[] = { "re:", "aw:", "sv:", "antw:",
		"fwd:", "fw:", "tr:", "wg:", "rv:", NULL };
	const char *s = m->lsubject;

	if (s == NULL)
		return false;
	while (*s == ' ' || *s == '\t')
		s++;
	for (const char *const *p = prefixes; *p; p++)
		if (ci_prefix(s, *p))
			return true;
	return false;
}

static bool
generic_match(const struct msg *m)
{
	if (forwarded_report(m))
		return true;
	/* a gateway's report from a sender of its own name ("imss@",
	 * "E500_SMTP_Mail_Service@"): a failure's subject, its text says
	 * so, and lists an address as reports do, not in a sentence as a
	 * person writes ("I think the mail to bob@x could not be
	 * delivered") */
	if (!from_daemon(m))
		return subject_has(m, failed_subjects) && text_has(m, said) &&
		    (text_lists_address(m) || (returns_a_copy(m) &&
		    !reply_subject(m)));
	return subject_has(m, bouncy) || text_has(m, said) ||
	    text_is_delay(m) || m->subject == NULL;
}

/*
 * "...could not be delivered to the following recipients:" and on the
 * next line a local part alone ("\tjsmith", AOL's way): the recipient is
 * at the domain of the daemon that says so.
 */
static int
bare_local_part(struct msg *m, struct ndr_report *r)
{
	static const char *const intro[] = { "following recipient",
		"following address", "could not be delivered to", NULL };
	const char *t = m->lower, *dom;
	size_t b, e;

	if (m->from_addr == NULL || (dom = strchr(m->from_addr, '@')) == NULL)
		return 0;
	text_region(m, NULL, &b, &e);
	for (const char *const *p = intro; *p; p++) {
		const char *at = strstr(t + b, *p), *l, *end;
		if (at == NULL || at >= t + e || (l = strchr(at, '\n')) == NULL)
			continue;
		/* the sentence may wrap: the list starts after the line
		 * that ends it with ':', up to two lines further */
		for (int k = 0; k < 2 && l[-1] != ':' && l + 1 < t + e; k++) {
			const char *nl = strchr(l + 1, '\n');
			if (nl == NULL || nl[-1] != ':')
				break;
			l = nl;
		}
		while (*l == '\n' || *l == ' ' || *l == '\t')
			l++;
		for (end = l; *end && (isalnum((unsigned char)*end) ||
		    strchr("._+-", *end)); end++)
			;
		/* the local part alone on its line, or before a quote or
		 * a parenthesis: "an undisclosed address" is none */
		const char *after = end;
		while (*after == ' ' || *after == '\t')
			after++;
		if (end == l || end - l > 64 || (*after && *after != '\n' &&
		    *after != '"' && *after != '('))
			continue;
		size_t ll = (size_t)(end - l), dl = strlen(dom);
		char *a = xreallocarray(NULL, ll + dl + 1, 1);
		memcpy(a, l, ll);
		memcpy(a + ll, dom, dl + 1);	/* "@domain" and its NUL */
		report_add_rcpt(r, a);
		free(a);
		return 1;
	}
	return 0;
}


static int
generic_read(struct msg *m, struct ndr_report *r)
{
	int n = text_read(m, NULL, r);

	if (n > 0)
		return n;
	if (bare_local_part(m, r) > 0) {
		r->kind = text_is_delay(m) ? NDR_KIND_DELAY : NDR_KIND_BOUNCE;
		return 1;
	}
	/* A report that names nobody but quotes the original: its To. */
	struct ndr_original o = { 0 };
	original_read(m, &o);
	if (o.to && from_daemon(m)) {
		char *a = find_address(o.to, strlen(o.to), NULL, NULL);
		const char *to = msg_header(m, "To");
		/* a report goes to the sender: its own To is whom the
		 * "original" was for only when that is another report (an
		 * original to postmaster@ may fail as any other) */
		if (a && to && ci_find(to, strlen(to), a)) {
			free(a);
			a = NULL;
		}
		if (a) {
			struct ndr_rcpt *rc = report_add_rcpt(r, a);
			size_t b, e;
			text_region(m, NULL, &b, &e);
			if (rc && e > b)
				rc->diagnostic = squeeze(m->text.s + b,
				    e - b > 2048 ? 2048 : e - b);
			r->kind = text_is_delay(m) ? NDR_KIND_DELAY :
			    NDR_KIND_BOUNCE;
			free(a);
			n = 1;
		}
	}
	original_free(&o);
	/* a report of a failure that names nobody ("<<< No Message
	 * Collected >>>", "could not be delivered to one or more of its
	 * recipients"): a bounce with no recipient. A daemon's, or one
	 * generic_match took by its subject and words. */
	if (n == 0 && subject_has(m, failed_subjects)) {
		r->kind = text_is_delay(m) ? NDR_KIND_DELAY : NDR_KIND_BOUNCE;
		n = -1;
	}
	return n;
}

const struct reader reader_generic = { "generic", generic_match,
	generic_read, NULL };
