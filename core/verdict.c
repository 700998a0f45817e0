/*
 * verdict.c - the signals that tell a legitimate bounce from backscatter,
 * and their weighing.
 *
 * Legitimate signals (the user really sent the original) decide alone: a
 * bounce of mail the user sent is never judged backscatter. Otherwise the
 * backscatter signals add up, each with a weight in log-odds; from
 * NDR_BACKSCATTER_AT on the verdict is backscatter, below it unsure.
 * Without a Sent index, own relays or a BATV key there is nothing to
 * judge by, and everything is unsure.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <gnutls/crypto.h>

#include "engine.h"
#include "verdict.h"

#define DAY		86400
#define RECENT		(30 * DAY)	/* "written to recently" */
#define SPAN_SLACK	DAY		/* the Sent span, widened */
#define BATV_DAYS	7		/* a BATV tag lives this long */

const struct ndr_signal_def ndr_signal_defs[NDR_SIG__N] = {
	[NDR_SIG_SENT_MESSAGE_ID] = { "sent_message_id", NDR_LEGIT_WEIGHT,
	    false, "the original's Message-ID is in the Sent index" },
	[NDR_SIG_OWN_RELAY] = { "own_relay", NDR_LEGIT_WEIGHT, false,
	    "the original's Received chain passes one of own_relays" },
	[NDR_SIG_BATV_VALID] = { "batv_valid", NDR_LEGIT_WEIGHT, false,
	    "the bounced envelope sender carries a valid BATV tag" },
	[NDR_SIG_SENT_RECIPIENT] = { "sent_recipient", NDR_LEGIT_WEIGHT,
	    false, "empty NDR: its failed recipient was written to lately" },
	[NDR_SIG_ABSENT_FROM_SENT] = { "absent_from_sent", 3, false,
	    "dated inside the span of the Sent index, yet not in it" },
	[NDR_SIG_FOREIGN_MESSAGE_ID] = { "foreign_message_id", 2, false,
	    "the Message-ID's domain never appears in the Sent index" },
	[NDR_SIG_FOREIGN_CHAIN] = { "foreign_chain", 2, false,
	    "own relays are configured and the chain passes none" },
	[NDR_SIG_FORGED_HELO] = { "forged_helo", 3, false,
	    "the first foreign sender called itself by the user's name" },
	[NDR_SIG_OWN_ADDRESS_FORGED] = { "own_address_forged", 1, false,
	    "the user's address as sender, on a foreign chain" },
	[NDR_SIG_BATV_INVALID] = { "batv_invalid", 4, false,
	    "a forged or expired BATV tag" },
	[NDR_SIG_BATV_MISSING] = { "batv_missing", 2, false,
	    "no BATV tag though the user signs" },
	[NDR_SIG_RCPT_NEVER_WRITTEN] = { "rcpt_never_written", 3, false,
	    "empty NDR: its failed recipient was never written to" },
	[NDR_SIG_RCPT_DOMAIN_UNKNOWN] = { "rcpt_domain_unknown", 1, false,
	    "empty NDR: nobody at its failed recipient's domain was written to" },
	[NDR_SIG_MTA_BURST] = { "mta_burst", 1, false,
	    "empty NDR: its MTA bounced other backscatter within 6 hours" },
	[NDR_SIG_NEVER_SENDS] = { "never_sends", 2, false,
	    "sent to an address of the user's domain that is not hers" },
	[NDR_SIG_MANY_RCPTS] = { "many_rcpts", 1, false,
	    "several failed recipients in one report" },
	[NDR_SIG_CAMPAIGN] = { "campaign", 3, true,
	    "the size of its campaign: log2(size) / 2, at most 3" },
	[NDR_SIG_CONTENT] = { "content", 2, true,
	    "the classifier's score of the original: -2 to +2" },
};

/* Signal sig fired, with weight (scaled signals) or its table's. */
static void
add_weighed(struct ndr_verdict *v, enum ndr_sig sig, double weight,
    const char *fmt, va_list ap)
{
	struct ndr_signal *s;

	if (v->nsig == NDR_SIGNALS_MAX)
		return;
	s = &v->sig[v->nsig++];
	s->name = ndr_signal_defs[sig].name;
	s->weight = weight;
	vsnprintf(s->evidence, sizeof s->evidence, fmt, ap);
}

