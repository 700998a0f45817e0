/* reason.c - why a delivery failed: from the diagnostic, then the status. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

static const struct {
	const char *name;
	bool hard;
} reasons[] = {
#define NDR_REASON(id, name, hard) { name, hard },
#include "reasons.h"
#undef NDR_REASON
};

const char *
ndr_reason_name(enum ndr_reason r)
{
	return (unsigned)r < NDR_R_COUNT ? reasons[r].name : "undefined";
}

/*
 * Phrases seen in diagnostics, lowercase, tried in this order: specific
 * phrases before general ones ("mailbox full" before "mailbox unavailable").
 * Our own list, grown by reading the reports real MTAs write.
 */
static const char *const p_virus[] = {
	"virus", "malware", "infected", NULL };
static const char *const p_spam[] = {
	"spam", "junk mail", "unsolicited", "bulk mail", "content rejected",
	"message content", "looks like spam", "scored too high",
	"high probability of being", "classified as spam", "spamassassin",
	"rejected by the content filter", "blocked by content filter",
	"x-spam", "message rejected due to content",
	"rejected due to content", "unacceptable content",
	"rejected as spam", "detected as spam", "contains spam", NULL };
static const char *const p_ptr[] = {
	"reverse dns", "reverse lookup", "rdns", "ptr record", "no ptr",
	"reverse-lookup", "cannot find your hostname", "reverse address",
	"client host rejected: cannot find your hostname",
	"hostname does not resolve", "no reverse", "fcrdns",
	"cannot resolve your address", "cannot resolve your hostname",
	"does not have a valid reverse", "ip name lookup failed",
	"not have a valid ptr", "mismatches client ip", NULL };
static const char *const p_auth[] = {
	"spf", "dkim", "dmarc", "sender policy framework",
	"authentication failed", "not authorized to send on behalf",
	"designates", "does not have authentication information",
	"fails to pass authentication", NULL };
static const char *const p_mesgtoobig[] = {
	"message too big", "message too large", "message is too large",
	"message is too big", "message size exceeds", "size exceeds",
	"exceeds size limit", "exceeds the maximum", "message length exceeds",
	"mail size exceeds", "too large", "message size limit",
	"exceeded the maximum size", "maximum message size",
	"mail size limit", NULL };
static const char *const p_full[] = {
	"mailbox full", "mailbox is full", "mailbox is over quota",
	"over quota", "overquota", "quota exceeded", "exceeded storage",
	"exceeds quota", "mailbox exceeded", "storage limit", "disk quota",
	"mail quota", "insufficient storage", "is full", "mailbox size limit",
	"not enough storage", "exceeded its quota", "quota exceed",
	"full mailbox", "mailbox has exceeded", "too much mail",
	"user's quota", "out of storage", "mailfolder is full",
	"account is full", "storage quota", "over its storage",
	"has exceeded the storage", "quota limit", "exceeds allowed size",
	NULL };
static const char *const p_exceed[] = {
	"exceeded the rate", "recipient limit",
	"message rate exceeded", "exceeds the limit", NULL };
static const char *const p_suspend[] = {
	"suspended", "disabled", "deactivated", "inactive", "not active",
	"account expired", "account has expired", "account locked",
	"mailbox locked", "is locked", "is frozen", "temporary locked",
	"account is blocked", "compte du destinataire est bloque",
	"mailbox unavailable: user inactive",
	"no longer active", "has been closed", "account closed", NULL };
static const char *const p_moved[] = {
	"has moved", "has been moved", "no longer with", "moved to",
	"changed address", "not our customer", NULL };
static const char *const p_user[] = {
	"user unknown", "unknown user", "no such user", "unknown recipient",
	"recipient unknown", "no such recipient", "user not found",
	"recipient not found", "mailbox not found", "no mailbox",
	"mailbox unavailable", "mailbox does not exist", "no such mailbox",
	"does not exist", "doesn't exist", "not exist", "invalid recipient",
	"invalid address", "address rejected", "unknown address",
	"recipient address rejected", "not a valid mailbox",
	"unknown local part", "unknown local-part", "user doesn't have",
	"no such account", "account does not exist", "invalid mailbox",
	"bad recipient",
	"user invalid", "is not a valid",
	"no account by that name", "couldn't find any host by that name",
	"addressee unknown", "no such person", "not listed",
	"cannot be found", "could not be found", "unknown or illegal alias",
	"mailbox unknown", "recipient rejected", "no valid recipients",
	"user not exist", "not a known user", "invalid user",
	"no such local user", "address unknown", "unknown account",
	"mailbox is not valid", "recipient does not exist",
	"did not reach the following recipient", "address does not exist",
	"is not a recognised", "not a recognized", "was not found",
	"unknown mailbox", "undeliverable address", "not found in",
	"user is unknown", "sorry, no mailbox here",
	"name not recognized", "no user", "address not present",
	"user does not exist", "mailbox is inactive",
	"not registered", "invalid final delivery userid",
	"please check if address is correct", NULL };
