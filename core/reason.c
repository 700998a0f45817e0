/* reason.c - why a delivery failed: from the diagnostic, then the status. */
#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "phrases.h"

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
	"fails to pass authentication", "unauthenticated email", NULL };
static const char *const p_mesgtoobig[] = {
	"message too big", "message too large", "message is too large",
	"message is too big", "message size exceeds", "size exceeds",
	"exceeds size limit", "exceeds the maximum", "message length exceeds",
	"mail size exceeds", "too large", "message size limit",
	"exceeded the maximum size", "maximum message size",
	"mail size limit", "line limit exceeded", NULL };
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
	"suspended", "disabled", "deactivated", "inactive account",
	"inactive user", "account is inactive", "not active",
	"tried to reach is inactive",
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
	"invalid address", "unknown address", "not a valid mailbox",
	"recipient address rejected: access denied",
	"recipient address rejected.", "#5.1.0 address rejected",
	"5.1.1 address rejected",
	"unknown local part", "unknown local-part", "user doesn't have",
	"no such account", "account does not exist", "invalid mailbox",
	"bad recipient",
	"user invalid", "is not a valid",
	"no account by that name", "couldn't find any host by that name",
	"addressee unknown", "no such person", "not listed",
	"cannot be found", "could not be found", "unknown or illegal alias",
	"mailbox unknown", "no valid recipients",
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
	"please check if address is correct", "name is not recognized",
	"address couldn't be found", "delivery error: dd this user doesn't have",
	"recipientnotfound", NULL };
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
	"relaying to", "cannot relay", "can't relay", "mail relay",
	"not configured to relay", NULL };
static const char *const p_notaccept[] = {
	"does not accept mail", "not accepting mail", "null mx",
	"accepts no mail", "no mail is accepted", "doesn't receive email",
	"does not receive email", "no smtp service",
	"couldn't find a mail exchanger", "no mx found", "no mx record",
	"type=mx: malformed", NULL };
/* Sure of themselves, they beat the general phrases of other reasons. */
static const char *const p_sender_strict[] = {
	"sending to/from an address that has been blacklisted",
	"sender address has been blacklisted", NULL };
static const char *const p_network_strict[] = {
	"hop count exceeded", "mail loop", "routing loop", "loop detected",
	"too many hops", "loops back to myself", NULL };
static const char *const p_system_strict[] = {
	"ldap server", "queue file write error", NULL };
static const char *const p_auth_strict[] = {
	"spf check", "fails to pass spf", "spf record with a", "dkim", NULL };
static const char *const p_expired_strict[] = {
	"in the queue too long", "remote host is not responding", NULL };
static const char *const p_host_first[] = {
	"domain may not exist", NULL };
static const char *const p_ptr_more[] = {
	"unverifyable sending ip", "unverifiable sending ip", NULL };
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
/* A list of spam links (URIBL, SURBL) judges the message's content, not
 * the sending host: before the host's blocks below. */
static const char *const p_spam_strict[] = {
	"blacklisted url", "blacklisted link", "blocklisted url",
	"blocklisted link", "uribl", "surbl", "url in message",
	"link in message", NULL };
/* Blocks of the sending host, sure enough to beat "disabled" and kin. */
static const char *const p_blocked_strict[] = {
	"blocked using", "blocked by", "client host rejected", "dnsbl",
	"blacklisted", "blocklist", "spamhaus", "spamcop", "sorbs",
	"554 blocked", "550 blocked", "my name was rejected", "open relay",
	"no access from mail server", NULL };
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
	"authentication is required", "smtp authentication", NULL };
static const char *const p_rfc_strict[] = {
	"multiple addresses in from", "duplicate header", "rfc 5322 compliant",
	"rfc5322 compliant", NULL };
static const char *const p_content[] = {
	"improper use of 8-bit data", "headers too large",
	"media type", "content type", NULL };
static const char *const p_reputation[] = {
	"unexpected volume or user complaints", "low reputation",
	"poor reputation", "bad reputation", "ip reputation", NULL };