static void
add(struct ndr_verdict *v, enum ndr_sig sig, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_weighed(v, sig, ndr_signal_defs[sig].weight, fmt, ap);
	va_end(ap);
}

static void
add_scaled(struct ndr_verdict *v, enum ndr_sig sig, double weight,
    const char *fmt, ...)
{
	double max = ndr_signal_defs[sig].weight;
	va_list ap;

	va_start(ap, fmt);
	add_weighed(v, sig, weight > max ? max : weight < -max ? -max : weight,
	    fmt, ap);
	va_end(ap);
}

static const char *
day(int64_t t, char *buf, size_t len)
{
	return ndr_day(t, buf, len, "an unknown date");
}

/* ---- relays ---- */

static bool
cidr_match(const char *net, const char *addr)
{
	unsigned char a[16], n[16];
	char buf[64];
	const char *slash = strchr(net, '/');
	int fam, bits, len;

	if (addr == NULL || strlen(net) >= sizeof buf)
		return false;
	fam = strchr(addr, ':') ? AF_INET6 : AF_INET;
	len = fam == AF_INET ? 4 : 16;
	if (inet_pton(fam, addr, a) != 1)
		return false;
	snprintf(buf, sizeof buf, "%.*s", slash ? (int)(slash - net) :
	    (int)strlen(net), net);
	if (inet_pton(fam, buf, n) != 1)
		return false;
	bits = slash ? atoi(slash + 1) : len * 8;
	if (bits < 0 || bits > len * 8)
		return false;
	for (int i = 0; i < len && bits > 0; i++, bits -= 8) {
		unsigned mask = bits >= 8 ? 0xff : (0xff00u >> bits) & 0xff;
		if ((a[i] & mask) != (n[i] & mask))
			return false;
	}
	return true;
}

static bool
is_address(const char *s)
{
	unsigned char b[16];

	return inet_pton(strchr(s, ':') ? AF_INET6 : AF_INET, s, b) == 1 ||
	    (strchr(s, '/') && (isdigit((unsigned char)*s) || strchr(s, ':')));
}

static bool
name_match(const char *entry, const char *host)
{
	size_t e = strlen(entry), h;

	if (host == NULL)
		return false;
	if (*entry != '.')
		return strcasecmp(entry, host) == 0;
	/* ".example.org": the domain and every name under it */
	h = strlen(host);
	return (h + 1 == e && strcasecmp(entry + 1, host) == 0) ||
	    (h > e && strcasecmp(host + h - e, entry) == 0);
}

bool
ndr_relay_match(const struct ndr_strv *relays, const char *host,
    const char *addr)
{
	for (size_t i = 0; relays && i < relays->n; i++) {
		const char *r = relays->v[i];
		if (is_address(r) ? cidr_match(r, addr) : name_match(r, host))
			return true;
	}
	return false;
}

/* One Received field's "from" clause, as the receiving server wrote it. */
struct hop {
	char	helo[128];	/* what the sender called itself */
	char	rdns[128];	/* its name as the receiver found it */
	char	ip[64];
	char	by[128];
};

