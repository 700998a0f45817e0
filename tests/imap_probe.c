/*
 * imap_probe.c - log in to an account of a configuration and say what the
 * server can do: the IMAP tests' way to open a session until `ndrsweep
 * scan` does it. usage: imap_probe CONFIG [ACCOUNT]
 */
#include <stdio.h>
#include <stdlib.h>

#include "core/config.h"
#include "imap/imap.h"

int
main(int argc, char **argv)
{
	struct ndr_config cfg;
	const struct ndr_account *a;
	struct imap_conn c;
	char err[1024], *pw;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: imap_probe CONFIG [ACCOUNT]\n");
		return 64;
	}
	if (ndr_config_load(argv[1], &cfg, err, sizeof err) != 0 ||
	    (a = ndr_config_account(&cfg, argc > 2 ? argv[2] : NULL, err,
	    sizeof err)) == NULL) {
		fprintf(stderr, "imap_probe: %s\n", err);
		return 78;
	}
	if ((pw = ndr_password(a, err, sizeof err)) == NULL) {
		fprintf(stderr, "imap_probe: %s\n", err);
		ndr_config_free(&cfg);
		return 78;
	}
	if (imap_open(a, pw, &c, err, sizeof err) != 0) {
		ndr_password_free(pw);
		fprintf(stderr, "imap_probe: %s\n", err);
		ndr_config_free(&cfg);
		return 1;
	}
	ndr_password_free(pw);
	printf("logged in%s%s%s%s\n", c.move ? " MOVE" : "",
	    c.uidplus ? " UIDPLUS" : "", c.condstore ? " CONDSTORE" : "",
	    c.specialuse ? " SPECIAL-USE" : "");
	struct imap_folder *f;
	size_t n;
	if (imap_folders(&c, &f, &n, err, sizeof err) == 0) {
		for (size_t i = 0; i < n; i++)
			printf("folder %s [%s]%s%s%s\n", f[i].name, f[i].wire,
			    f[i].special & IMAP_SENT ? " sent" : "",
			    f[i].special & IMAP_JUNK ? " junk" : "",
			    f[i].special & IMAP_TRASH ? " trash" : "");
		imap_folders_free(f, n);
	} else
		printf("%s\n", err);
	imap_close(&c);
	ndr_config_free(&cfg);
	return 0;
}