/* a count over a period is a rate, whatever else it counts */
static const char *const p_speed_strict[] = {
	"receiving mail at a rate", "receiving mail too quickly",
	"recipients this hour", "messages this hour", "recipients per hour",
	"messages per hour", "emails per hour", "recipients per day",
	"messages per day", NULL };
static const char *const p_rate[] = {
	"too many connections", "too many concurrent", "connection limit",
	"too many sessions", "too many smtp sessions", "exceeded the maximum number of connections",
	"connection rate limit", "too many recipients", "frequency limited",
	NULL };
static const char *const p_speed[] = {
	"too many messages", "rate limit", "ratelimit", "rate-limit",
	"sending too fast", "throttl", "too fast", NULL };
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
	"network error", "connection refused", NULL };
static const char *const p_syntax[] = {
	"syntax error", "command unrecognized", "unrecognized command",
	"bad command", "command not implemented", "line too long",
	"parameter not implemented", "improper sequence of commands",
	"bad sequence of commands", "malformed address", NULL };
static const char *const p_rfc[] = {
	"rfc 5322", "rfc5322", "rfc 2822", "rfc2822",
	"not compliant", "non-compliant", "malformed header",
	"malformed message", "invalid header",
	"duplicate header", "missing header", "header field", NULL };
static const char *const p_starttls[] = {
	"starttls", "tls required", "requires tls", "must issue a starttls",
	"encryption required", "does not support tls", NULL };
static const char *const p_security[] = {
	"authentication required", "authentication is required",
	"insecure", "certificate", "security policy", "security reasons",
	"security violation", "not authenticated",
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
	"sender is not allowed", "recipient preferences",
	"recipient's preferences", NULL };
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
	"dns query failed", NULL };
static const char *const p_system[] = {
	"system error", "internal error", "server error", "local error",
	"temporarily unavailable", "service unavailable",
	"system failure", "i/o error", "server configuration",
	"out of memory", "service currently unavailable", "could not load",
	"queue file write error",
	NULL };

struct rule {
	enum ndr_reason reason;
	const char *const *phrases;
	bool weak;	/* general words: a precise status outranks them */
};

/* The order decides which of two matching phrases wins. */
static const struct rule rules[] = {
	{ NDR_R_VIRUSDETECTED,  p_virus, false },
	{ NDR_R_REQUIREPTR,     p_ptr, false },
	{ NDR_R_FAILEDSTARTTLS, p_starttls, false },
	{ NDR_R_BADREPUTATION,  p_reputation, false },
	{ NDR_R_SPEEDING,       p_speed_strict, false },
	{ NDR_R_NOTCOMPLIANTRFC, p_rfc_strict, false },
	{ NDR_R_CONTENTERROR,   p_content, false },
	{ NDR_R_SECURITYERROR,  p_security_strict, false },
	{ NDR_R_MAILERERROR,    p_mailer, false },
	{ NDR_R_POLICYVIOLATION, p_policy_strict, false },
	{ NDR_R_REJECTED,       p_sender_strict, false },
	{ NDR_R_REQUIREPTR,     p_ptr_more, false },
	{ NDR_R_HOSTUNKNOWN,    p_host_first, false },
	{ NDR_R_SPAMDETECTED,   p_spam_strict, false },
	{ NDR_R_BLOCKED,        p_blocked_strict, false },
	{ NDR_R_SYSTEMERROR,    p_system_strict, false },
	{ NDR_R_NETWORKERROR,   p_network_strict, false },
	{ NDR_R_EXPIRED,        p_expired_strict, false },
	{ NDR_R_AUTHFAILURE,    p_auth_strict, false },
	{ NDR_R_SPAMDETECTED,   p_spam, false },
	{ NDR_R_AUTHFAILURE,    p_auth, false },
	{ NDR_R_MESGTOOBIG,     p_mesgtoobig, false },
	{ NDR_R_MAILBOXFULL,    p_full, false },
	{ NDR_R_SYSTEMFULL,     p_systemfull, false },
	{ NDR_R_EXCEEDLIMIT,    p_exceed, false },
	{ NDR_R_HASMOVED,       p_moved, false },
	{ NDR_R_SUSPEND,        p_suspend, false },
	{ NDR_R_NORELAYING,     p_relay, false },
	{ NDR_R_REJECTED,       p_sender, false },
	{ NDR_R_NOTACCEPT,      p_notaccept, false },
	{ NDR_R_HOSTUNKNOWN,    p_host_strict, false },
	{ NDR_R_FILTERED,       p_carrier_filtered, false },
	{ NDR_R_USERUNKNOWN,    p_user, false },
	{ NDR_R_NETWORKERROR,   p_dns, false },
	{ NDR_R_EXPIRED,        p_expired, false },
	{ NDR_R_HOSTUNKNOWN,    p_host, false },
	{ NDR_R_TOOMANYCONN,    p_rate, false },
	{ NDR_R_SPEEDING,       p_speed, false },
	{ NDR_R_BLOCKED,        p_blocked, false },
	{ NDR_R_NOTCOMPLIANTRFC, p_rfc, false },
	{ NDR_R_SYNTAXERROR,    p_syntax, false },
	{ NDR_R_MAILERERROR,    p_mailer, false },
	{ NDR_R_FILTERED,       p_filtered, false },
	{ NDR_R_SECURITYERROR,  p_security, false },
	{ NDR_R_POLICYVIOLATION, p_policy, false },
	{ NDR_R_REJECTED,       p_rejected, true },
	{ NDR_R_EXPIRED,        p_expired, false },
	{ NDR_R_NETWORKERROR,   p_network, false },
	{ NDR_R_SYSTEMERROR,    p_system, false },
};