static void
copy_token(char *dst, size_t len, const char *s, const char *stops)
{
	size_t n = strcspn(s, stops);

	if (n >= len)
		n = len - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

static void
hop_parse(const char *r, size_t len, struct hop *h)
{
	char line[1024];
	const char *by, *p, *lb, *rb, *helo;

	memset(h, 0, sizeof *h);
	if (len >= sizeof line)
		len = sizeof line - 1;
	memcpy(line, r, len);
	line[len] = '\0';
	if ((by = strstr(line, " by ")) != NULL) {
		copy_token(h->by, sizeof h->by, by + 4, " ;(");
		line[by - line] = '\0';
	}
	if (strncasecmp(line, "from ", 5) != 0)
		return;
	p = line + 5;
	copy_token(h->helo, sizeof h->helo, p, " (");
	if ((helo = strstr(p, "helo=")) != NULL)	/* Exim */
		copy_token(h->helo, sizeof h->helo, helo + 5, " )");
	if ((lb = strchr(p, '[')) != NULL && (rb = strchr(lb, ']')) != NULL &&
	    (size_t)(rb - lb) < sizeof h->ip) {
		memcpy(h->ip, lb + 1, (size_t)(rb - lb - 1));
		h->ip[rb - lb - 1] = '\0';
		if (strncasecmp(h->ip, "IPv6:", 5) == 0)
			memmove(h->ip, h->ip + 5, strlen(h->ip + 5) + 1);
		/* "(name [ip])": the name the receiver looked up */
		const char *paren = strchr(p, '(');
		if (paren && paren < lb) {
			const char *n = paren + 1;
			while (*n == ' ')
				n++;
			if (strncasecmp(n, "helo=", 5) != 0 && n < lb) {
				copy_token(h->rdns, sizeof h->rdns, n, " [");
				if (!strchr(h->rdns, '.'))
					h->rdns[0] = '\0';
			}
		}
		if (h->helo[0] == '[')	/* "from [ip]": no name given */
			h->helo[0] = '\0';
	}
}

static bool
private_ip(const char *ip)
{
	static const char *const nets[] = { "10.0.0.0/8", "172.16.0.0/12",
	    "192.168.0.0/16", "127.0.0.0/8", "::1/128", "fc00::/7",
	    "fe80::/10", NULL };

	for (int i = 0; nets[i]; i++)
		if (cidr_match(nets[i], ip))
			return true;
	return false;
}

bool
ndr_first_sender(const char *received, char *ip, size_t len)
{
	const char *p = received;
	struct hop h;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		hop_parse(p, n, &h);
		p += n + (nl != NULL);
		if (h.ip[0] && !cidr_match("127.0.0.0/8", h.ip) &&
		    !cidr_match("::1/128", h.ip)) {
			snprintf(ip, len, "%s", h.ip);
			return true;
		}
	}
	return false;
}

static const char *
domain_of(const char *addr)
{
	const char *at = addr ? strrchr(addr, '@') : NULL;

	return at ? at + 1 : NULL;
}

/* does the name claim one of the user's domains or relays? */
static bool
claims_user(const struct ndr_judge_ctx *c, const char *name)
{
	size_t n;

	if (name == NULL || *name == '\0')
		return false;
	if (ndr_relay_match(c->own_relays, name, NULL))
		return true;
	n = strlen(name);
	for (size_t i = 0; c->addresses && i < c->addresses->n; i++) {
		const char *d = domain_of(c->addresses->v[i]);
		size_t dl = d ? strlen(d) : 0;
		if (d && (strcasecmp(name, d) == 0 || (n > dl &&
		    name[n - dl - 1] == '.' && strcasecmp(name + n - dl, d) == 0)))
			return true;
	}
	return false;
}

/*
 * Walk the original's Received chain from the top. The top field was
 * written by the server that bounced; each "from" clause down to the first
 * public address outside the user's relays was written by a server that
 * saw the connection. Below that, anything may be forged.
 * Returns 1 for an own relay (legit), -1 for a chain with none, 0 when
 * there is nothing to tell.
 */
static int
chain(const struct ndr_evidence *ev, const struct ndr_judge_ctx *c,
    struct ndr_verdict *v, bool legit_only)
{
	const char *p = ev->received;
	struct hop h;
	bool top = true, relays = c->own_relays && c->own_relays->n > 0;

