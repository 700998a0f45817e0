/* admin.h - every account at a glance, and a search across them (an
 * administrator's: report --all, review --all); private to tui/. */
#ifndef NDR_ADMIN_H
#define NDR_ADMIN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/core.h"
#include "core/verdict.h"

struct ndr_config;
struct ndr_account;

/* Every account of the configuration (cfgpath, or the default one), each
 * one's mistake kept as its error (ndr_config_load_all); EXIT_OK, or
 * EXIT_CONFIG with the line said. */
int	config_open_all(const char *cfgpath, struct ndr_config *);

/* One account's quarantine and last run, from its store. */
struct glance {
	const char	*name, *user;	/* the configuration's */
	char		*error;		/* its section's mistake, or the store's */
	bool		 scanned;	/* it has a store */
	int64_t		 legit, backscatter, unsure;
	size_t		 quarantined;
	int64_t		 oldest;	/* when the oldest was moved; 0 none */
	int64_t		*camps;		/* the campaigns in the quarantine */
	size_t		 ncamps;
	int64_t		 last_run;	/* 0: no run recorded */
	char		 last_cmd[16];
	int		 last_status;
	char		*last_error;
};
/* Every account of the configuration (loaded into cfg, kept while the
 * glances are: they point into it). EXIT_OK or EXIT_CONFIG, said. */
int	glance_all(const char *cfgpath, struct ndr_config *cfg,
	    struct glance **, size_t *n);
void	glance_free(struct glance *, size_t n);
/* Its section is wrong, its store unreadable, or its last run failed. */
bool	glance_failed(const struct glance *);
void	glance_age(int64_t since, int64_t now, char *buf, size_t len);
/* {"accounts":[...],"failures":N} */
void	glance_json(const struct glance *, size_t n, struct ndr_buf *);
/* The columns' names, and one account's row under them (no new line;
 * the caller makes it safe for the terminal). */
extern const char glance_head[];
void	glance_line(const struct glance *, int64_t now, struct ndr_buf *);
void	glance_text(const struct glance *, size_t n, FILE *);
/* Every account's glance on stdout (report --all, review --all --list):
 * 1 when one failed, EXIT_CONFIG when the file cannot be read. */
int	glance_print(const char *cfgpath, bool json);

/* A report that matches a search, in an account's store. */
struct hit {
	const char	*account, *folder;
	uint32_t	 uid;
	int64_t		 date;
	enum ndr_verdict_kind verdict;
	const char	*rcpt, *subject, *message_id;
	bool		 quarantined;	/* in the account's quarantine */
};
/* Each report of the accounts whose Message-ID, failed recipient, or
 * original's subject or sender holds needle (case ignored), to fn. */
int	find_all(const struct ndr_account *, size_t n, const char *needle,
	    int (*fn)(const struct hit *, void *), void *arg, size_t *nhits);

#endif