/*
 * Postfix frames every recipient refusal as "Recipient address rejected:"
 * and a destination it stopped trying as "delivery temporarily
 * suspended:", and says why after the colon; the frame itself names no
 * reason (the second is no suspended account), so it is blanked before
 * the phrases are tried.
 */
static void
blank_frames(char *low)
{
	/* each frame, and what after it makes it part of the reason */
	static const struct { const char *frame, *unless; } frames[] = {
		{ "recipient address rejected: ", "access denied" },
		{ "delivery temporarily suspended: ", NULL },
	};

	for (size_t i = 0; i < sizeof frames / sizeof *frames; i++) {
		const char *u = frames[i].unless;
		size_t n = strlen(frames[i].frame);
		char *p = low;
		while ((p = strstr(p, frames[i].frame)) != NULL) {
			if (u == NULL || strncmp(p + n, u, strlen(u)) != 0)
				memset(p, ' ', n);
			p += n;
		}
	}
}

/* Every phrase of the rules, tagged with the first rule that holds it:
 * the diagnostic is read once, and the first rule any phrase names wins. */
static struct phrases *rule_index;
static pthread_once_t rule_once = PTHREAD_ONCE_INIT;

static void
rule_index_build(void)
{
	size_t nrules = sizeof rules / sizeof *rules;

	rule_index = phrases_new();
	for (size_t i = 0; i < nrules; i++) {
		size_t k = 0;
		while (k < i && rules[k].phrases != rules[i].phrases)
			k++;
		if (k == i)	/* else the same list: an earlier rule has it */
			phrases_add_list(rule_index, rules[i].phrases, (int)i);
	}
}

static int
first_rule(void *arg, int tag, size_t at)
{
	int *best = arg;

	(void)at;
	if (tag < *best)
		*best = tag;
	return *best == 0;	/* nothing comes before the first */
}

/*
 * The reason the diagnostic's words name, and (weak) whether they are
 * general words a precise status outranks. cause (when not NULL) says
 * whether they name a network failure no waiting outlasts, the name
 * service's or the route's: a message that expired in the queue for that
 * is reported by its cause; one whose server merely did not answer
 * ("unable to connect", "timed out") is reported as expired.
 */