	if (p == NULL)
		return 0;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		hop_parse(p, len, &h);
		p += len + (nl != NULL);
		if (top && h.by[0] && relays &&
		    ndr_relay_match(c->own_relays, h.by, NULL)) {
			add(v, NDR_SIG_OWN_RELAY, "Received chain ends at own "
			    "relay %s, which sent the bounce", h.by);
			return 1;
		}
		top = false;
		if (h.ip[0] == '\0' && h.rdns[0] == '\0')
			continue;
		if (relays && ndr_relay_match(c->own_relays, h.rdns[0] ?
		    h.rdns : NULL, h.ip[0] ? h.ip : NULL)) {
			add(v, NDR_SIG_OWN_RELAY, "Received chain passes own "
			    "relay %s%s%s%s", h.rdns[0] ? h.rdns : h.ip,
			    h.rdns[0] && h.ip[0] ? " [" : "",
			    h.rdns[0] ? h.ip : "", h.rdns[0] && h.ip[0] ? "]" : "");
			return 1;
		}
		if (h.ip[0] && private_ip(h.ip))
			continue;
		/* the first foreign sender: the end of what can be trusted */
		if (legit_only)
			return -1;
		if (claims_user(c, h.helo) && !claims_user(c, h.rdns))
			add(v, NDR_SIG_FORGED_HELO, "HELO %s from %s is not one of "
			    "the user's relays", h.helo, h.ip[0] ? h.ip : h.rdns);
		if (relays)
			add(v, NDR_SIG_FOREIGN_CHAIN, "Received chain has no own "
			    "relay (first foreign hop %s)", h.ip[0] ? h.ip :
			    h.rdns);
		return -1;
	}
	if (relays && !legit_only)
		add(v, NDR_SIG_FOREIGN_CHAIN, "Received chain has no own relay");
	return relays ? -1 : 0;
}

/* ---- BATV ---- */

static int
batv_hash(const char *kddd, const char *addr, const char *key, char out[7])
{
	unsigned char mac[20];
	char text[512];
	int n = snprintf(text, sizeof text, "%s%s", kddd, addr);

	if (n < 0 || (size_t)n >= sizeof text)
		return -1;
	for (char *t = text; *t; t++)
		*t = (char)tolower((unsigned char)*t);
	if (gnutls_hmac_fast(GNUTLS_MAC_SHA1, key, strlen(key), text,
	    (size_t)n, mac) != 0)
		return -1;
	snprintf(out, 7, "%02x%02x%02x", mac[0], mac[1], mac[2]);
	return 0;
}

int
ndr_batv_sign(const char *address, const char *key, int64_t when,
    char *out, size_t len)
{
	char kddd[5], hash[7];
	unsigned expires = (unsigned)((when / DAY + BATV_DAYS) % 1000);

	kddd[0] = '0';	/* key number: ndrsweep knows one key */
	kddd[1] = (char)('0' + expires / 100);
	kddd[2] = (char)('0' + expires / 10 % 10);
	kddd[3] = (char)('0' + expires % 10);
	kddd[4] = '\0';
	if (batv_hash(kddd, address, key, hash) != 0)
		return -1;
	return snprintf(out, len, "prvs=%s%s=%s", kddd, hash, address) <
	    (int)len ? 0 : -1;
}

int
ndr_batv_check(const char *address, const char *key, int64_t now,
    char *plain, size_t len)
{
	char kddd[5], hash[7];
	const char *eq;

	if (address == NULL || strncasecmp(address, "prvs=", 5) != 0 ||
	    (eq = strchr(address + 5, '=')) == NULL || eq - address != 15) {
		if (plain && address)
			snprintf(plain, len, "%s", address);
		return 0;
	}
	if (plain)
		snprintf(plain, len, "%s", eq + 1);
	for (int i = 5; i < 9; i++)
		if (!isdigit((unsigned char)address[i]))
			return -1;
	memcpy(kddd, address + 5, 4);
	kddd[4] = '\0';
	if (key == NULL || batv_hash(kddd, eq + 1, key, hash) != 0 ||
	    strncasecmp(hash, address + 9, 6) != 0)
		return -1;
	/* DDD is the day the tag expires, modulo 1000 */
	int left = (atoi(kddd + 1) - (int)((now / DAY) % 1000) + 1000) % 1000;
	return left <= BATV_DAYS ? 1 : -1;
}

/* ---- the judge ---- */

static bool
own_address(const struct ndr_judge_ctx *c, const char *a)
{
	return a && c->addresses && strv_has(c->addresses, a);
}

static void
batv(const struct ndr_evidence *ev, const struct ndr_judge_ctx *c,
    struct ndr_verdict *v, bool legit_only)
{
	const char *cand[] = { ev->report_to, ev->orig_sender };
	int64_t now = ev->date > 0 ? ev->date : (int64_t)time(NULL);
	char plain[256];
	bool tagged = false, own = false;

