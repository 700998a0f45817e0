/*
 * rules.c - Sieve rules (RFC 5228) that file a campaign's future
 * backscatter on the server itself, written from what the store knows.
 *
 * A rule takes a message only when all of these hold:
 *   - it is a report: the null envelope sender, or from a mailer daemon
 *     or postmaster, or a multipart/report;
 *   - nothing in it names the user's own mail: none of the Message-ID
 *     right-hand sides the user's mail has (from the Sent index), none of
 *     the user's own relays (an original that passed them was sent by
 *     the user); a bounce of the user's own mail is never taken;
 *   - it is this campaign's: the subject its originals begin with, or a
 *     link host of theirs, in the report's body as sent (body :raw);
 *   - the rule has not retired: today is on or before its last day
 *     (date extension), the campaign's last report plus the quiet days.
 * What it takes goes to the quarantine folder, and nothing else applies.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core.h"
#include "engine.h"
#include "rules.h"
#include "verdict.h"

/* s as a Sieve quoted string: '"' and '\' escaped, controls dropped */
static void
quoted(struct ndr_buf *b, const char *s)
{
	ndr_buf_add(b, "\"", 1);
	for (; *s; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			continue;
		if (*s == '"' || *s == '\\')
			ndr_buf_add(b, "\\", 1);
		ndr_buf_add(b, s, 1);
	}
	ndr_buf_add(b, "\"", 1);
}

static void
string_list(struct ndr_buf *b, const char *const *v, size_t n)
{
	ndr_buf_add(b, "[", 1);
	for (size_t i = 0; i < n; i++) {
		if (i)
			ndr_buf_add(b, ", ", 2);
		quoted(b, v[i]);
	}
	ndr_buf_add(b, "]", 1);
}

bool
ndr_rule_usable(const struct ndr_rule *r)
{
	return r->nsubjects > 0 || r->nlinks > 0 || r->nsenders > 0;
}

char *
ndr_rules_script(const struct ndr_rules_ctx *c, const struct ndr_rule *r,
    size_t n)
{
	struct ndr_buf b = { 0 };
	bool any = false;

	ndr_buf_printf(&b, "# ndrsweep: rules for backscatter campaigns, "
	    "written by `ndrsweep rules`;\n# edits are lost when it writes "
	    "them again. One rule a campaign.\nrequire [\"fileinto\", "
	    "\"body\"%s%s%s];\n", c->envelope ? ", \"envelope\"" : "",
	    c->date ? ", \"date\", \"relational\"" : "", c->mailbox ?
	    ", \"mailbox\"" : "");
	for (size_t i = 0; i < n; i++) {
		if (!ndr_rule_usable(&r[i]))
			continue;
		any = true;
		ndr_buf_printf(&b, "\n# campaign %lld", (long long)r[i].campaign);
		if (r[i].until)
			ndr_buf_printf(&b, ", until %s", r[i].until);
		ndr_buf_printf(&b, "\nif allof (\n    anyof (");
		if (c->envelope)
			ndr_buf_printf(&b, "envelope :is \"from\" \"\",\n"
			    "           ");
		ndr_buf_printf(&b, "address :localpart :is \"from\" "
		    "[\"mailer-daemon\", \"postmaster\"],\n"
		    "           header :contains \"content-type\" "
		    "\"multipart/report\"),\n");
		if (c->nexclude) {
			ndr_buf_printf(&b, "    not body :raw :contains ");
			string_list(&b, c->exclude, c->nexclude);
			ndr_buf_printf(&b, ",\n");
		}
		if (c->date && r[i].until) {
			ndr_buf_printf(&b, "    currentdate :value \"le\" "
			    "\"date\" ");
			quoted(&b, r[i].until);
			ndr_buf_printf(&b, ",\n");
		}
		ndr_buf_printf(&b, "    anyof (");
		bool first = true;
		if (r[i].nsubjects) {
			/* as the original's header line reads */
			struct ndr_strv sv = { 0 };
			for (size_t k = 0; k < r[i].nsubjects; k++) {
				struct ndr_buf s = { 0 };
				ndr_buf_printf(&s, "Subject: %s", r[i].subjects[k]);
				strv_add(&sv, s.s);
			}
			ndr_buf_printf(&b, "body :raw :contains ");
			string_list(&b, (const char *const *)sv.v, sv.n);
			strv_free(&sv);
			first = false;
		}
		if (r[i].nlinks) {
			ndr_buf_printf(&b, "%sbody :raw :contains ", first ? "" :
			    ",\n           ");
			string_list(&b, r[i].links, r[i].nlinks);
			first = false;
		}
		if (r[i].nsenders) {
			ndr_buf_printf(&b, "%sbody :raw :contains ", first ? "" :
			    ",\n           ");
			string_list(&b, r[i].senders, r[i].nsenders);
		}
		ndr_buf_printf(&b, "))\n{\n    fileinto %s", c->mailbox ?
		    ":create " : "");
		quoted(&b, c->folder);
		ndr_buf_printf(&b, ";\n    stop;\n}\n");
	}
	if (!any)
		ndr_buf_printf(&b, "\n# no campaign with a subject or a link "
		    "to recognise it by\n");
	return b.s;
}

