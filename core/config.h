/* config.h - the configuration file: accounts, and how to get a password. */
#ifndef NDRSWEEP_CONFIG_H
#define NDRSWEEP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "core.h"

enum ndr_tls { NDR_TLS_IMPLICIT, NDR_TLS_STARTTLS, NDR_TLS_NONE };
/* COMPRESS=DEFLATE (RFC 4978): auto uses it on a slow link only */
enum ndr_compress { NDR_COMPRESS_AUTO, NDR_COMPRESS_YES, NDR_COMPRESS_NO };
/* What `clean` does with unsure reports. */
enum ndr_unsure { NDR_UNSURE_LEAVE, NDR_UNSURE_QUARANTINE };

#define NDR_THRESHOLD_DEFAULT	0.9
#define NDR_RETENTION_DEFAULT	30	/* days in the quarantine */
#define NDR_MAX_ACTIONS_DEFAULT	5000
#define NDR_TIMEOUT_DEFAULT	30	/* s for a server's answer to begin */

struct ndr_account {
	char		*name;
	char		*host;
	unsigned	 port;		/* 0: the default of the TLS mode */
	unsigned	 timeout;	/* s a server may keep an answer */
	enum ndr_tls	 tls;
	enum ndr_compress compress;
	char		*user;
	char		*password_cmd;
	char		*password_file;
	char		*ca_file;
	char		*fingerprint;	/* "sha256:AB:CD:..." pins the server */
	char		*quarantine;	/* folder name, UTF-8 */
	char		*trash;		/* NULL: the \\Trash folder, or Trash */
	double		 threshold;	/* clean: backscatter scored this up */
	unsigned	 retention;	/* clean: days kept in the quarantine */
	unsigned	 max_actions;	/* clean: more than this, nothing */
	enum ndr_unsure	 unsure;	/* clean: unsure left or quarantined */
	char		*batv_key;
	struct ndr_strv	 addresses;	/* the user's own, lowercase */
	struct ndr_strv	 own_relays;	/* host names and CIDR networks */
	struct ndr_strv	 folders;	/* to scan; default INBOX, Junk */
	struct ndr_strv	 sent;		/* empty: the \Sent folders */
	unsigned	 line;		/* where its section starts */
	unsigned	 sieve_port;	/* ManageSieve; 0: 4190 */
	unsigned	 rule_quiet_days; /* a rule retires after as many
					 * days without its campaign */
	/* an administrator's login: SASL PLAIN as master_user on behalf
	 * of user; without AUTH=PLAIN, LOGIN "user<sep>master_user" when
	 * master_separator names the server's separator */
	char		*master_user;
	char		 master_separator;	/* '\0': none */
	bool		 shared_classifier;	/* classifier = shared */
	bool		 generated;	/* a user of users_cmd / users_file */
	char		*error;		/* ndr_config_load_all: what is wrong
					 * with this account; NULL: nothing */
};

struct ndr_config {
	char			*path;
	struct ndr_account	*accounts;
	size_t			 naccounts;
	/* the [ui] section's lines, "LINE KEY VALUE" (bind, color): the
	 * interface reads them (tui/uiconf.c) and names the line when one
	 * is wrong */
	struct ndr_strv		 ui;
	char			*users_cmd;	/* [defaults]: one user a line */
	char			*users_file;	/* [defaults]: the same, a file */
};

/*
 * Read a configuration file. On error, err holds one line naming the file,
 * the line and the key ("config:12: unknown key 'hots' in [account work]")
 * and the result is -1; cfg is then empty.
 */
int	ndr_config_load(const char *path, struct ndr_config *cfg, char *err,
	    size_t errlen);
void	ndr_config_free(struct ndr_config *);
/*
 * The same, for a run over every account (--all): a mistake inside one
 * [account] section (or a user of users_cmd that cannot be an account)
 * is that account's alone, kept in its error, and the others load; a
 * mistake anywhere else still fails the whole file.
 */
int	ndr_config_load_all(const char *path, struct ndr_config *,
	    char *err, size_t errlen);

/* $XDG_CONFIG_HOME/ndrsweep/config, or ~/.config/ndrsweep/config. */
char	*ndr_config_default_path(void);

/*
 * The account named, or the only one when name is NULL; NULL with a line
 * in err when there is no such account or the choice is ambiguous.
 */
const struct ndr_account *ndr_config_account(const struct ndr_config *,
	    const char *name, char *err, size_t errlen);

/* The port to connect to: the account's, or 993 / 143. */
unsigned ndr_account_port(const struct ndr_account *);

/*
 * The account's password: from password_cmd (run by /bin/sh, its output
 * less the trailing newline; a failing command is an error), from
 * password_file (refused unless only its owner, who must be us, can read
 * it), or else asked on the terminal without echo. Never logged. Returns a
 * new string to be wiped and freed with ndr_password_free, or NULL with a
 * line in err.
 */
char	*ndr_password(const struct ndr_account *, char *err, size_t errlen);
void	 ndr_password_free(char *);

#endif