	if (c->batv_key == NULL || *c->batv_key == '\0')
		return;
	for (int i = 0; i < 2; i++) {
		if (cand[i] == NULL)
			continue;
		int r = ndr_batv_check(cand[i], c->batv_key, now, plain,
		    sizeof plain);
		if (r == 1) {
			add(v, NDR_SIG_BATV_VALID, "envelope sender %s carries "
			    "a valid BATV tag", cand[i]);
			return;
		}
		if (r == -1) {
			tagged = true;
			if (!legit_only)
				add(v, NDR_SIG_BATV_INVALID, "BATV tag of %s is "
				    "forged or expired", cand[i]);
			return;
		}
		own |= own_address(c, plain);
	}
	if (!tagged && own && !legit_only)
		add(v, NDR_SIG_BATV_MISSING, "bounced envelope sender %s has no "
		    "BATV tag, though the user's mail carries one",
		    ev->report_to && own_address(c, ev->report_to) ?
		    ev->report_to : ev->orig_sender);
}

static bool
sent_basis(const struct ndr_judge_ctx *c)
{
	return c->sent_count > 0 && c->sent_mid != NULL;
}

bool
ndr_judge_has_basis(const struct ndr_judge_ctx *c)
{
	return sent_basis(c) || (c->own_relays && c->own_relays->n > 0) ||
	    (c->batv_key && *c->batv_key);
}

/* Each address of list ("a, b") written to in [from, to]: the first one
 * found, said as what ("failed recipient") with why's words after it. */
static bool
rcpt_written(const char *list, const char *what,
    const struct ndr_judge_ctx *c, struct ndr_verdict *v, int64_t from,
    int64_t to, const char *why)
{
	const char *p = list;
	char a[256], d[16];

	if (p == NULL || c->sent_rcpt == NULL)
		return false;
	while (*p) {
		size_t n = strcspn(p, ",");
		snprintf(a, sizeof a, "%.*s", (int)n, p);
		trim(a);
		int64_t when = c->sent_rcpt(c->arg, a, from, to);
		if (when != 0) {
			add(v, NDR_SIG_SENT_RECIPIENT, "%s %s was written to "
			    "on %s%s", what, a, day(when, d, sizeof d), why);
			return true;
		}
		p += n + (p[n] == ',');
	}
	return false;
}

/* A bounce no stronger sign calls legitimate, by the recipients the
 * user wrote to. An empty NDR has nothing else to go by: a failed
 * recipient written to lately. An original whose Message-ID is not the
 * Sent copy's (a submission server that gives mail one of its own, as
 * some do): a failed recipient, or one the original was addressed to (a
 * mailing list, whose member failed), written to on the original's own
 * day. */
static void
sent_recipients(const struct ndr_evidence *ev, const struct ndr_judge_ctx *c,
    struct ndr_verdict *v)
{
	static const char why[] = ", the original's day (its Message-ID is "
	    "not the Sent copy's)";
	int64_t t;

	if (ev->orig_mid == NULL) {
		rcpt_written(ev->rcpts, "failed recipient", c, v, ev->date > 0 ?
		    ev->date - RECENT : INT64_MIN, ev->date > 0 ?
		    ev->date + DAY : INT64_MAX, "");
		return;
	}
	t = ev->orig_date > 0 ? ev->orig_date : ev->date;
	if (t > 0 && !rcpt_written(ev->rcpts, "failed recipient", c, v,
	    t - DAY, t + DAY, why))
		rcpt_written(ev->orig_to, "the original's recipient", c, v,
		    t - DAY, t + DAY, why);
}

bool
ndr_judge_legit(const struct ndr_evidence *ev, const struct ndr_judge_ctx *c,
    struct ndr_verdict *v)
{
	int64_t when;
	char d[16];
	size_t before = v->nsig;

	if (ev->orig_mid && sent_basis(c) &&
	    c->sent_mid(c->arg, ev->orig_mid, &when) == 1)
		add(v, NDR_SIG_SENT_MESSAGE_ID, "original Message-ID <%s> found "
		    "in Sent, %s", ev->orig_mid, day(when, d, sizeof d));
	else if (chain(ev, c, v, true) == 1)
		;
	else
		batv(ev, c, v, true);
	if (v->nsig == before && sent_basis(c))
		sent_recipients(ev, c, v);
	for (size_t i = before; i < v->nsig; i++)
		if (v->sig[i].weight < 0)
			return true;
	v->nsig = before;	/* batv() says nothing backscatter-ish here */
	return false;
}