/* A subject's words, in a new vector (spaces and tabs between). */
static void
words(const char *s, struct ndr_strv *out)
{
	while (s && *s) {
		s += strspn(s, " \t");
		size_t n = strcspn(s, " \t");
		if (n == 0)
			break;
		strv_add(out, xstrndup(s, n));
		s += n;
	}
}

/* Reply and forward marks: they say nothing of a campaign. */
static bool
mark_word(const char *w)
{
	return strcasecmp(w, "re:") == 0 || strcasecmp(w, "fw:") == 0 ||
	    strcasecmp(w, "fwd:") == 0 || strcasecmp(w, "aw:") == 0 ||
	    strcasecmp(w, "wg:") == 0 || strcasecmp(w, "tr:") == 0;
}

/* A subject's beginning as a rule names it, in b; false when there is
 * none worth naming. */
static bool
prefix_of(const char *subject, struct ndr_buf *b)
{
	struct ndr_strv w = { 0 };
	size_t said = 0;

	words(subject, &w);
	for (size_t k = 0; k < w.n && k < 3; k++) {
		if (strpbrk(w.v[k], "0123456789"))
			break;		/* a number of this message's own */
		ndr_buf_printf(b, "%s%s", k ? " " : "", w.v[k]);
		if (!mark_word(w.v[k]))
			said += strlen(w.v[k]);
	}
	strv_free(&w);
	return b->len >= 5 && said >= 4;
}

/* Keys counted: each once in keys, found again by its hash. */
struct tally {
	struct ndr_strv	 keys;
	size_t		*count;
	struct ndr_map	 at;	/* hash -> index + 1 */
};

/* key (a new string, taken) counted once more */
static void
tally_add(struct tally *t, struct ndr_buf *key)
{
	int64_t *at = ndr_map_slot(&t->at, ndr_token("key", key->s), true);
	size_t j = *at ? (size_t)*at - 1 : t->keys.n;

	if (*at && strcmp(t->keys.v[j], key->s) != 0)
		/* two keys of one hash: looked for one by one */
		for (j = 0; j < t->keys.n && strcmp(t->keys.v[j], key->s);
		    j++)
			;
	if (j == t->keys.n) {
		strv_add(&t->keys, key->s);
		t->count = xreallocarray(t->count, t->keys.n, sizeof *t->count);
		t->count[j] = 0;
		if (*at == 0)
			*at = (int64_t)j + 1;
	} else
		ndr_buf_free(key);
	t->count[j]++;
}

/* The keys counted at least least times, the most used first, at most
 * max, to out; the tally freed; how many. */
static size_t
most_used(struct tally *t, size_t least, struct ndr_strv *out, size_t max)
{
	size_t added = 0;

	while (added < max) {
		size_t best = t->keys.n;
		for (size_t j = 0; j < t->keys.n; j++)
			if (t->count[j] >= least && (best == t->keys.n ||
			    t->count[j] > t->count[best]))
				best = j;
		if (best == t->keys.n)
			break;
		strv_add(out, xstrdup(t->keys.v[best]));
		t->count[best] = 0;
		added++;
	}
	strv_free(&t->keys);
	free(t->count);
	ndr_map_free(&t->at);
	return added;
}

size_t
ndr_sender_keys(const char *const *received, size_t n, struct ndr_strv *out,
    size_t max)
{
	struct tally t = { 0 };
	char ip[64];

	for (size_t i = 0; i < n; i++) {
		struct ndr_buf b = { 0 };
		/* private addresses too: what counts is that the run's
		 * reports share it, and only reports are ever taken */
		if (!ndr_first_sender(received[i], ip, sizeof ip))
			continue;
		/* as Received fields write it ("[IPv6:...]" keeps the
		 * address, which is what is looked for) */
		ndr_buf_printf(&b, strchr(ip, ':') ? "%s]" : "[%s]", ip);
		tally_add(&t, &b);
	}
	return most_used(&t, 2, out, max);
}

size_t
ndr_subject_prefixes(const char *const *subjects, size_t n,
    const char *const *avoid, size_t navoid, struct ndr_strv *out, size_t max)
{
	struct tally t = { 0 };

	for (size_t i = 0; i < n; i++) {
		struct ndr_buf b = { 0 };
		bool ok = prefix_of(subjects[i], &b);
		for (size_t a = 0; ok && a < navoid; a++)
			ok = avoid[a] == NULL || strncasecmp(avoid[a], b.s,
			    b.len) != 0;
		if (!ok) {
			ndr_buf_free(&b);
			continue;
		}
		tally_add(&t, &b);
	}
	return most_used(&t, 1, out, max);
}
