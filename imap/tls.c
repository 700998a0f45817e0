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
		gnutls_datum_t why = { NULL, 0 };
		gnutls_certificate_verification_status_print(status,
		    GNUTLS_CRT_X509, &why, 0);
		snprintf(err, errlen, "certificate for %s not trusted: %s",
		    host, why.data ? (char *)why.data : "unknown reason");
		gnutls_free(why.data);
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