enum ndr_reason
reason_from_words(const char *diag, bool *weak, bool *cause)
{
	int best = (int)(sizeof rules / sizeof *rules);
	size_t n;
	char *low;

	*weak = false;
	if (cause)
		*cause = false;
	if (diag == NULL || *diag == '\0')
		return NDR_R_UNDEFINED;
	pthread_once(&rule_once, rule_index_build);
	n = strlen(diag);
	low = lowercase_dup(diag, n);
	blank_frames(low);
	phrases_scan(rule_index, low, n, first_rule, &best);
	free(low);
	if (best == (int)(sizeof rules / sizeof *rules))
		return NDR_R_UNDEFINED;
	*weak = rules[best].weak;
	if (cause)
		*cause = rules[best].phrases == p_dns;
	return rules[best].reason;
}

enum ndr_reason
reason_from_text(const char *diag)
{
	bool weak;

	return reason_from_words(diag, &weak, NULL);
}

/*
 * Words that name the recipient as unknown to a directory, not just "user
 * unknown": these come from the recipient check itself, so they stand
 * even when the report does not say at which command it failed.
 */
static const char *const p_user_strict[] = {
	"recipient name is not recognized", "not listed in domino directory",
	"recipientnotfound", "recipient not found", "unknown recipient",
	"invalid recipient", "no valid recipients", "invalid final delivery",
	"unknown user:", "address is possibly incorrect",
	"not listed in public name",
	"address couldn't be found", "delivery error: dd this user doesn't have",
	"check if address is correct", "unknown recipient or mailbox",
	"requested action not taken: mailbox unavailable", NULL };

bool
reason_names_recipient(const char *diag)
{
	char *low;
	bool yes;

	if (diag == NULL)
		return false;
	low = lowercase_dup(diag, strlen(diag));
	yes = has_any(low, p_user_strict);
	free(low);
	return yes;
}

/*
 * RFC 3463 and its successors: what a status says, as Sisimai reads it
 * (so figures compare). Codes whose meaning is too vague to name a
 * reason ("5.0.0", "4.7.0", "5.5.0") are left to the words.
 */
