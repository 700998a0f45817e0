/* config.c - the INI-style configuration file and the account password. */
#include <sys/stat.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <termios.h>
#include <unistd.h>

#include "core/config.h"
#include "engine.h"

#define PASSWORD_MAX	4096

static void
seterr(char *err, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
seterr(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

static char *
strip(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* "a, b c": items split on commas and blanks; false on an empty list */
static bool
set_list(struct ndr_strv *sv, const char *v, bool lower)
{
	strv_free(sv);
	while (*v) {
		size_t n = strcspn(v, ", \t");
		if (n > 0)
			strv_add(sv, lower ? lowercase_dup(v, n) : xstrndup(v, n));
		v += n;
		v += strspn(v, ", \t");
	}
	return sv->n > 0;
}

/* A relay: a host name (".example.org": any host of that domain), an
 * IPv4 or IPv6 address, or a network of either ("192.0.2.0/24"). What
 * looks like an address (digits and dots, a colon, a slash) must be one. */
static bool
relay_ok(const char *r)
{
	unsigned char buf[16];
	char ip[64];
	const char *slash = strchr(r, '/');
	size_t n = slash ? (size_t)(slash - r) : strlen(r);
	bool v6 = memchr(r, ':', n) != NULL;

	if (slash || v6 || strspn(r, "0123456789.") == strlen(r)) {
		if (n == 0 || n >= sizeof ip)
			return false;
		memcpy(ip, r, n);
		ip[n] = '\0';
		if (inet_pton(v6 ? AF_INET6 : AF_INET, ip, buf) != 1)
			return false;
		if (slash) {
			char *end;
			long len = strtol(slash + 1, &end, 10);
			return slash[1] && *end == '\0' && len >= 0 &&
			    len <= (v6 ? 128 : 32);
		}
		return true;
	}
	for (const char *p = r; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.')
			return false;
	return strstr(r, "..") == NULL && *r;
}

static bool
set_relays(struct ndr_strv *sv, const char *v)
{
	if (!set_list(sv, v, true))
		return false;
	for (size_t i = 0; i < sv->n; i++)
		if (!relay_ok(sv->v[i]))
			return false;
	return true;
}

static bool
set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = *v ? xstrdup(v) : NULL;
	return *v != '\0';
}

static bool
set_port(unsigned *dst, const char *v)
{
	char *end;
	long p;

	errno = 0;
	p = strtol(v, &end, 10);
	if (errno || end == v || *end || p < 1 || p > 65535)
		return false;
	*dst = (unsigned)p;
	return true;
}

static bool
set_tls(enum ndr_tls *dst, const char *v)
{
	if (strcmp(v, "implicit") == 0)
		*dst = NDR_TLS_IMPLICIT;
	else if (strcmp(v, "starttls") == 0)
		*dst = NDR_TLS_STARTTLS;
	else if (strcmp(v, "none") == 0)
		*dst = NDR_TLS_NONE;
	else
		return false;
	return true;
}

/* "sha256:" and 32 hex pairs, with or without colons */
static bool
set_fingerprint(char **dst, const char *v)
{
	size_t hex = 0;

	if (strncasecmp(v, "sha256:", 7) != 0)
		return false;
	for (const char *p = v + 7; *p; p++) {
		if (isxdigit((unsigned char)*p))
			hex++;
		else if (*p != ':')
			return false;
	}
	return hex == 64 && set_str(dst, v);
}

/* The keys of an account section: where each goes and what it takes. */
enum kind { K_STR, K_PORT, K_TLS, K_FP, K_LIST, K_LOWLIST, K_RELAYS, K_SCORE,
	K_COUNT, K_UNSURE, K_SEP, K_CLASSIFIER, K_COMPRESS };

/* a number in [0, 1] */
static bool
set_score(double *dst, const char *v)
{
	char *end;
	double d = strtod(v, &end);

	if (end == v || *end != '\0' || !(d >= 0 && d <= 1))
		return false;
	*dst = d;
	return true;
}

/* a whole number from 0 to 10,000,000 */
static bool
set_count(unsigned *dst, const char *v)
{
	char *end;
	unsigned long n = strtoul(v, &end, 10);

	if (end == v || *end != '\0' || *v == '-' || n > 10000000)
		return false;
	*dst = (unsigned)n;
	return true;
}

static bool
set_unsure(enum ndr_unsure *dst, const char *v)
{
	if (strcmp(v, "leave") == 0)
		*dst = NDR_UNSURE_LEAVE;
	else if (strcmp(v, "quarantine") == 0)
		*dst = NDR_UNSURE_QUARANTINE;
	else
		return false;
	return true;
}
static const struct key {
	const char	*name;
	enum kind	 kind;
	size_t		 off;
	const char	*want;		/* for the error line */
} keys[] = {
#define F(m) offsetof(struct ndr_account, m)
	{ "host", K_STR, F(host), "a host name" },
	{ "port", K_PORT, F(port), "a port from 1 to 65535" },
	{ "tls", K_TLS, F(tls), "implicit, starttls or none" },
	{ "compress", K_COMPRESS, F(compress), "auto, yes or no" },
	{ "user", K_STR, F(user), "a user name" },
	{ "password_cmd", K_STR, F(password_cmd), "a command" },
	{ "password_file", K_STR, F(password_file), "a file name" },
	{ "ca_file", K_STR, F(ca_file), "a file name" },
	{ "fingerprint", K_FP, F(fingerprint), "sha256: and 64 hex digits" },
	{ "quarantine", K_STR, F(quarantine), "a folder name" },
	{ "batv_key", K_STR, F(batv_key), "a secret" },
	{ "addresses", K_LOWLIST, F(addresses), "a list of addresses" },
	{ "own_relays", K_RELAYS, F(own_relays),
	    "a list of host names, addresses and networks (192.0.2.0/24)" },
	{ "folders", K_LIST, F(folders), "a list of folders" },
	{ "sent", K_LIST, F(sent), "a list of folders" },
	{ "trash", K_STR, F(trash), "a folder name" },
	{ "threshold", K_SCORE, F(threshold), "a score from 0 to 1" },
	{ "retention", K_COUNT, F(retention), "a number of days" },
	{ "max_actions", K_COUNT, F(max_actions), "a number of messages" },
	{ "unsure", K_UNSURE, F(unsure), "leave or quarantine" },
	{ "timeout", K_COUNT, F(timeout), "a number of seconds" },
	{ "sieve_port", K_PORT, F(sieve_port), "a port from 1 to 65535" },
	{ "rule_quiet_days", K_COUNT, F(rule_quiet_days), "a number of days" },
	{ "master_user", K_STR, F(master_user), "a user name" },
	{ "master_separator", K_SEP, F(master_separator),
	    "one character, such as *" },
	{ "classifier", K_CLASSIFIER, F(shared_classifier), "own or shared" },
#undef F
};

/* NULL when the value was taken, else what it must be; *known false for
 * a key no account has. */
static const char *
set_key(struct ndr_account *a, const char *key, const char *v, bool *known)
{
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
		const struct key *k = &keys[i];
		void *dst = (char *)a + k->off;
		bool ok;

		if (strcmp(key, k->name) != 0)
			continue;
		*known = true;
		switch (k->kind) {
		case K_STR: ok = set_str(dst, v); break;
		case K_PORT: ok = set_port(dst, v); break;
		case K_TLS: ok = set_tls(dst, v); break;
		case K_FP: ok = set_fingerprint(dst, v); break;
		case K_LIST: ok = set_list(dst, v, false); break;
		case K_RELAYS: ok = set_relays(dst, v); break;
		case K_SCORE: ok = set_score(dst, v); break;
		case K_COUNT: ok = set_count(dst, v); break;
		case K_UNSURE: ok = set_unsure(dst, v); break;
		case K_SEP:
			ok = strlen(v) == 1 && !isalnum((unsigned char)*v);
			if (ok)
				*(char *)dst = *v;
			break;
		case K_COMPRESS:
			ok = strcmp(v, "auto") == 0 || strcmp(v, "yes") == 0 ||
			    strcmp(v, "no") == 0;
			if (ok)
				*(enum ndr_compress *)dst = *v == 'a' ?
				    NDR_COMPRESS_AUTO : *v == 'y' ?
				    NDR_COMPRESS_YES : NDR_COMPRESS_NO;
			break;
		case K_CLASSIFIER:
			ok = strcmp(v, "own") == 0 || strcmp(v, "shared") == 0;
			if (ok)
				*(bool *)dst = *v == 's';
			break;
		default: ok = set_list(dst, v, true); break;
		}
		return ok ? NULL : k->want;
	}
	*known = false;
	return NULL;
}

static void
account_free(struct ndr_account *a)
{
	NDR_FREE(a->name, a->host, a->user, a->password_cmd,
	    a->password_file, a->ca_file, a->fingerprint, a->quarantine,
	    a->trash, a->batv_key, a->master_user, a->error);
	strv_free(&a->addresses);
	strv_free(&a->own_relays);
	strv_free(&a->folders);
	strv_free(&a->sent);
}

void
ndr_config_free(struct ndr_config *cfg)
{
	for (size_t i = 0; i < cfg->naccounts; i++)
		account_free(&cfg->accounts[i]);
	free(cfg->accounts);
	strv_free(&cfg->ui);
	free(cfg->path);
	free(cfg->users_cmd);
	free(cfg->users_file);
	memset(cfg, 0, sizeof *cfg);
}

/* What every account needs once its section is read. */
static const char *
account_check(struct ndr_account *a)
{
	if (a->host == NULL)
		return "host";
	if (a->user == NULL)
		return "user";
	if (a->password_cmd && a->password_file)
		return "password_cmd";
	if (a->folders.n == 0) {
		strv_add(&a->folders, xstrdup("INBOX"));
		strv_add(&a->folders, xstrdup("Junk"));
	}
	if (a->quarantine == NULL)
		a->quarantine = xstrdup("Quarantine/Backscatter");
	return NULL;
}

/* The account complete (its defaults added), or what it needs said. */
static bool
complete(const struct ndr_config *cfg, struct ndr_account *a,
    char *err, size_t errlen)
{
	const char *missing = account_check(a);
	const char *what = a->generated ? "account" : "[account";
	const char *close = a->generated ? " (from users_cmd)" : "]";

	if (missing == NULL)
		return true;
	if (strcmp(missing, "password_cmd") == 0)
		seterr(err, errlen, "%s:%u: %s %s%s has both password_cmd "
		    "and password_file; keep one", cfg->path, a->line, what,
		    a->name, close);
	else
		seterr(err, errlen, "%s:%u: %s %s%s needs '%s'", cfg->path,
		    a->line, what, a->name, close, missing);
	return false;
}

/* An account with nothing but the built-in defaults. */
static void
account_init(struct ndr_account *a, const char *name, unsigned line)
{
	memset(a, 0, sizeof *a);
	a->name = xstrdup(name);
	a->line = line;
	a->threshold = NDR_THRESHOLD_DEFAULT;
	a->retention = NDR_RETENTION_DEFAULT;
	a->max_actions = NDR_MAX_ACTIONS_DEFAULT;
	a->timeout = NDR_TIMEOUT_DEFAULT;
	a->rule_quiet_days = 30;
}

static struct ndr_account *
account_new(struct ndr_config *cfg, const char *name, unsigned line)
{
	cfg->accounts = xreallocarray(cfg->accounts, cfg->naccounts + 1,
	    sizeof *cfg->accounts);
	account_init(&cfg->accounts[cfg->naccounts], name, line);
	return &cfg->accounts[cfg->naccounts++];
}

static bool
has_account(const struct ndr_config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->naccounts; i++)
		if (strcmp(cfg->accounts[i].name, name) == 0)
			return true;
	return false;
}

/* Where the section being read puts its keys. */
enum where { IN_NONE, IN_ACCOUNT, IN_DEFAULTS, IN_UI };

/* A key line of [defaults] or of an account, kept to be applied once the
 * whole file is read ([defaults] first, wherever it stands). */
struct kv {
	size_t		 acct;		/* SIZE_MAX: [defaults] */
	unsigned	 line;
	char		*key, *val;
};

struct parse {
	struct ndr_config	*cfg;
	enum where		 in;
	size_t			 cur;	/* the account being read */
	struct kv		*kv;
	size_t			 nkv;
	bool			 tolerant;
	unsigned		 users_line;	/* of users_cmd or users_file */
	char			*err;
	size_t			 errlen;
};

/* "[account NAME]", "[defaults]" or "[ui]"; -1 and err when the line is
 * no such section. */
static int
section(struct parse *ps, char *line, unsigned lineno)
{
	struct ndr_config *cfg = ps->cfg;
	char *end = strchr(line, ']'), *name;

	if (end == NULL || end[1] != '\0') {
		seterr(ps->err, ps->errlen, "%s:%u: a section is written "
		    "[account NAME]", cfg->path, lineno);
		return -1;
	}
	*end = '\0';
	name = strip(line + 1);
	if (strcmp(name, "ui") == 0 || strcmp(name, "defaults") == 0) {
		ps->in = *name == 'u' ? IN_UI : IN_DEFAULTS;
		return 0;
	}
	if (strncmp(name, "account", 7) != 0 ||
	    !isspace((unsigned char)name[7]) || *strip(name + 7) == '\0') {
		seterr(ps->err, ps->errlen, "%s:%u: unknown section [%s]; a "
		    "section is written [account NAME], [defaults] or [ui]",
		    cfg->path, lineno, name);
		return -1;
	}
	name = strip(name + 7);
	if (has_account(cfg, name)) {
		seterr(ps->err, ps->errlen, "%s:%u: account '%s' defined twice",
		    cfg->path, lineno, name);
		return -1;
	}
	account_new(cfg, name, lineno);
	ps->cur = cfg->naccounts - 1;
	ps->in = IN_ACCOUNT;
	return 0;
}

/* "key = value" in [ui]: kept as "LINE KEY VALUE" for the interface. */
static int
ui_line(struct parse *ps, const char *key, const char *v, unsigned lineno)
{
	char *s;

	if (strcmp(key, "bind") != 0 && strcmp(key, "color") != 0) {
		seterr(ps->err, ps->errlen, "%s:%u: unknown key '%s' in [ui] "
		    "(bind, color)", ps->cfg->path, lineno, key);
		return -1;
	}
	if (asprintf(&s, "%u %s %s", lineno, key, v) < 0)
		abort();
	strv_add(&ps->cfg->ui, s);
	return 0;
}

/* The keys only [defaults] takes: where the accounts come from. */
static bool
defaults_only(struct parse *ps, const char *key, const char *v)
{
	char **dst = strcmp(key, "users_cmd") == 0 ? &ps->cfg->users_cmd :
	    strcmp(key, "users_file") == 0 ? &ps->cfg->users_file : NULL;

	if (dst == NULL)
		return false;
	set_str(dst, v);
	return true;
}

/* One key applied to a; false with the error line in err. */
static bool
apply(const struct ndr_config *cfg, struct ndr_account *a, const char *key,
    const char *v, unsigned lineno, const char *section, char *err,
    size_t errlen)
{
	bool known;
	const char *want = set_key(a, key, v, &known);

	if (!known) {
		seterr(err, errlen, "%s:%u: unknown key '%s' in %s", cfg->path,
		    lineno, key, section);
		return false;
	}
	if (want) {
		seterr(err, errlen, "%s:%u: bad value for '%s': expected %s",
		    cfg->path, lineno, key, want);
		return false;
	}
	return true;
}

/* "key = value": checked now (the error names its line), applied when
 * the file is read. -1 and err when it is none of ours. */
static int
key_line(struct parse *ps, char *line, unsigned lineno)
{
	struct ndr_config *cfg = ps->cfg;
	char *eq = strchr(line, '='), *key, *v, sect[300];
	struct ndr_account scratch;
	bool ok;

	if (eq == NULL) {
		seterr(ps->err, ps->errlen, "%s:%u: expected key = value",
		    cfg->path, lineno);
		goto bad;
	}
	*eq = '\0';
	key = strip(line);
	v = strip(eq + 1);
	if (ps->in == IN_UI)
		return ui_line(ps, key, v, lineno);
	if (ps->in == IN_NONE) {
		seterr(ps->err, ps->errlen, "%s:%u: key '%s' outside any "
		    "[account NAME] section", cfg->path, lineno, key);
		return -1;
	}
	if (ps->in == IN_DEFAULTS && defaults_only(ps, key, v)) {
		ps->users_line = lineno;
		return 0;
	}
	if (ps->in == IN_DEFAULTS)
		snprintf(sect, sizeof sect, "[defaults]");
	else
		snprintf(sect, sizeof sect, "[account %.200s]",
		    cfg->accounts[ps->cur].name);
	account_init(&scratch, "", lineno);
	ok = apply(cfg, &scratch, key, v, lineno, sect, ps->err, ps->errlen);
	account_free(&scratch);
	if (!ok)
		goto bad;
	ps->kv = xreallocarray(ps->kv, ps->nkv + 1, sizeof *ps->kv);
	ps->kv[ps->nkv++] = (struct kv){ ps->in == IN_DEFAULTS ? SIZE_MAX :
	    ps->cur, lineno, xstrdup(key), xstrdup(v) };
	return 0;
bad:
	/* a mistake in one account's section is that account's alone when
	 * the caller can go on with the others (--all) */
	if (ps->tolerant && ps->in == IN_ACCOUNT) {
		struct ndr_account *a = &cfg->accounts[ps->cur];
		if (a->error == NULL)
			a->error = xstrdup(ps->err);
		return 0;
	}
	return -1;
}

/* The users users_cmd prints (or users_file holds), one a line, as they
 * come (build() drops the repeated); -1 and err when the command fails or
 * the file cannot be read. */
static int
read_users(struct ndr_config *cfg, struct ndr_strv *users, char *err,
    size_t errlen)
{
	FILE *f;
	char buf[1024];
	int status = 0;

	if (cfg->users_cmd)
		f = popen(cfg->users_cmd, "r");
	else
		f = fopen(cfg->users_file, "r");
	if (f == NULL) {
		seterr(err, errlen, "%s: %s: %s", cfg->path, cfg->users_cmd ?
		    "users_cmd" : cfg->users_file, strerror(errno));
		return -1;
	}
	while (fgets(buf, sizeof buf, f)) {
		char *u = strip(buf);
		if (*u && *u != '#')
			strv_add(users, xstrdup(u));
	}
	if (cfg->users_cmd)
		status = pclose(f);
	else
		fclose(f);
	if (cfg->users_cmd && (status == -1 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)) {
		seterr(err, errlen, "%s: users_cmd failed (%s %d)", cfg->path,
		    status != -1 && WIFEXITED(status) ? "exit status" : "signal",
		    status == -1 ? 0 : WIFEXITED(status) ? WEXITSTATUS(status) :
		    WTERMSIG(status));
		return -1;
	}
	return 0;
}

/* A user name that can name an account (and its store's file). */
static bool
name_ok(const char *u)
{
	if (*u == '\0' || *u == '.' || strlen(u) > 200)
		return false;
	for (const char *p = u; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._@+-=", *p))
			return false;
	return true;
}

/* Every account as the file makes it: the built-in defaults, then
 * [defaults], then its own keys; the users of users_cmd as accounts of
 * their own. Errors go to the account (tolerant) or end the load. */
static int
build(struct parse *ps)
{
	struct ndr_config *cfg = ps->cfg;
	struct ndr_strv users = { 0 };
	struct ndr_map seen = { 0 };	/* a name's hash: its account + 1 */
	size_t explicit = cfg->naccounts;
	bool *listed;	/* an explicit account users_cmd names too */

	/* a command that printed users and then failed: none of them */
	if ((cfg->users_cmd || cfg->users_file) &&
	    read_users(cfg, &users, ps->err, ps->errlen) != 0) {
		strv_free(&users);
		return -1;
	}
	listed = xcalloc(explicit + 1, sizeof *listed);
	for (size_t i = 0; i < explicit; i++)
		*ndr_map_slot(&seen, ndr_token("account", cfg->accounts[i].name),
		    true) = (int64_t)i + 1;
	/* one lookup a user, not a pass over every account (an
	 * organisation's users by the thousand, read by every run) */
	for (size_t i = 0; i < users.n; i++) {
		int64_t *at = ndr_map_slot(&seen, ndr_token("account",
		    users.v[i]), true);
		if (*at && strcmp(cfg->accounts[*at - 1].name, users.v[i]) == 0) {
			if ((size_t)*at <= explicit)	/* its section says more */
				listed[*at - 1] = true;
			continue;
		}
		if (*at && has_account(cfg, users.v[i]))
			continue;	/* two names, one hash: looked up in full */
		*at = (int64_t)cfg->naccounts + 1;
		struct ndr_account *a = account_new(cfg, users.v[i],
		    ps->users_line);
		a->generated = true;
		if (!name_ok(users.v[i]))
			a->error = xstrdup("users_cmd printed a name that "
			    "cannot name an account (letters, digits and "
			    "._@+-= only)");
	}
	for (size_t i = 0; i < cfg->naccounts; i++) {
		struct ndr_account *a = &cfg->accounts[i];
		char *name = a->name, *error = a->error;
		unsigned line = a->line;
		bool gen = a->generated;
		a->name = a->error = NULL;
		account_free(a);
		account_init(a, name, line);
		free(name);
		a->error = error;
		a->generated = gen;
		for (size_t k = 0; k < ps->nkv; k++) {
			const struct kv *kv = &ps->kv[k];
			if (kv->acct == SIZE_MAX)
				apply(cfg, a, kv->key, kv->val, kv->line,
				    "[defaults]", ps->err, ps->errlen);
		}
		for (size_t k = 0; k < ps->nkv; k++)
			if (ps->kv[k].acct == i)
				apply(cfg, a, ps->kv[k].key, ps->kv[k].val,
				    ps->kv[k].line, "", ps->err, ps->errlen);
		/* a user's account is that user, unless its section says */
		if (gen || (i < explicit && a->user == NULL && listed[i]))
			set_str(&a->user, a->name);
		if (a->error == NULL && !complete(cfg, a, ps->err, ps->errlen)) {
			if (!ps->tolerant) {
				strv_free(&users);
				ndr_map_free(&seen);
				free(listed);
				return -1;
			}
			a->error = xstrdup(ps->err);
		}
	}
	strv_free(&users);
	ndr_map_free(&seen);
	free(listed);
	if (cfg->naccounts == 0) {
		seterr(ps->err, ps->errlen, "%s: no [account NAME] section%s",
		    cfg->path, cfg->users_cmd || cfg->users_file ?
		    ", and users_cmd gave no user" : "");
		return -1;
	}
	return 0;
}

static int
load(const char *path, struct ndr_config *cfg, bool tolerant, char *err,
    size_t errlen)
{
	FILE *f;
	char buf[4096];
	unsigned lineno = 0;
	struct parse ps = { .cfg = cfg, .tolerant = tolerant, .err = err,
	    .errlen = errlen };
	int rc = -1;

	memset(cfg, 0, sizeof *cfg);
	if ((f = fopen(path, "r")) == NULL) {
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	cfg->path = xstrdup(path);
	while (fgets(buf, sizeof buf, f)) {
		char *line = buf, *hash;

		lineno++;
		if (strchr(buf, '\n') == NULL && !feof(f)) {
			seterr(err, errlen, "%s:%u: line too long", path, lineno);
			goto out;
		}
		/* a comment starts a line, or follows a blank */
		for (hash = line; (hash = strchr(hash, '#')) != NULL; hash++)
			if (hash == line || isspace((unsigned char)hash[-1])) {
				*hash = '\0';
				break;
			}
		line = strip(line);
		if (*line == '\0' || *line == ';')
			continue;
		if (*line == '[' ? section(&ps, line, lineno) != 0 :
		    key_line(&ps, line, lineno) != 0)
			goto out;
	}
	if (ferror(f)) {
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	rc = build(&ps);
out:
	for (size_t k = 0; k < ps.nkv; k++) {
		free(ps.kv[k].key);
		free(ps.kv[k].val);
	}
	free(ps.kv);
	fclose(f);
	if (rc != 0)
		ndr_config_free(cfg);
	return rc;
}

int
ndr_config_load(const char *path, struct ndr_config *cfg, char *err,
    size_t errlen)
{
	return load(path, cfg, false, err, errlen);
}

int
ndr_config_load_all(const char *path, struct ndr_config *cfg, char *err,
    size_t errlen)
{
	return load(path, cfg, true, err, errlen);
}

char *
ndr_config_default_path(void)
{
	const char *x = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	struct ndr_buf b = { 0 };

	if (x && *x == '/')
		ndr_buf_printf(&b, "%s/ndrsweep/config", x);
	else
		ndr_buf_printf(&b, "%s/.config/ndrsweep/config",
		    home && *home ? home : ".");
	return b.s;
}

const struct ndr_account *
ndr_config_account(const struct ndr_config *cfg, const char *name, char *err,
    size_t errlen)
{
	if (name == NULL) {
		if (cfg->naccounts == 1 && cfg->accounts[0].error) {
			seterr(err, errlen, "%s", cfg->accounts[0].error);
			return NULL;
		}
		if (cfg->naccounts == 1)
			return &cfg->accounts[0];
		seterr(err, errlen, "%s has %zu accounts: name one with "
		    "--account", cfg->path, cfg->naccounts);
		return NULL;
	}
	for (size_t i = 0; i < cfg->naccounts; i++) {
		const struct ndr_account *a = &cfg->accounts[i];
		if (strcmp(a->name, name) != 0)
			continue;
		if (a->error) {
			seterr(err, errlen, "%s", a->error);
			return NULL;
		}
		return a;
	}
	seterr(err, errlen, "%s: no account '%s'", cfg->path, name);
	return NULL;
}

unsigned
ndr_account_port(const struct ndr_account *a)
{
	if (a->port)
		return a->port;
	return a->tls == NDR_TLS_IMPLICIT ? 993 : 143;
}

void
ndr_password_free(char *p)
{
	if (p) {
		explicit_bzero(p, strlen(p));
		free(p);
	}
}

/* Read at most PASSWORD_MAX bytes of fd; the last newline dropped. */
static char *
read_secret(int fd)
{
	char *p = xcalloc(1, PASSWORD_MAX + 1);
	size_t got = 0;
	ssize_t n;

	while (got < PASSWORD_MAX &&
	    (n = read(fd, p + got, PASSWORD_MAX - got)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		got += (size_t)n;
	}
	p[got] = '\0';
	if (got > 0 && p[got - 1] == '\n')
		p[--got] = '\0';
	if (got > 0 && p[got - 1] == '\r')
		p[--got] = '\0';
	return p;
}

static char *
password_from_cmd(const struct ndr_account *a, char *err, size_t errlen)
{
	int fds[2], status;
	pid_t pid;
	char *p;

	if (pipe(fds) == -1) {
		seterr(err, errlen, "password_cmd: %s", strerror(errno));
		return NULL;
	}
	if ((pid = fork()) == -1) {
		seterr(err, errlen, "password_cmd: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return NULL;
	}
	if (pid == 0) {
		/* one command for many accounts (an administrator's, in
		 * [defaults]) can tell them apart */
		setenv("NDRSWEEP_ACCOUNT", a->name, 1);
		setenv("NDRSWEEP_USER", a->user ? a->user : "", 1);
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		execl("/bin/sh", "sh", "-c", a->password_cmd, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	p = read_secret(fds[0]);
	close(fds[0]);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		/* the command, not its output, names the failure */
		seterr(err, errlen, "password_cmd for account '%s' failed "
		    "(%s %d)", a->name, WIFEXITED(status) ? "exit status" :
		    "signal", WIFEXITED(status) ? WEXITSTATUS(status) :
		    WTERMSIG(status));
		ndr_password_free(p);
		return NULL;
	}
	if (*p == '\0') {
		seterr(err, errlen, "password_cmd for account '%s' printed "
		    "nothing", a->name);
		ndr_password_free(p);
		return NULL;
	}
	return p;
}

static char *
password_from_file(const struct ndr_account *a, char *err, size_t errlen)
{
	struct stat st;
	char *p;
	int fd;

	/* O_NONBLOCK: a FIFO would hold the open until a writer came */
	if ((fd = open(a->password_file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
	    O_NONBLOCK)) == -1) {
		seterr(err, errlen, "password_file %s: %s", a->password_file,
		    strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		seterr(err, errlen, "password_file %s: not a regular file",
		    a->password_file);
		close(fd);
		return NULL;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	if ((st.st_mode & 077) != 0 || st.st_uid != geteuid()) {
		seterr(err, errlen, "password_file %s: refused: others can "
		    "read it or it is not yours (chmod 600 it)",
		    a->password_file);
		close(fd);
		return NULL;
	}
	p = read_secret(fd);
	close(fd);
	if (*p == '\0') {
		seterr(err, errlen, "password_file %s is empty",
		    a->password_file);
		ndr_password_free(p);
		return NULL;
	}
	return p;
}

static char *
password_prompt(const struct ndr_account *a, char *err, size_t errlen)
{
	struct termios old, quiet;
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
	char *p;

	if (fd == -1 || tcgetattr(fd, &old) == -1) {
		seterr(err, errlen, "account '%s' has no password_cmd or "
		    "password_file, and there is no terminal to ask on",
		    a->name);
		if (fd != -1)
			close(fd);
		return NULL;
	}
	if (a->master_user)
		dprintf(fd, "Master password for %s@%s: ", a->master_user,
		    a->host);
	else
		dprintf(fd, "Password for %s@%s: ", a->user, a->host);
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	tcsetattr(fd, TCSAFLUSH, &quiet);
	p = xcalloc(1, PASSWORD_MAX + 1);
	size_t got = 0;
	char c;
	while (got < PASSWORD_MAX && read(fd, &c, 1) == 1 && c != '\n')
		p[got++] = c;
	p[got] = '\0';
	tcsetattr(fd, TCSAFLUSH, &old);
	dprintf(fd, "\n");
	close(fd);
	return p;
}

char *
ndr_password(const struct ndr_account *a, char *err, size_t errlen)
{
	if (a->password_cmd)
		return password_from_cmd(a, err, errlen);
	if (a->password_file)
		return password_from_file(a, err, errlen);
	return password_prompt(a, err, errlen);
}