static const char *const p_host[] = {
	"host unknown", "unknown host", "host not found", "no such domain",
	"domain not found", "domain does not exist", "name or service not known",
	"couldn't find any host", "could not find any host",
	"unrouteable mail domain", "unroutable domain",
	"host or domain name not found", "domain name not found",
	"domain is not", "unknown domain", "invalid domain",
	"bad destination mailbox address", "not a valid domain",
	"host name lookup failure", "dns lookup failure",
	"unrouteable", "domain does not accept mail", "nxdomain", NULL };
static const char *const p_relay[] = {
	"relay access denied", "relaying denied", "relay not permitted",
	"not permitted to relay", "relaying not allowed", "unable to relay",
	"we do not relay", "relay denied", "no relaying", "not allowed to relay",
	"relaying prohibited", "relay prohibited", "not a gateway",
	"relaying to", "cannot relay", "can't relay", "mail relay", NULL };
static const char *const p_notaccept[] = {
	"does not accept mail", "not accepting mail", "null mx",
	"accepts no mail", "no mail is accepted", "doesn't receive email",
	"does not receive email", "no smtp service",
	"couldn't find a mail exchanger", "no mx found", "no mx record",
	"type=mx: malformed", NULL };
static const char *const p_blocked[] = {
	"blocked", "blacklist", "block list", "blocklist", "denylist",
	"rbl", "dnsbl", "spamhaus", "spamcop", "sorbs", "barracuda",
	"listed at", "listed on", "listed in", "poor reputation",
	"bad reputation", "your ip", "your host", "client host",
	"not allowed to connect",
	"banned", "refused to talk", "please use the smtp server",
	"please use your provider", "dynamic ip", "dial-up", "dialup",
	"residential", "not accepting connections", "invalid ip for sending",
	"service refuse", "weren't sent", "were not sent",
	NULL };
/* Blocks of the sending host, sure enough to beat "disabled" and kin. */
static const char *const p_blocked_strict[] = {
	"blocked using", "blocked by", "client host rejected", "dnsbl",
	"blacklisted", "blocklist", "spamhaus", "spamcop", "sorbs",
	"554 blocked", "550 blocked", NULL };
static const char *const p_policy_strict[] = {
	"content presents a potential", "policy violation",
	"violates our policy", "violation of our policy", "header error",
	NULL };
/* Sure phrases that must beat the general lists below them. */
static const char *const p_host_strict[] = {
	"domain does not exist", "host or domain name not found",
	"unrouteable address", "unroutable address", "no such domain",
	"domain is not reachable", "host unknown",
	"bad destination system address", NULL };
static const char *const p_security_strict[] = {
	"unauthenticated senders", "authentication required",
	"authentication is required", NULL };
static const char *const p_rfc_strict[] = {
	"multiple addresses in from", "duplicate header", NULL };
static const char *const p_content[] = {
	"improper use of 8-bit data", "headers too large",
	"media type", "content type", NULL };
static const char *const p_reputation[] = {
	"unexpected volume or user complaints", "low reputation",
	"poor reputation", "bad reputation", NULL };
static const char *const p_speed_strict[] = {
	"receiving mail at a rate", "receiving mail too quickly", NULL };
static const char *const p_rate[] = {
	"too many connections", "too many concurrent", "connection limit",
	"too many sessions", "too many smtp sessions", "exceeded the maximum number of connections",
	"connection rate limit", "too many recipients",
	NULL };
static const char *const p_speed[] = {
	"too many messages", "rate limit", "ratelimit", "rate-limit",
	"sending too fast", "try again later", "throttl", "too fast", NULL };
static const char *const p_expired[] = {
	"retry timeout exceeded", "could not be delivered for", "delivery time expired",
	"delivery expired", "message expired", "time limit", "timed out",
	"timeout", "retry time", "has been delayed", "not reachable",
	"did not accept our requests to connect", "failed 20 attempts",
	"could not find a gateway", "undeliverable for", "connection timed out",
	"gave up", "could not deliver for the last",
	"could not be delivered within", "expired", "have been failing for",
	"maximum time", NULL };
