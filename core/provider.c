/*
 * provider.c - reasons a provider states as its own error code.
 *
 * Orange and La Poste (France) end each refusal with a label such as
 * "OFR_506", "OFR006_102" or "LPN007_416"; the last three digits are a
 * code the providers publish. The table is ours, from those published
 * lists (postmaster pages of Orange; smtpfieldmanual.com), not guessed
 * from the words, which are the same "service refused" for many codes.
 *
 * KDDI (au, ezweb.ne.jp) answers "550 <a@b>: User unknown" for an address
 * that does not exist, and "550 : User unknown" when its filter refuses.
 *
 * Cox (US) ends its refusals with "AUP#" and a code from its postmaster
 * page: CXBL, CDRBL and IPBLnnnn are blocked addresses, URLBLnnn listed
 * links, CXDNS a missing reverse DNS, and so on.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "engine.h"

static const struct {
	int code;
	enum ndr_reason r;
} orange[] = {
	{ 101, NDR_R_BLOCKED }, { 102, NDR_R_BLOCKED }, { 103, NDR_R_BLOCKED },
	{ 104, NDR_R_TOOMANYCONN }, { 305, NDR_R_SECURITYERROR },
	{ 401, NDR_R_AUTHFAILURE }, { 402, NDR_R_SECURITYERROR },
	{ 403, NDR_R_REJECTED }, { 405, NDR_R_REJECTED },
	{ 415, NDR_R_REJECTED }, { 416, NDR_R_USERUNKNOWN },
	{ 417, NDR_R_MAILBOXFULL }, { 420, NDR_R_SUSPEND },
	{ 421, NDR_R_REJECTED }, { 426, NDR_R_SUSPEND },
	{ 505, NDR_R_SYSTEMERROR }, { 506, NDR_R_SPAMDETECTED },
	{ 510, NDR_R_BLOCKED }, { 514, NDR_R_MESGTOOBIG },
	{ 517, NDR_R_AUTHFAILURE }, { 630, NDR_R_POLICYVIOLATION },
	{ 999, NDR_R_BLOCKED },
};

/* The code of the last "OFR", "LPN" or "OUK" label: letters, optional
 * digits, '_', three digits. -1 when there is none. */
static int
orange_code(const char *d)
{
	static const char *const labels[] = { "ofr", "lpn", "ouk" };
	int code = -1;

	for (const char *p = d; *p; p++) {
		const char *q;
		size_t i;

		if (((*p | 0x20) != 'o' && (*p | 0x20) != 'l') ||
		    (p > d && isalnum((unsigned char)p[-1])))
			continue;	/* no label begins there */
		for (i = 0; i < 3; i++)
			if (strncasecmp(p, labels[i], 3) == 0)
				break;
		if (i == 3)
			continue;
		q = p + 3;
		while (isdigit((unsigned char)*q) || isalpha((unsigned char)*q))
			q++;
		if (*q != '_' || !isdigit((unsigned char)q[1]) ||
		    !isdigit((unsigned char)q[2]) || !isdigit((unsigned char)q[3]) ||
		    isalnum((unsigned char)q[4]))
			continue;
		code = (q[1] - '0') * 100 + (q[2] - '0') * 10 + (q[3] - '0');
	}
	return code;
}

static const struct {
	const char *code;
	enum ndr_reason r;
} cox[] = {
	{ "CXBL", NDR_R_BLOCKED }, { "CDRBL", NDR_R_BLOCKED },
	{ "CXDNS", NDR_R_REQUIREPTR }, { "CXSNDR", NDR_R_AUTHFAILURE },
	{ "CXSMTP", NDR_R_REJECTED }, { "CXCNCT", NDR_R_TOOMANYCONN },
	{ "CXMXRT", NDR_R_TOOMANYCONN }, { "CXTHRT", NDR_R_SECURITYERROR },
	{ "CXMJ", NDR_R_SECURITYERROR }, { "IPBL", NDR_R_BLOCKED },
	{ "URLBL", NDR_R_SPAMDETECTED },
};

static enum ndr_reason
cox_code(const char *d)
{
	const char *p = strstr(d, "AUP#");
	size_t n;

	if (p == NULL)
		return NDR_R_UNDEFINED;
	p += 4;
	n = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
	for (size_t i = 0; i < sizeof cox / sizeof *cox; i++) {
		size_t l = strlen(cox[i].code);
		/* IPBL and URLBL are families: IPBL0001, URLBL011, ... */
		if (strncmp(p, cox[i].code, l) == 0 && (l == n ||
		    (strspn(p + l, "0123456789") == n - l && n > l)))
			return cox[i].r;
	}
	return NDR_R_UNDEFINED;
}

static bool
domain_is(const char *addr, const char *domain)
{
	size_t a = strlen(addr), d = strlen(domain);

	return a > d && strcasecmp(addr + a - d, domain) == 0 &&
	    (addr[a - d - 1] == '@' || addr[a - d - 1] == '.');
}

enum ndr_reason
reason_from_provider(const char *diag, const char *rcpt)
{
	int code;

	if (diag == NULL)
		return NDR_R_UNDEFINED;
	if (rcpt && (domain_is(rcpt, "ezweb.ne.jp") ||
	    domain_is(rcpt, "au.com"))) {
		if (strcasestr(diag, "550 : user unknown"))
			return NDR_R_FILTERED;
		if (strcasestr(diag, ">: user unknown"))
			return NDR_R_USERUNKNOWN;
	}
	if ((code = orange_code(diag)) < 0)
		return cox_code(diag);
	for (size_t i = 0; i < sizeof orange / sizeof *orange; i++)
		if (orange[i].code == code)
			return orange[i].r;
	return NDR_R_UNDEFINED;
}