static const struct {
	const char *code;
	enum ndr_reason r;
} status_names[] = {
	{ "4.1.6", NDR_R_HASMOVED }, { "4.1.7", NDR_R_REJECTED },
	{ "4.1.8", NDR_R_REJECTED }, { "4.1.9", NDR_R_SYSTEMERROR },
	{ "4.2.1", NDR_R_BLOCKED }, { "4.2.2", NDR_R_MAILBOXFULL },
	{ "4.2.3", NDR_R_EXCEEDLIMIT }, { "4.2.4", NDR_R_FILTERED },
	{ "4.3.1", NDR_R_SYSTEMFULL }, { "4.3.2", NDR_R_NOTACCEPT },
	{ "4.3.3", NDR_R_SYSTEMERROR }, { "4.3.5", NDR_R_SYSTEMERROR },
	{ "4.4.1", NDR_R_EXPIRED }, { "4.4.2", NDR_R_NETWORKERROR },
	{ "4.4.3", NDR_R_SYSTEMERROR }, { "4.4.4", NDR_R_NETWORKERROR },
	{ "4.4.5", NDR_R_SYSTEMFULL }, { "4.4.6", NDR_R_NETWORKERROR },
	{ "4.4.7", NDR_R_EXPIRED }, { "4.4.8", NDR_R_NETWORKERROR },
	{ "4.5.3", NDR_R_SYSTEMERROR }, { "4.5.5", NDR_R_SYSTEMERROR },
	{ "4.6.0", NDR_R_CONTENTERROR }, { "4.6.2", NDR_R_CONTENTERROR },
	{ "4.6.5", NDR_R_CONTENTERROR }, { "4.7.1", NDR_R_BLOCKED },
	{ "4.7.2", NDR_R_BLOCKED }, { "4.7.5", NDR_R_SECURITYERROR },
	{ "4.7.6", NDR_R_SECURITYERROR }, { "4.7.7", NDR_R_SECURITYERROR },
	{ "4.7.12", NDR_R_SECURITYERROR }, { "4.7.15", NDR_R_SECURITYERROR },
	{ "4.7.16", NDR_R_MESGTOOBIG }, { "4.7.24", NDR_R_AUTHFAILURE },
	{ "4.7.25", NDR_R_REQUIREPTR }, { "4.7.26", NDR_R_AUTHFAILURE },
	{ "5.1.0", NDR_R_USERUNKNOWN }, { "5.1.1", NDR_R_USERUNKNOWN },
	{ "5.1.2", NDR_R_HOSTUNKNOWN }, { "5.1.3", NDR_R_USERUNKNOWN },
	{ "5.1.4", NDR_R_FILTERED }, { "5.1.6", NDR_R_HASMOVED },
	{ "5.1.7", NDR_R_REJECTED }, { "5.1.8", NDR_R_REJECTED },
	{ "5.1.9", NDR_R_SYSTEMERROR }, { "5.1.10", NDR_R_NOTACCEPT },
	{ "5.2.0", NDR_R_FILTERED }, { "5.2.1", NDR_R_FILTERED },
	{ "5.2.2", NDR_R_MAILBOXFULL }, { "5.2.3", NDR_R_EXCEEDLIMIT },
	{ "5.2.4", NDR_R_FILTERED }, { "5.3.0", NDR_R_SYSTEMERROR },
	{ "5.3.1", NDR_R_SYSTEMFULL }, { "5.3.2", NDR_R_NOTACCEPT },
	{ "5.3.3", NDR_R_SYSTEMERROR }, { "5.3.4", NDR_R_MESGTOOBIG },
	{ "5.3.5", NDR_R_SYSTEMERROR }, { "5.4.0", NDR_R_NETWORKERROR },
	{ "5.4.3", NDR_R_SYSTEMERROR }, { "5.4.4", NDR_R_HOSTUNKNOWN },
	{ "5.5.2", NDR_R_SYNTAXERROR }, { "5.5.3", NDR_R_TOOMANYCONN },
	{ "5.5.4", NDR_R_SYSTEMERROR }, { "5.5.5", NDR_R_SYSTEMERROR },
	{ "5.5.6", NDR_R_SYNTAXERROR }, { "5.7.13", NDR_R_SUSPEND },
	{ "5.7.16", NDR_R_MESGTOOBIG }, { "5.7.17", NDR_R_HASMOVED },
	{ "5.7.18", NDR_R_HASMOVED }, { "5.7.20", NDR_R_AUTHFAILURE },
	{ "5.7.21", NDR_R_AUTHFAILURE }, { "5.7.22", NDR_R_AUTHFAILURE },
	{ "5.7.23", NDR_R_AUTHFAILURE }, { "5.7.24", NDR_R_AUTHFAILURE },
	{ "5.7.25", NDR_R_REQUIREPTR }, { "5.7.26", NDR_R_AUTHFAILURE },
	{ "5.7.27", NDR_R_NOTACCEPT }, { "5.7.28", NDR_R_SPAMDETECTED },
	{ "5.7.29", NDR_R_AUTHFAILURE }, { "5.7.30", NDR_R_FAILEDSTARTTLS },
};

enum ndr_reason
reason_from_status(const char *st)
{
	if (st == NULL)
		return NDR_R_UNDEFINED;
	if (st[0] == '2')
		return NDR_R_DELIVERED;
	for (size_t i = 0; i < sizeof status_names / sizeof *status_names; i++)
		if (strcmp(st, status_names[i].code) == 0)
			return status_names[i].r;
	/* the rest of 5.6 and 5.7 by their subject; 5.7.0 and 5.7.1 ("not
	 * authorized") say too little and are left to the words */
	if (st[0] == '5' && strncmp(st + 1, ".6.", 3) == 0)
		return NDR_R_CONTENTERROR;
	if (st[0] == '5' && strncmp(st + 1, ".7.", 3) == 0 &&
	    strcmp(st + 4, "0") != 0 && strcmp(st + 4, "1") != 0)
		return NDR_R_SECURITYERROR;
	return NDR_R_UNDEFINED;
}