static const char *const p_network[] = {
	"connection timed out", "network is unreachable", "connection reset",
	"lost connection", "conversation with", "connection dropped",
	"could not connect", "cannot connect", "no answer", "unable to connect",
	"connection closed", "too many hops", "mail loop", "loop detected",
	"routing loop", "hop count exceeded", "loops back to myself",
	"network error", NULL };
static const char *const p_syntax[] = {
	"syntax error", "command unrecognized", "unrecognized command",
	"bad command", "command not implemented", "line too long",
	"parameter not implemented", "improper sequence of commands",
	"bad sequence of commands", NULL };
static const char *const p_rfc[] = {
	"rfc 5322", "rfc5322", "rfc 2822", "rfc2822", "rfc822", "rfc 822",
	"not compliant", "non-compliant", "malformed", "invalid header",
	"duplicate header", "missing header", "header field", NULL };
static const char *const p_starttls[] = {
	"starttls", "tls required", "requires tls", "must issue a starttls",
	"encryption required", NULL };
static const char *const p_security[] = {
	"authentication required", "authentication is required",
	"insecure", "certificate", "security", "not authenticated",
	"access to this server", NULL };
static const char *const p_policy[] = {
	"policy", "not allowed", "prohibited", "not permitted",
	"dmarc policy", "violat", NULL };
static const char *const p_systemfull[] = {
	"insufficient system storage", "system storage", "disk full",
	"out of disk", "no space left", "insufficient disk space", NULL };
static const char *const p_mailer[] = {
	"mailer error", "command failed", "procmail", "unknown mailer",
	"pipe to", "exited with", "unable to deliver to command",
	"x-unix;", "child returned status", NULL };
/* KDDI (au, ezweb) answers DATA with this when its filter refuses. */
static const char *const p_carrier_filtered[] = {
	"550 : user unknown", "550: : user unknown", NULL };
static const char *const p_filtered[] = {
	"filtered", "rejected by recipient", "recipient rejected your message",
	"refused by recipient", "delivery not authorized",
	"message refused", "not authorized", "user has blocked",
	"only accepts mail from", "does not accept mail from you",
	"sender is not allowed", NULL };
static const char *const p_rejected[] = {
	"sender rejected", "sender address rejected", "sender denied",
	"address rejected", "rejected", "refused", "denied", "not accepted",
	"sender verify", "domain of sender", "sender domain",
	"bad sender", "invalid sender", "unknown sender", NULL };
static const char *const p_sender[] = {
	"sender address rejected", "domain of sender address",
	"sender rejected", "unroutable sender", "sender verify failed",
	"sender domain", "sender is not", "bad sender", "invalid sender",
	"unknown sender", "sender address is invalid", "from: domain is invalid",
	"purported responsible address", "sender denied",
	"sender was rejected", "domain of sender address",
	"sender address verification", NULL };
static const char *const p_dns[] = {
	"name service error", "dns error", "no route to host",
	"lookup of", "host not found, try again", "temporary dns",
	"name server:", "network is unreachable",
	"connection refused", NULL };
static const char *const p_system[] = {
	"system error", "internal error", "server error", "local error",
	"temporary failure", "temporarily unavailable", "service unavailable",
	"system failure", "try again", "i/o error", "server configuration",
	"out of memory", "service currently unavailable", "could not load",
	NULL };

struct rule {
	enum ndr_reason reason;
	const char *const *phrases;
};