static const char *
mid_domain(const char *mid)
{
	const char *at = mid ? strrchr(mid, '@') : NULL;

	return at && at[1] ? at + 1 : NULL;
}

void
ndr_judge(const struct ndr_evidence *ev, const struct ndr_judge_ctx *c,
    size_t campaign_size, const char *campaign_subject, struct ndr_verdict *v)
{
	memset(v, 0, sizeof *v);
	if (ndr_judge_legit(ev, c, v)) {
		v->verdict = NDR_LEGIT;
		v->score = 0;
		return;
	}
	ndr_judge_backscatter(ev, c, campaign_size, campaign_subject, v);
}

/* The original is dated inside the Sent index's span, yet not in it;
 * its Message-ID's domain is none the user's mail has. */
static void
not_in_sent(const struct ndr_evidence *ev, const struct ndr_judge_ctx *c,
    struct ndr_verdict *v)
{
	char d1[16], d2[16], d3[16];
	const char *dom = mid_domain(ev->orig_mid);

	if (ev->orig_date > 0 && ev->orig_date >= c->sent_first - SPAN_SLACK &&
	    ev->orig_date <= c->sent_last + SPAN_SLACK)
		add(v, NDR_SIG_ABSENT_FROM_SENT, "original dated %s, inside "
		    "the span of the Sent index (%s to %s), is not in it",
		    day(ev->orig_date, d1, sizeof d1),
		    day(c->sent_first, d2, sizeof d2),
		    day(c->sent_last, d3, sizeof d3));
	if (dom && c->sent_mid_domain && !c->sent_mid_domain(c->arg, dom))
		add(v, NDR_SIG_FOREIGN_MESSAGE_ID, "Message-ID domain %s "
		    "never appears in Sent", dom);
}

/* Sent to an address of the user's domain that is none of hers: a
 * spammer's invention (a catch-all delivers it anyway). */
static void
never_sends(const struct ndr_evidence *ev, const struct ndr_judge_ctx *c,
    struct ndr_verdict *v)
{
	const char *to_dom = domain_of(ev->report_to);

	if (to_dom == NULL || own_address(c, ev->report_to) ||
	    strncasecmp(ev->report_to, "prvs=", 5) == 0)
		return;
	for (size_t i = 0; c->addresses && i < c->addresses->n; i++) {
		const char *d = domain_of(c->addresses->v[i]);
		if (d && strcasecmp(d, to_dom) == 0) {
			add(v, NDR_SIG_NEVER_SENDS, "sent to %s, not one of the "
			    "user's addresses", ev->report_to);
			return;
		}
	}
}

/*
 * An empty NDR (nothing of its original): backscatter when its failed
 * recipient was never written to in the whole Sent index; more so when
 * nobody at that domain was, and when its MTA bounced other backscatter
 * within hours (a flood's empty NDRs come in the flood's bursts). A
 * recipient written to, however long ago, gives none of these: that
 * report is left to the person (unsure), never cleaned.
 */
static void
empty_ndr(const struct ndr_evidence *ev, const struct ndr_judge_ctx *c,
    struct ndr_verdict *v)
{
	char a[256];
	const char *dom;
	size_t burst;

	snprintf(a, sizeof a, "%.*s", (int)strcspn(ev->rcpts, ","), ev->rcpts);
	trim(a);
	if (c->sent_rcpt(c->arg, a, INT64_MIN, INT64_MAX) != 0)
		return;
	add(v, NDR_SIG_RCPT_NEVER_WRITTEN, "nothing of the original, and "
	    "failed recipient %s was never written to", a);
	if ((dom = domain_of(a)) != NULL && c->sent_rcpt_domain &&
	    !c->sent_rcpt_domain(c->arg, dom))
		add(v, NDR_SIG_RCPT_DOMAIN_UNKNOWN, "nobody at %s was ever "
		    "written to", dom);
	if (ev->mta && ev->date > 0 && c->mta_burst &&
	    (burst = c->mta_burst(c->arg, ev->mta, ev->date)) > 0)
		add(v, NDR_SIG_MTA_BURST, "%s bounced %zu other backscatter "
		    "within 6 hours of it", ev->mta, burst);
}

