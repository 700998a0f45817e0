/*
 * tls.c - the server's certificate, verified with GnuTLS before any
 * credential is sent (libetpan's TLS verifies nothing).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <libetpan/libetpan.h>

#include "imap.h"

/* Why GnuTLS refused a certificate, in one plain phrase (its own words
 * are several sentences with a trailing space). */
static const char *
status_words(unsigned status)
{
	static const struct { unsigned flag; const char *words; } w[] = {
		{ GNUTLS_CERT_UNEXPECTED_OWNER, "it was issued for another "
		    "host name" },
		{ GNUTLS_CERT_EXPIRED, "it has expired" },
		{ GNUTLS_CERT_NOT_ACTIVATED, "it is not valid yet" },
		{ GNUTLS_CERT_REVOKED, "it has been revoked" },
		{ GNUTLS_CERT_SIGNER_NOT_FOUND, "its issuer is unknown (set "
		    "ca_file, or pin its fingerprint)" },
		{ GNUTLS_CERT_SIGNER_NOT_CA, "its issuer is not a CA" },
		{ GNUTLS_CERT_INSECURE_ALGORITHM, "it is signed with an insecure "
		    "algorithm" },
		{ GNUTLS_CERT_SIGNATURE_FAILURE, "its signature does not "
		    "verify" },
	};

	for (size_t i = 0; i < sizeof w / sizeof *w; i++)
		if (status & w[i].flag)
			return w[i].words;
	return "GnuTLS refused it";
}

/* "sha256:AB:CD..." against the leaf certificate's SHA-256 */
static bool
pinned(const MMAPString *der, const char *fingerprint)
{
	unsigned char md[32];
	size_t mdlen = sizeof md;
	gnutls_datum_t d = { (unsigned char *)der->str, (unsigned)der->len };
	const char *p = fingerprint + 7;

	if (gnutls_fingerprint(GNUTLS_DIG_SHA256, &d, md, &mdlen) < 0 ||
	    mdlen != sizeof md)
		return false;
	for (size_t i = 0; i < sizeof md; i++) {
		char hex[3];
		while (*p == ':')
			p++;
		if (!isxdigit((unsigned char)p[0]) ||
		    !isxdigit((unsigned char)p[1]))
			return false;
		snprintf(hex, sizeof hex, "%02x", md[i]);
		if (tolower((unsigned char)p[0]) != hex[0] ||
		    tolower((unsigned char)p[1]) != hex[1])
			return false;
		p += 2;
	}
	return *p == '\0';
}

int
imap_tls_verify(void *chainp, const char *host, const char *ca_file,
    const char *fingerprint, char *err, size_t errlen)
{
	carray *chain = chainp;
	gnutls_x509_trust_list_t list = NULL;
	gnutls_x509_crt_t crts[16];
	unsigned n = 0, status = 0;
	gnutls_typed_vdata_st vdata = {
		.type = GNUTLS_DT_DNS_HOSTNAME,
		.data = (unsigned char *)host,
		.size = 0,
	};
	int rc = -1, e;

	if (chain == NULL || carray_count(chain) == 0) {
		snprintf(err, errlen, "certificate for %s not trusted: the "
		    "server sent none", host);
		return -1;
	}
	if (fingerprint) {
		if (pinned(carray_get(chain, 0), fingerprint))
			return 0;
		snprintf(err, errlen, "certificate for %s not trusted: its "
		    "fingerprint is not the one configured", host);
		return -1;
	}
	for (unsigned i = 0; i < carray_count(chain) && n < 16; i++) {
		MMAPString *der = carray_get(chain, i);
		gnutls_datum_t d = { (unsigned char *)der->str,
		    (unsigned)der->len };
		if (gnutls_x509_crt_init(&crts[n]) < 0)
			goto out;
		if (gnutls_x509_crt_import(crts[n], &d, GNUTLS_X509_FMT_DER)
		    < 0) {
			gnutls_x509_crt_deinit(crts[n]);
			snprintf(err, errlen, "certificate for %s not trusted: "
			    "it cannot be read", host);
			goto out;
		}
		n++;
	}
	if (gnutls_x509_trust_list_init(&list, 0) < 0)
		goto out;
	e = ca_file ?
	    gnutls_x509_trust_list_add_trust_file(list, ca_file, NULL,
	    GNUTLS_X509_FMT_PEM, 0, 0) :
	    gnutls_x509_trust_list_add_system_trust(list, 0, 0);
	if (e <= 0) {
		snprintf(err, errlen, "certificate for %s not trusted: no "
		    "trusted CA could be loaded from %s", host,
		    ca_file ? ca_file : "the system store");
		goto out;
	}
	if (gnutls_x509_trust_list_verify_crt2(list, crts, n, &vdata, 1, 0,
	    &status, NULL) < 0) {
		snprintf(err, errlen, "certificate for %s not trusted: "
		    "verification failed", host);
		goto out;
	}
	if (status != 0) {
		snprintf(err, errlen, "certificate for %s not trusted: %s", host,
		    status_words(status));
		goto out;
	}
	rc = 0;
out:
	if (list)
		gnutls_x509_trust_list_deinit(list, 1);
	for (unsigned i = 0; i < n; i++)
		gnutls_x509_crt_deinit(crts[i]);
	return rc;
}