/* The order decides which of two matching phrases wins. */
static const struct rule rules[] = {
	{ NDR_R_VIRUSDETECTED,  p_virus },
	{ NDR_R_REQUIREPTR,     p_ptr },
	{ NDR_R_FAILEDSTARTTLS, p_starttls },
	{ NDR_R_BADREPUTATION,  p_reputation },
	{ NDR_R_SPEEDING,       p_speed_strict },
	{ NDR_R_NOTCOMPLIANTRFC, p_rfc_strict },
	{ NDR_R_CONTENTERROR,   p_content },
	{ NDR_R_SECURITYERROR,  p_security_strict },
	{ NDR_R_MAILERERROR,    p_mailer },
	{ NDR_R_POLICYVIOLATION, p_policy_strict },
	{ NDR_R_BLOCKED,        p_blocked_strict },
	{ NDR_R_SPAMDETECTED,   p_spam },
	{ NDR_R_AUTHFAILURE,    p_auth },
	{ NDR_R_MESGTOOBIG,     p_mesgtoobig },
	{ NDR_R_MAILBOXFULL,    p_full },
	{ NDR_R_SYSTEMFULL,     p_systemfull },
	{ NDR_R_EXCEEDLIMIT,    p_exceed },
	{ NDR_R_HASMOVED,       p_moved },
	{ NDR_R_SUSPEND,        p_suspend },
	{ NDR_R_NORELAYING,     p_relay },
	{ NDR_R_REJECTED,       p_sender },
	{ NDR_R_NOTACCEPT,      p_notaccept },
	{ NDR_R_HOSTUNKNOWN,    p_host_strict },
	{ NDR_R_FILTERED,       p_carrier_filtered },
	{ NDR_R_USERUNKNOWN,    p_user },
	{ NDR_R_EXPIRED,        p_expired },
	{ NDR_R_NETWORKERROR,   p_dns },
	{ NDR_R_HOSTUNKNOWN,    p_host },
	{ NDR_R_TOOMANYCONN,    p_rate },
	{ NDR_R_SPEEDING,       p_speed },
	{ NDR_R_BLOCKED,        p_blocked },
	{ NDR_R_NOTCOMPLIANTRFC, p_rfc },
	{ NDR_R_SYNTAXERROR,    p_syntax },
	{ NDR_R_MAILERERROR,    p_mailer },
	{ NDR_R_FILTERED,       p_filtered },
	{ NDR_R_SECURITYERROR,  p_security },
	{ NDR_R_POLICYVIOLATION, p_policy },
	{ NDR_R_REJECTED,       p_rejected },
	{ NDR_R_EXPIRED,        p_expired },
	{ NDR_R_NETWORKERROR,   p_network },
	{ NDR_R_SYSTEMERROR,    p_system },
};

enum ndr_reason
reason_from_text(const char *diag)
{
	enum ndr_reason r = NDR_R_UNDEFINED;
	char *low;

	if (diag == NULL || *diag == '\0')
		return r;
	low = lowercase_dup(diag, strlen(diag));
	for (size_t i = 0; i < sizeof rules / sizeof *rules; i++)
		if (has_any(low, rules[i].phrases)) {
			r = rules[i].reason;
			break;
		}
	free(low);
	return r;
}

/* RFC 3463 and its successors: the subject and detail of a status. */
enum ndr_reason
reason_from_status(const char *st)
{
	int cls, sub, det;

	if (st == NULL || sscanf(st, "%d.%d.%d", &cls, &sub, &det) != 3)
		return NDR_R_UNDEFINED;
	if (cls == 2)
		return NDR_R_DELIVERED;
	switch (sub * 100 + det) {
	case 100: case 101: case 103: case 104:
		return NDR_R_USERUNKNOWN;
	case 102: case 110:
		return NDR_R_HOSTUNKNOWN;
	case 106:
		return NDR_R_HASMOVED;
	case 107: case 108:
		return NDR_R_REJECTED;
	case 201:
		return NDR_R_SUSPEND;
	case 202:
		return NDR_R_MAILBOXFULL;
	case 203:
		return NDR_R_EXCEEDLIMIT;
	case 204:
		return NDR_R_SYSTEMERROR;
	case 301:
		return NDR_R_SYSTEMFULL;
	case 302:
		return NDR_R_NOTACCEPT;
	case 303:
		return NDR_R_SYSTEMERROR;
	case 304:
		return NDR_R_MESGTOOBIG;
	case 305:
		return NDR_R_SYSTEMERROR;
	case 401: case 402: case 406: case 408:
		return NDR_R_NETWORKERROR;
	case 403:
		return NDR_R_SYSTEMERROR;
	case 404:
		return NDR_R_HOSTUNKNOWN;
	case 405:
		return NDR_R_TOOMANYCONN;
	case 407:
		return NDR_R_EXPIRED;
	case 501: case 502: case 504:
		return NDR_R_SYNTAXERROR;
	case 503:
		return NDR_R_EXCEEDLIMIT;
	case 600: case 601: case 602: case 603: case 604: case 605:
		return NDR_R_CONTENTERROR;
	case 701:
		return NDR_R_UNDEFINED;	/* "delivery not authorized": ask the text */
	case 702: case 703: case 704: case 705: case 706: case 707:
	case 708: case 709: case 710: case 711: case 712: case 714:
		return NDR_R_SECURITYERROR;
	case 713:
		return NDR_R_SUSPEND;
	case 715: case 716: case 717: case 718: case 719:
		return NDR_R_SECURITYERROR;
	case 720: case 721: case 722: case 723: case 724: case 726:
	case 727:
		return NDR_R_AUTHFAILURE;
	case 725:
		return NDR_R_REQUIREPTR;
	case 728:
		return NDR_R_SPEEDING;
	case 729:
		return NDR_R_AUTHFAILURE;
	}
	return NDR_R_UNDEFINED;
}