void
ndr_judge_backscatter(const struct ndr_evidence *ev,
    const struct ndr_judge_ctx *c, size_t campaign_size,
    const char *campaign_subject, struct ndr_verdict *v)
{
	double sum = 0;

	memset(v, 0, sizeof *v);
	if (sent_basis(c) && ev->orig_mid)
		not_in_sent(ev, c, v);
	chain(ev, c, v, false);
	batv(ev, c, v, false);
	if (own_address(c, ev->orig_from) || own_address(c, ev->orig_sender)) {
		bool foreign = false;
		for (size_t i = 0; i < v->nsig; i++)
			foreign |= v->sig[i].name ==
			    ndr_signal_defs[NDR_SIG_FOREIGN_CHAIN].name ||
			    v->sig[i].name ==
			    ndr_signal_defs[NDR_SIG_FORGED_HELO].name;
		if (foreign)
			add(v, NDR_SIG_OWN_ADDRESS_FORGED, "sender %s is the "
			    "user's, but the mail did not come from the user",
			    own_address(c, ev->orig_from) ? ev->orig_from :
			    ev->orig_sender);
	}
	if (ev->orig_mid == NULL && ev->rcpts && sent_basis(c) &&
	    c->sent_rcpt)
		empty_ndr(ev, c, v);
	never_sends(ev, c, v);
	if (ev->kind == NDR_KIND_BOUNCE && ev->nrcpts >= 2)
		add(v, NDR_SIG_MANY_RCPTS, "%u failed recipients in one report",
		    ev->nrcpts);
	if (campaign_size >= 3) {
		double w = log2((double)campaign_size) / 2;
		add_scaled(v, NDR_SIG_CAMPAIGN, w, "%zu bounces of one "
		    "campaign%s%s%s%s", campaign_size, campaign_subject ?
		    " (\"" : "",
		    campaign_subject ? campaign_subject : "",
		    campaign_subject ? "\")" : "", ev->orig_mid ? "" :
		    ", joined by its MTA's bounces of it in the same hours");
	}
	if (c->content) {
		double s = c->content(c->arg, ev);
		if (s > 0.6 || s < 0.4)
			add_scaled(v, NDR_SIG_CONTENT, 4 * (s - 0.5), "the "
			    "classifier scores the original %.2f", s);
	}
	for (size_t i = 0; i < v->nsig; i++)
		sum += v->sig[i].weight;
	v->score = 1 / (1 + exp(-(sum - NDR_BACKSCATTER_AT / 2)));
	if (!ndr_judge_has_basis(c))
		v->verdict = NDR_UNSURE;
	else
		v->verdict = sum >= NDR_BACKSCATTER_AT ? NDR_BACKSCATTER :
		    NDR_UNSURE;
}

const char *
ndr_verdict_name(enum ndr_verdict_kind k)
{
	switch (k) {
	case NDR_LEGIT:
		return "legit";
	case NDR_BACKSCATTER:
		return "backscatter";
	case NDR_UNJUDGED:
		return "";
	default:
		return "unsure";
	}
}

enum ndr_verdict_kind
ndr_verdict_parse(const char *name)
{
	for (int k = NDR_UNSURE; name && k < NDR_UNJUDGED; k++)
		if (strcmp(name, ndr_verdict_name(k)) == 0)
			return k;
	return NDR_UNJUDGED;
}

void
ndr_verdict_json(const struct ndr_verdict *v, struct ndr_buf *b)
{
	ndr_buf_addc(b, '[');
	for (size_t i = 0; i < v->nsig; i++) {
		const struct ndr_signal *s = &v->sig[i];
		if (i)
			ndr_buf_addc(b, ',');
		ndr_buf_adds(b, "{\"name\":");
		ndr_buf_json(b, s->name);
		ndr_buf_printf(b, ",\"weight\":%.2f,\"evidence\":", s->weight);
		ndr_buf_json(b, s->evidence);
		ndr_buf_addc(b, '}');
	}
	ndr_buf_addc(b, ']');
}