/*
 * The words and the status disagree: Sisimai's order decides. Reasons
 * earlier in this list are tried first, each by its words or, for those
 * a status can prove alone, by the status; reasons not in the list are
 * only read from the words when none of these matched.
 */
static const enum ndr_reason first_tried[] = {
	NDR_R_MAILBOXFULL, NDR_R_MESGTOOBIG, NDR_R_EXCEEDLIMIT, NDR_R_SUSPEND,
	NDR_R_HASMOVED, NDR_R_NORELAYING, NDR_R_AUTHFAILURE,
	NDR_R_USERUNKNOWN, NDR_R_FILTERED, NDR_R_REQUIREPTR,
	NDR_R_NOTCOMPLIANTRFC, NDR_R_BADREPUTATION, NDR_R_CONTENTERROR,
	NDR_R_REJECTED, NDR_R_HOSTUNKNOWN, NDR_R_SPAMDETECTED,
	NDR_R_SPEEDING, NDR_R_TOOMANYCONN, NDR_R_BLOCKED,
};

static size_t
tried_at(enum ndr_reason r)
{
	for (size_t i = 0; i < sizeof first_tried / sizeof *first_tried; i++)
		if (first_tried[i] == r)
			return i;
	return SIZE_MAX;
}

enum ndr_reason
reason_arbitrate(enum ndr_reason words, enum ndr_reason status)
{
	if (status == NDR_R_UNDEFINED || status == words)
		return words;
	if (words == NDR_R_UNDEFINED)
		return status;
	if (words == NDR_R_MAILERERROR)
		return words;	/* a local program's failure, not SMTP's */
	if (status == NDR_R_EXPIRED && words == NDR_R_NETWORKERROR)
		return status;	/* X.4.7: it expired, whatever the cause */
	switch (status) {
	case NDR_R_FILTERED: case NDR_R_SUSPEND: case NDR_R_HASMOVED:
	case NDR_R_CONTENTERROR:
	case NDR_R_NORELAYING: case NDR_R_NOTCOMPLIANTRFC:
	case NDR_R_BADREPUTATION: case NDR_R_SPEEDING:
		return words;	/* these need their words too */
	case NDR_R_USERUNKNOWN:
		/* 5.1.1 for a limit or a refusal: the words say which */
		if (words == NDR_R_NORELAYING || words == NDR_R_BLOCKED ||
		    words == NDR_R_MAILBOXFULL || words == NDR_R_HASMOVED ||
		    words == NDR_R_REJECTED || words == NDR_R_NOTACCEPT ||
		    words == NDR_R_SPEEDING || words == NDR_R_TOOMANYCONN ||
		    words == NDR_R_FILTERED)
			return words;
		break;
	case NDR_R_HOSTUNKNOWN:
		if (words == NDR_R_NETWORKERROR || words == NDR_R_NOTACCEPT)
			return words;
		break;
	default:
		break;
	}
	if (tried_at(status) == SIZE_MAX)
		return words;
	return tried_at(words) < tried_at(status) ? words : status;
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
		{ NDR_R_FILTERED, "5.0.910", "4.0.924" },
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
		{ NDR_R_BADREPUTATION, "5.0.975", "4.0.975" },
		{ NDR_R_AUTHFAILURE, "5.0.926", "4.0.926" },
		{ NDR_R_FAILEDSTARTTLS, "5.0.976", "4.0.976" },
		{ NDR_R_NOTCOMPLIANTRFC, "5.0.974", "4.0.974" },
		{ NDR_R_SPAMDETECTED, "5.0.980", "4.0.980" },
		{ NDR_R_VIRUSDETECTED, "5.0.981", "4.0.981" },
		{ NDR_R_SUPPRESSED, "5.0.903", "4.0.903" },
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