/*
 * A status for a reason when the report gave none. We follow Sisimai's
 * convention of pseudo codes in X.0.9NN, whose last digits name the
 * reason: no real MTA sends them, so a reader of our JSON can tell a
 * code we inferred from one the report carried, and figures compare.
 */
const char *
status_from_reason(enum ndr_reason r, bool temp)
{
	static const struct { enum ndr_reason r; const char *perm, *tmp; } map[] = {
		{ NDR_R_UNDEFINED, "5.0.900", "4.0.900" },
		{ NDR_R_ONHOLD, "5.0.901", "4.0.901" },
		{ NDR_R_SYNTAXERROR, "5.0.902", "4.0.902" },
		{ NDR_R_NORELAYING, "5.0.909", "4.0.909" },
		{ NDR_R_FILTERED, "5.0.910", "4.0.910" },
		{ NDR_R_USERUNKNOWN, "5.0.911", "4.0.911" },
		{ NDR_R_HOSTUNKNOWN, "5.0.912", "4.0.912" },
		{ NDR_R_HASMOVED, "5.0.916", "4.0.916" },
		{ NDR_R_REJECTED, "5.0.918", "4.0.918" },
		{ NDR_R_SUSPEND, "5.0.921", "4.0.921" },
		{ NDR_R_MAILBOXFULL, "5.0.922", "4.0.922" },
		{ NDR_R_EXCEEDLIMIT, "5.0.923", "4.0.923" },
		{ NDR_R_SYSTEMERROR, "5.0.930", "4.0.930" },
		{ NDR_R_SYSTEMFULL, "5.0.931", "4.0.931" },
		{ NDR_R_NOTACCEPT, "5.0.932", "4.0.932" },
		{ NDR_R_MESGTOOBIG, "5.0.934", "4.0.934" },
		{ NDR_R_MAILERERROR, "5.0.939", "4.0.939" },
		{ NDR_R_NETWORKERROR, "5.0.944", "4.0.944" },
		{ NDR_R_TOOMANYCONN, "5.0.945", "4.0.945" },
		{ NDR_R_SPEEDING, "5.0.946", "4.0.946" },
		{ NDR_R_EXPIRED, "5.0.947", "4.0.947" },
		{ NDR_R_CONTENTERROR, "5.0.960", "4.0.960" },
		{ NDR_R_SECURITYERROR, "5.0.970", "4.0.970" },
		{ NDR_R_BLOCKED, "5.0.971", "4.0.971" },
		{ NDR_R_POLICYVIOLATION, "5.0.972", "4.0.972" },
		{ NDR_R_REQUIREPTR, "5.0.973", "4.0.973" },
		{ NDR_R_BADREPUTATION, "5.0.974", "4.0.974" },
		{ NDR_R_AUTHFAILURE, "5.0.975", "4.0.975" },
		{ NDR_R_FAILEDSTARTTLS, "5.0.976", "4.0.976" },
		{ NDR_R_NOTCOMPLIANTRFC, "5.0.977", "4.0.977" },
		{ NDR_R_SPAMDETECTED, "5.0.980", "4.0.980" },
		{ NDR_R_VIRUSDETECTED, "5.0.981", "4.0.981" },
		{ NDR_R_SUPPRESSED, "5.0.990", "4.0.990" },
		{ NDR_R_DELIVERED, "2.1.5", "2.1.5" },
	};

	for (size_t i = 0; i < sizeof map / sizeof *map; i++)
		if (map[i].r == r)
			return temp ? map[i].tmp : map[i].perm;
	return NULL;
}

bool
reason_is_hard(enum ndr_reason r, const char *status)
{
	if (r == NDR_R_NOTACCEPT)
		return status && status[0] == '5';
	return (unsigned)r < NDR_R_COUNT && reasons[r].hard;
}
